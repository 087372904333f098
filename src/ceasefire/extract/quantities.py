"""Numbers in words and digits, counts of attacks, and fatalities and injured, with ACLED's conventions.

Vague quantities keep their word (`vague_casualties`). A number is given to one only where a convention asks for
it; the ACLED-compatible fields follow ACLED's conservative reading of a vague total, the smallest number the word
can mean: "dozens" -> 12, "tens" -> 10, "hundreds" -> 100, "thousands" -> 1000, "several" / "a few" -> 3.
Words with no such reading ("scores", "many", "numerous", "heavy losses") give no number, only the word.
"""
from __future__ import annotations

import re

_UNITS = {"zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
          "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
          "ninety": 90, "both": 2, "another": 1, "dozen": 12, "couple": 2}
VAGUE = {"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1000, "several": 3, "few": 3, "multiple": 2}
# Vague words with no conventional number: kept as words, never counted.
VAGUE_ONLY = ("scores", "many", "numerous", "countless", "heavy", "significant", "massive", "mass", "large")

_NUMBER_WORD = "|".join(sorted(list(_UNITS) + list(VAGUE), key=len, reverse=True))
NUMBER = (r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:(?:" + _NUMBER_WORD + r")(?:[\s-](?:one|two|three|four|five|six|seven|"
          r"eight|nine|hundred|thousand))*))")
_QUALIFIER = r"(?:(?:at\s+least|more\s+than|over|about|around|nearly|almost|some|up\s+to|approximately|" \
             r"a\s+total\s+of|another|an\s+additional)\s+)?"

COUNT_NOUNS = (r"attacks?|assaults?|strikes?|airstrikes?|air\s+strikes?|drones?|UAVs?|missiles?|shells?|rounds?|"
               r"explosions?|ceasefire\s+violations?|violations?|times|combat\s+engagements?|clashes|engagements?|"
               r"offensive\s+actions?|attempts?|bombs?|rockets?|projectiles?|munitions?|sorties|raids?|shellings?")
_COUNT = re.compile(r"\b(" + _QUALIFIER + r")(" + NUMBER + r")\s++(?:[\w-]++\s++){0,3}?(" + COUNT_NOUNS + r")\b",
                    re.IGNORECASE)

PERSON_NOUNS = (r"people|persons?|civilians?|residents?|soldiers?|servicem[ae]n|servicewom[ae]n|troops|fighters?|"
                r"militants?|rebels?|members?|men|women|children|child|boys?|girls?|teenagers?|officers?|"
                r"policem[ae]n|volunteers?|workers?|employees?|staff|combatants?|personnel|militiam[ae]n|"
                r"guards?|pilots?|crew|individuals?|others?|adults?|passengers?|journalists?|medics?|"
                r"mercenaries|nationalists|militia|sappers|pensioners?|elderly|farmers?|drivers?|victims?|"
                r"deminers?|firefighters?|rescuers?|infants?|minors?|dead|bodies|inhabitants|locals?|"
                r"man|woman|person|teachers?|doctors?|nurses?|priests?|officials?|mayors?|students?|miners?|"
                r"engineers?|paramedics?|guardsm[ae]n|commanders?|electricians?|shoppers?|patients?|relatives?|"
                r"sons?|daughters?|mothers?|fathers?|husbands?|wives|wife|grandmothers?|grandfathers?|family\s+members?")
# One person named by role ("the mayor", "a driver"): counted as one in a casualty clause.
_ONE_PERSON = re.compile(r"\b(?:the|a|an|one|his|her|their|its)\s+(?:[\w'’-]+\s+){0,2}?"
                         r"(?:man|woman|person|boy|girl|child|mayor|governor|head|driver|teacher|doctor|nurse|priest|"
                         r"official|commander|soldier|serviceman|civilian|resident|volunteer|journalist|pensioner|"
                         r"policeman|officer|worker|farmer|son|daughter|mother|father|husband|wife)\b", re.IGNORECASE)
_KILLED = r"(?:killed|dead|died|perished|slain|lost\s+their\s+lives|lost\s+his\s+life|lost\s+her\s+life|fatally\s+wounded|fatally\s+injured)"
_INJURED = r"(?:wounded|injured|hurt|hospitali[sz]ed)"


def parse_number(text: str) -> int | None:
    """'five' -> 5, '1,200' -> 1200, 'twenty-five' -> 25, 'dozens' -> 12; None if not a number."""
    t = text.lower().strip().replace(",", "")
    if t.isdigit():
        return int(t)
    if t in VAGUE:
        return VAGUE[t]
    total, current = 0, 0
    for word in re.split(r"[\s-]+", t):
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return total + current


_INTERCEPTED = re.compile(r"\b(?:shot\s+down|intercepted|destroyed|downed|neutrali[sz]ed)\s+" + _QUALIFIER + r"(" + NUMBER
                          + r")\b|\b(" + NUMBER + r")\s+(?:of\s+(?:them|which|these)\s+|of\s+\d+\s+\w+\s+)?"
                          r"(?:were|was|had\s+been|have\s+been)\s+(?:\w+\s+)?(?:shot\s+down|intercepted|destroyed|"
                          r"downed|neutrali[sz]ed)", re.IGNORECASE)


def find_count(text: str, intercept: bool = False) -> int | None:
    """The first count of attacks, strikes, drones … in a clause ("five attacks", "at least 25 times").

    For an interception the count is of what was brought down ("56 of 117 drones were shot down" -> 56).
    """
    if intercept:
        m = _INTERCEPTED.search(text)
        value = parse_number(m.group(1) or m.group(2)) if m else None
        if value:
            return value
    m = _COUNT.search(text)
    if not m:
        return None
    value = parse_number(m.group(2))
    if value in (None, 0) or (m.group(2).lower() in ("a", "an") and m.group(3).lower() == "times"):
        return None
    return value


_PERSON_NUM = re.compile(r"\b" + _QUALIFIER + r"(" + NUMBER + r")\s++(?:[\w'’-]++\s++){0,4}?(?:" + PERSON_NOUNS + r")\b",
                         re.IGNORECASE)
_BARE_NUM_BEFORE = re.compile(r"\b(" + NUMBER + r")(?:\s+(?:were|was|have\s+been|had\s+been|are|is))?"
                              r"(?:\s+reportedly)?\s*$", re.IGNORECASE)
_TOLL = re.compile(r"death\s+toll\s+(?:\w+\s+){0,4}?(?:to|of|at)\s+" + _QUALIFIER + r"(" + NUMBER + r")",
                   re.IGNORECASE)
_NUM_KILLED = re.compile(r"\b" + _QUALIFIER + r"(" + NUMBER + r")\s+(?:killed|dead|deaths|fatalities)\b", re.IGNORECASE)


# "20 people, among them three children": the three are part of the twenty, not more.
_SUBSET = re.compile(r"(?:,\s*+|\(\s*+|(?<!\s)\s++)(?:among\s+them|among\s+whom|including|of\s+whom|of\s+them)\b[^,;)]*[,;)]?",
                     re.IGNORECASE)


def _count_people(clause: str, outcome: str) -> int | None:
    """Sum the people counted in a clause that ends in `outcome` ("one soldier and three rebels were killed")."""
    clause = _SUBSET.sub(" ", clause)
    total = 0
    found = False
    numbered: list[tuple[int, int]] = []
    for m in _PERSON_NUM.finditer(clause):
        value = parse_number(m.group(1))
        if value is not None:
            total += value
            found = True
            numbered.append((m.start(), m.end()))
    for m in _ONE_PERSON.finditer(clause):  # "the mayor and two volunteers": the mayor counts as one
        if m.group(0).split()[0].lower() not in ("a", "an", "one") \
                and not any(s <= m.start() < e for s, e in numbered):
            total += 1
            found = True
    if not found and re.fullmatch(r"\s*(?:and\s+)?(?:he|she)\s*", clause, re.IGNORECASE):
        return 1  # "…; he died of his wounds"
    if not found:
        bare = _BARE_NUM_BEFORE.search(clause)
        if bare and parse_number(bare.group(1)) is not None:
            return parse_number(bare.group(1))
    return total if found else None


_SPEECH = re.compile(r"(?<!were )(?<!was )(?<!been )(?<!being )"
                     r"\b(?:said|says|told(?:\s+\w+)?|reported|added|stated|announced|wrote|claimed|confirmed)\b"
                     r"(?:\s+that)?", re.IGNORECASE)  # not "were reported killed": that is the outcome's
_AUXILIARY = re.compile(r"(?<!\s)\s*+(?:were|was|have|has|had|got|are|is|being)\b", re.IGNORECASE)
_ACTIVE_OBJECT = re.compile(r"(?<!\s)\s++(?:" + NUMBER + r"|the|his|her|their|its|at\s+least|more\s+than|about|some)\b",
                            re.IGNORECASE)


def _casualties(text: str, outcome_rx: str, verb_forms: str) -> int | None:
    """Casualties of one kind (killed or injured) stated in `text`, summed over its statements."""
    total, found = 0, False
    outcome = re.compile(r"\b(?:were|was|have\s+been|has\s+been|had\s+been|got|are|is|being)?\s*(?:reportedly\s+)?"
                         + outcome_rx + r"\b", re.IGNORECASE)
    consumed: list[tuple[int, int]] = []
    for m in outcome.finditer(text):
        if _ACTIVE_OBJECT.match(text, m.end()) and not _AUXILIARY.match(m.group(0)):
            consumed.append((m.start(), m.end()))
            continue  # "injured a woman and killed two": an active verb's victims follow it (the loop below)
        # The clause that leads to the outcome word: back to the previous sentence break or outcome.
        left = max(text.rfind(".", 0, m.start()), text.rfind(";", 0, m.start()), text.rfind(":", 0, m.start()),
                   max((e for _s, e in consumed if e <= m.start()), default=-1))
        clause = text[left + 1:m.start()]
        # "and five wounded" after "killed": only the part after the last outcome word counts.
        clause = re.split(r"\b(?:killed|wounded|injured|dead)\b", clause, flags=re.IGNORECASE)[-1]
        # "The governor said two people were injured": who speaks is not among the casualties.
        clause = _SPEECH.split(clause)[-1]
        value = _count_people(clause, outcome_rx)
        if value is not None:
            total += value
            found = True
        consumed.append((m.start(), m.end()))
    counted: list[tuple[int, int]] = []
    for m in re.finditer(r"\b(?:" + verb_forms + r")\s+" + _QUALIFIER + r"(" + NUMBER + r")(?:\s+(?:[\w'’-]+\s+){0,3}?(?:"
                         + PERSON_NOUNS + r")\b|(?=\s*(?:[.,;)]|and\b|$)))", text, re.IGNORECASE):
        value = parse_number(m.group(1))
        if value is not None:
            total += value
            found = True
            counted.append((m.start(), m.end()))
    # "killed the mayor and two volunteers": the object of the verb, counted person by person.
    for m in re.finditer(r"\b(?:" + verb_forms + r")\s+(?P<object>(?:the|a|an|his|her|their)\s[^.;,]{0,60}?)"
                         r"(?=\s+(?:in|near|on|at|when|while|after|during|and\s+(?:wounded|injured|wounding|injuring))"
                         r"\b|[.;,]|$)", text, re.IGNORECASE):
        if any(s <= m.start() < e for s, e in counted):
            continue
        value = _count_people(m.group("object"), outcome_rx)
        if value is not None:
            total += value
            found = True
    return total if found else None


_NONE_DEAD = re.compile(r"\b(?:no\s+(?:one|body)\s+was\s+(?:killed|hurt|injured)|nobody\s+was\s+(?:killed|hurt|injured)|"
                        r"no\s+(?:casualties|deaths|fatalities|victims)|without\s+casualties|caused\s+no\s+casualties|"
                        r"no\s+one\s+died|nobody\s+died)\b", re.IGNORECASE)
_NONE_HURT = re.compile(r"\b(?:no\s+(?:one|body)\s+was\s+(?:hurt|injured|wounded)|nobody\s+was\s+(?:hurt|injured|wounded)|"
                        r"no\s+(?:casualties|injuries|victims)|without\s+casualties|caused\s+no\s+casualties)\b",
                        re.IGNORECASE)


def _plain(text: str) -> str:
    """The text with ACLED's bracketed remarks dropped and fixed phrases put as numbers: "a dozen" is 12;
    "claimed the lives of two" is "killed two"."""
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:a|one)\s+dozen\b", "12", text, flags=re.IGNORECASE)
    return re.sub(r"\bclaim(?:ed|ing)?\s+the\s+lives?\s+of\b", "killed", text, flags=re.IGNORECASE)


def find_fatalities(text: str) -> int | None:
    """People killed in a passage, or None when the passage states no figure.

    ACLED's notes say in brackets how a reported total was split between events: a number of fatalities
    "coded to this event" is this event's figure; a split among several events without such a number means
    this event carries none.
    """
    coded = re.search(r"(" + NUMBER + r")\s+fatalit(?:y|ies)\s+coded\s+to\s+this\s+event", text, re.IGNORECASE)
    if coded:
        return parse_number(coded.group(1))
    if re.search(r"fatalit(?:y|ies)\s+split\s+(?:among|across|over|between)", text, re.IGNORECASE):
        return 0
    text = _plain(text)
    toll = _TOLL.search(text)
    if toll:
        return parse_number(toll.group(1))
    value = _casualties(text, _KILLED, r"killing|killed|kills|shot\s+dead|shooting\s+dead|shot\s+and\s+killed|"
                                       r"executed|executing|murdered|murdering")
    if value is None:
        m = _NUM_KILLED.search(text)
        value = parse_number(m.group(1)) if m else None
    if value is None and _NONE_DEAD.search(text):
        return 0  # said to be none: not the same as not said
    return value


_VAGUE_FIGURE = re.compile(
    r"\b(?P<word>" + "|".join(list(VAGUE) + list(VAGUE_ONLY)) + r"|a\s+few)\s+(?:of\s+)?(?:(?:the|our|their|local)\s+)?"
    r"(?P<noun>" + PERSON_NOUNS + r"|losses|casualties)\b(?P<after>[^.;]{0,40})", re.IGNORECASE)


def vague_casualties(text: str) -> tuple[str | None, str | None]:
    """The vague words of the dead and of the injured in a passage ("scores of civilians dead" -> "scores";
    "heavy losses" -> "heavy losses"), kept as written; (None, None) when the figures are exact or absent."""
    dead = hurt = None
    text = re.sub(r"\[[^\]]*\]", " ", text)
    for m in _VAGUE_FIGURE.finditer(text):
        word = f"{m.group('word')} {m.group('noun')}" if m.group("noun").lower() in ("losses", "casualties") \
            else m.group("word")
        around = text[max(0, m.start() - 30):m.start()] + m.group("after")
        if m.group("noun").lower() in ("losses", "casualties") or re.search(_KILLED, around, re.IGNORECASE):
            dead = dead or word.lower()
        elif re.search(_INJURED, around, re.IGNORECASE):
            hurt = hurt or word.lower()
    return dead, hurt


def find_injured(text: str) -> int | None:
    """People wounded or injured in a passage, or None when no figure is stated."""
    text = _plain(text)
    value = _casualties(text, _INJURED, r"wounding|wounded|injuring|injured")
    return 0 if value is None and _NONE_HURT.search(text) else value


_AGGREGATE = re.compile(r"\b(?P<qualifier>" + _QUALIFIER + r")(?P<count>" + NUMBER + r")\s+(?:[\w-]+\s+){0,2}?"
                        r"(?P<noun>breach(?:es)?|(?:ceasefire\s+)?violations?|attacks?|strikes?|shellings?)\b",
                        re.IGNORECASE)


def find_aggregate(text: str) -> tuple[int, str, str | None] | None:
    """A count of acts in aggregate in what a side says ("more than 40 breaches") as (count, noun, qualifier),
    if there is one of at least two (one act is told as an incident, not a tally)."""
    m = _AGGREGATE.search(text)
    count = parse_number(m.group("count")) if m else None
    if m is None or count is None or count < 2:
        return None
    return count, m.group("noun").lower(), m.group("qualifier").strip().lower() or None
