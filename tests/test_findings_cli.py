"""Issue 5 end to end: agreements, findings, reviews, and the replays."""
import json

from conftest import needs_shared
from ceasefire.store import Store
from ceasefire.store import migrations

SAMPLE = str(__import__("pathlib").Path(__file__).parent / "fixtures" / "acled_format_2022q1_sample.csv")
MORATORIUM_REPORT = (
    "The Russian Defence Ministry said on Friday that Ukrainian drones had struck an oil pumping station in the "
    "Krasnodar region on March 20. Ukraine's General Staff said on March 28 that a Russian missile had hit a "
    "substation in Kherson overnight.\n")


def test_findings_cli_agreements_lists_both(run_cli):
    out = run_cli("agreements").stdout
    assert "minsk-2020" in out and "energy-moratorium-2025" in out and "2025-03-18 (as RU reads it)" in out


def test_findings_cli_minsk_replay_of_coded_rows(run_cli, db):
    assert run_cli("ingest", SAMPLE, "--format", "acled-csv", "--db", db).exit_code == 0
    result = run_cli("findings", "--db", db, "--agreement", "minsk-2020", "--json")
    rows = json.loads(result.stdout)
    assert rows and all({"event_id", "clause", "party", "status", "date", "place"} <= set(r) for r in rows)
    assert max(r["date"] for r in rows) <= "2022-02-23"
    per_party = {}
    for r in rows:
        per_party[r["party"]] = per_party.get(r["party"], 0) + 1
    assert per_party == {"RU": 5, "UA": 3}  # the fixture's coded battles and shelling up to 23 February
    window = json.loads(run_cli("findings", "--db", db, "--agreement", "minsk-2020", "--from", "2022-02-01",
                                "--to", "2022-02-20", "--json").stdout)
    assert {r["date"] for r in window} == {"2022-02-03", "2022-02-17", "2022-02-19"}


def test_findings_cli_moratorium_under_both_start_dates(run_cli, db, tmp_path):
    src = tmp_path / "report.txt"
    src.write_text(MORATORIUM_REPORT)
    run_cli("ingest", str(src), "--published", "2025-03-28", "--db", db)
    rows = json.loads(run_cli("findings", "--db", db, "--agreement", "energy-moratorium-2025", "--json").stdout)
    pumping = [r for r in rows if r["clause"] == "oil-gas-pipelines-storage"]
    assert [r["status"] for r in pumping] == ["alleged"]  # one finding, whatever the readings of the start date
    assert [r["in_force"] for r in pumping[0]["readings"]] == [True, False]
    assert {r["party"] for r in pumping} == {"UA"} and pumping[0]["claimed_by"] == ["RU"]
    substation = [r for r in rows if r["clause"] == "electricity"]
    assert [r["status"] for r in substation] == ["alleged"] and substation[0]["basis"] == "in force"
    assert {r["party"] for r in substation} == {"RU"} and substation[0]["claimed_by"] == ["UA"]


def test_findings_cli_review_is_append_only(run_cli, db):
    run_cli("ingest", SAMPLE, "--format", "acled-csv", "--db", db)
    first = json.loads(run_cli("findings", "--db", db, "--agreement", "minsk-2020", "--json").stdout)[0]
    out = run_cli("review", first["id"], "--db", db, "--action", "confirm", "--reviewer", "ana", "--reason", "video")
    assert out.exit_code == 0 and "confirmed" in out.stdout
    run_cli("review", first["id"], "--db", db, "--action", "reattribute", "--party", "undetermined",
            "--reviewer", "bo", "--reason", "no attribution in the source")
    again = {r["id"]: r for r in json.loads(run_cli("findings", "--db", db, "--agreement", "minsk-2020",
                                                    "--json").stdout)}
    assert (again[first["id"]]["status"], again[first["id"]]["party"]) == ("confirmed", "undetermined")
    store = Store.open(db)
    assert [r.action for r in store.reviews(first["id"])] == ["confirm", "reattribute"]
    bad = run_cli("review", "fnd-nope", "--db", db, "--action", "confirm", "--reviewer", "x", "--reason", "y")
    assert bad.exit_code == 2 and "no such finding" in bad.stderr


def test_findings_cli_upgrades_a_version_1_store(db):
    store = Store.open(db)
    store.write(lambda c: (c.exec_driver_sql("DROP TABLE event_incidents"),  # as a store before migration 2
                           c.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 2")))
    store.close()
    assert Store.open(db).schema_version() == migrations.current_version() == len(migrations.MIGRATIONS)


def test_findings_replay_dev_moratorium_material(run_cli, db, tmp_path):
    """The 2025 moratorium excerpts in ../shared/data (internal use): strikes on energy facilities become findings
    under a facility clause, under both start dates, each side's claims kept apart."""
    source = needs_shared("moratorium-2025", "moratorium_excerpts.jsonl")
    lines = [json.loads(x) for x in source.read_text().splitlines() if x.strip()]
    src = tmp_path / "m.jsonl"
    src.write_text("\n".join(json.dumps({"id": n, "text": d["excerpt_verbatim"], "published": d["page_date"],
                                         "source": d.get("kind")}) for n, d in enumerate(lines)))
    run_cli("ingest", "--jsonl", str(src), "--db", db)
    rows = json.loads(run_cli("findings", "--db", db, "--agreement", "energy-moratorium-2025", "--json").stdout)
    assert len(rows) >= 10
    pairs = [(r["event_id"], r["clause"]) for r in rows]
    assert len(pairs) == len(set(pairs))
    assert all([x["start"] for x in r["readings"]] == ["2025-03-18", "2025-03-25"] for r in rows)
    assert "UA" in {r["party"] for r in rows} <= {"UA", "RU", "undetermined"}
    assert all(len(r["claimed_by"]) <= 1 for r in rows)
