"""Crash safety of intake: a bulk import (`ceasefire ingest --jsonl`) and a watched folder (`ceasefire watch`) killed
with SIGKILL at random moments, then run to the end; the store must equal an uninterrupted run's (counts, document
ids, incident ids) and pass SQLite's integrity check after every kill.

    .venv/bin/python benchmarks/crash_import.py [--documents 2000] [--kills 20] [--mode ingest|watch|both]
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ceasefire.fixtures import synthetic_reports

CLI = [sys.executable, "-m", "ceasefire"]


def _state(db: str) -> dict:
    conn = sqlite3.connect(db)
    try:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - our own table names
                  for t in ("documents", "claims", "incidents", "events", "findings", "document_bands",
                            "pending_refresh")}
        counts["documents_added"] = conn.execute("SELECT coalesce(sum(documents_added), 0) FROM sources").fetchone()[0]
        ids = {t: sorted(r[0] for r in conn.execute(f"SELECT id FROM {t}")) for t in ("documents", "incidents")}  # noqa: S608
        return {"counts": counts, "ids": ids}
    finally:
        conn.close()


def _integrity(db: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _commands(mode: str, folder: Path, db: str) -> tuple[list[list[str]], list[str]]:
    """(commands that prepare the store, the command to kill and finally run to the end)."""
    if mode == "ingest":
        return [], [*CLI, "ingest", "--jsonl", str(folder / "reports.jsonl"), "--db", db]
    return [[*CLI, "source", "add", "Inbox", "--kind", "directory", "--location", str(folder / "inbox"),
             "--db", db]], [*CLI, "watch", "--once", "--db", db]


def run(mode: str, documents: int, kills: int, seed: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix=f"cfm-crash-{mode}-"))
    reports = synthetic_reports(documents, seed=seed)
    if mode == "ingest":
        with (folder / "reports.jsonl").open("w", encoding="utf-8") as fh:
            for k, (title, text, day) in enumerate(reports):
                fh.write(json.dumps({"id": k, "text": text, "title": title, "published": day.isoformat()}) + "\n")
    else:
        (folder / "inbox").mkdir()
        for k, (_, text, _) in enumerate(reports):
            (folder / "inbox" / f"{k:05}.txt").write_text(text, encoding="utf-8")
    reference, killed = str(folder / "reference.db"), str(folder / "killed.db")
    for db in (reference, killed):
        for command in _commands(mode, folder, db)[0]:
            subprocess.run(command, check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run(_commands(mode, folder, reference)[1], check=True, capture_output=True)
    whole = time.monotonic() - started
    print(f"{mode}: uninterrupted run of {documents:,} documents: {whole:.0f} s")
    rng = random.Random(seed)
    command = _commands(mode, folder, killed)[1]
    for n in range(1, kills + 1):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kills spread over an import of this size: after the models load (several seconds), within its first part.
        delay = rng.uniform(1.0, 8.0 + 4 * whole / kills)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        integrity = _integrity(killed)
        stored = _state(killed)["counts"]["documents"]
        print(f"  kill {n:2}/{kills} after {delay:4.1f} s: {stored:,} documents stored, integrity_check {integrity}")
        if integrity != "ok":
            return False
    subprocess.run(command, check=True, capture_output=True)
    expected, found = _state(reference), _state(killed)
    time.sleep(5)  # read again: nothing may still be writing to either store
    settled = _state(reference) == expected and _state(killed) == found
    same = expected == found and settled and _integrity(killed) == "ok"
    print(f"  after the kills and a final run: {found['counts']}")
    print(f"  uninterrupted:                   {expected['counts']}")
    print(f"  unchanged 5 s later: {'yes' if settled else 'NO'}; identical (counts, document and incident ids): "
          f"{'yes' if same else 'NO'}")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--mode", choices=("ingest", "watch", "both"), default="both")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    modes = ("ingest", "watch") if args.mode == "both" else (args.mode,)
    results = [run(mode, args.documents, args.kills, args.seed) for mode in modes]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
