"""Place mentions to coordinates, oblast and ACLED-style precision, or an abstention with a reason.

Choosing among homonyms, evidence in order:
1. an oblast named with the place ("near Vodyane, Donetsk") or elsewhere in the text; a raion the text names
   ("Beryslavskyi district"); a town named beside the place ("Granitne (Volnovakha district)"), near it
   ("Andreevka near Slavyansk") or measured from ("18km north of Luhansk");
2. other places already resolved in the same document (nearest wins);
3. the conflict area, and nearness to the front line of the time (data/front_lines.csv: the war of 2014, the
   2015-2022 line of contact, the fronts of the full-scale war to 2025, the Kursk salient, the Russian border);
4. "the village of X" is not a city; since 2022 a place's current name over a former one; the spelling exactly
   as written; regional seats;
5. population (unknown, 0 in GeoNames, counts as a typical village's).
Precision: 1 a settlement, 2 near a settlement ("near", "outskirts") or a part of a region, 3 only a region
(its centre). When two far-apart candidates remain and nothing in the text prefers one, it abstains.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher


from ceasefire.extract.places import candidate_mentions, written_near
from ceasefire.geo.frontline import distance_to_front, front_era
from ceasefire.geo.gazetteer import Entry, Gazetteer, gazetteer, km, skeleton
from ceasefire.records import Incident, Place

FRONT_BONUS = 60.0
FRONT_BONUS_KM = 100.0  # the bonus falls from FRONT_BONUS on the line to 0 at this distance (tuned on three dev sets)
CONFLICT_AREA = {"Donetsk", "Luhansk", "Zaporizhia", "Kherson", "Kharkiv", "Dnipropetrovsk", "Sumy", "Mykolaiv",
                 "Crimea", "Sevastopol", "Chernihiv", "Kursk", "Belgorod", "Bryansk"}
# Two candidates further apart than this, with nothing to prefer either, make the geocoder abstain.
AMBIGUOUS_KM = 100.0
NEARBY_HINT_KM = 40.0  # a town named beside a village ("X (Volnovakha district)") is within this distance
ON_FRONT_KM = 15.0  # a place this close to the front of the time counts as on it
VILLAGE_MAX_POPULATION = 20_000
EXACT_BONUS = 10.0  # the name spelt exactly as the text spells it
# The name a place goes by now (GeoNames' main name), not only a former or variant one. Since 2022 the press
# writes current Ukrainian names; earlier texts often use pre-2016 names that GeoNames keeps as variants.
PRIMARY_BONUS = 30.0
DISTRICT_SIMILARITY = 0.8  # spelling similarity for a city district written another way
# The capital and regional or district seats are what a bare name most often means in the news.
SEAT_BONUS = {"PPLC": 80.0, "PPLA": 50.0, "PPLA2": 25.0, "PPLA3": 10.0}
_TOWN = r"[A-Z][\w'’-]++(?:\s[A-Z][\w'’-]++)?"  # possessive: linear time on long runs
_NUMBER_WORDS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0, "seven": 7.0,
                 "eight": 8.0, "nine": 9.0, "ten": 10.0, "fifteen": 15.0, "twenty": 20.0, "thirty": 30.0}
_BEARINGS = {"north": 0.0, "north-east": 45.0, "northeast": 45.0, "east": 90.0, "south-east": 135.0,
             "southeast": 135.0, "south": 180.0, "south-west": 225.0, "southwest": 225.0, "west": 270.0,
             "north-west": 315.0, "northwest": 315.0}
_ANCHOR = re.compile(
    r"(?:\b(?P<km>\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")\s*(?:km|kilomet(?:er|re)s?)\s+"
    r"(?:(?P<dir>(?:north|south)?[\s-]?(?:east|west)|north|south)\s+)?(?:of|from)\s+"
    r"|(?<=[a-z,)])\s+near\s+(?:the\s+(?:town|city)\s+of\s+)?)"
    r"(?P<town>" + _TOWN + r")"
    r"|(?<![\w'’-])(?P<council>" + _TOWN + r")(?=\s+(?:City|Town|Village)\s+Council)", re.I)
_MARKED = r"{0}\s+(?:village|town|settlement)\b|\b(?:village|town|settlement)\s+(?:of\s+)?{0}"
RAION_KM = 35.0  # a pre-2020 raion's settlements lie about this close to its GeoNames point
# Names start at a word's start and are taken whole (possessive): a long run of letters costs linear time.
_RAION = re.compile(r"(?<![\w'’-])([A-Z][\w'’-]++(?:\s[A-Z][\w'’-]++)?)\s+"
                    r"(?:district|raion|rayon|District|Raion|Rayon)\b(?!\s+of\b)|(?<![\w'’-])([А-ЯІЇЄ][\w'’-]++)\s+район")
_REGION_WORD = re.compile(r"^(?:region|oblast|province|raion|district|област\w*|обл\b|край)", re.I)
_VILLAGE = re.compile(r"\b(?:village|settlement|hamlet)\s+of\s+$|\bvillage\s+$", re.I)


@dataclass(frozen=True)
class Resolution:
    place: Place | None
    reason: str | None = None


@dataclass(frozen=True)
class Anchor:
    """A town the text places something relative to: "near Slavyansk", "18km north of Luhansk"."""

    name: str
    towns: tuple[Entry, ...]
    km: float | None = None  # stated distance, if any
    bearing: float | None = None  # stated direction from the town, degrees clockwise from north

    def fits(self, e: Entry) -> bool:
        for t in self.towns:
            d = km(t.lat, t.lon, e.lat, e.lon)
            if self.km is None:
                if d <= NEARBY_HINT_KM:
                    return True
            elif abs(d - self.km) <= max(5.0, 0.35 * self.km) and \
                    (self.bearing is None or _angle(_bearing(t.lat, t.lon, e.lat, e.lon), self.bearing) <= 60):
                return True
        return False


@dataclass
class Evidence:
    """What a document says that helps choose among homonyms."""

    regions: set[str] = field(default_factory=set)
    raions: list[Entry] = field(default_factory=list)
    context: list[Place] = field(default_factory=list)
    on: dt.date | None = None


class Geocoder:
    """Resolves place mentions against a gazetteer, using the whole document as evidence."""

    name = "geocode.gazetteer.v2"

    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz

    def regions_in(self, text: str) -> set[str]:
        """Admin1 names of the regions a text names ("Donetsk region", "in Sumy oblast", "Kursk")."""
        found = set()
        for m in re.finditer(r"([A-ZА-ЯЁІЇЄҐ][\w'’-]+(?:\s[A-ZА-ЯЁІЇЄҐ][\w'’-]+)?)"
                             r"(?:\s+(?:region|oblast|Oblast|Region|province|област\w*|обл\.?))?", text):
            entry = self.gaz.region(m.group(1))
            if entry is not None:
                found.add(entry.admin1)
        return found

    def evidence_in(self, text: str, on: dt.date | None = None) -> Evidence:
        """What the whole text says about where things are: regions, raions and towns it locates places by."""
        return Evidence(regions=self.regions_in(text), raions=self.raions_in(text), on=on)

    def anchors_in(self, text: str) -> list[Anchor]:
        """Towns the text measures from ("20 km from Kramatorsk", "9km north of Donetsk") or puts a place near
        ("the village of Andreevka near Slavyansk", "Gladosovo, Horlivka City Council"). Read from the mention's
        own sentence, not the whole report: a town placed near another says nothing of places elsewhere."""
        out: list[Anchor] = []
        for m in _ANCHOR.finditer(text):
            name = m.group("town") or m.group("council")
            if any(a.name == name for a in out):
                continue
            towns = tuple(e for e, _k in self.gaz.candidates(name) if not e.is_region and e.fclass == "P")
            if not towns:
                continue
            raw = m.group("km")
            distance = None if raw is None else float(raw) if raw[0].isdigit() else _NUMBER_WORDS[raw.lower()]
            bearing = _BEARINGS.get(re.sub(r"[\s-]+", "-", (m.group("dir") or "").lower()))
            out.append(Anchor(name, towns, distance, bearing if distance else None))
        return out

    def raions_in(self, text: str) -> list[Entry]:
        """Raions a text names ("Beryslavskyi district", "Pereval'skiy district"); "X district of Kyiv" is a city's."""
        found = []
        for m in _RAION.finditer(text):
            found.extend(r for r in self.gaz.raions(m.group(1) or m.group(2)) if r not in found)
        return found

    def resolve(self, mention: str, text: str, evidence: Evidence) -> Resolution:
        """A mention as written ("Name" or "Name, Hint") in `text`, or an abstention saying why."""
        name, _, hint = mention.partition(", ")
        hint = hint or None
        near = written_near(text, name)
        if hint and _REGION_WORD.match(hint):
            entry = self.gaz.region(name)
            if entry is not None:
                return Resolution(entry.to_place(3, f"{name} {hint}"))
        if " - " in name:
            return self._city_district(name, hint, text, evidence)
        matches = self.gaz.candidates(name)
        candidates = [e for e, _kind in matches]
        settlements = [e for e in candidates if not e.is_region]
        region_hint = self.gaz.region(hint) if hint else None
        named = {region_hint.admin1} if region_hint else evidence.regions if len(evidence.regions) == 1 else set()
        if named and not any(e.admin1 in named for e in settlements):
            # The text names the region and nothing of this spelling lies in it: a variant spelling that is.
            settlements = [e for admin1 in named for e in self.gaz.near_spellings(name, admin1)] or settlements
        if not candidates and re.search(_MARKED.format(re.escape(name)), text):
            # "Yasinovata town", "Sartan village": a settlement for certain, spelt one letter off in the war zone.
            settlements = [e for admin1 in sorted(CONFLICT_AREA) for e in self.gaz.near_spellings(name, admin1)]
        exact = {e.geonameid for e, kind in matches if kind == "exact"}
        primary = {e.geonameid for e in settlements if skeleton(e.name) == skeleton(name)}
        if not settlements:
            entry = self.gaz.region(name)
            if entry is not None:
                return Resolution(entry.to_place(3, name))
            regions = [e for e in candidates if e.fcode != "PCLI"]  # a country is no place of an event
            if regions:
                return Resolution(regions[0].to_place(3, name))
            return Resolution(None, f"no gazetteer entry for {name!r}" if not candidates else f"{name!r} is a country")
        village = bool(re.search(_VILLAGE.pattern, text[:max(0, text.find(name))], re.I))
        best, runner_up, decided = self._choose(name, text, settlements, hint, evidence, village, exact, primary)
        if runner_up is not None and not decided \
                and km(best.lat, best.lon, runner_up.lat, runner_up.lon) > AMBIGUOUS_KM \
                and best.population < 10 * max(runner_up.population, 1):
            return Resolution(None, f"{name!r} is ambiguous ({len(settlements)} places) and the text does not say which")
        return Resolution(best.to_place(2 if near else 1, mention))

    def _city_district(self, name: str, hint: str | None, text: str, evidence: Evidence) -> Resolution:
        """"Donetsk - Petrovskyi": the district if the gazetteer has one near the city, else the city."""
        city_name, _, district = name.partition(" - ")
        city = self.resolve(f"{city_name}, {hint}" if hint else city_name, text, evidence)
        if city.place is None:
            return city
        spellings = [district]
        if not re.search(r"(?:sk[iy]+|ska)$", district):  # "Kirov district" = Kirovskyi
            spellings += [f"{district}skyi", f"{district}skyi District"]
        districts = [e for spelling in spellings for e in self.gaz.lookup(spelling)[0]
                     if km(e.lat, e.lon, city.place.lat, city.place.lon) <= 25] or \
            self._similar_district(district, city.place)
        if not districts:
            return city
        return Resolution(districts[0].to_place(city.place.precision, name).model_copy(
            update={"name": name, "admin1": city.place.admin1}))

    def _similar_district(self, district: str, city: Place) -> list[Entry]:
        """City districts spelt another way ("Kuibyshivskyi" for GeoNames' "Kuibyshevskyi District")."""
        want = skeleton(district)
        scored = []
        for e in self.gaz.entries:
            if e.fcode not in ("PPLX", "ADM3", "ADM4") or abs(e.lat - city.lat) > 0.3 or abs(e.lon - city.lon) > 0.4:
                continue
            base = skeleton(re.sub(r"\s+(?:District|Rayon|Raion|Rajon)$", "", e.name, flags=re.I))
            ratio = SequenceMatcher(None, want, base).ratio()
            if ratio >= DISTRICT_SIMILARITY and km(e.lat, e.lon, city.lat, city.lon) <= 25:
                scored.append((ratio, e))
        return [e for _r, e in sorted(scored, key=lambda x: -x[0])]

    def _nearby_hint(self, hint: str | None) -> list[Entry]:
        """A hint that is not a region may be a town named beside the place ("Granitne (Volnovakha district)")."""
        if not hint or self.gaz.region(hint) is not None:
            return []
        return [e for e in self.gaz.lookup(re.sub(r"\s+(?:district|raion)$", "", hint))[0] if not e.is_region]

    def _choose(self, name: str, text: str, cands: list[Entry], hint: str | None, ev: Evidence, village: bool,
                exact: set[str], primary: set[str]) -> tuple[Entry, Entry | None, bool]:
        """The best candidate, the runner-up, and whether the text itself decided between them."""
        region_hint = self.gaz.region(hint) if hint else None
        towns = self._nearby_hint(hint)
        anchors = [a for a in self.anchors_in(text) if skeleton(a.name) != skeleton(name)]  # "X near X": nothing
        era = front_era(ev.on)
        typical = self.gaz.typical_village_population()  # GeoNames' 0 means unknown, not empty
        conflict_area = CONFLICT_AREA | ({"Kyiv"} if era in ("2022", "any") else set())  # the spring of 2022

        def score(e: Entry) -> tuple[float, bool]:
            s, decided = 0.0, False
            if region_hint is not None and e.admin1 == region_hint.admin1:
                s, decided = s + 1000, True
            elif e.admin1 in ev.regions:
                s, decided = s + 400, True
            if any(_in_raion(e, r) for r in ev.raions):
                s, decided = s + 600, True
            if any(a.fits(e) for a in anchors):
                s, decided = s + 500, True
            if towns:
                nearest_town = min(km(e.lat, e.lon, t.lat, t.lon) for t in towns)
                if nearest_town <= NEARBY_HINT_KM:
                    s, decided = s + 500 - nearest_town, True
            if ev.context:
                nearest = min(km(e.lat, e.lon, p.lat, p.lon) for p in ev.context)
                s += max(0.0, 200 - nearest)
                decided = decided or nearest < 100
            if e.admin1 in conflict_area:
                s += 50
            to_front = distance_to_front(e.lat, e.lon, era)
            s += max(0.0, FRONT_BONUS * (1 - to_front / FRONT_BONUS_KM))
            if village and e.population > VILLAGE_MAX_POPULATION:
                s -= 100
            s += 6 * math.log10((e.population or (typical if e.fclass == "P" else 0)) + 1) + SEAT_BONUS.get(e.fcode, 5 if e.fclass == "P" else 0)
            if e.geonameid in exact:
                s += EXACT_BONUS
            if e.geonameid in primary and era not in ("2014-war", "2014", "any"):  # see PRIMARY_BONUS
                s += PRIMARY_BONUS
            return s, decided

        scored = sorted(((score(e), e) for e in cands), key=lambda x: -x[0][0])
        (_top, decided), best = scored[0]
        runner_up = scored[1][1] if len(scored) > 1 else None
        if runner_up is not None and not decided:
            # The conflict area decides when exactly one of the two lies inside it; so does the front line when
            # one of them lies on it and the other far from it.
            to_front = {id(e): distance_to_front(e.lat, e.lon, era) for e in (best, runner_up)}
            decided = (best.admin1 in conflict_area) != (runner_up.admin1 in conflict_area) \
                or to_front[id(best)] <= ON_FRONT_KM < 4 * ON_FRONT_KM <= to_front[id(runner_up)]
        return best, runner_up, decided

    def locate_text(self, text: str, on: dt.date | None = None) -> Resolution:
        """The place a short text (an event description) is about."""
        evidence = self.evidence_in(text, on)
        resolution = Resolution(None, "no place named")
        for mention in candidate_mentions(text):
            resolution = self.resolve(mention, text, evidence)
            if resolution.place is not None:
                return resolution
        return resolution

    def _only_settlement(self, text: str, evidence: Evidence) -> Resolution:
        """The one settlement a text names, or an abstention when it names none or several."""
        places = {}
        for mention in dict.fromkeys(candidate_mentions(text)):
            name = mention.partition(", ")[0]
            if re.search(re.escape(name) + r"\s+(?:region|oblast|province)\b", text, re.I):
                continue  # "Kharkiv region" names the region, not the city
            place = self.resolve(mention, text, evidence).place
            if place is not None and place.precision < 3:
                places.setdefault((round(place.lat, 2), round(place.lon, 2)), place)
                if len(places) > 1:
                    break  # two are enough to say no: long reports name hundreds
        if len(places) == 1:
            return Resolution(next(iter(places.values())))
        return Resolution(None, "no place named" if not places else "several places named, none for this incident")

    def locate_incidents(self, text: str, incidents: list[Incident]) -> list[Incident]:
        """Give each incident a place (or a reason why not), using earlier resolutions as context."""
        evidence = self.evidence_in(text)
        document_place: Resolution | None = None
        out = []
        for inc in incidents:
            resolution = Resolution(None, "no place named")
            if inc.place_mention:
                evidence.on = inc.when.start if inc.when else None
                resolution = self.resolve(inc.place_mention, inc.span.text, evidence)
            if resolution.place is None and not inc.place_mention:
                # No place in the incident's own sentence: the document's place if it names just one settlement
                # ("... in Khotimlia. They tortured the couple ..."), as ACLED's coders read such reports.
                if document_place is None:
                    document_place = self._only_settlement(text, evidence)
                resolution = document_place
            if resolution.place is None and len(evidence.regions) == 1:
                # Nothing finer resolved, but the text names one region: its centre, at ACLED's precision 3.
                region = self.gaz.region(next(iter(evidence.regions)))
                if region is not None:
                    resolution = Resolution(region.to_place(3, region.admin1))
            place = resolution.place
            if place is not None and place.precision < 3 and \
                    all((p.lat, p.lon) != (place.lat, place.lon) for p in evidence.context):
                evidence.context.append(place)  # each place once: a long report names the same towns again
            out.append(inc.model_copy(update={"place": resolution.place, "place_reason": resolution.reason}))
        return out


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial compass bearing from the first point to the second, in degrees."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360


def _angle(a: float, b: float) -> float:
    return min(abs(a - b), 360 - abs(a - b))


def _in_raion(e: Entry, raion: Entry) -> bool:
    """In a current raion by its GeoNames code; in a pre-2020 raion (no codes) by nearness to its centre."""
    if raion.fcode == "ADM2" and raion.admin2:
        return e.admin2 == raion.admin2 and e.admin1 == raion.admin1
    return km(e.lat, e.lon, raion.lat, raion.lon) <= RAION_KM


_DEFAULT: Geocoder | None = None


def default_geocoder() -> Geocoder:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Geocoder(gazetteer())
    return _DEFAULT
