"""Which language a text is written in, so that no text is read by another language's rules.

Steps:
1. Mostly Cyrillic letters (four in five, or half without English words): Ukrainian when its own letters (і ї є ґ) outnumber Russian ones (ы э ъ ё), else Russian.
2. Latin letters: English when English function words make up at least ENGLISH_SHARE of the words (headlines
   and place lists are mostly names, which the statistical model cannot place), or the text is too short to tell,
   or it is plain ASCII with some English function words and none of another language's.
3. Otherwise py3langid's model (its data ships in the wheel: nothing is downloaded), limited to CANDIDATES, and only
   when it is at least MIN_PROBABILITY sure; else English.

    >>> detect_language("Ryska styrkor besköt Cherson på måndagen och två personer skadades.")
    'sv'
"""
from __future__ import annotations

import re
from functools import lru_cache

READ = ("en", "ru", "uk")  # the languages the extractor reads
# Languages a monitoring team may meet; the model's many others (Nigerian Pidgin, Luganda …) only add noise
# on English notes full of Ukrainian place names (18 of 999 ACLED notes were 'pcm' without this list).
CANDIDATES = ("en ru uk be de fr es it pt pl nl sv no da fi cs sk hu ro bg sr hr sl lt lv et el tr ar he zh ja ko "
              "fa ka hy az kk").split()
MIN_WORDS = 5
MIN_PROBABILITY = 0.9
# Calibrated on the dev texts: ACLED notes, UCDP headlines, US statements and news excerpts all reach 0.08 or more;
# a German, Polish or Swedish sentence of ten words has at most one word from the list ("in", "a").
ENGLISH_SHARE = 0.08
_ENGLISH_WORDS = frozenset("the of and in on to a an was were is are by with for from at that this has have had "
                           "said near after its their his her it as be been into against which who during while "
                           "off up down out".split())
_WORD = re.compile(r"[^\W\d_]+")
# Frequent function words of the other Latin-script languages a team may meet, none of them an English word: a
# text with English function words, no letters outside ASCII and none of these is English without asking the model
# (whose loading costs more than reading a hundred notes).
_OTHER_FUNCTION_WORDS = frozenset(
    "der das und ist nicht eine mit auf für von dem sich auch "          # German
    "le la les et est une des du dans pour que qui sur avec pas "        # French
    "el los las y es una del por con para "                              # Spanish
    "il gli della di che è per non "                                     # Italian
    "os um uma não com do da "                                           # Portuguese
    "het een van en niet met voor zijn "                                 # Dutch
    "och att det är som på för inte og er ikke "                         # Swedish, Norwegian, Danish
    "w z na się jest nie że "                                            # Polish
    "je se že ve "                                                       # Czech, Slovak
    "și în este cu pe "                                                  # Romanian
    "az és hogy nem".split())                                            # Hungarian


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier  # the package's own loader of its bundled model

    return _load_identifier(norm_probs=True, langs=CANDIDATES)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language (see module docstring)."""
    sample = text[:5000]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in sample)
    letters = sum(c.isalpha() for c in sample)
    words = [w.lower() for w in _WORD.findall(sample)]
    english = sum(w in _ENGLISH_WORDS for w in words) >= ENGLISH_SHARE * len(words)
    if letters and (cyrillic > 0.8 * letters or cyrillic > letters / 2 and not english):
        ukrainian = sum(c in "іїєґІЇЄҐ" for c in sample)
        russian = sum(c in "ыэъёЫЭЪЁ" for c in sample)
        return "uk" if ukrainian > russian else "ru"
    if len(words) < MIN_WORDS or english:
        return "en"
    if sample.isascii() and any(w in _ENGLISH_WORDS for w in words) \
            and not any(w in _OTHER_FUNCTION_WORDS for w in words):
        return "en"  # few function words (a note of names and numbers), but English ones only
    language, probability = _identifier().classify(sample)
    return language if probability >= MIN_PROBABILITY else "en"
