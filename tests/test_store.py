import sqlite3

import pytest
from sqlalchemy import text

from ceasefire.errors import InputError
from ceasefire.extract import extract_document
from ceasefire.intake import make_document
from ceasefire.store import Store, migrations, resolve_db


def _raw(body: str):
    return make_document(body.encode(), body, source="test")


def test_store_migrates(db):
    store = Store.open(db)
    assert store.schema_version() == migrations.current_version()
    assert store.read(lambda c: c.execute(text("select count(*) from schema_migrations")).scalar_one()) == \
        migrations.current_version()


def test_store_sqlite_uses_wal(tmp_path):  # SQLite only: its journal mode
    path = str(tmp_path / "t.db")
    Store.open(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_same_content_is_one_document(db):
    store = Store.open(db)
    raw = _raw("Russian forces shelled Kherson on Monday.")
    extraction = extract_document(raw.document)
    assert store.save_extraction(raw, extraction) == "new"
    assert store.save_extraction(raw, extraction) is None
    assert store.counts()["documents"] == 1
    assert store.counts()["incidents"] == len(extraction.incidents) >= 1


def test_store_failed_write_leaves_nothing(db):
    store = Store.open(db)
    raw = _raw("Russian forces shelled Kherson on Monday.")
    extraction = extract_document(raw.document)
    broken = extraction.model_copy(update={"incidents": extraction.incidents * 2})  # duplicate primary keys
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        store.save_extraction(raw, broken)
    assert store.counts()["documents"] == 0 and store.counts()["incidents"] == 0


def test_store_refuses_non_database_file(tmp_path):  # SQLite only: a file that is not a SQLite database
    p = tmp_path / "not.db"
    p.write_text("hello")
    with pytest.raises(InputError, match="not a SQLite database"):
        Store.open(str(p))


def test_store_resolve_db_defaults(monkeypatch):  # how a path or URL becomes a database URL
    monkeypatch.delenv("CEASEFIRE_DB", raising=False)
    assert resolve_db(None) == "sqlite:///ceasefire.db"
    monkeypatch.setenv("CEASEFIRE_DB", "/tmp/x.db")
    assert resolve_db(None) == "sqlite:////tmp/x.db"
    assert resolve_db("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_store_a_second_refresh_updates_in_place(db):
    from ceasefire.pipeline import refresh_judgements

    store = Store.open(db)
    raw = _raw("Ukrainian drones struck an oil depot in Belgorod on Monday.")
    assert store.save_extraction(raw, extract_document(raw.document))
    refresh_judgements(store)
    first = store.events()
    refresh_judgements(store)
    assert store.events() == first and len(first) == 1


def _ingest_lines(store, tmp_path, rows):
    import json

    from ceasefire.pipeline import IngestRequest, ingest

    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    return ingest(store, IngestRequest(jsonl=str(path)))


def test_store_lists_records_in_the_order_the_api_pages_them(db, tmp_path):
    """Rows without a date first, then by date and id, on either backend (PostgreSQL puts nulls last unless told)."""
    from ceasefire.store import queries

    store = Store.open(db)
    _ingest_lines(store, tmp_path, [
        {"id": 1, "text": "Russian forces shelled Kherson on 20 March 2025.", "published": "2025-03-21"},
        {"id": 2, "text": "Russian forces shelled Nikopol, the governor said."},
        {"id": 3, "text": "Ukrainian drones hit Belgorod on 19 March 2025.", "published": "2025-03-20"}])
    everything = queries.Filters()
    documents = [d.id for d in store.documents()]
    assert documents == [d.id for d in queries.documents_page(store, everything, 50).items]
    assert store.document(documents[0]).published is None and len(documents) == 3
    assert [i.id for i in store.incidents()] == [i.id for i in queries.incidents_page(store, everything, 50).items]
    assert [c.id for c in store.claims()] == [c.id for c in queries.claims_page(store, everything, 50).items]


def test_store_text_search_ignores_case_in_every_alphabet(db, tmp_path):
    """SQLite's own lower() knows only ASCII letters: "ХЕРСОН" found nothing where PostgreSQL found Херсон."""
    from ceasefire.store import queries

    store = Store.open(db)
    _ingest_lines(store, tmp_path, [
        {"id": 1, "published": "2025-03-20", "text": "Вночі російські окупанти атакували Херсон, повідомляє "
                                                     "Херсонська обласна військова адміністрація."},
        {"id": 2, "published": "2025-03-20", "text": "Russian forces shelled Kherson on Monday."}])
    for query, expected in (("херсонська", 1), ("ХЕРСОНСЬКА", 1), ("Херсонська", 1), ("KHERSON", 1), ("kherson", 1),
                            ("Одеса", 0)):
        assert len(queries.documents_page(store, queries.Filters(text=query), 50).items) == expected, query


def test_store_two_writers_at_once_both_succeed(db, monkeypatch):
    """The second writer waits for the first, even past SQLite's busy timeout (a refresh of a large store may hold
    the lock that long): neither fails. On PostgreSQL the second waits on the first's lock."""
    import datetime as dt
    import threading
    import time

    import ceasefire.store as store_module
    from ceasefire.store import schema

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 100)  # SQLite gives up waiting after 0.1 s, not 30 s
    first, second = Store.open(db), Store.open(db)  # two engines: two connections, as two processes have
    holding, order, failures = threading.Event(), [], []

    def write(store, name, hold):
        def fn(conn):
            store._lock_derived(conn)  # PostgreSQL's lock for a write of events or findings; SQLite's is IMMEDIATE
            conn.execute(schema.quarantine.insert().values(source=name, problem="p", at=dt.datetime.now(dt.timezone.utc)))
            holding.set()
            time.sleep(hold)
            order.append(name)

        try:
            store.write(fn)
        except Exception as exc:  # noqa: BLE001 - recorded: the assertion below names it
            failures.append(f"{name}: {exc}")

    slow = threading.Thread(target=write, args=(first, "first", 1.0))  # ten busy timeouts long
    slow.start()
    assert holding.wait(10)
    write(second, "second", 0)
    slow.join()
    assert failures == [] and order == ["first", "second"]
    assert sorted(e["source"] for e in second.quarantine_entries()) == ["first", "second"]
