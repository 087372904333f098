"""Extraction speed against spaCy's en_core_web_sm pipeline alone, on the same texts, in one run.

    python benchmarks/bench_extract.py [--texts N]

Texts: the notes of ../shared/data/acled-dev (internal use, read in place) where present, else the bundled
demo corpus repeated. Each run in one and in two processes (spaCy's own n_process for the baseline, forked
workers for ours). The target (issue 15): at least as fast as spaCy's small pipeline alone (goal: twice).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from pathlib import Path

import spacy

from ceasefire.extract import extract_in_processes, extract_many
from ceasefire.extract.nlp import MODEL_PACKAGE
from ceasefire.geo import default_geocoder
from ceasefire.intake import make_document

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "acled-dev" / "acled-ukraine-dev.csv"


def load_texts(n: int) -> tuple[list[str], str]:
    if SHARED.exists():
        with SHARED.open(encoding="utf-8-sig") as fh:
            texts = [r["notes"] for r in csv.DictReader(fh)]
        source = str(SHARED)
    else:
        from ceasefire.fixtures import demo_dir

        texts = [p.read_text() for p in sorted((demo_dir() / "texts").glob("*.txt"))]
        source = "bundled demo texts"
    while len(texts) < n:
        texts = texts + texts
    return texts[:n], source


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=int, default=2000)
    args = ap.parse_args()
    texts, source = load_texts(args.texts)
    words = sum(len(t.split()) for t in texts)
    docs = [make_document(t.encode(), t, published=dt.date(2024, 1, 1)).document for t in texts]
    baseline = spacy.load(MODEL_PACKAGE)
    _ = default_geocoder().gaz.automaton  # load the gazetteer outside the timing, as a server would
    list(extract_many(docs[:10]))  # warm-up

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    runs = [
        ("spaCy en_core_web_sm alone, 1 process", timed(lambda: list(baseline.pipe(texts, batch_size=64)))),
        ("ceasefire extraction, 1 process", timed(lambda: list(extract_many(docs)))),
        ("spaCy en_core_web_sm alone, 2 processes", timed(lambda: list(baseline.pipe(texts, batch_size=64,
                                                                                      n_process=2)))),
        ("ceasefire extraction, 2 processes", timed(lambda: list(extract_in_processes(docs, 2)))),
    ]
    print(f"{len(texts)} texts, {words:,} words, from {source} (models loaded before timing)")
    print("| run | documents/s | words/s | ours / spaCy alone |")
    print("|---|---|---|---|")
    for n, (name, secs) in enumerate(runs):
        ratio = "" if n % 2 == 0 else f"{runs[n - 1][1] / secs:.2f}"
        print(f"| {name} | {len(texts) / secs:.0f} | {words / secs:,.0f} | {ratio} |")
    ratio = runs[0][1] / runs[1][1]
    print(f"target (issue 15): ours at least as fast as spaCy's small pipeline alone (goal 2x): {ratio:.2f} "
          f"{'PASS' if ratio >= 1 else 'FAIL'}")
    long_report(baseline)


def long_report(baseline) -> None:
    """One long report (our own text repeated, about 80 kB): the cost must grow with the length, not its square."""
    paragraph = ("Russian forces shelled Stepove, Zaporizhia, and struck Kupiansk with drones. Officials in Kharkiv "
                 "said two people were hurt near Vovchansk. Troops repelled 12 attacks near Pokrovsk. Masked men "
                 "beat a driver.\n")
    for repeats in (100, 400):
        text = paragraph * repeats
        t = time.perf_counter()
        baseline(text)
        spacy_secs = time.perf_counter() - t
        t = time.perf_counter()
        result = next(extract_many([make_document(text.encode(), text, published=dt.date(2024, 6, 1)).document]))
        secs = time.perf_counter() - t
        print(f"long report {len(text) / 1000:.0f} kB: {len(result.incidents)} incidents in {secs:.1f} s "
              f"(spaCy alone {spacy_secs:.1f} s, ratio {spacy_secs / secs:.2f})")


if __name__ == "__main__":
    main()
