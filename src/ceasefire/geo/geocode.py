"""Place mentions to coordinates, oblast and ACLED-style precision, or an abstention with a reason.

Choosing among homonyms, evidence in order:
1. an oblast or district named with the place ("near Vodyane, Donetsk") or elsewhere in the text;
2. other places already resolved in the same document (nearest wins);
3. the conflict area (front-line oblasts and Russia's border regions);
4. exact spelling over normalised over transliteration-folded;
5. population.
Precision: 1 a settlement, 2 near a settlement ("near", "outskirts") or a part of a region, 3 only a region
(its centre). When two far-apart candidates remain and nothing in the text prefers one, it abstains.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ceasefire.extract.places import candidate_mentions, written_near
from ceasefire.geo.gazetteer import Entry, Gazetteer, gazetteer, km
from ceasefire.records import Incident, Place

# Points along the lines of contact (2014-2022 Donbas, 2022-2025 front), the Russian border and the 2022
# northern front: among homonyms, the one nearer a front is likelier to be the scene of fighting.
FRONT_POINTS = [
    (52.19, 34.03), (51.80, 33.95), (51.40, 34.35), (51.20, 35.10), (50.77, 35.27), (50.43, 35.48), (50.28, 35.98),
    (50.33, 36.21), (50.29, 36.94), (49.71, 37.61), (49.41, 38.15), (49.05, 38.22), (48.93, 38.26), (48.87, 38.10),
    (48.60, 38.00), (48.59, 37.84), (48.40, 37.85), (48.14, 37.74), (48.28, 37.18), (47.94, 37.50), (47.78, 37.25),
    (47.84, 36.83), (47.66, 36.26), (47.57, 35.79), (47.45, 35.84), (47.49, 35.37), (47.44, 35.28), (47.50, 34.66),
    (47.57, 34.39), (46.84, 33.42), (46.64, 32.61), (46.73, 33.09), (46.52, 32.52), (48.74, 39.23), (48.65, 39.49),
    (48.70, 38.51), (48.63, 38.38), (48.43, 38.22), (48.30, 38.05), (47.72, 37.57), (47.10, 37.77), (50.52, 30.25),
    (51.50, 31.29), (52.35, 31.90), (52.20, 32.70), (52.10, 33.30), (50.91, 34.80), (49.99, 36.23), (49.21, 37.26), (46.97, 31.99), (51.19, 35.27), (50.60, 36.60),
]
FRONT_BONUS_KM = 120.0  # the bonus falls from 60 at the front to 0 at this distance

CONFLICT_AREA = {"Donetsk", "Luhansk", "Zaporizhia", "Kherson", "Kharkiv", "Dnipropetrovsk", "Sumy", "Mykolaiv",
                 "Crimea", "Sevastopol", "Chernihiv", "Kursk", "Belgorod", "Bryansk"}
# Two candidates further apart than this, with nothing to prefer either, make the geocoder abstain.
AMBIGUOUS_KM = 100.0
_MATCH_RANK = {"exact": 3, "normal": 2, "skeleton": 1, "stem": 1}
_REGION_WORD = re.compile(r"^(?:region|oblast|province|raion|district)\b", re.I)


@dataclass(frozen=True)
class Resolution:
    place: Place | None
    reason: str | None = None


class Geocoder:
    """Resolves incident place mentions against a gazetteer, using the whole document as evidence."""

    name = "geocode.gazetteer.v1"

    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz

    def regions_in(self, text: str) -> set[str]:
        """Admin1 names of the regions a text names ("Donetsk region", "in Sumy oblast", "Kursk")."""
        found = set()
        for m in re.finditer(r"([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)(?:\s+(?:region|oblast|Oblast|Region|province))?",
                             text):
            entry = self.gaz.region(m.group(1))
            if entry is not None:
                found.add(entry.admin1)
        return found

    def resolve(self, name: str, hint: str | None, context: list[Place], regions: set[str],
                near: bool = False) -> Resolution:
        """One mention to a place, or an abstention saying why."""
        region_hint = self.gaz.region(hint) if hint and not _REGION_WORD.match(hint) else None
        if hint and _REGION_WORD.match(hint):
            entry = self.gaz.region(name)
            if entry is not None:
                return Resolution(entry.to_place(3, f"{name} {hint}"))
        if " - " in name:
            return self._city_district(name, hint, context, regions, near)
        candidates, how = self.gaz.lookup(name)
        settlements = [c for c in candidates if not c.is_region]
        if not settlements:
            entry = self.gaz.region(name)
            if entry is not None:
                return Resolution(entry.to_place(3, name))
            if candidates:
                return Resolution(candidates[0].to_place(3, name))
            return Resolution(None, f"no gazetteer entry for {name!r}")
        best, runner_up, evidence = self._choose(settlements, region_hint, context, regions)
        if runner_up is not None and not evidence and km(best.lat, best.lon, runner_up.lat, runner_up.lon) > AMBIGUOUS_KM \
                and best.population < 10 * max(runner_up.population, 1):
            return Resolution(None, f"{name!r} is ambiguous ({len(settlements)} places) and the text does not say which")
        precision = 2 if near else 1
        mention = f"{name}, {hint}" if hint else name
        del how
        return Resolution(best.to_place(precision, mention))

    def _city_district(self, name: str, hint: str | None, context: list[Place], regions: set[str],
                       near: bool) -> Resolution:
        """"Donetsk - Petrovskyi": the district if the gazetteer has one near the city, else the city."""
        city_name, _, district = name.partition(" - ")
        city = self.resolve(city_name, hint, context, regions, near)
        if city.place is None:
            return city
        districts = [e for e in self.gaz.lookup(district)[0]
                     if km(e.lat, e.lon, city.place.lat, city.place.lon) <= 25]
        if not districts:
            return city
        return Resolution(districts[0].to_place(2 if near else 1, name).model_copy(
            update={"admin1": city.place.admin1}))

    def _choose(self, cands: list[Entry], region_hint: Entry | None, context: list[Place],
                regions: set[str]) -> tuple[Entry, Entry | None, bool]:
        def score(e: Entry) -> tuple[float, bool]:
            s, evidence = 0.0, False
            if region_hint is not None and e.admin1 == region_hint.admin1:
                s += 1000
                evidence = True
            elif e.admin1 in regions:
                s += 400
                evidence = True
            if context:
                nearest = min(km(e.lat, e.lon, p.lat, p.lon) for p in context)
                s += max(0.0, 200 - nearest)
                evidence = evidence or nearest < 100
            if e.admin1 in CONFLICT_AREA:
                s += 50
            front = min(km(e.lat, e.lon, lat, lon) for lat, lon in FRONT_POINTS)
            s += max(0.0, 60 * (1 - front / FRONT_BONUS_KM))
            s += 6 * math.log10(e.population + 1) + (5 if e.fclass == "P" else 0)
            return s, evidence

        scored = sorted(((score(e), e) for e in cands), key=lambda x: -x[0][0])
        (top_score, evidence), best = scored[0]
        runner_up = scored[1][1] if len(scored) > 1 else None
        if runner_up is not None and not evidence:
            # Conflict-area preference is evidence when exactly one of the two is inside it.
            if (best.admin1 in CONFLICT_AREA) != (runner_up.admin1 in CONFLICT_AREA):
                evidence = True
        return best, runner_up, evidence

    def locate_text(self, text: str) -> Resolution:
        """The place a short text (an event description) is about."""
        regions = self.regions_in(text)
        resolution = Resolution(None, "no place named")
        for mention in candidate_mentions(text):
            resolution = self.resolve_mention(mention, text, [], regions)
            if resolution.place is not None:
                return resolution
        return resolution

    def resolve_mention(self, mention: str, text: str, context: list[Place], regions: set[str]) -> Resolution:
        """A mention as written ("Name" or "Name, Hint") in `text`."""
        name, _, hint = mention.partition(", ")
        return self.resolve(name, hint or None, context, regions, written_near(text, name))

    def locate_incidents(self, text: str, incidents: list[Incident]) -> list[Incident]:
        """Give each incident a place (or a reason why not), using earlier resolutions as context."""
        regions = self.regions_in(text)
        context: list[Place] = []
        out = []
        for inc in incidents:
            resolution = Resolution(None, "no place named")
            if inc.place_mention:
                resolution = self.resolve_mention(inc.place_mention, inc.span.text, context, regions)
            if resolution.place is not None and resolution.place.precision < 3:
                context.append(resolution.place)
            out.append(inc.model_copy(update={"place": resolution.place, "place_reason": resolution.reason}))
        return out


_DEFAULT: Geocoder | None = None


def default_geocoder() -> Geocoder:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Geocoder(gazetteer())
    return _DEFAULT
