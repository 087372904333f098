"""Gazetteer speed and size: build time, load time, memory, lookup time per mention (issue 4 targets:
build under 30 s, memory under 300 MB, lookup in microseconds).

    python benchmarks/bench_geo.py [--ua ../shared/data/gazetteer/UA.zip]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ceasefire.geo import build
from ceasefire.geo.gazetteer import gazetteer

MENTIONS = ["Kharkiv", "Kharkov", "Avdeevka", "Zaporizhzhia", "Sivers'k", "Покровську", "Plekhovo", "Vodyane",
            "Kupyansk", "Artemivsk", "Nowhereville", "Robotyne", "Курской", "Sudzha", "Dnipropetrovsk"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ua", default=str(Path(__file__).resolve().parents[2] / "shared/data/gazetteer/UA.zip"))
    args = ap.parse_args()
    if Path(args.ua).exists():
        t = time.perf_counter()
        n = build.build(Path(args.ua), Path(tempfile.mkdtemp()) / "g.tsv.gz")
        print(f"build: {n} places in {time.perf_counter() - t:.1f} s (target < 30 s)")
    else:
        print(f"build: skipped ({args.ua} absent)")
    t = time.perf_counter()
    gaz = gazetteer()
    _ = gaz.automaton
    load = time.perf_counter() - t
    print(f"load: {len(gaz.entries)} places in {load:.2f} s")
    # Memory in a fresh interpreter: resident size with the gazetteer loaded minus without it.
    probe = ("from ceasefire.geo.gazetteer import gazetteer\n"
             "rss = lambda: int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])\n"
             "b = rss(); g = gazetteer(); g.automaton; print(rss() - b)")
    grown = int(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
    print(f"memory: {grown / 1024:.0f} MB resident for the loaded gazetteer (target < 300 MB)")
    rounds = 20_000
    t = time.perf_counter()
    for i in range(rounds):
        gaz.lookup(MENTIONS[i % len(MENTIONS)])
    per = (time.perf_counter() - t) / rounds * 1e6
    print(f"lookup: {per:.1f} µs per mention (mixed exact, variant, Cyrillic and missing names)")
    t = time.perf_counter()
    for i in range(rounds):
        gaz.candidates(MENTIONS[i % len(MENTIONS)])
    per = (time.perf_counter() - t) / rounds * 1e6
    print(f"candidates: {per:.1f} µs per mention (all four spelling tiers, as the geocoder asks)")
    from ceasefire.geo import default_geocoder

    geocoder = default_geocoder()
    geocoder.locate_text("warm-up near Vodyane, Donetsk")
    descriptions = ["Russian forces shelled Stepove, Zaporizhia.", "near the village of Andreevka near Slavyansk",
                    "Obozne (18km north of Luhansk)", "Shelling of Tsukurune, Donetsk.", "A drone hit Sumy."]
    t = time.perf_counter()
    for i in range(2_000):
        geocoder.locate_text(descriptions[i % len(descriptions)])
    per = (time.perf_counter() - t) / 2_000 * 1e6
    print(f"geocode: {per:.0f} µs per short description (mentions found, candidates scored, evidence read)")
    text = "Russian forces shelled near Vodyane, Donetsk, and drones hit Kharkiv and Sumy overnight. " * 20
    t = time.perf_counter()
    for _ in range(200):
        gaz.names_in(text)
    print(f"automaton scan: {(time.perf_counter() - t) / 200 / len(text) * 1e9:.0f} ns per character")


if __name__ == "__main__":
    main()
