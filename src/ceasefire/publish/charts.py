"""Offline graphics for the briefing: an SVG map of the day's events over bundled Natural Earth boundaries, and
an SVG trend chart of the last 30 days. No tile server, no script, no network."""
from __future__ import annotations

import datetime as dt
import html
import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ceasefire.records import Event

PARTY_COLOURS = {"RU": "#c0392b", "UA": "#1f5fa8", "undetermined": "#7f7f7f"}
REGION_NAMES = {
    "UA-CH": "Chernihiv", "UA-CK": "Cherkasy", "UA-CV": "Chernivtsi", "UA-DP": "Dnipropetrovsk", "UA-DT": "Donetsk",
    "UA-IF": "Ivano-Frankivsk", "UA-KC": "Kyiv City", "UA-KH": "Kirovohrad", "UA-KK": "Kharkiv",
    "UA-KM": "Khmelnytskyi", "UA-KR": "Crimea", "UA-KS": "Kherson", "UA-KV": "Kyiv", "UA-LH": "Luhansk",
    "UA-LV": "Lviv", "UA-MY": "Mykolaiv", "UA-OD": "Odesa", "UA-PL": "Poltava", "UA-RV": "Rivne",
    "UA-SC": "Sevastopol", "UA-SM": "Sumy", "UA-TP": "Ternopil", "UA-VI": "Vinnytsia", "UA-VO": "Volyn",
    "UA-ZK": "Zakarpattia", "UA-ZP": "Zaporizhia", "UA-ZT": "Zhytomyr", "RU-BL": "Belgorod", "RU-BR": "Bryansk",
    "RU-KD": "Krasnodar", "RU-KS": "Kursk", "RU-RO": "Rostov", "RU-VR": "Voronezh",
}


def build_boundaries(source_dir: Path, out: Path, decimals: int = 3) -> int:
    """Combine the Natural Earth region files into one FeatureCollection with our region names.

    Natural Earth labels Crimea and Sevastopol by de-facto control; here they are Ukraine, as internationally
    recognised. Coordinates are rounded (1:10m data does not carry more precision than ~100 m anyway).
    """
    features = []
    for path in sorted(source_dir.glob("*.json")):
        code = path.stem
        if code not in REGION_NAMES:
            continue
        feature = json.loads(path.read_text(encoding="utf-8"))
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rounded = [[[[round(x, decimals), round(y, decimals)] for x, y in ring] for ring in poly] for poly in polygons]
        features.append({"type": "Feature", "properties": {"code": code, "name": REGION_NAMES[code],
                                                           "country": "Ukraine" if code.startswith("UA") else "Russia"},
                         "geometry": {"type": "MultiPolygon", "coordinates": rounded}})
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")),
                   encoding="utf-8")
    return len(features)


@lru_cache(maxsize=1)
def regions() -> list[dict]:
    text = resources.files("ceasefire").joinpath("data/boundaries/regions.geojson").read_text(encoding="utf-8")
    return json.loads(text)["features"]


class _Projection:
    """Equirectangular projection scaled at the map's middle latitude, fitted to a width in pixels."""

    def __init__(self, west: float, south: float, east: float, north: float, width: int):
        self.west, self.north = west, north
        self.kx = math.cos(math.radians((south + north) / 2))
        self.scale = width / ((east - west) * self.kx)
        self.height = int((north - south) * self.scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.kx * self.scale, (self.north - lat) * self.scale


def map_svg(events: list[Event], width: int = 720, title: str = "") -> str:
    """The day's placed events as dots coloured by alleged party, over oblast boundaries."""
    proj = _Projection(22.0, 44.2, 41.0, 53.0, width)
    paths = []
    for f in regions():
        d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (proj(lon, lat) for lon, lat in ring)) + " Z"
                     for poly in f["geometry"]["coordinates"] for ring in poly)
        fill = "#f4f1ea" if f["properties"]["country"] == "Ukraine" else "#e2e2e2"
        paths.append(f'<path d="{d}" fill="{fill}" stroke="#9a9a9a" stroke-width="0.6">'
                     f'<title>{html.escape(f["properties"]["name"])}</title></path>')
    dots = []
    for e in events:
        if e.place is None:
            continue
        x, y = proj(e.place.lon, e.place.lat)
        colour = PARTY_COLOURS.get(e.actor_party or "undetermined", PARTY_COLOURS["undetermined"])
        r = 4 if e.place.precision < 3 else 7
        label = f"{e.type.replace('_', ' ')} — {e.place.name} — {e.actor_party or 'undetermined'} — grade {e.grade}"
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}" fill-opacity="0.75" stroke="#fff" '
                    f'stroke-width="0.8"><title>{html.escape(label)}</title></circle>')
    legend = "".join(f'<circle cx="{12 + i * 110}" cy="{proj.height - 12}" r="5" fill="{c}"/>'
                     f'<text x="{22 + i * 110}" y="{proj.height - 8}" font-size="12">{p}</text>'
                     for i, (p, c) in enumerate(PARTY_COLOURS.items()))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {proj.height}" role="img" '
            f'aria-label="{html.escape(title or "Map of events")}" font-family="sans-serif">'
            + "".join(paths) + "".join(dots) + legend + "</svg>")


def trend_svg(daily: dict[dt.date, dict[str, int]], width: int = 720, height: int = 180, title: str = "") -> str:
    """Stacked bars per day and party (the last 30 days), with the day's total as a tooltip."""
    days = sorted(daily)
    if not days:
        return ""
    peak = max(sum(v.values()) for v in daily.values()) or 1
    bar = width / len(days)
    bars = []
    for i, day in enumerate(days):
        y = height - 20
        for party in ("RU", "UA", "undetermined"):
            n = daily[day].get(party, 0)
            if not n:
                continue
            h = (height - 40) * n / peak
            y -= h
            bars.append(f'<rect x="{i * bar + 1:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                        f'fill="{PARTY_COLOURS[party]}"><title>{day}: {party} {n}</title></rect>')
    axis = (f'<text x="0" y="{height - 4}" font-size="11">{days[0]}</text>'
            f'<text x="{width}" y="{height - 4}" font-size="11" text-anchor="end">{days[-1]}</text>'
            f'<text x="0" y="12" font-size="11">max {peak} per day</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{html.escape(title or "Trend")}" font-family="sans-serif">' + "".join(bars) + axis + "</svg>")
