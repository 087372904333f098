"""Issue 15: re-processing stored documents (serially or on Dask), resumable, with the same results either way."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from ceasefire.fixtures import build_demo
from ceasefire.reprocess import ReprocessRequest, reprocess
from ceasefire.store import Store, schema
from conftest import BACKENDS, store_location


def _state(store: Store) -> dict:
    """Everything extraction and adjudication derive, as rows."""
    tables = {"claims": schema.claims, "incidents": schema.incidents, "contradictions": schema.contradictions,
              "events": schema.events, "findings": schema.findings}

    def read(conn):
        out = {name: sorted(conn.execute(select(t.c.id, t.c.data)).all()) for name, t in tables.items()}
        out["links"] = sorted(conn.execute(select(schema.event_incidents)).all())
        out["finding_status"] = sorted(conn.execute(select(schema.findings.c.id, schema.findings.c.status,
                                                           schema.findings.c.party)).all())
        return out

    return store.read(read)


def _age(store: Store) -> set[str]:
    """What an older extractor might have left: half the documents lose their claims, a third their incidents'
    parties. Returns the documents touched."""
    docs = sorted(store.read(lambda c: c.execute(select(schema.incidents.c.doc_id).distinct()).scalars().all()))
    claimed = sorted(store.read(lambda c: c.execute(select(schema.claims.c.doc_id).distinct()).scalars().all()))
    emptied, unattributed = claimed[::2], docs[::3]

    def write(conn):
        conn.execute(delete(schema.claims).where(schema.claims.c.doc_id.in_(emptied)))
        for row in conn.execute(select(schema.incidents.c.id, schema.incidents.c.data).where(
                schema.incidents.c.doc_id.in_(unattributed))).all():
            data = json.loads(row.data) | {"actor_party": None}
            conn.execute(update(schema.incidents).where(schema.incidents.c.id == row.id).values(
                actor_party=None, data=json.dumps(data)))

    store.write(write)
    return set(emptied) | set(unattributed)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db(request, tmp_path_factory) -> str:
    location = store_location(request, request.param, tmp_path_factory.mktemp("reprocess"), "demo")
    build_demo(Store.open(location))
    return location


def test_issue_15_reprocess_serial_and_on_dask_give_the_same_store_as_a_fresh_ingest(demo_db):
    store = Store.open(demo_db)
    reference = _state(store)
    total = store.counts()["documents"]
    from distributed import LocalCluster

    # A scheduler already running (as a team's cluster would be), reached by its address.
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                           scheduler_port=0)
    address = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
    for executor in ("local", "dask", address):
        touched = _age(store)
        assert _state(store) != reference
        result = reprocess(store, ReprocessRequest(executor=executor, workers=2))
        assert result.outcomes["changed"] == len(touched), executor
        assert result.outcomes["changed"] + result.outcomes["same"] == total and not result.outcomes["failed"]
        assert _state(store) == reference, executor
        assert store.pending_refresh() == []
    cluster.close()
    # A run with nothing to change writes nothing but its marks.
    again = reprocess(store, ReprocessRequest())
    assert again.outcomes == {"same": total} and _state(store) == reference


def test_issue_15_reprocess_keeps_events_ids_and_reviews(demo_db):
    from ceasefire.records import Review, content_id

    store = Store.open(demo_db)
    finding = store.findings()[0]
    import datetime as dt
    store.add_review(Review(id=content_id("rev", finding.id, "t15"), finding_id=finding.id, reviewer="t",
                            at=dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc), action="confirm", reason="seen"))
    events = {e.id for e in store.events()}
    _age(store)
    reprocess(store, ReprocessRequest())
    assert {e.id for e in store.events()} == events
    assert [f.status for f in store.findings() if f.id == finding.id] == ["confirmed"]


def test_issue_15_a_days_window_reads_only_its_documents(demo_db):
    import datetime as dt

    store = Store.open(demo_db)
    day = dt.date(2025, 3, 20)
    expected = sum(1 for d in store.documents() if d.published == day)
    assert expected
    result = reprocess(store, ReprocessRequest(since=day, until=day))
    assert sum(result.outcomes.values()) == expected


def test_issue_15_a_failed_extraction_keeps_the_old_one_and_says_so(demo_db, monkeypatch):
    import ceasefire.reprocess as module

    store = Store.open(demo_db)
    before = _state(store)
    real = module.extract_batch

    def failing(documents):
        out = real(documents)
        return [replace(out[0], error="the rules broke", rows={}), *out[1:]]

    monkeypatch.setattr(module, "extract_batch", failing)
    result = reprocess(store, ReprocessRequest())
    assert result.outcomes["failed"] >= 1 and _state(store) == before
    details = store.read(lambda c: c.execute(select(schema.reprocess_done.c.detail).where(
        schema.reprocess_done.c.run_id == result.run_id, schema.reprocess_done.c.outcome == "failed")).scalars().all())
    assert set(details) == {"the rules broke"}


def test_issue_15_an_unfinished_run_of_other_days_is_named_and_restart_abandons_it(db, run_cli):
    import datetime as dt

    store = Store.open(db)
    run_id, resumed = store.open_reprocess_run(dt.date(2025, 3, 1), None)
    assert not resumed and store.open_reprocess_run(dt.date(2025, 3, 1), None) == (run_id, True)
    refused = run_cli("reprocess", "--db", db)
    assert refused.exit_code == 2 and f"run {run_id} (2025-03-01 to the last) is unfinished" in refused.stderr
    assert "--restart" in refused.stderr
    restarted = run_cli("reprocess", "--db", db, "--restart")
    assert restarted.exit_code == 0 and f"run {run_id + 1}:" in restarted.stdout
    outcomes = dict(store.read(lambda c: c.execute(select(schema.reprocess_runs.c.id,
                                                          schema.reprocess_runs.c.outcome)).all()))
    assert outcomes == {run_id: "abandoned", run_id + 1: "finished"}


def test_issue_15_bad_options_are_one_line_errors(db, run_cli):
    for args, says in ((["--executor", "spark"], "unknown executor 'spark'"),
                       (["--since", "2025-04-02", "--until", "2025-04-01"], "is after --until"),
                       (["--since", "yesterday"], "--since"),
                       (["--executor", "dask://127.0.0.1:9"], "no Dask scheduler answers")):
        result = run_cli("reprocess", "--db", db, *args)
        assert result.exit_code == 2 and says in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    runs = Store.open(db).read(lambda c: c.execute(select(schema.reprocess_runs.c.id)).all())
    assert len(runs) == 1  # only the run that waited for a scheduler: a bad option opens none


@pytest.mark.slow
def test_issue_15_a_killed_reprocess_resumes_and_does_nothing_twice(new_db, tmp_path):
    """Kill the command while it writes, three times, then let it finish: every document is done once, and the
    store is what an uninterrupted run gives."""
    db = new_db("k")
    store = Store.open(db)
    lines = [{"id": n, "text": f"Russian forces shelled Kherson on {d} March 2025, wounding {n % 5 + 1} people, the "
                                f"regional administration said (report {n}).", "published": f"2025-03-{d:02d}"}
             for n in range(600) for d in [n % 28 + 1]]
    (tmp_path / "in.jsonl").write_text("\n".join(map(json.dumps, lines)))
    cli = str(Path(sys.executable).with_name("ceasefire"))
    subprocess.run([cli, "ingest", "--jsonl", str(tmp_path / "in.jsonl"), "--db", db], check=True,
                   capture_output=True)
    reference = _state(store)
    _age(store)
    done = schema.reprocess_done
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen([cli, "reprocess", "--db", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        target = (kills + 1) * 100
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if store.read(lambda c: c.execute(select(done.c.doc_id)).all()).__len__() >= target:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.05)
        proc.wait()
    assert kills == 3
    final = subprocess.run([cli, "reprocess", "--db", db], capture_output=True, text=True)
    assert final.returncode == 0 and "resumed" in final.stdout, final.stderr
    marks = store.read(lambda c: c.execute(select(done.c.doc_id)).scalars().all())
    assert len(marks) == len(set(marks)) == 600  # each document done once, by one run
    assert _state(store) == reference


def test_issue_15_top_regions_count_the_selected_events(demo_db):
    from collections import Counter

    from ceasefire.store.queries import Filters, top_regions

    store = Store.open(demo_db)
    events = store.events()
    expected = Counter(e.place.admin1 for e in events if e.place and e.place.admin1)
    assert expected, "the demo has placed events"
    ranked = top_regions(store, Filters(), limit=3)
    assert ranked == sorted(expected.items(), key=lambda x: (-x[1], x[0]))[:3]
    ru = Counter(e.place.admin1 for e in events if e.place and e.place.admin1 and e.actor_party == "RU")
    assert dict(top_regions(store, Filters(party="RU"), limit=50)) == dict(ru)


def test_issue_15_extraction_in_two_processes_gives_what_one_gives(tmp_path):
    from ceasefire.extract import extract_in_processes, extract_many
    from ceasefire.intake import make_document

    texts = [f"Russian drones struck a substation in Kharkiv on {d} March 2025, the governor said; report {n}."
             if n % 3 else f"Ukraine's forces shelled Horlivka on {d} March, the Russian Defence Ministry said ({n})."
             for n in range(300) for d in [n % 28 + 1]]
    documents = [make_document(t.encode(), t, published="2025-03-29").document for t in texts]
    one = [x.model_dump_json() for x in extract_many(documents)]
    two = [x.model_dump_json() for x in extract_in_processes(documents, 2)]
    assert two == one and len(one) == 300


def test_issue_15_the_timeline_counts_kept_per_day_agree_with_the_events(demo_db, tmp_path):
    """The counts kept per day and party equal a count of the events, after a full refresh and after an ingest
    that refreshes only its days; a filter the counts do not hold is answered from the events."""
    import datetime as dt
    from collections import Counter

    from ceasefire.pipeline import IngestRequest, ingest
    from ceasefire.store.queries import PARTY_NONE, Filters, daily_counts

    store = Store.open(demo_db)

    def expected(party=None, kind=None):
        counts = Counter((e.when.start, e.actor_party or PARTY_NONE) for e in store.events()
                         if (party is None or (e.actor_party or PARTY_NONE) == party) and (kind is None or e.type == kind))
        out = {}
        for (day, p), n in counts.items():
            out.setdefault(day, {})[p] = n
        return dict(sorted(out.items()))

    assert daily_counts(store, Filters()) == expected() and expected()
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps({"id": "t15", "text": "Russian drones struck a power substation in Sumy on 19 March 2025, "
                                                    "the regional administration said.", "published": "2025-03-20"}))
    ingest(store, IngestRequest(jsonl=str(path)))
    assert daily_counts(store, Filters()) == expected()
    window = Filters(start=dt.date(2025, 3, 15), end=dt.date(2025, 3, 25))
    assert daily_counts(store, window) == {d: c for d, c in expected().items() if window.start <= d <= window.end}
    assert daily_counts(store, Filters(party="RU")) == expected(party="RU")
    assert daily_counts(store, Filters(party=PARTY_NONE)) == expected(party=PARTY_NONE)
    assert daily_counts(store, Filters(type="shelling")) == expected(kind="shelling")
