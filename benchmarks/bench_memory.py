"""Peak memory (resident set) of the extractor and of the server, each a fresh process, against baselines measured
in the same run: spaCy's en_core_web_sm pipeline alone over the same texts, and the server answering only a static
file.

    python benchmarks/bench_memory.py [--reports 2000] [--store /tmp/cfm-bench-1000000.db] [--requests 300]

Texts: as benchmarks/bench_extract_cli.py (our own ACLED-style notes and, where present, ../shared/data's notes).
The server part reads the million-incident store that benchmarks/bench_api.py generates (skipped if absent).
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_api import FIRST_DAY, Server
from bench_extract_cli import BASELINE, reports

PEAK_OF_CHILD = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);" \
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def peak_mb(cmd: list[str]) -> float:
    """The peak resident set of `cmd` run to its end, in MB (measured by a parent of its own)."""
    out = subprocess.run([sys.executable, "-c", PEAK_OF_CHILD, *cmd], check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def server_peak_mb(store: Path, paths: list[str]) -> float:
    """The server's peak resident set after answering `paths` (VmHWM of its process)."""
    token = subprocess.run([str(Path(sys.executable).with_name("ceasefire")), "token", "create", "--role", "viewer",
                            "--label", "bench_memory", "--db", str(store)], check=True, capture_output=True,
                           text=True).stdout.split()[-1]
    with Server(store, workers=1) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        for path in paths:
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
        status = Path(f"/proc/{server.proc.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--store", default="/tmp/cfm-bench-1000000.db")
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    print("| process | peak RSS |")
    print("|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_text("".join(json.dumps({"id": i, "text": t, "published": "2024-06-01"}) + "\n"
                                for i, t in enumerate(reports(args.reports))), encoding="utf-8")
        cli = str(Path(sys.executable).with_name("ceasefire"))
        print(f"| baseline: spaCy en_core_web_sm alone over {args.reports:,} notes | "
              f"{peak_mb([sys.executable, '-c', BASELINE, str(path)]):.0f} MB |")
        print(f"| `ceasefire extract --jsonl`, {args.reports:,} notes | {peak_mb([cli, 'extract', '--jsonl', str(path)]):.0f} MB |")
    store = Path(args.store)
    if not store.exists():
        print(f"(server skipped: {store} is absent; benchmarks/bench_api.py generates it)")
        return
    rng = random.Random(3)
    days = [FIRST_DAY.replace(year=2024, month=rng.randint(1, 12), day=rng.randint(1, 28)) for _ in range(args.requests)]
    print(f"| baseline: `ceasefire serve`, {args.requests} static files | "
          f"{server_peak_mb(store, ['/static/app.css'] * args.requests):.0f} MB |")
    mixed = [f"/api/map?from={d}&to={d}" if n % 2 else f"/?from={d}&to={d}" for n, d in enumerate(days)]
    print(f"| `ceasefire serve` on {store.name}, {args.requests} map layers and map pages of one day | "
          f"{server_peak_mb(store, mixed):.0f} MB |")


if __name__ == "__main__":
    main()
