"""Place mentions in incident text: the place of the event as written, before geocoding.

The place of the event is the one governed by a locative preposition ("near Sudzha", "in Kharkiv"),
not a place inside a speaker's name ("Kyiv's general staff"). An oblast or district written after the
name ("near Vodyane, Donetsk", "in Pokrovka, Sumy region") is kept with it as a hint for disambiguation.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ceasefire.extract.lexicon import lexicon

_NAME = r"[A-Z][\w'’-]*(?:[\s-](?:[A-Z][\w'’-]*|(?:na|nad|pid|u|v|de)(?=[\s-][A-Z])))*"
_PREP = (r"(?:near|in|at|outside|around|on\s+the\s+outskirts\s+of|outskirts\s+of|into|towards?|over|from|"
         r"in\s+(?:close\s+)?proximity\s+to|close\s+to|next\s+to|in\s+the\s+(?:area|direction)\s+of|"
         r"on|the\s+(?:village|town|city|settlement|area|district|community)\s+of|(?:village|town|city)\s+of|"
         r"direction\s+of|vicinity\s+of|of)")
_MENTION = re.compile(r"\b(?P<prep>" + _PREP + r")\s+(?:the\s+)?(?:(?:village|town|city|settlement|"
                      r"urban-type\s+settlement)\s+(?:of\s+)?)?(?P<name>" + _NAME + r")"
                      r"(?P<district>\s+-\s+[A-Z][\w'’-]+)?"
                      r"(?P<hint>,\s+(?:the\s+)?[A-Z][\w'’-]+(?:\s+(?:region|oblast|Oblast|Region|raion|district|"
                      r"province|People's\s+Republic))?|\s+in\s+the\s+[A-Z][\w'’-]+\s+(?:region|oblast|Oblast|Region)|"
                      r"\s+(?:region|oblast|Oblast|Region|raion|district))?")
_STOP = {"Russian", "Ukrainian", "Russia's", "Ukraine's", "Russia", "Ukraine", "The", "A", "An", "On", "In", "During", "According",
         "Military", "Forces", "Armed", "Government", "Ministry", "General", "Staff", "January", "February",
         "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
         "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "NAF", "DPR", "LPR",
         "OSCE", "SMM", "UN", "EU", "NATO", "US", "Casualties", "Interception", "Telegram", "Facebook", "X",
         "Twitter", "Reuters", "TASS", "Interfax", "Kremlin", "President", "Defence", "Defense", "Air",
         "Force", "Navy", "Security", "Service", "National", "Guard", "State", "Emergency", "Police", "I",
         "Ukrinform", "Suspilne", "RIA", "Novosti", "BBC", "CNN", "AP", "AFP", "He", "She", "They", "It",
         "His", "Her", "Their", "Its", "This", "That", "These", "Those", "UAV", "UAVs", "MoD", "Shahed",
         "Shaheds", "Grad", "Iskander", "Kalibr", "Kinzhal", "HIMARS", "FPV", "KAB", "KABs", "Geran"}
_FACILITY_AFTER = re.compile(r"(?<!\s)\s++(?:(?:steel|iron|oil|power|thermal|chemical|coke|shopping|railway|tractor|"
                             r"metallurgical|machine-building|aircraft|car|glass|cement)\s+)?"
                             r"(?:factory|plant|works|mall|airport|airfield|refinery|combine)\b")
_FEATURE_AFTER = re.compile(r"(?<!\s)\s++(?:River|Street|St\.|Park|Avenue|Square|Lane|Road|Highway|Boulevard|Prospekt|"
                            r"Embankment|Bridge|Station|Patriarchate|Church|Cathedral|Monastery|Lavra|Plant|Factory|"
                            r"Mall|Hotel|Stadium|School|University|Hospital|Market|Reservoir|Lake|Canal|Forest|"
                            r"Poshta|Airport|Port|Palace|Museum|Temple|Ln|Hall|Theatre|Theater|Zoo)\b")
_MEASURED_BEFORE = re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty))"
                              r"\s*(?:km|kilomet\w+)(?:\s+(?:north|south)?[\s-]?(?:east|west)?)?\s+\Z", re.I)
_NEAR_PREPS = {"near", "outside", "around", "outskirts", "vicinity", "proximity", "close", "next"}
_DIRECTION_BEFORE = re.compile(r"\b(?:north|south|east|west)(?:ern)?(?:[\s-]?(?:east|west)(?:ern)?)?\s+\Z", re.I)
_NAME_BEFORE = re.compile(r"(?<![\w'’-])(?P<name>[A-Z][\w'’-]++(?:\s[A-Z][\w'’-]++)?)(?:\s+(?:village|town|settlement|city))?"
                          r"\s*,?\s+(?:(?:on|in|at)\s+the\s+)?(?:(?:north|south|east|west)(?:ern)?[\s-]*)*\Z")
_MARKED_SETTLEMENT = re.compile(r"(?<![\w'’-])(?P<name>[A-Z][\w'’-]++(?:\s[A-Z][\w'’-]++)?)(?=\s+"
                                r"(?:village|town|settlement|hamlet)\b)|\b(?:village|town|settlement|hamlet)\s+"
                                r"(?:of\s+)?(?P<after>[A-Z][\w'’-]++(?:\s[A-Z][\w'’-]++)?)")
_CITY_DISTRICT = re.compile(r"(?<![\w-])(?P<city>[A-Z][\w-]++)['’]s\s+(?P<district>[A-Z][\w-]++)\s+"
                            r"(?:district|raion|neighbou?rhood|quarter)\b"
                            r"|(?<![\w-])(?P<district2>[A-Z][\w-]++)\s+district(?:/suburb)?\s+of\s+(?P<city2>[A-Z][\w-]++)")
_CYR_NAME = (r"[А-ЯЁІЇЄҐ][а-яёіїєґ'’ʼ-]+(?:[\s-][А-ЯЁІЇЄҐ][а-яёіїєґ'’ʼ-]+(?![\w'’ʼ-])"
             r"(?!\s+(?i:област\w*|обл\.?|кра[йюяе])))?")  # "Степовое Запорожской области": one word
# Ukrainian and Russian locative phrases; a region in the genitive after the name is kept as its hint.
_CYR_MENTION = re.compile(
    r"(?<![\w-])(?i:(?P<near>біля|поблизу|неподалік\s+від|в\s+районі|в\s+районе|в\s+окрестностях|около|возле|"
    r"вблизи|под|під|на\s+околиці|на\s+окраине)|в|у|ув|во|на|над|по|з|із|из)\s+"
    r"(?:(?i:населенн\w+\s+пункт\w*|н\.\s?п\.|сел[оаіу]|селищ\w*|посел\w*|міст[оаі]|город\w*|смт)\s+)?«?"
    r"(?P<name>" + _CYR_NAME + r")»?"
    r"(?P<region>\s+(?i:област\w*|обл\.?|кра[йюяе]))?"
    r"(?P<hint>\s+[А-ЯЁІЇЄҐ][\w'’-]+\s+(?i:област\w*|обл\.?))?")
_REGION_HINT = re.compile(r"(?:region|oblast|province|област|обл\b|кра[йюяе])", re.I)
_REGION_AFTER = re.compile(r"(?<!\s)\s++(?:region|oblast|Oblast|Region|province|област\w*|обл\.?)(?![\w])")
_REGION_WORDS = re.compile(r"\b(?:Oblast|Region|Raion|District|Obl)\b", re.I)
_SECTOR_AFTER = re.compile(r"(?<!\s)\s++(?:sector|direction|axis)\b")
_CITY_AFTER = re.compile(r"(?<!\s)\s++of\s+(?:the\s+city\s+of\s+)?([A-Z][\w'’-]+)")
_PREP_RANK = {"proximity": 0, "close": 0, "next": 0, "near": 0, "in": 1, "at": 1, "outside": 0, "around": 0, "village": 0, "town": 0, "city": 0,
              "settlement": 0, "outskirts": 0, "vicinity": 0}


@dataclass(frozen=True)
class PlaceMention:
    name: str
    hint: str | None
    start: int
    prep: str = "in"

    @property
    def near(self) -> bool:
        """Written as near the place, not in it (ACLED precision 2)."""
        return self.prep in ("near", "outside", "around", "outskirts", "vicinity", "direction", "towards", "toward",
                             "proximity", "close", "next")

    def as_text(self) -> str:
        return f"{self.name}, {self.hint}" if self.hint else self.name


_Ranked = tuple[int, int, PlaceMention]  # (rank, position, mention): lower ranks first, then text order


def place_mentions(text: str) -> list[PlaceMention]:
    """Candidate place names in `text`, best first (locative prepositions, then order of appearance)."""
    found = _english_mentions(text) + _cyrillic_mentions(text) + _marked_mentions(text)
    found.sort(key=lambda x: (x[0], x[1]))
    return [f[2] for f in found]


def _english_mentions(text: str) -> list[_Ranked]:
    """Names after an English locative preposition ("near Sudzha", "in the village of Hornal")."""
    found: list[_Ranked] = []
    for m in _MENTION.finditer(text):
        words = m.group("name").split()
        while words and words[0] in _STOP:
            words.pop(0)
        while words and words[-1] in _STOP:
            words.pop()
        if not words:
            continue
        name = " ".join(words)
        if re.search(r"['’]s$|\bRepublic$|People['’]s", name):  # "Kyiv's general staff", "Luhansk People's
            continue  # Republic": a name inside an actor, not the place of the event
        if _ends_with(_MEASURED_BEFORE, text, m.start()) and m.group("prep").lower() in ("of", "from"):
            continue  # "18km north of Luhansk": a town measured from, not the place
        if _FACILITY_AFTER.match(text, m.end("name")) or _SPEAKS_AFTER.match(text, m.end("name")) \
                or _SECTOR_AFTER.match(text, m.end("name")):
            continue  # "in Ilyich steel factory", "of the Kiev regime", "in the Donetsk sector": not the town
        hint = re.sub(r"^(?:,\s*|\s*in\s+the\s+)", "", m.group("hint") or "").strip() or None
        if hint and hint.split()[0] in _STOP:
            hint = None
        if hint is None and _ARTICLE_BEFORE.search(text, max(0, m.start("name") - 4), m.start("name")):
            continue  # "on the left bank of the Dnipro", "at the Skhidnyi microdistrict": a town takes no article
            # (the name may still be found among the capitalised words below, unless it is a river there)
        if m.group("district"):  # ACLED's "Donetsk - Petrovskyi": a district of a city
            name = f"{name} - {m.group('district').split('-', 1)[1].strip()}"
        city = _CITY_AFTER.match(text, m.end()) if hint == "district" else None
        if city:  # "in Desnyanskyi district of Kiev": the same as "Kiev - Desnyanskyi"
            name, hint = f"{city.group(1)} - {name}", None
        prep_words = text[m.start():m.start("name")].lower().split()
        prep = next((w for w in prep_words if w in ("outskirts", "vicinity", "direction", "village", "town",
                                                    "city", "settlement", "proximity", "close", "next")),
                    prep_words[0])
        rank = _PREP_RANK.get(prep, 2)
        before = _ends_with(_NAME_BEFORE, text, m.start()) \
            if prep in _NEAR_PREPS or _ends_with(_DIRECTION_BEFORE, text, m.start()) else None
        if before and before.group("name").split()[0] not in _STOP and not _REGION_WORDS.search(before.group(0)):
            # "Shchastya, near Luhansk city", "Zaitsevo settlement on the western outskirts of Gorlovka",
            # "Alexandrovka, west of Donetsk": the first town is the place, the second only locates it.
            found.append((0, before.start(), PlaceMention(name=before.group("name"), hint=None,
                                                          start=before.start(), prep="in")))
            rank = 4
        found.append((rank, m.start(), PlaceMention(name=name, hint=hint, start=m.start("name"), prep=prep)))
    return found


def _cyrillic_mentions(text: str) -> list[_Ranked]:
    """Names after a Ukrainian or Russian locative ("у Покровську", "в районе населенного пункта Степовое")."""
    found: list[_Ranked] = []
    for m in _CYR_MENTION.finditer(text):
        region = m.group("region")
        if region:  # "в Курской области": the region itself
            found.append((3, m.start(), PlaceMention(name=m.group("name"), hint=region.split()[-1],
                                                     start=m.start("name"), prep="in")))
            continue
        hint = m.group("hint")
        if re.search(r"(?:щин|ччин)\w*$", m.group("name")):  # "на Дніпропетровщині": a region, after the towns
            found.append((3, m.start(), PlaceMention(name=m.group("name"), hint="область", start=m.start("name"))))
            continue
        found.append((0 if m.group("near") else 1, m.start(),
                      PlaceMention(name=m.group("name"), hint=hint.split()[0] if hint else None,
                                   start=m.start("name"), prep="near" if m.group("near") else "in")))
    return found


def _marked_mentions(text: str) -> list[_Ranked]:
    """City districts and places the text itself calls a settlement, whatever the preposition."""
    found: list[_Ranked] = []
    for m in _CITY_DISTRICT.finditer(text):  # "Donetsk's Kirov district", "Petrovsky district/suburb of Donetsk"
        found.append((0, m.start(), PlaceMention(name=f"{m.group('city') or m.group('city2')} - "
                                                      f"{m.group('district') or m.group('district2')}",
                                                 hint=None, start=m.start(), prep="in")))
    for m in _MARKED_SETTLEMENT.finditer(text):  # "Yasinovata town", "the village Gladosovo"
        name = m.group("name") or m.group("after")
        if name.split()[0] not in _STOP:
            found.append((0, m.start(), PlaceMention(name=name, hint=None, start=m.start(), prep="in")))
    return found


# A town's name before one of these names a time zone, a government, a church or a negotiation, not a place:
# "10:20 Moscow time", "the Kyiv regime", "the Minsk agreements", "the Istanbul talks", "the Normandy format".
_NAMES_A_NON_PLACE = re.compile(r"(?<![\w'’])[A-Z][\w'’-]{0,60}+(?=\s+(?i:time|regime|patriarchate|agreements?|accords?|protocols?|"
                                r"talks|format|process|summit|declaration|communiqu[eé]|memorandum)\b)")


def candidate_mentions(text: str, names_of_others: tuple[str, ...] = ()) -> Iterator[str]:
    """Place mentions in `text` as "Name" or "Name, Hint", best first.

    0. landmarks named in the text ("Donetsk airport", "Zaporizhzhia NPP") before the best of (1);
    1. names after a locative preposition ("near Sudzha", "in the village of Hornal"), then other landmarks;
    2. capitalised words that the gazetteer knows in some spelling ("shelled Mali Scherbaky, Zaporizhia");
    3. exact gazetteer names anywhere (the Aho-Corasick automaton);
    4. names that only name a street, park or building ("Gorky Park", "Kharkiv School 7");
    5. regions ("in the Kherson region", "в Курской области", "на Дніпропетровщині").
    Names of speakers ("Kyiv says", "Kyiv's general staff") and names inside the names of people and
    organisations (registry people, and `names_of_others` as the NER found them) are skipped.
    """
    from ceasefire.actors import registry
    from ceasefire.geo.gazetteer import gazetteer

    gaz = gazetteer()
    people = [(m.start, m.end) for m in registry().find(text) if m.actor.kind == "person"]
    people.extend((m.start(), m.end()) for m in _NAMES_A_NON_PLACE.finditer(text))  # "10:20 Moscow time"
    weapons = _weapon_names()  # "fired Vilkha rockets": tried only where a capitalised word starts
    people.extend((m.start(), m.end()) for w in _CAPITAL_START.finditer(text) if (m := weapons.match(text, w.start())))
    for other in names_of_others:
        people.extend((m.start(), m.end()) for m in re.finditer(re.escape(other), text))

    covered = bytearray(len(text) + 1)  # characters inside those names, marked once
    for s, e in people:
        covered[s:e] = b"\x01" * (e - s)

    def in_person(start: int, end: int) -> bool:  # "President Vladimir Putin": not the city of Vladimir
        return bool(covered[start] or covered[end - 1])

    hits = [h for h in gaz.names_in(text) if not in_person(h[0], h[1])]
    mentions = place_mentions(text)
    regional = [m.as_text() for m in mentions if m.hint and _REGION_HINT.match(m.hint)]  # "in the Kherson region"
    mentions = [m for m in mentions if not (m.hint and _REGION_HINT.match(m.hint))]
    named_after: list[str] = []
    landmarks = [(start, name) for start, _end, name in hits if all(e.fcode == "LDMK" for e in gaz.lookup(name)[0])]
    # A landmark named before the best locative mention comes first: "Donetsk airport" is not the city of
    # Donetsk; but in "near the city of Avdiivka near Donetsk airport" the town is the place.
    first = mentions[0].start if mentions else len(text)
    yield from (name for start, name in landmarks if start <= first)
    for mention in mentions:
        yield mention.as_text()
    yield from (name for start, name in landmarks if start > first)
    for m in _CAPITALISED.finditer(text):
        words = [(w.group(), m.start() + w.end()) for w in re.finditer(r"\S+", m.group(0))]  # (word, its end)
        while words and words[0][0] in _STOP:
            words.pop(0)
        if _CYRILLIC_WORD.match(m.group(0)) and _ends_with(_SENTENCE_START, text, m.start()):
            words = words[1:]  # Cyrillic words open sentences in capitals and may stem-match a village
        if _SPEAKS_AFTER.match(text, m.end()) or in_person(m.start(), m.end()):
            continue
        if re.search(r"['’]s\b|Republic", m.group(0)):
            continue  # "Luhansk People's Republic": an organisation, not the town
        while words:  # the longest known leading run: "Ilovaysk Town Donetsk" -> "Ilovaysk"
            name, end = " ".join(w for w, _end in words), words[-1][1]
            if _FEATURE_AFTER.match(text, end) or _FACILITY_AFTER.match(text, end):
                named_after.append(_with_hint(text, end, name))  # "Gorky Park", "Kharkiv School 7": last but one
                break
            region = _REGION_AFTER.match(text, end)
            if region:  # "…, Donetsk region": the region, after every town; the words before it go on
                regional.append(f"{words[-1][0]}, {region.group(0).split()[0]}")
                words.pop()
                continue
            if len(name) >= 4 and name not in _STOP and gaz.lookup(name)[0]:
                if not _is_river(text, m.start(), name):
                    yield _with_hint(text, end, name)
                break
            words.pop()
    for start, end, name in hits:
        if name in _STOP or _SPEAKS_AFTER.match(text, end) or _REGION_AFTER.match(text, end) \
                or _is_river(text, start, name):
            continue
        if _FEATURE_AFTER.match(text, end) or _FACILITY_AFTER.match(text, end):
            named_after.append(_with_hint(text, end, name))
        else:
            yield _with_hint(text, end, name)
    # A name that only names a street, park or building ("Gorky Park", "Nova Poshta"), then regions.
    yield from named_after
    # Regions last: "… fired on Zolote and Popasna in the Luhansk region" is about the villages.
    yield from regional


_ARTICLE_BEFORE = re.compile(r"\bthe\s+\Z", re.IGNORECASE)
_CAPITAL_START = re.compile(r"(?<![\w'’-])[A-Z]")
_RIVER_BEFORE = re.compile(r"\b(?:banks?|across|along|crossing|shore|mouth|side|river|over)\s+(?:of\s+)?the\s+\Z", re.I)


def _is_river(text: str, start: int, name: str) -> bool:
    """A river that shares its name with a town, written as a river: "the left bank of the Dnipro", "across the
    Siverskyi Donets" ("the Dnipro railway station" is the city's)."""
    return name.lower() in lexicon().rivers and bool(_RIVER_BEFORE.search(text, max(0, start - 40), start))


_WEAPON_TYPES = ("air_strike", "drone_strike", "missile_strike", "shelling")


@lru_cache(maxsize=1)
def _weapon_names() -> re.Pattern:
    """Weapons named in the codebook ("Vilkha", "Tornado-S", "Grad"): never a place, though villages share some
    of their names."""
    from ceasefire.extract.taxonomy import codebook

    book = codebook()
    parts = [p.pattern for _name, p in book.weapons] + [book.types[t].cues.pattern for t in _WEAPON_TYPES]
    return re.compile("|".join(f"(?:{p})" for p in parts))


def _ends_with(pattern: re.Pattern, text: str, end: int, window: int = 120) -> re.Match | None:
    """`pattern` (anchored with \\Z) matched against the text just before `end`: a window, not the whole
    text before it, so that long reports cost time in proportion to their length."""
    return pattern.search(text, max(0, end - window), end)


def _with_hint(text: str, end: int, name: str) -> str:
    hint = _HINT_AFTER.match(text, end)
    return f"{name}, {hint.group(1) or hint.group(2)}" if hint else name


def place_mention(clause: str, sentence: str, names_of_others: tuple[str, ...] = ()) -> str | None:
    """The written place of the event in a clause, falling back to its sentence."""
    for text in (clause, sentence):
        for mention in candidate_mentions(text, names_of_others):
            return mention
    return None


_CAPITALISED = re.compile(r"(?<![\w'’-])[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ][\w'’-]*(?:\s[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ][\w'’-]*){0,2}"
                          r"(?![\w'’-])")
_CYRILLIC_WORD = re.compile(r"[А-ЯЁІЇЄҐ]")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|\n\s*)\Z")
_HINT_AFTER = re.compile(r",\s++([A-Z][\w'’-]++(?:\s+(?:region|oblast|Oblast|Region))?)|(?<!\s)\s++\(([A-Z][\w'’-]++)\)")
# "Kyiv says …", "Moscow claimed …": a capital standing for its government is a speaker, not a place.
_SPEAKS_AFTER = re.compile(r"['’]s\b|(?<!\s)\s++(?:says|said|claims|claimed|denies|denied|accuses|accused|warns|warned|"
                           r"insists|reports|reported|announced|announces|regime|authorities|government|officials|"
                           r"side|administration)\b|(?<!\s)\s++[A-Z][a-z]++\b(?=\s+(?:said|says|told))")
_NEAR_BEFORE = r"(?:near|outside|around|outskirts\s+of|vicinity\s+of|direction\s+of|towards?|proximity\s+to|" \
               r"close\s+to|next\s+to|біля|поблизу|неподалік\s+від|в\s+районі|в\s+районе|в\s+окрестностях|около|" \
               r"возле|вблизи|под|під|на\s+околиці|на\s+окраине)\s+(?:the\s+)?" \
               r"(?:(?:village|town|city|settlement)\s+of\s+|(?:населенн\w+\s+пункт\w*|н\.\s?п\.|сел[оаіу]|" \
               r"селищ\w*|посел\w*)\s+)?«?"


_NEAR_ENDING = re.compile(_NEAR_BEFORE + r"$", re.IGNORECASE)


def written_near(text: str, name: str) -> bool:
    """Whether `text` places the event near `name` rather than in it (ACLED precision 2)."""
    lowered, key = text.lower(), name.lower()
    start = lowered.find(key)
    while start != -1:
        if _NEAR_ENDING.search(text, max(0, start - 60), start):
            return True
        start = lowered.find(key, start + 1)
    return False
