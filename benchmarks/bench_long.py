"""Cost of one long document: extraction time and peak memory for documents of growing length (each in a fresh
process), against spaCy's en_core_web_sm pipeline alone over the same text in the same run; and the slowest of
hostile 20,000-character shapes.

    python benchmarks/bench_long.py [--sizes 250000 500000 1000000]

The prose is the bundled demo corpus (public-domain U.S. government statements) repeated to length, in paragraphs.
Targets (issue 12): time and memory linear in length; 1 MB in under 20 s and under 1 GB; no 20,000-character
input over 2 s.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

from ceasefire.fixtures import demo_dir

RUN = textwrap.dedent("""
    import datetime as dt, json, resource, sys, time
    mode, size, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    text = open(path, encoding="utf-8").read()[:size]
    if mode == "ceasefire":
        from ceasefire.extract import extract_many
        from ceasefire.intake import make_document
        list(extract_many([make_document(b"x", "Russian forces shelled Kherson.",
                                         published=dt.date(2025, 3, 20)).document]))
        document = make_document(text.encode(), text, published=dt.date(2025, 3, 20)).document
        started = time.perf_counter()
        (result,) = list(extract_many([document]))
        found = len(result.incidents) + len(result.claims)
    else:
        import spacy
        from ceasefire.extract.nlp import MODEL_PACKAGE  # spaCy's en_core_web_sm, as the project installs it
        nlp = spacy.load(MODEL_PACKAGE)
        nlp.max_length = len(text) + 1
        started = time.perf_counter()
        found = sum(len(doc) for doc in nlp.pipe(text.split("\\n\\n")))  # by paragraph, as spaCy is meant to be fed
    print(json.dumps({"seconds": time.perf_counter() - started, "found": found,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

SHAPES = {"one token": "A" * 20_000, "punctuation": "!?.," * 5_000, "white space": " \n" * 10_000,
          "hyphenated words": "Aa-" * 6_667, "a list of 2,500 places": "Russian forces shelled " + "and ".join(
              ["Kherson "] * 2_500), "numbers": "Russian forces fired 12 shells, 3 rockets, " * 465}


def prose(path: str, size: int) -> None:
    paragraphs = [json.loads(line)["text"] for line in (demo_dir() / "us_gov_2025.jsonl").open(encoding="utf-8")]
    out, n = [], 0
    while n < size:
        for p in paragraphs:
            out.append(p)
            n += len(p) + 2
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n\n".join(out))


def measure(mode: str, size: int, path: str) -> dict:
    done = subprocess.run([sys.executable, "-c", RUN, mode, str(size), path], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"bench_long: the {mode} run failed: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    args = parser.parse_args()
    path = "/tmp/cfm_bench_long.txt"
    prose(path, max(args.sizes))
    print(f"{'characters':>10} {'ceasefire s':>12} {'s per 100k':>11} {'peak MB':>8} {'spaCy sm s':>11} "
          f"{'spaCy MB':>9} {'records':>8}")
    for size in args.sizes:
        ours, base = measure("ceasefire", size, path), measure("spacy", size, path)
        print(f"{size:>10,} {ours['seconds']:>12.1f} {ours['seconds'] / size * 1e5:>11.2f} {ours['rss_mb']:>8.0f} "
              f"{base['seconds']:>11.1f} {base['rss_mb']:>9.0f} {ours['found']:>8}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("")
    print(f"\n{'hostile 20,000-character shape':<28} {'seconds':>8}")
    for shape, text in SHAPES.items():
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text[:20_000])
        print(f"{shape:<28} {measure('ceasefire', 20_000, path)['seconds']:>8.2f}")


if __name__ == "__main__":
    main()
