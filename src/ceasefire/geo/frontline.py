"""Front lines of each era of the war (data/front_lines.csv): how far a place lies from the front of the time,
and on which side of the 2015-2022 line of contact it lies.

The chains of each line are stored in order, so that the side of a point is the side of the nearest segment. For
the line of contact the chain runs from the Russian border in Luhansk westwards and then south to the sea, and the
areas held by Russia and the formations it backs lie to the left of the direction of travel (south of the Luhansk
stretch, east of the Donetsk stretch): tests/test_geo.py checks this on towns whose side is not in doubt.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
from functools import lru_cache
from importlib import resources

import numpy as np

from ceasefire.geo.gazetteer import km
from ceasefire.records import Incident

MINSK_II_HELD = dt.date(2015, 2, 20)  # Debaltseve taken; from here on the line of contact barely moved until 2022
FULL_SCALE_INVASION = dt.date(2022, 2, 24)
KHERSON_LIBERATED = dt.date(2022, 11, 11)
AVDIIVKA_FELL = dt.date(2024, 2, 17)  # from here on the front moves west of the 2023 line around Pokrovsk
FRONT_OF_2025 = dt.date(2025, 1, 1)  # the 2025 line (data/front_lines.csv) from here, with the 2024 one
# Points nearer the line than this are on it: no side can be told (the line is drawn through settlements, and
# the ones beside it were fought over: Donetsk airport, Pisky, Shyrokyne).
ON_LINE_KM = 4.0
# Points further than this from the line of contact are not judged (the nearest segment says little there).
SIDE_MAX_KM = 40.0


def _densify(line: list[tuple[float, float]], step_km: float = 5.0) -> list[tuple[float, float]]:
    """Points every few kilometres along a polyline, so that distance to the line is distance to a point."""
    out = []
    for (a_lat, a_lon), (b_lat, b_lon) in zip(line, line[1:]):
        n = max(1, int(km(a_lat, a_lon, b_lat, b_lon) / step_km))
        out.extend((a_lat + (b_lat - a_lat) * i / n, a_lon + (b_lon - a_lon) * i / n) for i in range(n))
    return out + line[-1:]


def front_era(on: dt.date | None) -> str:
    """Which front lines were in force on a date ("any" when the date is unknown)."""
    if on is None:
        return "any"
    if on < MINSK_II_HELD:
        return "2014-war"
    if on < FULL_SCALE_INVASION:
        return "2014"
    if on <= KHERSON_LIBERATED:
        return "2022"
    if on < AVDIIVKA_FELL:
        return "2023"
    return "2024" if on < FRONT_OF_2025 else "2025"


# The lines (data/front_lines.csv) that make up the front of each era.
ERA_LINES = {"2014-war": ("2014", "2014-war"), "2014": ("2014",),
             "2022": ("2014", "2022", "2023", "border"), "2023": ("2023", "border"),
             "2024": ("2023", "2024", "kursk-2024", "border"), "2025": ("2024", "2025", "kursk-2024", "border"),
             "any": ("2014", "2014-war", "2022", "2023", "2024", "2025", "kursk-2024", "border")}


@lru_cache(maxsize=1)
def _era_points() -> dict[str, np.ndarray]:
    """Each era's front points as an array of (latitude, longitude) in radians."""
    dense = {name: _densify(points) for name, points in _lines().items()}
    return {era: np.radians(np.array([p for name in names for p in dense[name]]))
            for era, names in ERA_LINES.items()}


@lru_cache(maxsize=200_000)
def distance_to_front(lat: float, lon: float, era: str) -> float:
    """Kilometres from a point to the nearest front line of the era (haversine over all its points at once;
    cached: candidates recur)."""
    points = _era_points()[era]
    p1, l1 = math.radians(lat), math.radians(lon)
    h = np.sin((points[:, 0] - p1) / 2) ** 2 + math.cos(p1) * np.cos(points[:, 0]) * np.sin((points[:, 1] - l1) / 2) ** 2
    return float(12742 * np.arcsin(np.sqrt(h.min())))




@lru_cache(maxsize=1)
def _line_of_contact() -> list[tuple[float, float]]:
    return [tuple(p) for p in _lines()["2014"]]


@lru_cache(maxsize=1)
def _lines() -> dict[str, list[tuple[float, float]]]:
    text = resources.files("ceasefire").joinpath("data/front_lines.csv").read_text(encoding="utf-8")
    lines: dict[str, list[tuple[float, float]]] = {}
    for row in csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")):
        lines.setdefault(row["line"], []).append((float(row["lat"]), float(row["lon"])))
    return lines


def front_geojson(on: dt.date) -> dict:
    """The front lines in force on a day as GeoJSON lines (for the dashboard's map layer). The 'border' line is
    the state border, not a front: it is left out."""
    lines = _lines()
    features = [{"type": "Feature", "properties": {"line": name, "era": front_era(on)},
                 "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in lines[name]]}}
                for name in ERA_LINES[front_era(on)] if name != "border" and name in lines]
    return {"type": "FeatureCollection", "features": features}


def held_by(lat: float, lon: float, on: dt.date) -> str | None:
    """Which side held a point on a date of the 2015-2022 line of contact: "UA", "RU", or None when the date is
    outside that period or the point lies on the line or far from it."""
    if not MINSK_II_HELD <= on < FULL_SCALE_INVASION:
        return None
    line = _line_of_contact()
    scale = math.cos(math.radians(lat))
    best: tuple[float, float] | None = None  # (distance in km, cross product)
    for (a_lat, a_lon), (b_lat, b_lon) in zip(line, line[1:]):
        # Equirectangular projection around the point: x east, y north, in degrees of latitude.
        ax, ay, bx, by = (a_lon - lon) * scale, a_lat - lat, (b_lon - lon) * scale, b_lat - lat
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy or 1e-12)))
        nx, ny = ax + t * dx, ay + t * dy
        distance = math.hypot(nx, ny) * 111.2
        if best is None or distance < best[0]:
            best = (distance, dx * (-ay) - dy * (-ax))  # segment direction x (point - segment start)
    if best is None or best[0] < ON_LINE_KM or best[0] > SIDE_MAX_KM:
        return None
    return "RU" if best[1] > 0 else "UA"


# Kinds of fire whose shooter the line of contact can suggest; the rest (captures, arrests …) say who acted.
_FIRE_TYPES = {"shelling", "armed_clash", "ceasefire_violation", "missile_strike", "drone_strike", "air_strike"}
_BOTH_WAYS = ("both directions", "exchange of fire", "exchanged fire", "from both sides")


def attribute_by_line_of_contact(incidents: list[Incident]) -> list[Incident]:
    """Fire with no stated shooter that landed at a settlement on one side of the 2015-2022 line of contact is
    inferred to be the other side's; the incident says so (actor_basis "inferred_from_line_of_contact"). Fire
    "in both directions" and places given only as a region are left alone."""
    out = []
    for inc in incidents:
        if inc.actor_party is None and inc.type in _FIRE_TYPES and inc.place is not None \
                and inc.place.precision <= 2 and inc.when is not None \
                and not any(w in inc.span.text.lower() for w in _BOTH_WAYS):
            side = held_by(inc.place.lat, inc.place.lon, inc.when.start)
            if side is not None:
                inc = inc.model_copy(update={"actor_party": "RU" if side == "UA" else "UA", "target_party": side,
                                             "actor_basis": "inferred_from_line_of_contact"})
        out.append(inc)
    return out
