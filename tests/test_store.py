import sqlite3

import pytest
from sqlalchemy import text

from ceasefire.errors import InputError
from ceasefire.extract import extract_document
from ceasefire.intake import make_document
from ceasefire.store import Store, migrations, resolve_db


def _raw(body: str):
    return make_document(body.encode(), body, source="test")


def test_store_migrates_and_uses_wal(db):
    store = Store.open(db)
    assert store.schema_version() == migrations.current_version()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_same_content_is_one_document(db):
    store = Store.open(db)
    raw = _raw("Russian forces shelled Kherson on Monday.")
    extraction = extract_document(raw.document)
    assert store.save_extraction(raw, extraction) is True
    assert store.save_extraction(raw, extraction) is False
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


def test_store_refuses_non_database_file(tmp_path):
    p = tmp_path / "not.db"
    p.write_text("hello")
    with pytest.raises(InputError, match="not a SQLite database"):
        Store.open(str(p))


def test_store_resolve_db_defaults(monkeypatch):
    monkeypatch.delenv("CEASEFIRE_DB", raising=False)
    assert resolve_db(None) == "sqlite:///ceasefire.db"
    monkeypatch.setenv("CEASEFIRE_DB", "/tmp/x.db")
    assert resolve_db(None) == "sqlite:////tmp/x.db"
    assert resolve_db("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_store_postgresql_round_trip():
    """The same schema and writes on the machine's PostgreSQL (skipped where none answers)."""
    import uuid

    pytest.importorskip("psycopg")
    import psycopg

    try:
        admin = psycopg.connect("host=127.0.0.1 dbname=postgres user=postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({exc})")
    name = f"cfm_test_{uuid.uuid4().hex[:8]}"
    admin.execute(f"CREATE DATABASE {name}")
    try:
        store = Store.open(f"postgresql://postgres@127.0.0.1/{name}")
        raw = _raw("Ukrainian drones struck an oil depot in Belgorod on Monday.")
        assert store.save_extraction(raw, extract_document(raw.document))
        assert not store.save_extraction(raw, extract_document(raw.document))
        assert store.counts()["documents"] == 1
        from ceasefire.pipeline import refresh_judgements

        refresh_judgements(store)
        refresh_judgements(store)  # a second run updates in place
        assert store.counts()["events"] == 1
        assert store.read(lambda c: c.execute(text("select count(*) from schema_migrations")).scalar_one()) == migrations.current_version()
        store.close()
    finally:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()
