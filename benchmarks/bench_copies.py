"""What finding republished copies costs a bulk import, against the same import with it switched off, in one run;
and the time of one copy lookup as the store grows.

    .venv/bin/python benchmarks/bench_copies.py [--documents 2000] [--store 20000]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from ceasefire import pipeline
from ceasefire.fixtures import republished, synthetic_reports
from ceasefire.intake.copies import band_keys
from ceasefire.intake.files import make_document
from ceasefire.records import RawDocument
from ceasefire.store import Store, schema


def _documents(count: int, seed: int) -> list[RawDocument]:
    reports = synthetic_reports(count, seed=seed)
    out = []
    for k, (title, text, day) in enumerate(reports):
        if k % 5 == 4:  # every fifth a copy of the one before, as another outlet prints it
            text = republished(reports[k - 1][0], reports[k - 1][1], f"Outlet {k % 7}", k)
        out.append(make_document(f"{seed}/{k}".encode() + text.encode(), text, published=day, title=title))
    return out


def _import(documents: list[RawDocument], copies: bool) -> tuple[float, dict]:
    store = Store.open(str(Path(tempfile.mkdtemp()) / "b.db"))
    compared = pipeline.compared
    if not copies:
        pipeline.compared = lambda document: False
    try:
        started = time.perf_counter()
        pipeline.ingest_documents(store, documents)
        return time.perf_counter() - started, store.counts()
    finally:
        pipeline.compared = compared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--store", type=int, default=20000)
    args = parser.parse_args()
    documents = _documents(args.documents, 1)
    _import(documents[:50], True)  # models loaded before either is timed
    off, off_counts = _import(documents, False)
    on, on_counts = _import(documents, True)
    print(f"import of {args.documents:,} documents (one in five a republished copy):")
    print(f"  copy finding off (baseline): {off:6.1f} s, {1000 * off / args.documents:.1f} ms per document, "
          f"{off_counts['events']:,} events")
    print(f"  copy finding on:             {on:6.1f} s, {1000 * on / args.documents:.1f} ms per document, "
          f"{on_counts['events']:,} events, {on_counts['copies']:,} copies  ({on / off:.2f}x the baseline)")

    # One lookup (MinHash keys, indexed candidates, word-by-word check) against a store of --store texts' keys.
    store = Store.open(str(Path(tempfile.mkdtemp()) / "lookup.db"))
    stored = _documents(args.store, 2)
    rows = [{"id": r.document.id, "sha256": r.document.sha256, "text": r.document.text, "raw": r.raw,
             "language": "en", "content_type": "text/plain", "published": r.document.published,
             "ingested_at": r.document.published} for r in stored]
    bands = [{"key": k, "doc_id": r.document.id} for r in stored for k in set(band_keys(r.document.text))]
    store.write(lambda c: (c.execute(schema.documents.insert(), rows), c.execute(schema.document_bands.insert(), bands)))
    probes = _documents(200, 3)
    times = []
    for raw in probes:
        started = time.perf_counter()
        store.original_of(raw.document, band_keys(raw.document.text))
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    print(f"one copy lookup in a store of {args.store:,} texts ({len(bands):,} keys): p50 "
          f"{statistics.median(times):.2f} ms, p95 {times[int(0.95 * len(times))]:.2f} ms")


if __name__ == "__main__":
    main()
