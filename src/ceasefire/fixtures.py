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
