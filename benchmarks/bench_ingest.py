"""Ingest cost as the store grows: time to ingest a day's intake (50 reports of the last three days) into stores
of growing size, with the refresh of events and findings limited to the days the new reports touch, against a
refresh of everything (the baseline, measured in the same run).

    python benchmarks/bench_ingest.py [--sizes 1000 4000]

Reports are generated from templates over two years of days and forty places (our own sentences; nothing is
read from ../shared/data).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from ceasefire.pipeline import IngestRequest, ingest, refresh_judgements
from ceasefire.store import Store

PLACES = ["Kherson", "Nikopol", "Sumy", "Kharkiv", "Zaporizhzhia", "Pokrovsk", "Kostiantynivka", "Kupiansk",
          "Huliaipole", "Orikhiv", "Bilopillia", "Shostka", "Okhtyrka", "Izium", "Lyman", "Siversk", "Toretsk",
          "Vovchansk", "Chuhuiv", "Balakliia", "Belgorod", "Kursk", "Bryansk", "Shebekino", "Graivoron", "Sudzha",
          "Kremenchuk", "Dnipro", "Kryvyi Rih", "Odesa", "Izmail", "Mykolaiv", "Ochakiv", "Beryslav", "Marhanets",
          "Myrhorod", "Poltava", "Chernihiv", "Novhorod-Siverskyi", "Konotop"]
TEMPLATES = ["Russian forces shelled {p} on {d}, wounding {n} people, the regional administration said.",
             "Ukrainian drones struck an oil depot near {p} on {d}, the Russian Defence Ministry said.",
             "A Russian missile hit a power substation in {p} on {d}, the energy ministry said.",
             "Russian drones attacked {p} overnight on {d}; {n} civilians were injured, the governor said."]


def reports(n: int, seed: int, start: dt.date = dt.date(2024, 1, 1), days: int = 730) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        day = start + dt.timedelta(days=rng.randrange(days))
        text = rng.choice(TEMPLATES).format(p=rng.choice(PLACES), d=day.strftime("%d %B %Y"), n=rng.randint(1, 9))
        out.append({"id": f"{seed}-{k}", "text": f"{text} (report {seed}-{k})", "published": day.isoformat(),
                    "source": f"source {k % 7}"})
    return out


def ingest_lines(store: Store, lines: list[dict], folder: Path, name: str) -> float:
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines))
    t = time.perf_counter()
    ingest(store, IngestRequest(jsonl=str(path)))
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    args = ap.parse_args()
    print("| store size | ingest 50 (refresh of touched days) | of which per document | refresh of everything |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(str(folder / "bench.db"))
        size = 0
        for target in sorted(args.sizes):
            ingest_lines(store, reports(target - size, seed=target), folder, f"fill{target}")
            size = target
            # A day's intake: news of the last three days, after two years of stored reports.
            news = reports(50, seed=size + 1, start=dt.date(2026, 1, 1) + dt.timedelta(days=3 * len(args.sizes)),
                           days=3)
            seconds = ingest_lines(store, news, folder, f"add{size}")
            size += 50
            t = time.perf_counter()
            refresh_judgements(store, everything=True)
            full = time.perf_counter() - t
            print(f"| {size - 50:,} | {seconds:.2f} s | {seconds / 50 * 1000:.0f} ms | {full:.2f} s |")


if __name__ == "__main__":
    main()
