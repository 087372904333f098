"""`ceasefire reprocess` serially and on a Dask LocalCluster of 2 worker processes, over the same stored documents
after the same "rule change" (half the documents lose their claims, a third their incidents' parties), in one run.

    python benchmarks/bench_reprocess.py [--documents 6000] [--workers 2]

Documents: our own ACLED-style notes (tests/check/*.csv, shippable) and, where present, the notes of
../shared/data/acled-dev (internal use, read in place), repeated up to the number asked for, each made unique.
Both runs must leave the same store (checked here as the tests do). Target (issue 15): the LocalCluster with 2
workers at least 1.6x faster than serial on 2 cores. The time includes starting the cluster (each worker loads the
models); the refresh of events and findings afterwards is the same serial work in both and is shown apart.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from bench_extract_cli import reports  # noqa: E402
from test_issue_15 import _age, _state  # noqa: E402

from ceasefire.pipeline import IngestRequest, ingest  # noqa: E402
from ceasefire.reprocess import ReprocessRequest, reprocess  # noqa: E402
from ceasefire.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=6000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_text("\n".join(json.dumps({"id": n, "text": f"{text} (row {n})", "published": "2024-06-01"})
                                  for n, text in enumerate(reports(args.documents))), encoding="utf-8")
        store = Store.open(str(Path(tmp) / "r.db"))
        ingest(store, IngestRequest(jsonl=str(path), processes=2))
        reference = _state(store)
        words = sum(len(d.text.split()) for d in store.documents())
        runs = {}
        for executor in ("local", "dask"):
            _age(store)
            result = reprocess(store, ReprocessRequest(executor=executor, workers=args.workers))
            assert _state(store) == reference, f"{executor}: the store differs from the reference"
            runs[executor] = result
    print(f"{args.documents:,} documents, {words:,} words; {os.cpu_count()} cores")
    print("| executor | whole command | extraction and writing | refresh | documents/s (extraction) |")
    print("|---|---|---|---|---|")
    for name, label in (("local", "serial, this process"), ("dask", f"Dask LocalCluster, {args.workers} workers")):
        r = runs[name]
        extracting = r.seconds - r.refresh_seconds
        print(f"| {label} | {r.seconds:.1f} s | {extracting:.1f} s | {r.refresh_seconds:.1f} s | "
              f"{args.documents / extracting:.0f} |")
    whole = runs["local"].seconds / runs["dask"].seconds
    phase = (runs["local"].seconds - runs["local"].refresh_seconds) / (runs["dask"].seconds - runs["dask"].refresh_seconds)
    print(f"speed-up: whole command {whole:.2f}x, extraction phase {phase:.2f}x (target 1.6x): "
          f"{'PASS' if whole >= 1.6 else 'FAIL'}; both runs left the reference store")


if __name__ == "__main__":
    main()
