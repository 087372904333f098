"""The bundled demo corpus and the demo database built from it (used by `make run`, tests and the README).

Sources and licences: data/demo/NOTICE.md.
"""
from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

from ceasefire.pipeline import IngestRequest, IngestResult, ingest
from ceasefire.store import Store

DEMO_BRIEFING_DAY = dt.date(2025, 3, 20)


def demo_dir() -> Path:
    return Path(str(resources.files("ceasefire").joinpath("data/demo")))


def demo_requests() -> list[IngestRequest]:
    """What the demo ingests: UCDP GED rows, US statements (JSON lines), our own dated reports."""
    base = demo_dir()
    requests = [IngestRequest(inputs=(str(base / "ucdp_ged_ukraine_2021h2.csv"),), dataset_format="ucdp-csv"),
                IngestRequest(jsonl=str(base / "us_gov_2025.jsonl"))]
    for text in sorted((base / "texts").glob("*.txt")):
        day = re.search(r"(\d{4}-\d{2}-\d{2})", text.name)
        requests.append(IngestRequest(inputs=(str(text),),
                                      published=dt.date.fromisoformat(day.group(1)) if day else None))
    return requests


def build_demo(store: Store) -> IngestResult:
    """Ingest the whole demo corpus into `store` (idempotent) and return the combined result."""
    total = IngestResult()
    for request in demo_requests():
        result = ingest(store, request)
        total.added += result.added
        total.skipped += result.skipped
        total.errors += result.errors
        total.claims += result.claims
        total.incidents += result.incidents
    return total


# -- synthetic reports (tests and benchmarks of intake: our own words, no real report) ---------------------------------
_TOWNS = ["Kharkiv", "Kupiansk", "Izium", "Sumy", "Okhtyrka", "Kherson", "Nikopol", "Zaporizhzhia", "Orikhiv",
          "Pokrovsk", "Kostiantynivka", "Kramatorsk", "Sloviansk", "Chernihiv", "Odesa", "Mykolaiv", "Dnipro",
          "Kryvyi Rih", "Belgorod", "Kursk", "Bryansk", "Shebekino", "Sudzha", "Vovchansk", "Lyman", "Siversk"]
_LEADS = [
    "{side} forces shelled {town} overnight, damaging {n} houses and a school, local officials said on {day}.",
    "A drone attack on {town} set fire to a fuel depot early on {day}, the regional administration reported.",
    "{side} artillery struck the outskirts of {town} on {day}, and {n} civilians were wounded, medics said.",
    "Air defences shot down {n} drones over {town} during the night to {day}, the military said.",
    "Explosions were heard in {town} on {day} after a missile strike hit an electrical substation.",
    "Fighting continued near {town} on {day}, with {n} assaults reported along that part of the front.",
]
_BODY = [
    "Emergency crews worked through the night to put out the fires and clear the debris from the streets.",
    "Power was cut to about {k} thousand households and repair teams were sent out at first light.",
    "The governor urged residents to stay in shelters while the alert lasted and to follow official channels.",
    "Officials said that it was the {nth} attack on the {where} this month and that damage was being assessed.",
    "Photographs shared by residents showed a burnt out warehouse and windows blown out in nearby blocks.",
    "The other side has not commented on the claims, and they could not be verified independently.",
    "A spokesperson said the strike came hours after talks on a partial truce had ended without agreement.",
    "Rail traffic through the area was suspended for several hours and trains were diverted to other lines.",
    "Humanitarian groups said they were distributing water and blankets to families who had lost their homes.",
    "Monitors from an international mission said they had recorded {n} explosions in the area over two days.",
    "Local schools moved to online classes for the rest of the week because of the continuing danger.",
    "The regional health department said {n} people remained in hospital, {k} of them in serious condition.",
]
_SIDES = ["Russian", "Ukrainian"]
_WHERE = ["city", "district", "town", "region", "port", "power grid"]


def synthetic_reports(count: int, seed: int = 16) -> list[tuple[str, str, dt.date]]:
    """`count` distinct short news reports in our own words, with titles and days: a lead and four to seven body
    sentences with their own places, sides and figures."""
    import random

    rng = random.Random(seed)
    out = []
    for n in range(count):
        day = dt.date(2025, 3, 1) + dt.timedelta(days=n % 40)
        town = rng.choice(_TOWNS)
        slots = {"side": rng.choice(_SIDES), "town": town, "day": day.strftime("%A"), "n": rng.randint(2, 90),
                 "k": rng.randint(2, 60), "nth": rng.choice(["second", "third", "fourth", "fifth", "sixth"]),
                 "where": rng.choice(_WHERE)}
        sentences = [rng.choice(_LEADS)] + rng.sample(_BODY, rng.randint(4, 7))
        text = " ".join(s.format(**slots) for s in sentences) + f" (report {n + 1} from {town})"
        out.append((f"{town}: report {n + 1}", text, day))
    return out


_BOILERPLATE = [
    ("KYIV, {day} ({outlet}) - ", " (Reporting by the {outlet} desk; editing by the night team)"),
    ("", " The post {title} appeared first on {outlet}."),
    ("{outlet} | ", " Subscribe to {outlet} on Telegram: https://t.me/{handle} and read more at https://{handle}.example"),
    ("", " © 2025 {outlet}. All rights reserved. Republishing without permission is prohibited."),
    ("BREAKING: ", " Follow @{handle} for updates."),
]


def republished(title: str, text: str, outlet: str, variant: int) -> str:
    """`text` as another outlet republishes it: its own dateline or banner before, its own boilerplate after."""
    before, after = _BOILERPLATE[variant % len(_BOILERPLATE)]
    handle = "".join(c for c in outlet.lower() if c.isalnum())
    values = {"outlet": outlet, "title": title, "handle": handle, "day": "March 15"}
    return before.format(**values) + text + after.format(**values)
