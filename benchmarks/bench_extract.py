"""Extraction speed against spaCy's en_core_web_sm pipeline alone, on the same texts, in one run.

    python benchmarks/bench_extract.py [--texts N]

Texts: the notes of ../shared/data/acled-dev (internal use, read in place) where present, else the bundled
demo corpus repeated. The target (issue 3): our extraction is no slower than half of spaCy's speed.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from pathlib import Path

import spacy

from ceasefire.extract import extract_many
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
    ap.add_argument("--texts", type=int, default=1000)
    args = ap.parse_args()
    texts, source = load_texts(args.texts)
    chars = sum(map(len, texts))
    docs = [make_document(t.encode(), t, published=dt.date(2024, 1, 1)).document for t in texts]
    baseline = spacy.load(MODEL_PACKAGE)
    _ = default_geocoder().gaz.automaton  # load the gazetteer outside the timing, as a server would
    list(extract_many(docs[:10]))  # warm-up

    t = time.perf_counter()
    for _ in baseline.pipe(texts, batch_size=64):
        pass
    spacy_secs = time.perf_counter() - t

    t = time.perf_counter()
    n = sum(1 for _ in extract_many(docs))
    ours_secs = time.perf_counter() - t

    ratio = spacy_secs / ours_secs
    print(f"texts={n} chars={chars} from {source}")
    print(f"spaCy {MODEL_PACKAGE} alone: {n / spacy_secs:8.1f} texts/s ({chars / spacy_secs / 1000:.0f} kchar/s)")
    print(f"ceasefire extract:          {n / ours_secs:8.1f} texts/s ({chars / ours_secs / 1000:.0f} kchar/s)")
    print(f"ratio ours/spaCy = {ratio:.2f} (target >= 0.50): {'PASS' if ratio >= 0.5 else 'FAIL'}")
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
