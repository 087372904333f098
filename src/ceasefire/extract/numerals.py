"""Numbers written in Russian and Ukrainian statements: digits with spaces between thousands ("1 650") and words in
any case ("сім", "трьох", "двадцять п'ять", "двоє", "пятью"), read through pymorphy3's dictionaries (they ship in
their wheels: nothing is downloaded).

    >>> count_of("двадцять п'ять")
    25
    >>> count_of("1 650")
    1650
"""
from __future__ import annotations

import re
from functools import lru_cache

from ceasefire.extract.morph import analyzer

# Lemmas of cardinal and collective numerals, both languages.
VALUES = {
    "один": 1, "одна": 1, "одно": 1, "одне": 1, "два": 2, "дві": 2, "две": 2, "двоє": 2, "двое": 2, "три": 3,
    "троє": 3, "трое": 3, "чотири": 4, "четыре": 4, "четверо": 4, "п'ять": 5, "пять": 5, "п'ятеро": 5, "пятеро": 5,
    "шість": 6, "шесть": 6, "шестеро": 6, "сім": 7, "семь": 7, "семеро": 7, "вісім": 8, "восемь": 8, "дев'ять": 9,
    "девять": 9, "десять": 10, "одинадцять": 11, "одиннадцать": 11, "дванадцять": 12, "двенадцать": 12,
    "тринадцять": 13, "тринадцать": 13, "чотирнадцять": 14, "четырнадцать": 14, "п'ятнадцять": 15,
    "пятнадцать": 15, "шістнадцять": 16, "шестнадцать": 16, "сімнадцять": 17, "семнадцать": 17,
    "вісімнадцять": 18, "восемнадцать": 18, "дев'ятнадцять": 19, "девятнадцать": 19, "двадцять": 20,
    "двадцать": 20, "тридцять": 30, "тридцать": 30, "сорок": 40, "п'ятдесят": 50, "пятьдесят": 50,
    "шістдесят": 60, "шестьдесят": 60, "сімдесят": 70, "семьдесят": 70, "вісімдесят": 80, "восемьдесят": 80,
    "дев'яносто": 90, "девяносто": 90, "сто": 100, "двісті": 200, "двести": 200, "триста": 300,
    "чотириста": 400, "четыреста": 400, "п'ятсот": 500, "пятьсот": 500, "шістсот": 600, "шестьсот": 600,
    "сімсот": 700, "семьсот": 700, "вісімсот": 800, "восемьсот": 800, "дев'ятсот": 900, "девятьсот": 900,
    "обидва": 2, "обидві": 2, "оба": 2, "обе": 2, "двічі": 2, "дважды": 2, "тричі": 3, "трижды": 3,
}
MULTIPLIERS = {"тисяча": 1000, "тысяча": 1000, "десяток": 10, "сотня": 100}
# Words before a number that qualify it: the count is the number ("понад 20" is 20).
QUALIFIERS = r"(?:не\s+менее|не\s+менш\w*|понад|близько|щонайменше|приблизно|майже|около|более|свыше|почти|до)"
# A number in a frame's pattern: digits (thousands may be set apart by a space), or numeral words. The word stems
# only decide where a number may be; its value comes from the dictionary lemma.
_STEMS = (r"од[иі]н|одн[аоеуіиі]|дв|тр[иіьоеё]|чотир|четыр|четвер|п['’]?ят|шіст|шест|сім|сем|вісім|восем|восьм|"
          r"дев['’]?ят|девят|десят|сорок|сто|двіст|двест|трист|тисяч|тысяч|обидв|оба|обе|двічі|дважд|тричі|трижд|сотн")
_WORD = rf"(?:{_STEMS})[\w'’]*"
NUMBER = rf"(?:{QUALIFIERS}\s+)?(?<![\w'’:.])(?:\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?!\d)|\d+|{_WORD}(?:\s+{_WORD}){{0,3}})"


@lru_cache(maxsize=4096)
def _value(word: str) -> int | None:
    word = word.lower().replace("’", "'")
    if word in VALUES or word in MULTIPLIERS:
        return VALUES.get(word) or MULTIPLIERS[word]
    for lang in ("uk", "ru"):
        for parse in analyzer(lang).parse(word):  # the numeral reading, not the likeliest ("сім" is also "сей")
            lemma = parse.normal_form.replace("’", "'")
            if lemma in VALUES or lemma in MULTIPLIERS:
                return VALUES.get(lemma) or MULTIPLIERS[lemma]
    return None


def count_of(phrase: str | None) -> int | None:
    """The number a phrase writes (its numeral words from the start), or None when it is not one."""
    if not phrase:
        return None
    digits = re.sub(r"[ \u00a0\u202f]", "", phrase)
    if digits.isdigit():
        return int(digits)
    total, part = 0, 0
    phrase = re.sub(rf"^{QUALIFIERS}\s+", "", phrase.strip(), flags=re.IGNORECASE)
    digits = re.sub(r"[ \u00a0\u202f]", "", phrase)
    if digits.isdigit():
        return int(digits)
    for word in phrase.split():
        value = _value(word)
        if value is None:
            break
        if value in MULTIPLIERS.values():  # "дві тисячі", "два десятки"
            total, part = total + (part or 1) * value, 0
        else:
            part += value
    return total + part or None
