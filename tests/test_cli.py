"""End to end through the command line, including every bad-input case of issue 2."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_TEXTS

BRIEFING = str(DEMO_TEXTS / "daily-briefing-2025-03-20.txt")


def test_cli_extract_json_contract(run_cli):
    result = run_cli("extract", BRIEFING, "--published", "2025-03-20", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= {"document", "claims", "incidents", "contradictions"}
    claim = out["claims"][0]
    assert set(claim) >= {"id", "speaker", "party", "stance", "text", "when", "span"}
    inc = out["incidents"][0]
    assert set(inc) >= {"id", "type", "acled_event_type", "acled_sub_event_type", "actor", "actor_party",
                        "target_party", "count", "fatalities", "place", "when", "claim_ids", "span"}
    placed = next(i["place"] for i in out["incidents"] if i["place"])
    assert set(placed) >= {"name", "lat", "lon", "admin1", "country", "geonameid", "precision"}
    assert set(inc["when"]) >= {"start", "end", "precision"}
    assert out["contradictions"] and len(out["contradictions"][0]["claim_ids"]) >= 2


def test_cli_extract_jsonl_keeps_order_and_reports_bad_lines(run_cli, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "r1", "text": "Russian forces shelled Kherson.", "published": "2025-03-20"}),
        "{oops",
        json.dumps({"id": "r3", "text": "Ukrainian drones hit Belgorod.", "published": "2025-03-21"}),
    ]) + "\n")
    result = run_cli("extract", "--jsonl", str(src))
    assert result.exit_code == 2
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["r1", None, "r3"]
    assert lines[0]["incidents"] and lines[2]["incidents"]
    assert "in.jsonl:2" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_ingest_twice_is_one_document(run_cli, db):
    first = run_cli("ingest", BRIEFING, "--published", "2025-03-20", "--db", db)
    assert first.exit_code == 0, first.stderr
    assert "1 added" in first.stdout
    second = run_cli("ingest", BRIEFING, "--db", db)
    assert "0 added" in second.stdout and "1 skipped" in second.stdout
    status = json.loads(run_cli("status", "--db", db, "--json").stdout)
    assert status["documents"] == 1
    assert {"documents", "claims", "incidents", "events", "findings"} <= set(status)
    assert status["claims"] >= 8 and status["incidents"] >= 8


@pytest.mark.parametrize("make_input,problem", [
    (lambda d: d / "missing.txt", "no such file"),
    (lambda d: _write(d / "blob.bin", b"\x7fELF\x00\x00\x01binary"), "binary file"),
    (lambda d: _write(d / "latin1.txt", "Артилерія".encode("cp1251")), "not UTF-8"),
])
@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_cli_bad_file_exits_2_with_one_line(run_cli, db, tmp_path, make_input, problem, command):
    path = str(make_input(tmp_path))
    args = ["extract", path, "--json"] if command == "extract" else ["ingest", path, "--db", db]
    result = run_cli(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and path in lines[0] and problem in lines[0]
    if command == "ingest":
        assert json.loads(run_cli("status", "--db", db, "--json").stdout)["documents"] == 0


def test_cli_unknown_date_format(run_cli):
    result = run_cli("extract", BRIEFING, "--published", "20.03.2025", "--json")
    assert result.exit_code == 2
    assert "--published" in result.stderr and "unknown date format" in result.stderr


def test_cli_ingest_jsonl_bad_line_others_stored(run_cli, db, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": 1, "text": "Russian forces shelled Kherson.", "published": "2025-03-20"})
                   + "\nnot json\n")
    result = run_cli("ingest", "--jsonl", str(src), "--db", db)
    assert result.exit_code == 2 and "docs.jsonl:2" in result.stderr
    assert json.loads(run_cli("status", "--db", db, "--json").stdout)["documents"] == 1


def test_cli_ingest_ucdp_dataset(run_cli, db):
    from ceasefire.fixtures import demo_dir

    result = run_cli("ingest", str(demo_dir() / "ucdp_ged_ukraine_2021h2.csv"), "--format", "ucdp-csv", "--db", db)
    assert result.exit_code == 0, result.stderr
    assert json.loads(run_cli("status", "--db", db, "--json").stdout)["documents"] == 92


def test_cli_demo_brief_and_serve(run_cli, db, tmp_path):
    out = tmp_path / "out"
    result = run_cli("demo", "--db", db, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    md = (out / "briefing-2025-03-20.md").read_text()
    assert "Gornal, Kursk" in md  # places are shown as the gazetteer names them
    assert "Ukraine's general staff" in md and "doc-" in md
    html = (out / "briefing-2025-03-20.html").read_text()
    assert html.startswith("<!doctype html>") and "viewport" in html
    api = run_cli("serve", "--db", db, "--get", "/api/status")
    assert json.loads(api.stdout)["documents"] >= 100
    spec = json.loads(run_cli("serve", "--db", db, "--get", "/openapi.json").stdout)
    assert "/api/incidents" in spec["paths"]


def test_cli_real_entry_point_help():
    """The installed `ceasefire` script, as a user runs it."""
    exe = Path(sys.executable).with_name("ceasefire")
    for command in ["extract", "ingest", "status", "brief", "serve", "demo", "eval"]:
        result = subprocess.run([str(exe), command, "--help"], capture_output=True, text=True, env=os.environ.copy())
        assert result.returncode == 0 and "Usage:" in result.stdout


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
