"""The dashboard's queries on 1,000,000 incidents, on SQLite and on PostgreSQL: per-day counts by party over 90
days (the timeline), the events in a bounding box over a week, the top regions of 30 days, the map's markers of one
day, and one event with its evidence (the event page). p50/p95 over 100 different days or events; baseline in the
same run: one event's row by its primary key.

    python benchmarks/bench_dashboard.py [--incidents 1000000] [--postgresql URL] [--reps 100] [--skip-sqlite]

The SQLite store is benchmarks/bench_api.py's generated store (cached at /tmp/cfm-bench-<N>.db); the PostgreSQL
store is a copy of it made with COPY into the database at --postgresql (default
postgresql://postgres@127.0.0.1/cfm_bench_<N>, created if absent and re-used while it holds N incidents), then
ANALYZEd. Target (issue 15): p95 under 50 ms at 1M incidents on SQLite.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import time
from pathlib import Path

from sqlalchemy import func, select, text

from bench_api import DAYS, FIRST_DAY, TARGET_MS, ensure_store, percentiles, raw_sqlite, timed
from ceasefire.store import Store, queries, schema, shown
from ceasefire.store.queries import Filters

BOX = (37.0, 47.8, 38.2, 48.6)  # west, south, east, north: around Donetsk and Pokrovsk
COPIED = ["documents", "incidents", "events", "event_incidents", "findings"]  # parents first


def cases(store: Store, reps: int) -> list[tuple[str, object, list]]:
    rng = random.Random(7)
    days = [FIRST_DAY + dt.timedelta(days=rng.randrange(90, DAYS)) for _ in range(reps)]
    # Event ids are "evt-" and 16 random hex digits: the first id at or after a random one is a random event.
    ids = [store.read(lambda c, k=f"evt-{rng.getrandbits(64):016x}": c.execute(
        select(schema.events.c.id).where(schema.events.c.id >= k).order_by(schema.events.c.id).limit(1)).scalar())
        for _ in range(reps)]
    ids = [i for i in ids if i]
    return [
        ("baseline: one event row by id", lambda i: store.read(lambda c: c.execute(
            select(schema.events.c.data).where(schema.events.c.id == i)).scalar()), ids),
        ("timeline: counts by day and party, 90 days", lambda d: queries.daily_counts(
            store, Filters(start=d - dt.timedelta(days=89), end=d)), days),
        ("bounding box, 7 days, first 100 events", lambda d: queries.events_page(
            store, Filters(start=d - dt.timedelta(days=6), end=d, bbox=BOX), 100), days),
        ("top regions, 30 days", lambda d: queries.top_regions(
            store, Filters(start=d - dt.timedelta(days=29), end=d)), days),
        ("map markers, one day", lambda d: queries.map_features(store, Filters(start=d, end=d)), days),
        ("one event with its evidence", lambda i: queries.event_detail(store, i), ids),
    ]


def measure(store: Store, reps: int) -> dict[str, tuple]:
    out = {}
    for name, fn, args in cases(store, reps):
        samples, _ = timed(fn, args)
        out[name] = percentiles(samples)[:2]
    return out


def incidents_in(store: Store) -> int:
    return store.read(lambda c: c.execute(select(func.count()).select_from(schema.incidents)).scalar_one())


def copy_to_postgresql(sqlite_path: Path, url: str, n: int) -> Store:
    """The SQLite store's rows copied into PostgreSQL with COPY (the database made anew if it lacks them)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            store = Store.open(url)
            if incidents_in(store) == n:
                print(f"re-using {shown(store.url)} ({n:,} incidents)")
                return store
            store.close()
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    store = Store.open(url)
    started = time.perf_counter()
    source = sqlite3.connect(sqlite_path)
    with psycopg.connect(url) as target:
        for table in COPIED:
            columns = [c.name for c in schema.metadata.tables[table].columns]
            types = [c.type.compile(dialect=store.engine.dialect) for c in schema.metadata.tables[table].columns]
            names = {"float": "float8", "integer": "int4", "timestamp with time zone": "timestamptz"}
            pg_types = [names.get(t.lower().split("(")[0], t.lower().split("(")[0]) for t in types]
            rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
            with target.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.set_types(pg_types)
                for row in rows:
                    copy.write_row(row)
            target.commit()
            print(f"  copied {table} ({time.perf_counter() - started:.0f} s)", flush=True)
        target.execute("ANALYZE")
        target.commit()
    source.close()
    print(f"  PostgreSQL store filled in {time.perf_counter() - started:.0f} s")
    return store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, default=1_000_000)
    ap.add_argument("--postgresql", help="database URL for the PostgreSQL copy")
    ap.add_argument("--reps", type=int, default=100)
    args = ap.parse_args()
    sqlite_path = Path(f"/tmp/cfm-bench-{args.incidents}.db")
    sqlite_store = ensure_store(sqlite_path, args.incidents, rebuild=False)
    sqlite_store.update_statistics()  # as the app leaves them after a refresh
    raw = raw_sqlite(sqlite_store)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    pg_store = copy_to_postgresql(sqlite_path, args.postgresql or
                                  f"postgresql://postgres@127.0.0.1/cfm_bench_{args.incidents}", args.incidents)
    results = {"SQLite": measure(sqlite_store, args.reps), "PostgreSQL": measure(pg_store, args.reps)}
    server = pg_store.read(lambda c: c.execute(text("SHOW server_version")).scalar())
    print(f"\n{args.incidents:,} incidents; SQLite {sqlite3.sqlite_version}, PostgreSQL {server} (default settings)")
    print(f"| query | SQLite p50 / p95 ms | PostgreSQL p50 / p95 ms | SQLite p95 under {TARGET_MS:.0f} ms |")
    print("|---|---|---|---|")
    for name in results["SQLite"]:
        (s50, s95), (p50, p95) = results["SQLite"][name], results["PostgreSQL"][name]
        verdict = "" if name.startswith("baseline") else ("met" if s95 <= TARGET_MS else "MISSED")
        print(f"| {name} | {s50:.1f} / {s95:.1f} | {p50:.1f} / {p95:.1f} | {verdict} |")


if __name__ == "__main__":
    main()
