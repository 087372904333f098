"""Russian and Ukrainian morphology from pymorphy3's dictionaries (shipped in their wheels: nothing is downloaded):
numerals in any case, and the nominative of a place name written in another case ("по Запоріжжю" -> Запоріжжя)."""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=2)
def analyzer(language: str):
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


@lru_cache(maxsize=8192)
def name_forms(word: str) -> tuple[str, ...]:
    """The word as written, then its nominatives as a name (geographical readings first), in both languages."""
    forms = [word]
    for language in ("uk", "ru"):
        parses = sorted(analyzer(language).parse(word), key=lambda p: "Geox" not in str(p.tag))
        for parse in parses[:3]:
            if parse.tag.POS in ("NOUN", "ADJF"):
                form = parse.normal_form.replace("’", "'")
                form = form[:1].upper() + form[1:]
                if form not in forms:
                    forms.append(form)
    # Ukrainian closes a final syllable's о/е into і in the nominative ("Рогу" -> Ріг, "Миргорода" -> Миргород is
    # regular, "Кременя" -> Кремінь): what the dictionary does not know of a name, this alternation may give.
    for form in list(forms[1:]):
        alternated = _CLOSED_O_E.sub("і", form)
        if alternated != form and alternated not in forms:
            forms.append(alternated)
    return tuple(forms)


_CLOSED_O_E = re.compile(r"[ое](?=[бвгґджзклмнпрстфхцчшщ]ь?$)")
