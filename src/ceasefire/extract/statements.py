"""Official statements read by frames written as data: Ukrainian ones — the General Staff's daily summaries, the Air
Force's tallies, regional administrations' reports (data/lexicon/uk.yaml) — and the Russian Ministry of Defence's
captures and repelled attacks (data/lexicon/ru.yaml; its interceptions and energy-strike allegations: extract/ru.py).

Each frame is a pattern over one sentence with a number and, where the text names them, the settlements; whose act
it is comes from the frame (the enemy's assaults, the defenders' interceptions), the party of the enemy from the
publisher: a Ukrainian statement's enemy is Russia, a Russian one's Ukraine. Each sentence that reports acts is the
publisher's claim.
Places: settlements named with the act, else the oblast of the front ("на Покровському напрямку"), else an oblast the
sentence names ("Сумщину", "Харківської області"). Spans point into the original text.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ceasefire.extract.morph import analyzer, name_forms
from ceasefire.extract.numerals import NUMBER, count_of
from ceasefire.extract.ru import clean_text, date_of, publisher_name, sentences
from ceasefire.extract.taxonomy import acled_labels
from ceasefire.records import Claim, Document, Extraction, Incident, Place, Span, TimeSpan, content_id

_ACTORS = {"UA": "Armed Forces of Ukraine", "RU": "Russian Armed Forces"}
# A list of capitalised names, whatever the case of the words around them; a name of two words ("Малая Локня",
# "Зелена Долина") unless its second word is a region's adjective ("Веселое Запорожской области").
_NAME = r"[А-ЯЁІЇЄҐ][\w'’-]+(?:\s+[А-ЯЁІЇЄҐ][\w'’-]++(?!\s+(?:област|обл\.|кра[яюе]|район|Народн|Республ)))?"
_PLACES = rf"(?-i:(?P<places>{_NAME}(?:(?:,\s*|\s+(?:та|і|й|и)\s+){_NAME})*))"
_WORD = re.compile(r"[А-ЯЁІЇЄҐ][\w'’-]+")


@dataclass(frozen=True)
class Frame:
    type: str
    by: str  # "opponent" or "publisher"
    weapon: str | None
    pattern: re.Pattern
    # "ворог 12 разів атакував Нікополь з артилерії": an attack told with a weapon is a strike of that weapon's kind
    by_weapon: bool = False


@dataclass(frozen=True)
class Governed:
    """A verb and the counted things it governs: each "{N} noun" after it, up to the next such verb or the clause's
    end, is an act of the type its noun names."""

    by: str
    verb: re.Pattern
    items: tuple[tuple[str, re.Pattern], ...]


@dataclass(frozen=True)
class Lexicon:
    frames: tuple[Frame, ...]
    governed: tuple[Governed, ...]
    breakdown: re.Pattern | None  # a part of the count just read: "з них 102 — з РСЗВ"
    places: re.Pattern
    strikes: tuple[tuple[str, re.Pattern], ...]  # (by, pattern): an act told without a number
    hits: tuple[tuple[str, re.Pattern], ...]  # (by, pattern with {PLACES}): one act per place hit, no number
    weapons: tuple[tuple[str, re.Pattern], ...]
    casualties: dict[str, tuple[re.Pattern, ...]]  # "killed", "injured": patterns with a number
    directions: dict[str, str]


def _compile(pattern: str) -> re.Pattern:
    # A gap of words "(?:\w+\s+)" also passes over hyphenated and quoted words ("дронів-імітаторів", «Кинджал»).
    pattern = pattern.replace(r"(?:\w+\s+)", r"(?:[\w'’«»-]+\s+)")
    return re.compile(pattern.replace("{N}", f"(?P<n>{NUMBER})").replace("{PLACES}", _PLACES), re.IGNORECASE)


@lru_cache(maxsize=2)
def lexicon(language: str) -> Lexicon:
    """The frames of one language's statements (data/lexicon/LANGUAGE.yaml)."""
    path = resources.files("ceasefire").joinpath(f"data/lexicon/{language}.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Lexicon(
        frames=tuple(Frame(f["type"], f["by"], f.get("weapon"), _compile(f["pattern"]), f.get("by_weapon", False))
                     for f in data["frames"]),
        governed=tuple(Governed(g["by"], _compile(g["verb"]), tuple(
            (kind, _compile(rf"{{N}}\s+(?:[\w'’«»-]+\s+){{0,2}}?«?(?:{rx})")) for kind, rx in g["items"].items()))
            for g in data.get("governed", ())),
        breakdown=_compile(data["breakdown"]) if data.get("breakdown") else None,
        places=re.compile(data["places"].replace("{PLACES}", _PLACES)),  # names are capitalised: not IGNORECASE
        strikes=tuple((k["by"], _compile(k["pattern"])) for k in data.get("strikes", ())),
        # the places hit are capitalised names, whatever the case of the words around them
        hits=tuple((k["by"], _compile(k["pattern"])) for k in data.get("hits", ())),
        weapons=tuple((kind, _compile(rx)) for kind, rx in data.get("weapons", {}).items()),
        casualties={k: tuple(_compile(rx) for rx in v) for k, v in data.get("casualties", {}).items()},
        directions={k.replace("ʼ", "'"): v for k, v in data.get("directions", {}).items()})


def extract_ukrainian(document: Document) -> Extraction:
    """Claims and incidents of a Ukrainian official statement (see the module docstring); strikes on energy
    facilities are read by extract/ru.py's rules, which know both languages' words for them."""
    from ceasefire.extract.ru import read_official

    publisher = document.source_party if document.source_party in ("RU", "UA") else "UA"  # a followed source's
    official, read = read_official(document, publisher_party=publisher)
    energy = [i for i in official.incidents if i.type == "energy_strike"]
    cited = {c for i in energy for c in i.claim_ids}
    framed = read_statement(document, "uk", publisher, skip=read + [(i.span.start, i.span.end) for i in energy])
    return framed.model_copy(update={"incidents": energy + framed.incidents,
                                     "claims": [c for c in official.claims if c.id in cited] + framed.claims})


def read_statement(document: Document, language: str, publisher_party: str,
                   skip: list[tuple[int, int]] = ()) -> Extraction:
    """Claims and incidents that the frames of `language` find in a statement of `publisher_party`, in the
    sentences that do not overlap `skip` (spans another reader took)."""
    lex = lexicon(language)
    opponent = "RU" if publisher_party == "UA" else "UA"
    publisher, named = publisher_name(document, publisher_party)
    published = document.published or dt.date.today()
    clean, index = clean_text(document.text)
    incidents: list[Incident] = []
    claims: list[Claim] = []

    def span(a: int, b: int) -> Span:
        start, end = index[a], index[b - 1] + 1
        return Span(start=start, end=end, text=document.text[start:end])

    places = _Places(lex, published, clean)

    for a, b in sentences(clean):
        # Words another reader took are not read again; the rest of their sentence is ("Над областю збито 5
        # шахедів, ще два влучили в об'єкт енергетики": the interception is the frames', the strike the other's).
        taken = [(max(bisect_left(index, start, a, b), a) - a, bisect_left(index, end, a, b) - a)
                 for start, end in skip if index[a] < end and start < index[b - 1] + 1]
        shared = bool(taken)
        sentence = clean[a:b]
        when = date_of(sentence, published)
        listed = lex.places.search(sentence)
        names = _split_names(listed.group("places")) if listed else []
        found: list[Incident] = []
        for kind, by, weapon, m in [*_framed(lex, sentence), *_governed(lex, sentence)]:
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue  # a sentence's words count once: the earlier frame took them
            count = count_of(m.group("n")) if "n" in m.re.groupindex else None
            if count is None and "n" in m.re.groupindex:
                continue
            listed_here = m.groupdict().get("places")
            here = _split_names(listed_here) if listed_here else names
            taken.append((m.start(), m.end()))
            # (one act for a frame's list of places: "освободили населенные пункты X и Y" is one capture, as sets
            # 1-3 are annotated; set 4a's writer made it two)
            place, mentioned = places.of(sentence, m.start(), here)
            found.append(_incident(document, kind, opponent if by == "opponent" else publisher_party,
                                   publisher_party, weapon, count, span(a + m.start(), a + m.end()), when,
                                   place, mentioned))
        if found and lex.breakdown is not None:  # the parts of a count are acts of its kind
            for m in lex.breakdown.finditer(sentence):
                whole = [i for i in found if i.span.start < index[a + m.start()]]
                if any(m.start() < e and s < m.end() for s, e in taken) or not whole or count_of(m.group("n")) is None:
                    continue
                taken.append((m.start(), m.end()))
                place, mentioned = places.of(sentence, m.end(), [])
                found.append(_incident(document, whole[-1].type, whole[-1].actor_party, publisher_party,
                                       whole[-1].weapon, count_of(m.group("n")), span(a + m.start(), a + m.end()),
                                       when, place, mentioned))
        for by, rx in lex.hits:  # "Влучання шахедів зафіксовано на Київщині та Одещині": an act per place
            for m in rx.finditer(sentence):
                if any(m.start() < e and s < m.end() for s, e in taken) or _UNITS.match(sentence, m.end()):
                    continue  # "Обстрілів зазнали Білопільська та Хотінська громади": adjectives of units, no names
                taken.append((m.start(), m.end()))
                kind = next((k for k, weapon in lex.weapons if weapon.search(m.group(0))), None) or next(
                    (k for k, weapon in lex.weapons if weapon.search(sentence)), "drone_strike")
                at = m.start("places")
                for name in _split_names(m.group("places")):  # each act's evidence: the words up to its place
                    at = sentence.index(name, at) + len(name)
                    place, mentioned = places.of(name, 0, [name])
                    found.append(_incident(document, kind, opponent if by == "opponent" else publisher_party,
                                           publisher_party, None, None, span(a + m.start(), a + at), when,
                                           place, mentioned))
        strike = None if found or shared else next(((by, m) for by, rx in lex.strikes if (m := rx.search(sentence))), None)
        if strike is not None:  # one act told without a number: its kind from the weapon the sentence names
            by, m = strike
            kind = next((k for k, rx in lex.weapons if rx.search(sentence)), "shelling")
            times = re.search(rf"(?P<n>{NUMBER})\s+раз\w*", sentence, re.IGNORECASE)
            place, mentioned = places.of(sentence, m.start(), names)
            found.append(_incident(document, kind, opponent if by == "opponent" else publisher_party,
                                   publisher_party, None, count_of(times.group("n")) if times else None,
                                   span(a, b), when, place, mentioned))
        if not found:
            continue
        toll = {k: next((count_of(m.group("n")) for rx in v if (m := rx.search(sentence))), None)
                for k, v in lex.casualties.items()}
        ev = span(a, b)
        claim = Claim(id=content_id("clm", document.id, ev.start, ev.end, publisher), doc_id=document.id,
                      speaker=publisher, party=publisher_party,
                      stance="accuse" if any(i.actor_party == opponent for i in found) else "assert", cue="statement", text=ev.text,
                      when=TimeSpan(start=published, end=published, precision="day"), venue="official statement",
                      span=ev, party_basis="stated" if named else "inferred_from_wording")
        claims.append(claim)
        for n, incident in enumerate(found):
            extra = {"claim_ids": [claim.id]}
            if n == len(found) - 1:  # the toll is the sentence's last act's
                extra |= {"fatalities": toll.get("killed"), "injured": toll.get("injured")}
            incidents.append(incident.model_copy(update=extra))
    return Extraction(document=document, claims=claims, incidents=incidents)


_UNITS = re.compile(r"(?<!\s)\s+(?:громад|район|област|округ|общин|муниципалитет)\w*", re.IGNORECASE)


def _split_names(listed: str) -> list[str]:
    return [n for n in re.split(r",\s*|\s+(?:та|і|й|и|а\s+також)\s+", listed) if n]


# Where a name says where something came from, not where it struck: "з напрямку Курська", "з Брянської області".
# "з напрямків Курськ, Міллерово, Приморсько-Ахтарськ": every name of the list is a launch area.
_LAUNCH = re.compile(r"(?:\bз|\bіз|\bзі|\bс|\bсо)\s+(?:(?:напрям\w*|направлен\w*|район\w*|акватор\w*|територі\w*):?\s+"
                     r"(?:\w+\s+)?(?:(?-i:[А-ЯІЇЄҐA-Z])[\w'’ʼ-]*(?:\s*,\s*|\s+(?:та|і|й|и)\s+))*|(?:боку\s+)?(?:\w+\s+)?)$",
                     re.IGNORECASE)


class _Places:
    """Where a statement's acts happened. The settlements listed with the act; else the names after it that are
    places (in any case: "по Запоріжжю", "на Берислав"); a settlement must lie in the oblast the sentence names or
    whose front it names ("на Покровському напрямку"), else the oblast stands. "Над областю" is the statement's own
    oblast. Names of launch areas ("з напрямку Курська") are never where an act happened."""

    def __init__(self, lex: Lexicon, published: dt.date, text: str) -> None:
        from ceasefire.geo import default_geocoder
        from ceasefire.geo.cyrillic import CyrillicPlaces

        self.lex, self.resolver = lex, CyrillicPlaces(default_geocoder(), published)
        self.home = next((r for r in map(self.resolver.region, self._words(text, 0)) if r is not None), None)

    def _words(self, sentence: str, start: int) -> list[str]:
        """Capitalised words that may name places: from `start` on, then before it; not launch areas, not words
        the dictionaries know only as something else ("Ворог", "Сили")."""
        words = sorted(_WORD.finditer(sentence), key=lambda w: (w.start() < start, w.start()))
        return [w.group(0) for w in words if not _LAUNCH.search(sentence[max(0, w.start() - 80):w.start()])
                and _may_be_place(w.group(0))]

    def _front(self, sentence: str) -> Place | None:
        front = re.search(r"([\w'ʼ’-]+?)(?:ому|ий|ого|ом)\s+(?:напрямк\w*|направлени\w*)", sentence, re.IGNORECASE)
        if not front:
            return None
        key = front.group(1).lower().replace("’", "'").replace("ʼ", "'")
        admin1 = next((v for k, v in self.lex.directions.items() if key.startswith(k) or k.startswith(key)), None)
        return self.resolver.front(admin1, front.group(0))

    def of(self, sentence: str, start: int, names: list[str]) -> tuple[Place | None, list[str] | None]:
        words = self._words(sentence, start)
        region = self._front(sentence) or next((r for r in map(self.resolver.region, words) if r is not None), None)
        if region is None and re.search(r"(?:над|в|у|по)\s+област\w*", sentence, re.IGNORECASE):
            region = self.home
        for name in names or [w for w in words if self.resolver.region(w) is None]:
            place = self.resolver.settlement(name, within=region)
            if place is not None:
                return place, names or [name]
        return region, names or ([region.mention] if region else None)


def _may_be_place(word: str) -> bool:
    """Capitalised words that name people or forces ("Ворог", "Окупанти": animate nouns; "ППО": abbreviations) or
    the sides' institutions ("Сили оборони") name no place."""
    forms = set(name_forms(word))
    if word.isupper() or {f.lower() for f in forms} & _INSTITUTION_WORDS or _COUNTRIES & forms:  # "Силами" too
        return False
    for language in ("uk", "ru"):
        morph = analyzer(language)
        if morph.word_is_known(word) and "anim" in str(morph.parse(word)[0].tag).replace(" ", ",").split(","):
            return False
    return True


_COUNTRIES = {"Україна", "Украина", "Росія", "Россия", "Білорусь", "Беларусь"}  # a country is no place of an act
_INSTITUTION_WORDS = {"сили", "силы", "сила", "збройні", "вооруженные", "генеральний", "генеральный", "повітряні", "міністерство",
                      "министерство", "минобороны", "група", "группировка", "станом", "загалом", "крім", "кроме",
                      "протягом", "в", "у", "на", "за"}


def _framed(lex: Lexicon, sentence: str) -> Iterator[tuple[str, str, str | None, re.Match]]:
    for frame in lex.frames:
        kind = frame.type
        if frame.by_weapon:
            kind = next((k for k, rx in lex.weapons if rx.search(sentence)), frame.type)
        for m in frame.pattern.finditer(sentence):
            yield kind, frame.by, frame.weapon if kind == frame.type else _WEAPONS.get(kind), m


def _governed(lex: Lexicon, sentence: str) -> Iterator[tuple[str, str, str | None, re.Match]]:
    """Each counted thing a verb governs, up to the next governing verb or the clause's end."""
    verbs = sorted(((m.start(), m.end(), g) for g in lex.governed for m in g.verb.finditer(sentence)),
                   key=lambda v: v[0])
    for n, (_start, end, g) in enumerate(verbs):
        stop = min([verbs[n + 1][0]] if n + 1 < len(verbs) else [len(sentence)])
        clause_end = re.compile(r"[.;]").search(sentence, end, stop)  # a colon opens the list it governs
        stop = clause_end.start() if clause_end else stop
        for kind, item in g.items:
            for m in item.finditer(sentence, end, stop):
                yield kind, g.by, _WEAPONS.get(kind), m


_WEAPONS = {"drone_strike": "drone", "missile_strike": "missile", "air_strike": "aircraft", "shelling": "artillery"}


def _incident(document: Document, kind: str, party: str, claimant: str, weapon: str | None, count: int | None,
              ev: Span, when: TimeSpan, place: Place | None, names: list[str] | None) -> Incident:
    event_type, sub_event_type = acled_labels(kind, party)
    return Incident(id=content_id("inc", document.id, ev.start, ev.end, kind), doc_id=document.id, type=kind,
                    acled_event_type=event_type, acled_sub_event_type=sub_event_type,
                    actor=_ACTORS[party], actor_party=party,
                    actor_basis="inferred_from_claimant", target_party="UA" if party == "RU" else "RU", count=count,
                    weapon=weapon,
                    place_mention=", ".join(names) if names else (place.mention if place else None), place=place,
                    place_reason=None if place else "no place named", when=when, claimant_party=claimant, span=ev)


# Each act as (one, several): "1 interception", "27 interceptions".
_ACTS = {"armed_clash": ("assault or clash", "assaults or clashes"), "intercept": ("interception", "interceptions"),
         "drone_strike": ("drone strike", "drone strikes"), "missile_strike": ("missile strike", "missile strikes"),
         "air_strike": ("air strike", "air strikes"), "shelling": ("shelling", "shellings"),
         "settlement_captured": ("capture", "captures"),
         "energy_strike": ("strike on an energy facility", "strikes on energy facilities")}
_SIDES = {"RU": "Russian forces", "UA": "Ukrainian forces"}


def gloss(incident: Incident) -> str:
    """An English line for a Russian or Ukrainian report, from its fields: "Russian forces: 36 assaults or clashes
    near Kotlyne (Donetsk), 2025-03-14 — as the Ukrainian side states"."""
    one, several = _ACTS.get(incident.type, (incident.type.replace("_", " "),) * 2)
    act = several if incident.count is None and incident.type != "energy_strike" else one
    if incident.count is not None and incident.type == "energy_strike":  # its count is of munitions
        act += f" with {incident.count} {incident.weapon or 'munition'}{'s' if incident.count != 1 else ''}"
    elif incident.count is not None:
        act = f"{incident.count} {one if incident.count == 1 else several}"
    if incident.facility:
        act = act.replace(one, f"{one} ({incident.facility.replace('_', ' ')})", 1)
    elif incident.weapon and incident.weapon not in act:
        act += f" ({incident.weapon})"
    where = ""
    if incident.place is not None:  # the gazetteer's English name, not the text's
        where = f" near {incident.place.name} ({incident.place.admin1})" if incident.place.precision < 3 else \
            f" in {incident.place.admin1 or incident.place.name} region"
    when = ""
    if incident.when is not None:
        when = f", {incident.when.start.isoformat()}" + (f" to {incident.when.end.isoformat()}"
                                                        if incident.when.end != incident.when.start else "")
        if incident.when.clock:  # "17:00+03:00" -> "at 17:00 (UTC+03:00)"
            when += f" at {incident.when.clock[:5]} (UTC{incident.when.clock[5:]})"
    claimant = {"RU": "the Russian side", "UA": "the Ukrainian side"}.get(incident.claimant_party or "", "the source")
    return f"{_SIDES.get(incident.actor_party or '', 'Unattributed')}: {act}{where}{when} — as {claimant} states"
