"""A backfill: documents ingested in publication order, a thousand at a time (as `ceasefire ingest --jsonl` takes
a file), into one growing store. Per-document cost of each thousand — extraction, storing, and the refresh of the
events and findings of the days it touches — must stay flat as the store grows; peak memory is reported at each
checkpoint. Baselines in the same run: extraction alone of the same documents (no store), and one refresh of
everything at the end (what each ingest would cost if it recomputed the whole store).

    python benchmarks/bench_ingest.py [--sizes 1000 10000 100000] [--db postgresql://…]

Reports are generated from templates over the days of the backfill and forty places (our own sentences; nothing is
read from ../shared/data): about 200 a day, so 100,000 documents span 500 days.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from ceasefire.extract import extract_many
from ceasefire.intake import read_jsonl
from ceasefire.pipeline import IngestRequest, ingest, refresh_judgements
from ceasefire.store import Store, shown

PLACES = ["Kherson", "Nikopol", "Sumy", "Kharkiv", "Zaporizhzhia", "Pokrovsk", "Kostiantynivka", "Kupiansk",
          "Huliaipole", "Orikhiv", "Bilopillia", "Shostka", "Okhtyrka", "Izium", "Lyman", "Siversk", "Toretsk",
          "Vovchansk", "Chuhuiv", "Balakliia", "Belgorod", "Kursk", "Bryansk", "Shebekino", "Graivoron", "Sudzha",
          "Kremenchuk", "Dnipro", "Kryvyi Rih", "Odesa", "Izmail", "Mykolaiv", "Ochakiv", "Beryslav", "Marhanets",
          "Myrhorod", "Poltava", "Chernihiv", "Novhorod-Siverskyi", "Konotop"]
TEMPLATES = ["Russian forces shelled {p} on {d}, wounding {n} people, the regional administration said.",
             "Ukrainian drones struck an oil depot near {p} on {d}, the Russian Defence Ministry said.",
             "A Russian missile hit a power substation in {p} on {d}, the energy ministry said.",
             "Russian drones attacked {p} overnight on {d}; {n} civilians were injured, the governor said.",
             "Ukraine's General Staff said its forces repelled {n} assaults near {p} on {d}.",
             "The Russian Defence Ministry said air defences downed {n} Ukrainian drones over {p} on {d}.",
             "Shelling damaged a school and {n} houses in {p} on {d}, local officials said; no one was hurt.",
             "Moscow denied that its troops had struck {p} on {d}, calling the reports a provocation."]
PER_DAY = 200
CHUNK = 1000


def reports(first: int, count: int, start: dt.date = dt.date(2024, 1, 1)) -> list[dict]:
    rng = random.Random(first)
    out = []
    for k in range(first, first + count):
        day = start + dt.timedelta(days=k // PER_DAY)
        text = rng.choice(TEMPLATES).format(p=rng.choice(PLACES), d=day.strftime("%d %B %Y"), n=rng.randint(1, 9))
        out.append({"id": k, "text": f"{text} (report {k})", "published": day.isoformat(), "source": f"source {k % 7}"})
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extraction_alone(path: Path) -> float:
    documents = [line.document.document for line in read_jsonl(str(path)) if line.document is not None]
    t = time.perf_counter()
    for _ in extract_many(documents):
        pass
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--db", help="A database URL to fill (default: a new SQLite file in a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(args.db or str(folder / "bench.db"))
        print(f"store: {shown(store.url)}")
        print("| documents stored | time so far | ms/doc, this thousand | of which extraction alone † "
              "| peak memory |")
        print("|---|---|---|---|---|")
        path = folder / "chunk.jsonl"
        total, started, checkpoints = 0, time.perf_counter(), sorted(args.sizes)
        first_chunk = None
        while total < checkpoints[-1]:
            path.write_text("\n".join(json.dumps(x) for x in reports(total, CHUNK)))
            t = time.perf_counter()
            result = ingest(store, IngestRequest(jsonl=str(path)))
            seconds = time.perf_counter() - t
            assert len(result.added) == CHUNK and not result.errors, result.errors[:3]
            total += CHUNK
            first_chunk = first_chunk or seconds
            if total in checkpoints:
                alone = extraction_alone(path)
                print(f"| {total:,} | {time.perf_counter() - started:.0f} s | {seconds / CHUNK * 1000:.1f} | "
                      f"{alone / CHUNK * 1000:.1f} | {peak_mb():.0f} MB |", flush=True)
        t = time.perf_counter()
        refresh_judgements(store, everything=True)
        full = time.perf_counter() - t
        print(f"\nlast thousand / first thousand: {seconds / first_chunk:.2f} (flat: 1.0)")
        print(f"baseline: one refresh of everything at {total:,} documents takes {full:.1f} s "
              f"({full / CHUNK * 1000:.1f} ms per document of a thousand)")
        print(f"counts: {store.counts()}")
        print("† the same thousand documents extracted without a store, in the same process")


if __name__ == "__main__":
    main()
