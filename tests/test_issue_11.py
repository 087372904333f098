"""Issue 11: events and findings a monitoring team can publish."""
import datetime as dt
import json

from ceasefire.adjudicate import load_agreement
from ceasefire.pipeline import IngestRequest, adjudicate_store, ingest, reconcile_store
from ceasefire.records import Review, content_id
from ceasefire.store import Store

MORATORIUM = load_agreement("energy-moratorium-2025")


def _ingest(store, tmp_path, name, text, published, source):
    path = tmp_path / f"{name}.jsonl"
    path.write_text(json.dumps({"id": name, "text": text, "published": published, "source": source}))
    return ingest(store, IngestRequest(jsonl=str(path)))


def _findings(store):
    return adjudicate_store(store, MORATORIUM, reconcile_store(store))


def test_issue_11_a_second_report_of_a_reviewed_strike_joins_it_and_keeps_the_review(db, tmp_path):
    store = Store.open(db)
    _ingest(store, tmp_path, "a", "Russian drones struck an electricity substation in Kharkiv on Wednesday, "
            "Ukraine's energy ministry said.", "2025-03-27", "Ukrainian Energy Ministry")
    (finding,) = _findings(store)
    store.add_review(Review(id=content_id("rev", finding.id, "t"), finding_id=finding.id, reviewer="analyst",
                            at=dt.datetime(2025, 3, 28, tzinfo=dt.timezone.utc), action="confirm", reason="photos"))
    _ingest(store, tmp_path, "b", "A Russian drone attack hit a power substation in Kharkiv on Wednesday, "
            "the regional governor said.", "2025-03-27", "Kharkiv regional administration")
    after = _findings(store)
    assert [(f.id, f.status) for f in after] == [(finding.id, "confirmed")]  # one act, one finding, still reviewed
    assert store.counts()["events"] == 1


def test_issue_11_a_re_ingest_changes_nothing(db, tmp_path):
    store = Store.open(db)
    text = "Ukrainian drones hit an oil depot in Bryansk region overnight, the Russian Defence Ministry said."
    _ingest(store, tmp_path, "a", text, "2025-03-29", "Russian Ministry of Defence")
    before = [(f.id, f.event_id) for f in _findings(store)]
    assert _ingest(store, tmp_path, "a", text, "2025-03-29", "Russian Ministry of Defence").added == []
    assert [(f.id, f.event_id) for f in _findings(store)] == before and len(before) == 1


def _brief(store, day, tmp_path):
    from ceasefire.publish.brief import ReportingDay, build_briefing, render

    return render(build_briefing(store, ReportingDay(day), "energy-moratorium-2025"), "md")


def test_issue_11_a_briefing_covers_its_reporting_day_and_never_later_news(db, tmp_path):
    store = Store.open(db)
    _ingest(store, tmp_path, "a", "Russian drones struck a power substation in Sumy on Tuesday, the regional "
            "administration said.", "2025-03-26", "Sumy regional administration")
    before = _brief(store, dt.date(2025, 3, 26), tmp_path)
    # News of the 25th published on the 27th: in the briefing of the 27th, with the day it occurred …
    _ingest(store, tmp_path, "b", "Ukrainian drones hit a gas pumping station in Sudzha on Tuesday, the Russian "
            "Defence Ministry said.", "2025-03-27", "Russian Ministry of Defence")
    later = _brief(store, dt.date(2025, 3, 27), tmp_path)
    assert "Sudzha" in later and "occurred 2025-03-25" in later and "Sumy" not in later
    # … never in that of the 26th, which reads as it did when it was issued.
    assert _brief(store, dt.date(2025, 3, 26), tmp_path) == before and "Sudzha" not in before


def test_issue_11_the_lede_and_the_tables_tell_the_same_numbers(db, tmp_path):
    from ceasefire.publish.brief import ReportingDay, build_briefing

    store = Store.open(db)
    _ingest(store, tmp_path, "a", "Russian drones struck a power substation in Sumy on Tuesday, and Russian "
            "missiles hit a thermal power plant in Kharkiv, the energy ministry said.", "2025-03-26",
            "Ukrainian Energy Ministry")
    briefing = build_briefing(store, ReportingDay(dt.date(2025, 3, 26)), "energy-moratorium-2025")
    total = sum(n for _, n, _ in briefing.party_tallies)
    assert total == len(briefing.findings) == 2
    assert f"amount to {total} alleged violations" in " ".join(briefing.lede)
    assert {e.place.name for e in briefing.infrastructure} >= {"Sumy", "Kharkiv"} and not briefing.front_line


def test_issue_11_a_document_whose_extraction_fails_is_quarantined_and_can_be_retried(db, tmp_path, monkeypatch,
                                                                                       run_cli):
    import ceasefire.extract as extract

    src = tmp_path / "docs.jsonl"
    src.write_text("\n".join(json.dumps({"id": n, "text": f"Russian forces shelled Kherson, report {n}.",
                                         "published": "2025-03-20"}) for n in range(3)))
    original = extract._extract_parsed

    def failing_on_report_1(document, doc, geocoder):
        if "report 1" in document.text:
            raise ValueError("a rule met something it did not expect")
        return original(document, doc, geocoder)

    monkeypatch.setattr(extract, "_extract_parsed", failing_on_report_1)
    result = run_cli("ingest", "--jsonl", str(src), "--db", db)
    assert result.exit_code == 2 and "extraction failed (ValueError" in result.stderr
    store = Store.open(db)
    assert store.counts()["documents"] == 2
    listed = run_cli("quarantine", "list", "--db", db).stdout
    assert "retryable" in listed and "1 in quarantine" in listed
    assert "report 1" in run_cli("quarantine", "show", "1", "--db", db).stdout
    assert json.loads(run_cli("status", "--db", db, "--json").stdout)["quarantined"] == 1
    monkeypatch.setattr(extract, "_extract_parsed", original)  # the rule is fixed
    assert "1 stored" in run_cli("quarantine", "retry", "--db", db).stdout
    assert store.counts()["documents"] == 3 and store.quarantine_entries() == []


def test_issue_11_an_old_store_migrates_and_old_migrations_do_not_follow_schema_py(new_db):
    from sqlalchemy import create_engine, inspect

    from ceasefire.store import migrations, resolve_db

    db = new_db("old", migrated=False)
    engine = create_engine(resolve_db(db))
    with engine.begin() as conn:  # a store as version 3 left it
        for migration in migrations.MIGRATIONS[:3]:
            migration.apply(conn)
            conn.execute(migrations.schema.schema_migrations.insert().values(
                version=migration.version, name=migration.name, applied_at=dt.datetime.now(dt.timezone.utc)))
        assert "document" not in {c["name"] for c in inspect(conn).get_columns("quarantine")}
    engine.dispose()
    store = Store.open(db)
    assert store.schema_version() == migrations.current_version()
    store.quarantine("x", "a problem")
    assert [e["problem"] for e in store.quarantine_entries()] == ["a problem"]


def _state(store):
    return (sorted(e.id for e in store.events()),
            sorted((f.id, f.status) for f in store.findings("energy-moratorium-2025")))


def test_issue_11_a_run_killed_before_or_during_its_refresh_is_completed_by_the_next(new_db, tmp_path,
                                                                                    monkeypatch):
    import ceasefire.pipeline as pipeline

    texts = [("a", "Russian drones struck a power substation in Sumy on Tuesday, the governor said."),
             ("b", "Ukrainian drones hit an oil depot in Bryansk region on Tuesday, the Russian Defence Ministry "
                   "said.")]
    reference = Store.open(new_db("ref"))
    for name, text in texts:
        _ingest(reference, tmp_path, name, text, "2025-03-26", name)
    expected = _state(reference)
    assert expected[0] and expected[1]

    class Killed(BaseException):
        """Like a kill: nothing after it runs in this process."""

    def kill(*_args, **_kwargs):
        raise Killed

    # Killed before the refresh began, after the events were stored but before the findings, and after both
    # but before the marks were cleared.
    for stage, where, name in (("before", pipeline, "_touched_window"), ("between", Store, "save_findings"),
                               ("after", Store, "clear_pending_refresh")):
        db = new_db(stage)
        store = Store.open(db)
        with monkeypatch.context() as patched:
            patched.setattr(where, name, kill)
            for doc, text in texts:
                try:
                    _ingest(store, tmp_path, doc, text, "2025-03-26", doc)
                except Killed:
                    pass
        store = Store.open(db)
        assert store.pending_refresh(), stage  # the marks survived the kill
        rerun = _ingest(store, tmp_path, "a", texts[0][1], "2025-03-26", "a")
        assert rerun.added == [] and _state(store) == expected, stage
        assert store.pending_refresh() == []


def _concurrent_ingests(db: str, tmp_path) -> list:
    import subprocess
    import sys
    from pathlib import Path

    cli = str(Path(sys.executable).with_name("ceasefire"))
    texts = [f"Russian forces shelled Kherson on Monday, report {n}; two people were wounded." for n in range(40)]
    procs = []
    for k in range(3):  # three overlapping batches: documents 0-19, 10-29, 20-39
        path = tmp_path / f"batch{k}.jsonl"
        path.write_text("\n".join(json.dumps({"id": n, "text": texts[n], "published": "2025-03-25",
                                              "source": f"source {n % 5}"}) for n in range(10 * k, 10 * k + 20)))
        procs.append(subprocess.Popen([cli, "ingest", "--jsonl", str(path), "--db", db], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    return [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in procs]


def test_issue_11_three_ingests_at_once_lose_nothing_and_fail_nothing(db, tmp_path):
    results = _concurrent_ingests(db, tmp_path)
    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert not any("Traceback" in err or "not stored" in err for _, _, err in results)
    store = Store.open(db)
    _ingest(store, tmp_path, "late", "Nothing happened today.", "2025-03-25", "x")  # completes a refresh
    assert store.counts()["documents"] == 41 and store.quarantine_entries() == []
    assert store.pending_refresh() == [] and store.counts()["events"] >= 1


def _ged_releases(tmp_path, n: int) -> list:
    """Two releases of the first n rows of the bundled UCDP sample: the second revises every row's best estimate."""
    import csv

    from ceasefire.fixtures import demo_dir

    with (demo_dir() / "ucdp_ged_ukraine_2021h2.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader][:n]
        columns = reader.fieldnames
    releases = []
    for bump in (0, 1):
        path = tmp_path / f"ged-{bump}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows({**r, "best": str(int(r["best"] or 0) + bump)} for r in rows)
        releases.append(path)
    return releases


def test_issue_11_a_dataset_re_release_updates_its_rows_and_never_doubles_them(db, tmp_path):
    first, second = _ged_releases(tmp_path, 30)
    store = Store.open(db)
    ingest(store, IngestRequest(inputs=(str(first),), dataset_format="ucdp-csv"))
    before = (store.counts()["incidents"], store.counts()["events"])
    result = ingest(store, IngestRequest(inputs=(str(second),), dataset_format="ucdp-csv"))
    assert len(result.added) == 30  # each row stored again, as a new version …
    assert (store.counts()["incidents"], store.counts()["events"]) == before  # … that replaces the old one
    assert len({d.external_id for d in store.documents()}) == 30
    assert ingest(store, IngestRequest(inputs=(str(second),), dataset_format="ucdp-csv")).added == []


def test_issue_11_a_sides_count_of_breaches_is_reported_as_a_count(db, tmp_path):
    from ceasefire.publish.brief import ReportingDay, build_briefing, render

    store = Store.open(db)
    _ingest(store, tmp_path, "a", "Kyiv said it had recorded more than 40 breaches of the energy truce since it "
            "began, according to Ukraine's Foreign Ministry. Russian drones struck a substation in Sumy on Tuesday.",
            "2025-03-26", "Ukrainian Foreign Ministry")
    briefing = build_briefing(store, ReportingDay(dt.date(2025, 3, 26)), "energy-moratorium-2025")
    assert [(c.party, c.tally.count, c.tally.noun, c.tally.against) for c in briefing.aggregates] == \
        [("UA", 40, "breaches", "RU")]
    text = render(briefing, "md")
    assert "more than 40 breaches by Russia" in text and "## Counts the sides give" in text


def test_issue_11_the_accused_sides_denial_in_another_report_disputes_the_finding(db, tmp_path):
    store = Store.open(db)
    _ingest(store, tmp_path, "a", "Ukrainian drones struck a gas pumping station in Sudzha on Tuesday, the Russian "
            "Defence Ministry said.", "2025-03-26", "Russian Ministry of Defence")
    assert [f.status for f in _findings(store)] == ["alleged"]
    _ingest(store, tmp_path, "b", "Ukraine's General Staff denied that its forces had struck the station in "
            "Sudzha, calling the report a provocation.", "2025-03-27", "General Staff of Ukraine")
    (finding,) = _findings(store)
    event = next(e for e in store.events() if e.id == finding.event_id)
    assert finding.status == "disputed" and event.denied_by  # both claims travel with the event


def test_issue_11_a_refresh_recomputes_only_the_days_new_reports_touch_and_agrees_with_a_full_one(db, tmp_path,
                                                                                               monkeypatch):
    import ceasefire.pipeline as pipeline

    store = Store.open(db)
    reports = [("2025-03-20", "Russian drones struck a power substation in Sumy on Wednesday, the governor said."),
               ("2025-03-21", "A Russian drone hit a substation in Sumy on Wednesday, the energy ministry said."),
               ("2025-04-02", "Ukrainian drones hit an oil depot in Bryansk region overnight, Russia's Defence "
                              "Ministry said."),
               ("2025-04-10", "Russian missiles struck a thermal power plant in Kharkiv on Thursday."),
               ("2025-04-11", "Ukraine's General Staff denied that its drones had hit the depot in Bryansk region."),
               ("2025-05-30", "Russian forces shelled Nikopol on Friday, wounding two people.")]
    windows = []
    original = pipeline._touched_window
    monkeypatch.setattr(pipeline, "_touched_window", lambda s, d: windows.append(original(s, d)) or windows[-1])
    for n, (day, text) in enumerate(reports):
        _ingest(store, tmp_path, f"r{n}", text, day, f"source {n}")
    assert all(w is not None and (w[1] - w[0]).days < 60 for w in windows)  # never the whole store
    incremental = _state(store)
    pipeline.refresh_judgements(store, everything=True)
    assert _state(store) == incremental and len(incremental[0]) >= 4


def test_issue_11_moratorium_week_both_sides_each_act_once(db, tmp_path):
    """The 2025 moratorium excerpts in ../shared/data (internal use, not shipped): both sides' allegations are
    present, a statement of four attacks is at most four violations, and Ukraine's count of breaches is reported
    as a count."""
    from conftest import needs_shared

    from ceasefire.publish.brief import ReportingDay, build_briefing

    source = needs_shared("moratorium-2025", "moratorium_excerpts.jsonl")
    lines = [json.loads(x) for x in source.read_text().splitlines() if x.strip()]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps({"id": n, "text": d["excerpt_verbatim"], "published": d["page_date"] or None,
                                          "source": d.get("kind")}) for n, d in enumerate(lines)))
    store = Store.open(db)
    ingest(store, IngestRequest(jsonl=str(path)))
    findings = _findings(store)
    assert {"UA", "RU"} <= {f.party for f in findings}
    four = build_briefing(store, ReportingDay(dt.date(2025, 4, 2)), "energy-moratorium-2025")
    assert 1 <= len(four.findings) <= 4  # "four attacks on four sites", each once
    count = build_briefing(store, ReportingDay(dt.date(2025, 4, 23)), "energy-moratorium-2025")
    assert [(c.party, c.tally.count, c.tally.against) for c in count.aggregates] == [("UA", 30, "RU")]


def _event(*incident_ids):
    from ceasefire.records import Event, TimeSpan

    day = dt.date(2025, 3, 20)
    return Event(id=content_id("evt", *sorted(incident_ids)), type="shelling", incident_ids=list(incident_ids),
                 when=TimeSpan(start=day, end=day, precision="day"))


def test_issue_11_event_ids_stay_unique_and_follow_reviews():
    from ceasefire.pipeline import keep_event_ids

    old = content_id("evt", "i1")
    split = keep_event_ids([_event("i2"), _event("i1")], {"i1": old, "i2": old})
    assert len({e.id for e in split}) == 2  # an event split in two: one keeps the id, the other gets a new one
    merged = keep_event_ids([_event("i1", "i2", "i3")], {"i1": "evt-a", "i2": "evt-b", "i3": "evt-b"}, {"evt-a"})
    assert [e.id for e in merged] == ["evt-a"]  # two merged: the reviewed event's id, so its review follows


def test_issue_11_two_refreshes_never_interleave(db):
    import threading

    store = Store.open(db)
    order = []

    def hold(name):
        with store.refresh_lock():
            order.append(f"{name} in")
            threading.Event().wait(0.2)
            order.append(f"{name} out")

    threads = [threading.Thread(target=hold, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])


def test_issue_11_a_text_the_parser_fails_on_costs_only_itself(monkeypatch):
    from ceasefire.extract import extract_many
    from ceasefire.extract.nlp import english
    from ceasefire.intake import make_document

    nlp = english()
    original = type(nlp).pipe

    original_call = type(nlp).__call__

    # As a real parser fails: the whole batch holding the poison text is lost before any of it is yielded, and the
    # poison text fails however it is parsed.
    def failing_pipe(self, texts, **kwargs):
        texts = list(texts)
        if any("poison" in text for text in texts):
            raise ValueError("the parser met something it could not read")
        yield from original(self, texts, **kwargs)

    def failing_call(self, text, **kwargs):
        if "poison" in text:
            raise ValueError("the parser met something it could not read")
        return original_call(self, text, **kwargs)

    monkeypatch.setattr(type(nlp), "pipe", failing_pipe)
    monkeypatch.setattr(type(nlp), "__call__", failing_call)
    texts = ["Russian forces shelled Kherson on Monday.", "A poison text.", "Ukrainian drones hit Belgorod on Monday.",
             "Russian drones hit Odesa on Monday."]
    docs = [make_document(t.encode(), t, published=dt.date(2025, 3, 20)).document for t in texts]
    results = list(extract_many(docs))
    assert [bool(r.error) for r in results] == [False, True, False, False]
    assert [len(r.incidents) for r in results] == [1, 0, 1, 1]


def test_issue_11_a_re_released_row_keeps_its_reviewed_event_and_an_older_release_never_wins(db, tmp_path):
    releases = _ged_releases(tmp_path, 10)
    store = Store.open(db)
    minsk = load_agreement("minsk-2020")
    ingest(store, IngestRequest(inputs=(str(releases[0]),), dataset_format="ucdp-csv"))
    before = adjudicate_store(store, minsk)
    for f in before:
        store.add_review(Review(id=content_id("rev", f.id), finding_id=f.id, reviewer="a", action="confirm",
                                at=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc), reason="checked"))
    events = store.counts()["events"]
    ingest(store, IngestRequest(inputs=(str(releases[1]),), dataset_format="ucdp-csv"))
    after = adjudicate_store(store, minsk)
    assert store.counts()["events"] == events and len(after) == len(before)
    assert {f.id for f in after} == {f.id for f in before} and {f.status for f in after} == {"confirmed"}


def test_issue_11_an_older_release_of_a_row_taken_in_later_does_not_replace_the_newer(db, tmp_path):
    import csv
    from pathlib import Path

    sample = Path(__file__).parent / "fixtures" / "acled_format_2022q1_sample.csv"
    with sample.open(encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["timestamp"].isdigit()][:5]
        columns = reader.fieldnames
    paths = {}
    for name, shift, fatalities in (("newer", 86400 * 30, "7"), ("older", 0, "0")):
        path = paths[name] = tmp_path / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows({**r, "timestamp": str(int(r["timestamp"]) + shift), "fatalities": fatalities}
                             for r in rows)
    store = Store.open(db)
    ingest(store, IngestRequest(inputs=(str(paths["newer"]),), dataset_format="acled-csv"))
    before = store.counts()["incidents"]
    ingest(store, IngestRequest(inputs=(str(paths["older"]),), dataset_format="acled-csv"))
    current = store.read(lambda c: c.exec_driver_sql(
        "select count(*) from documents where superseded_by is null").scalar_one())
    assert current == len(rows) and store.counts()["incidents"] == before
    assert all('"fatalities": "7"' in raw.decode() for raw in store.read(lambda c: c.exec_driver_sql(
        "select raw from documents where superseded_by is null").scalars()))


def test_issue_11_an_upgraded_store_is_refreshed_whole_even_when_new_reports_arrive(db, tmp_path, monkeypatch):
    import ceasefire.pipeline as pipeline
    from ceasefire.store import FULL_REFRESH

    store = Store.open(db)
    _ingest(store, tmp_path, "a", "Russian drones struck a power substation in Sumy on Wednesday.", "2025-03-26", "a")
    store.write(lambda c: c.exec_driver_sql(
        f"insert into pending_refresh (doc_id, at) values ('{FULL_REFRESH}', CURRENT_TIMESTAMP)"))
    windows = []
    monkeypatch.setattr(pipeline, "_touched_window", lambda *a: windows.append(a) or None)
    _ingest(store, tmp_path, "b", "Russian drones struck a substation in Kharkiv on Thursday.", "2025-03-27", "b")
    assert windows == [] and store.pending_refresh() == []  # everything was refreshed, not a window


def test_issue_11_a_re_release_stored_while_a_refresh_runs_is_taken_by_the_next(db, tmp_path, monkeypatch):
    """Another writer (a second ingest) stores the new release of dataset rows while a refresh runs: their old
    versions' reports go, though the refresh read them. Its events are saved without the links to them, and the next
    refresh places the new versions (found by running two ingests of releases at once: a foreign key failure)."""
    import ceasefire.pipeline as pipeline
    from ceasefire.extract import extract_many
    from ceasefire.intake.datasets import read_dataset

    releases = _ged_releases(tmp_path, 20)
    store = Store.open(db)
    ingest(store, IngestRequest(inputs=(str(releases[0]),), dataset_format="ucdp-csv"))
    before = (store.counts()["incidents"], store.counts()["events"])
    save_events = Store.save_events

    def a_second_ingest_first(self, events, scope=None):
        monkeypatch.setattr(Store, "save_events", save_events)  # once
        other = Store.open(db)
        documents = list(read_dataset(releases[1], "ucdp-csv"))
        for raw, extraction in zip(documents, extract_many([d.document for d in documents])):
            assert other.save_extraction(raw, extraction)
        return save_events(self, events, scope)

    monkeypatch.setattr(Store, "save_events", a_second_ingest_first)
    pipeline.refresh_judgements(store, everything=True)
    assert store.pending_refresh()  # the new versions' marks wait for the next refresh
    pipeline.bring_up_to_date(store)
    assert (store.counts()["incidents"], store.counts()["events"]) == before and store.pending_refresh() == []
    linked = set(store.event_links())
    assert linked == {i.id for i in store.incidents()}  # every current report in an event, no old one
