import csv
import io
import json

import pytest

from ceasefire.evaluate import party_of_acled_actor
from ceasefire.fixtures import build_demo
from ceasefire.store import Store
from conftest import BACKENDS, backend_of, store_location


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db(request, tmp_path_factory):
    path = store_location(request, request.param, tmp_path_factory.mktemp("exp"), "demo")
    store = Store.open(path)
    build_demo(store)
    store.close()
    return path


def test_exports_jsonl_round_trip_without_loss(run_cli, demo_db, tmp_path, request):
    dump = tmp_path / "dump.jsonl"
    assert run_cli("export", "--db", demo_db, "--format", "jsonl", "--out", str(dump)).exit_code == 0
    fresh = store_location(request, backend_of(demo_db), tmp_path, "fresh")  # same backend, same text of times
    assert run_cli("import", str(dump), "--db", fresh).exit_code == 0
    again = run_cli("export", "--db", fresh, "--format", "jsonl").stdout
    assert again == dump.read_text()
    assert json.loads(run_cli("status", "--db", fresh, "--json").stdout) == \
        json.loads(run_cli("status", "--db", demo_db, "--json").stdout)
    original = Store.open(demo_db).documents()
    assert {d.id for d in original} == {d.id for d in Store.open(fresh).documents()}


def test_exports_import_refuses_a_bad_dump_and_writes_nothing(run_cli, tmp_path, db):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"table": "documents", "row": {}}\nnot json\n')
    result = run_cli("import", str(bad), "--db", db)
    assert result.exit_code == 2 and "bad.jsonl:2" in result.stderr
    assert json.loads(run_cli("status", "--db", db, "--json").stdout)["documents"] == 0


def test_exports_acled_columns_and_labels(run_cli, demo_db):
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "--db", demo_db, "--format", "acled").stdout)))
    assert rows
    assert {"event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "admin1", "latitude",
            "longitude", "geo_precision", "notes", "fatalities", "timestamp"} <= set(rows[0])
    from ceasefire.extract.taxonomy import INCIDENT_TYPES

    acled_labels = {sub for _event, sub in INCIDENT_TYPES.values() if sub} | {"Government regains territory"}
    assert {r["sub_event_type"] for r in rows} <= acled_labels
    assert {party_of_acled_actor(r["actor1"]) for r in rows} <= {"RU", "UA", "OTHER"}


def test_exports_geojson_findings(run_cli, demo_db):
    run_cli("findings", "--db", demo_db, "--agreement", "minsk-2020")
    collection = json.loads(run_cli("export", "--db", demo_db, "--format", "geojson", "--what", "findings",
                                    "--agreement", "minsk-2020").stdout)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    point = next(f for f in collection["features"] if f["geometry"])
    lon, lat = point["geometry"]["coordinates"]
    assert 22 < lon < 41 and 44 < lat < 53
    assert point["properties"]["agreement"] == "minsk-2020"


def test_exports_csv_claims_window(run_cli, demo_db):
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "--db", demo_db, "--format", "csv", "--what", "claims",
                                                   "--from", "2025-03-20", "--to", "2025-03-20").stdout)))
    assert rows and {r["date"] for r in rows} == {"2025-03-20"}
