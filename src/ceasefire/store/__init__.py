"""The store: SQLite (WAL) by default, PostgreSQL for a team, both through SQLAlchemy Core.

All writes go through `Store.write`, one transaction each: a failure rolls back and leaves nothing
half-written. Documents are keyed by the sha256 of their raw bytes, so the same content is stored once.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal, TypeVar

from sqlalchemy import (Connection, Engine, String, bindparam, create_engine, delete, event, func, or_, select, text,
                        update)
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError

from ceasefire.errors import InputError
from ceasefire.records import (DOCUMENT_META, Agreement, Claim, Contradiction, Document, Event, Extraction, Finding,
                               Incident, RawDocument, Review, Source, SourceHealth)
from ceasefire.store import migrations, schema

T = TypeVar("T")
StoredAs = Literal["new", "copy"]
DEFAULT_DB = "ceasefire.db"
FULL_REFRESH = "upgrade"  # the document id of a pending-refresh mark that asks for a refresh of everything
BUSY_TIMEOUT_MS = 30_000  # how long SQLite waits for another writer's lock before it says "database is locked"
BEGIN_ATTEMPTS = 6  # a write then tries to begin again, after a pause that doubles: it waits minutes in all


def resolve_db(db: str | None) -> str:
    """--db, else CEASEFIRE_DB, else ./ceasefire.db; a path becomes a sqlite URL."""
    value = db or os.environ.get("CEASEFIRE_DB") or DEFAULT_DB
    if "://" in value:
        return value.replace("postgres://", "postgresql+psycopg://", 1).replace(
            "postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{Path(value).expanduser()}"


def shown(url: str) -> str:
    """A database URL as it may be printed: the password hidden ("postgresql://user:***@host/db")."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # The driver's own transaction handling is off, so that writes can begin IMMEDIATE (below).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the store; a power cut (not a killed process) may lose the last commits.
    # FULL synced every document's transaction: a millisecond each.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # a busy store is waited for, not failed
    cur.close()
    # SQLite's own lower() changes ASCII letters only: text search would see case in Cyrillic (PostgreSQL's does not).
    dbapi_conn.create_function("lower", 1, _lower, deterministic=True)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _postgresql_utc(dbapi_conn, _record) -> None:
    """Sessions in UTC whatever the server's zone: times then come back in UTC as SQLite keeps them, and a dump,
    a time's date or a time written without a zone (a SQLite store's dump) mean the same on both."""
    autocommit = dbapi_conn.autocommit
    dbapi_conn.autocommit = True  # not inside a transaction, which a rollback would take the setting back with
    cur = dbapi_conn.cursor()
    cur.execute("SET TIME ZONE 'UTC'")
    cur.close()
    dbapi_conn.autocommit = autocommit


def _sqlite_begin(conn) -> None:
    """Writers take the write lock when they begin, not at their first write: two ingests at once then wait for
    each other instead of both reading "not stored yet" and colliding on the insert."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("writing") else "BEGIN")


# Derived data (events, findings): each write takes a transaction lock on PostgreSQL (SQLite's IMMEDIATE writes
# already queue), and a whole refresh — from reading the marks to clearing them — holds a session lock.
_REFRESH_LOCK = 7_041_991
_WHOLE_REFRESH_LOCK = 7_041_992


# A document as the store reads it back: every column but the raw bytes and the store's own bookkeeping.
DOCUMENT_COLUMNS = [c for c in schema.documents.c if c.name not in ("raw", "ingested_at", "superseded_by")]


def document_of(row) -> Document:
    """The Document of a row of DOCUMENT_COLUMNS (its `meta` JSON unpacked into the fields it keeps)."""
    fields = dict(row._mapping if hasattr(row, "_mapping") else row)
    meta = fields.pop("meta", None)
    return Document(**fields, **(json.loads(meta) if meta else {}))


def document_row(doc: Document, raw: bytes) -> dict:
    """The documents-table row of a document taken in now."""
    meta = {k: v for k, v in doc.model_dump(mode="json", include=set(DOCUMENT_META)).items() if v is not None}
    return dict(id=doc.id, sha256=doc.sha256, source=doc.source, url=doc.url, title=doc.title,
                published=doc.published, retrieved=doc.retrieved, ingested_at=dt.datetime.now(dt.timezone.utc),
                language=doc.language, content_type=doc.content_type, text=doc.text, raw=raw,
                external_id=doc.external_id, copy_of=doc.copy_of, meta=json.dumps(meta, sort_keys=True) if meta else None)


EXTRACTION_TABLES = {"claims": schema.claims, "incidents": schema.incidents, "contradictions": schema.contradictions}


@dataclass(frozen=True)
class ExtractionRows:
    """A document's extraction as the rows the store keeps: made where the extraction ran (a worker process sends
    plain rows, cheap to pickle), so that the writing process only compares and writes."""

    doc_id: str
    error: str | None
    rows: dict[str, dict[str, dict]]  # table -> row id -> row

    @classmethod
    def of(cls, extraction: Extraction) -> ExtractionRows:
        doc_id = extraction.document.id
        if extraction.error:
            return cls(doc_id, extraction.error, {})
        return cls(doc_id, None, {
            "claims": {c.id: _claim_row(c) for c in extraction.claims},
            "incidents": {i.id: _incident_row(i) for i in extraction.incidents},
            "contradictions": {r["id"]: r for r in _contradiction_rows(doc_id, extraction.contradictions)}})


class Store:
    """A connection to one database, migrated to the current schema on open."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine

    @classmethod
    def open(cls, db: str | None = None) -> Store:
        url = resolve_db(db)
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if path.parent and not path.parent.exists():
                raise InputError(str(path), "directory does not exist")
        try:
            engine = create_engine(url, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise InputError(shown(url), f"cannot open database ({shown(str(exc))})") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgresql_utc)
        store = cls(url, engine)
        try:
            store.write(migrations.upgrade)
        except DatabaseError as exc:
            # Not read by opening the file ourselves: closing any other descriptor of a database file drops every
            # lock SQLite's connections in this process hold on it (POSIX), and a reader then sees pages change.
            if "file is not a database" in str(exc):
                raise InputError(url.removeprefix("sqlite:///"), "not a SQLite database") from None
            raise InputError(shown(url), f"cannot open database ({shown(str(exc).splitlines()[0])})") from None
        except SQLAlchemyError as exc:
            raise InputError(shown(url), f"cannot open database ({shown(str(exc).splitlines()[0])})") from None
        return store

    def backup(self, target: Path) -> None:
        """Copy the whole store into a new SQLite file, consistently while writers work (VACUUM INTO)."""
        if self.engine.dialect.name != "sqlite":
            raise InputError(shown(self.url), "back up a PostgreSQL store with pg_dump")
        if target.exists():
            raise InputError(str(target), "already exists; a backup never overwrites a file")
        if not target.parent.exists():
            raise InputError(str(target), "directory does not exist")
        raw = self.engine.raw_connection()  # outside any transaction, which VACUUM cannot run in
        try:
            raw.driver_connection.execute("VACUUM INTO ?", (str(target),))
        finally:
            raw.close()

    def close(self) -> None:
        self.engine.dispose()

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run `fn` in one transaction: committed if it returns, rolled back if it raises (on SQLite it begins
        IMMEDIATE, holding the write lock from its first read). A SQLite store that another writer holds for longer
        than the busy timeout (a refresh of a large store) is waited for again, a few times, before `fn` runs once."""
        with self.engine.connect() as conn:
            conn.info["writing"] = True
            try:
                with self._begin(conn):
                    return fn(conn)
            finally:
                conn.info.pop("writing", None)

    @staticmethod
    def _begin(conn: Connection):
        # SQLite takes the write lock as the transaction begins (BEGIN IMMEDIATE): only that is tried again, so that
        # nothing of `fn` ever runs twice.
        for attempt in range(1, BEGIN_ATTEMPTS + 1):
            try:
                return conn.begin()
            except OperationalError as exc:
                if attempt == BEGIN_ATTEMPTS or "database is locked" not in str(exc.orig):
                    raise
                conn.rollback()
                time.sleep(0.1 * 2 ** attempt)

    @contextmanager
    def refresh_lock(self) -> Iterator[None]:
        """Held for a whole refresh of events and findings, so that two writers never interleave theirs (one would
        save events computed before the other's documents and lose them): a lock file beside a SQLite store, a
        session advisory lock on PostgreSQL."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _WHOLE_REFRESH_LOCK})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _WHOLE_REFRESH_LOCK})
                    conn.commit()
            return
        database = self.engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}.refresh-lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _lock_derived(self, conn: Connection) -> None:
        """One write of events or findings (or of a new version of a dataset row, which removes the old one's
        reports) at a time on PostgreSQL (SQLite's IMMEDIATE transactions already are)."""
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _REFRESH_LOCK})

    def read(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.connect() as conn:
            return fn(conn)

    # -- documents and extractions ---------------------------------------------------------------
    def has_document(self, sha256: str) -> bool:
        return self.read(lambda c: c.execute(
            select(schema.documents.c.id).where(schema.documents.c.sha256 == sha256)).first() is not None)

    def save_extraction(self, raw: RawDocument, extraction: Extraction,
                        extra: Callable[[Connection], None] | None = None,
                        bands: list[int] | None = None) -> StoredAs | None:
        """Store a document with its extraction in one transaction (with `extra`'s writes: attachments, an audit
        line, a source's count); None if the content was already stored. With `bands` (intake/copies.py) the text
        is first compared with the stored texts that share a band: a republished copy is stored linked to the
        original (`copy_of`) without its extraction ("copy"), anything else with it ("new")."""
        doc = raw.document

        def write(conn: Connection) -> StoredAs | None:
            if doc.external_id:  # a new version removes the old ones' reports: not while events are written
                self._lock_derived(conn)
            exists = conn.execute(select(schema.documents.c.id).where(schema.documents.c.sha256 == doc.sha256))
            if exists.first() is not None:
                return None
            original = _original_of(conn, doc, bands) if bands else None
            conn.execute(schema.documents.insert(), document_row(doc.model_copy(update={"copy_of": original}), raw.raw))
            if bands:
                conn.execute(schema.document_bands.insert(), [{"key": k, "doc_id": doc.id} for k in set(bands)])
            if original is None:
                if extraction.claims:
                    conn.execute(schema.claims.insert(), [_claim_row(c) for c in extraction.claims])
                if extraction.incidents:
                    conn.execute(schema.incidents.insert(), [_incident_row(i) for i in extraction.incidents])
                if extraction.contradictions:
                    conn.execute(schema.contradictions.insert(),
                                 _contradiction_rows(doc.id, extraction.contradictions))
            if doc.external_id:
                _supersede(conn, doc)
            conn.execute(schema.pending_refresh.insert(), {"doc_id": doc.id, "at": dt.datetime.now(dt.timezone.utc)})
            if extra:
                extra(conn)
            return "copy" if original else "new"

        try:
            return self.write(write)
        except IntegrityError:
            if self.has_document(doc.sha256):
                return None  # another writer stored the same content first: already stored, not a failure
            raise

    def original_of(self, document: Document, bands: list[int]) -> str | None:
        """The stored document whose text `document` republishes, if any (see intake/copies.py)."""
        return self.read(lambda conn: _original_of(conn, document, bands))

    def copies_of(self, doc_ids: set[str]) -> dict[str, list[Document]]:
        """The stored copies of each document's text (each with its own source), in the order they were taken in."""
        d = schema.documents.c
        out: dict[str, list[Document]] = {}
        ids = sorted(doc_ids)
        for start in range(0, len(ids), 500):
            rows = self.read(lambda c, chunk=ids[start:start + 500]: c.execute(
                select(*DOCUMENT_COLUMNS).where(d.copy_of.in_(chunk)).order_by(d.ingested_at, d.id)).mappings().all())
            for row in rows:
                out.setdefault(row["copy_of"], []).append(document_of(row))
        return out

    # -- followed sources (ceasefire source, ceasefire watch) ----------------------------------------------------
    def add_source(self, source: Source, actor: str = "cli") -> None:
        """Follow a source (recorded in the audit trail); raises InputError if one of that name is followed."""
        from ceasefire.access import record

        row = source.model_dump(exclude={"health"}) | {"local": int(source.local), "enabled": int(source.enabled)}

        def write(conn: Connection) -> None:
            conn.execute(schema.sources.insert(), row)
            record(conn, actor, "source.add", f"source:{source.name}",
                   {k: v for k, v in row.items() if k not in ("created_at", "etag", "last_modified")})

        try:
            self.write(write)
        except IntegrityError:
            raise InputError(source.name, "a source of this name is already followed (see `ceasefire source list`)") \
                from None

    def sources(self, name: str | None = None) -> list[Source]:
        q = select(schema.sources).order_by(schema.sources.c.name)
        if name is not None:
            q = q.where(schema.sources.c.name == name)
        return [_source_of(row) for row in self.read(lambda c: c.execute(q).mappings().all())]

    def due_sources(self, now: dt.datetime) -> list[Source]:
        """Enabled sources whose next poll is due, the most overdue first."""
        c = schema.sources.c
        q = select(schema.sources).where(c.enabled == 1, or_(c.next_poll_at.is_(None), c.next_poll_at <= now)) \
            .order_by(c.next_poll_at.asc().nulls_first(), c.name)
        return [_source_of(row) for row in self.read(lambda conn: conn.execute(q).mappings().all())]

    def update_source(self, name: str, actor: str | None = None, **values) -> bool:
        """Set columns of a followed source (enabled, polling state, health); with `actor`, a change the team made,
        recorded in the audit trail. False if there is no such source."""
        from ceasefire.access import record

        def write(conn: Connection) -> int:
            changed = conn.execute(update(schema.sources).where(schema.sources.c.name == name).values(**values))
            if actor and changed.rowcount:
                record(conn, actor, "source.update", f"source:{name}", values)
            return changed.rowcount

        return self.write(write) > 0

    def remove_source(self, name: str, actor: str = "cli") -> bool:
        """Stop following a source (its documents stay); False if there is no such source."""
        from ceasefire.access import record

        def write(conn: Connection) -> int:
            conn.execute(delete(schema.source_files).where(schema.source_files.c.source == name))
            removed = conn.execute(delete(schema.sources).where(schema.sources.c.name == name)).rowcount
            if removed:
                record(conn, actor, "source.remove", f"source:{name}")
            return removed

        return self.write(write) > 0

    @staticmethod
    def counted_for(name: str) -> Callable[[Connection], None]:
        """A write that counts one more document added from the source, made in the document's own transaction."""
        return lambda conn: conn.execute(update(schema.sources).where(schema.sources.c.name == name).values(
            documents_added=schema.sources.c.documents_added + 1))

    def read_files(self, name: str) -> dict[str, str]:
        """The files of a followed folder or export already read: path -> fingerprint."""
        f = schema.source_files.c
        return dict(self.read(lambda c: c.execute(select(f.path, f.fingerprint).where(f.source == name)).all()))

    def mark_files_read(self, name: str, files: dict[str, str]) -> None:
        f = schema.source_files

        def write(conn: Connection) -> None:
            conn.execute(delete(f).where(f.c.source == name, f.c.path.in_(sorted(files))))
            conn.execute(f.insert(), [{"source": name, "path": p, "fingerprint": fp} for p, fp in files.items()])

        if files:
            self.write(write)

    # -- re-processing (ceasefire reprocess) -----------------------------------------------------------
    def open_reprocess_run(self, since: dt.date | None, until: dt.date | None, restart: bool = False) -> tuple[int, bool]:
        """The unfinished run of these days, resumed, or a new one: (run id, resumed). An unfinished run of other
        days is refused unless `restart` abandons it (what it did stays done)."""
        runs = schema.reprocess_runs

        def write(conn: Connection) -> tuple[int, bool]:
            open_run = conn.execute(select(runs.c.id, runs.c.since, runs.c.until).where(
                runs.c.finished_at.is_(None)).order_by(runs.c.id)).first()
            now = dt.datetime.now(dt.timezone.utc)
            if open_run is not None and not restart:
                if (open_run.since, open_run.until) != (since, until):
                    raise InputError("reprocess", f"run {open_run.id} ({_days(open_run.since, open_run.until)}) is "
                                                  f"unfinished: resume it with the same --since/--until, or give "
                                                  f"--restart to abandon it")
                return open_run.id, True
            if open_run is not None:
                conn.execute(update(runs).where(runs.c.finished_at.is_(None)).values(finished_at=now,
                                                                                      outcome="abandoned"))
            run_id = conn.execute(runs.insert().values(since=since, until=until, started_at=now)).inserted_primary_key[0]
            return run_id, False

        return self.write(write)

    def _reprocess_selection(self, run_id: int, since: dt.date | None, until: dt.date | None):
        """Stored documents a run covers and has not done: the current version of each (a superseded dataset row
        has no extraction to redo), not a field report (its incident comes from the form, not from reading) and not a
        republished copy (its text is read as the document it copies)."""
        from ceasefire.intake.field import CONTENT_TYPE as FIELD_REPORT

        d, done = schema.documents, schema.reprocess_done
        conditions = [d.c.superseded_by.is_(None), d.c.content_type != FIELD_REPORT, d.c.copy_of.is_(None),
                      ~select(done.c.doc_id).where(done.c.run_id == run_id, done.c.doc_id == d.c.id).exists()]
        if since:
            conditions.append(d.c.published >= since)
        if until:
            conditions.append(d.c.published <= until)
        return conditions

    def reprocess_progress(self, run_id: int, since: dt.date | None, until: dt.date | None) -> tuple[int, dict]:
        """(documents left to do, counts of those done by outcome)."""
        done = schema.reprocess_done
        left = self.read(lambda c: c.execute(select(func.count()).select_from(schema.documents).where(
            *self._reprocess_selection(run_id, since, until))).scalar_one())
        outcomes = dict(self.read(lambda c: c.execute(select(done.c.outcome, func.count()).where(
            done.c.run_id == run_id).group_by(done.c.outcome)).all()))
        return left, outcomes

    def documents_to_reprocess(self, run_id: int, since: dt.date | None, until: dt.date | None,
                               after: str = "", limit: int = 500) -> list[Document]:
        """The next `limit` documents left to do, by id after `after` (pages that a concurrent write cannot shift)."""
        d = schema.documents
        rows = self.read(lambda c: c.execute(select(*DOCUMENT_COLUMNS).where(
            d.c.id > after, *self._reprocess_selection(run_id, since, until)).order_by(d.c.id).limit(limit))
            .mappings().all())
        return [document_of(row) for row in rows]

    def replace_extractions(self, run_id: int, extractions: list[ExtractionRows]) -> dict[str, str]:
        """Put new extractions of stored documents in place of their old ones, and mark each document done by the
        run, in one transaction. An unchanged extraction writes nothing but its mark; a failed one keeps the old
        extraction (its reason is recorded). Reports that keep their ids keep their links to events, so that events
        keep their ids, findings and reviews. A change asks for a refresh of every event (a report may have moved
        to another day). Returns each document's outcome."""
        done = schema.reprocess_done
        doc_ids = [x.doc_id for x in extractions]

        def write(conn: Connection) -> dict[str, str]:
            old: dict[str, dict[str, dict[str, str]]] = {name: {} for name in EXTRACTION_TABLES}
            for name, t in EXTRACTION_TABLES.items():  # the batch's stored rows, one query a table
                for doc_id, row_id, data in conn.execute(select(t.c.doc_id, t.c.id, t.c.data).where(
                        t.c.doc_id.in_(doc_ids))).all():
                    old[name].setdefault(doc_id, {})[row_id] = data
            outcomes: dict[str, str] = {}
            for x in extractions:
                before = {name: old[name].get(x.doc_id, {}) for name in EXTRACTION_TABLES}
                changed = x.error is None and any(
                    before[name] != {k: row["data"] for k, row in x.rows[name].items()} for name in EXTRACTION_TABLES)
                outcomes[x.doc_id] = "failed" if x.error else "changed" if changed else "same"
                for name, t in EXTRACTION_TABLES.items() if changed else ():
                    gone = sorted(set(before[name]) - set(x.rows[name]))
                    for start in range(0, len(gone), 500):  # links of vanished reports go with them
                        conn.execute(delete(t).where(t.c.id.in_(gone[start:start + 500])))
                    _upsert(conn, t, list(x.rows[name].values()), set(before[name]))
            conn.execute(done.insert(), [{"run_id": run_id, "doc_id": x.doc_id, "outcome": outcomes[x.doc_id],
                                          "detail": x.error} for x in extractions])
            if "changed" in outcomes.values():
                conn.execute(schema.pending_refresh.insert(), {"doc_id": FULL_REFRESH,
                                                               "at": dt.datetime.now(dt.timezone.utc)})
            return outcomes

        return self.write(write) if extractions else {}

    def finish_reprocess_run(self, run_id: int) -> None:
        runs = schema.reprocess_runs
        self.write(lambda c: c.execute(update(runs).where(runs.c.id == run_id).values(
            finished_at=dt.datetime.now(dt.timezone.utc), outcome="finished")))

    def pending_documents(self, marks: list[int]) -> set[str]:
        """The documents behind pending-refresh marks."""
        rows: set[str] = set()
        for start in range(0, len(marks), 500):
            rows |= set(self.read(lambda c, chunk=marks[start:start + 500]: c.execute(
                select(schema.pending_refresh.c.doc_id).where(schema.pending_refresh.c.id.in_(chunk))).scalars()))
        return rows

    def incidents_of(self, doc_ids: set[str]) -> list[Incident]:
        return [Incident.model_validate_json(d)
                for d in self._by_ids(schema.incidents, schema.incidents.c.doc_id, doc_ids)]

    def documents_by_id(self, doc_ids: set[str]) -> dict[str, Document]:
        ids = sorted(doc_ids)
        out: dict[str, Document] = {}
        for start in range(0, len(ids), 500):
            for row in self.read(lambda c, chunk=ids[start:start + 500]: c.execute(
                    select(*DOCUMENT_COLUMNS).where(schema.documents.c.id.in_(chunk))).mappings().all()):
                out[row["id"]] = document_of(row)
        return out

    def _by_ids(self, table, column, ids: set[str]) -> list[str]:
        """The `data` of the rows whose `column` is one of `ids`, read in chunks."""
        keys = sorted(ids)
        out: list[str] = []
        for start in range(0, len(keys), 500):
            out += self.read(lambda c, chunk=keys[start:start + 500]: c.execute(
                select(table.c.data).where(column.in_(chunk))).scalars().all())
        return out

    def claims_by_id(self, ids: set[str]) -> list[Claim]:
        return [Claim.model_validate_json(d) for d in self._by_ids(schema.claims, schema.claims.c.id, ids)]

    def events_by_id(self, ids: set[str]) -> list[Event]:
        return [Event.model_validate_json(d) for d in self._by_ids(schema.events, schema.events.c.id, ids)]

    def contradictions_of(self, doc_ids: set[str]) -> list[Contradiction]:
        return [Contradiction.model_validate_json(d)
                for d in self._by_ids(schema.contradictions, schema.contradictions.c.doc_id, doc_ids)]

    def reviewed_events(self) -> set[str]:
        """Events whose findings carry an analyst's review."""
        return set(self.read(lambda c: c.execute(select(schema.findings.c.event_id).join(
            schema.reviews, schema.reviews.c.finding_id == schema.findings.c.id)).scalars()))

    def unlinked_events(self) -> set[str]:
        """Events left without reports (their document was superseded): a refresh replaces them."""
        linked = select(schema.event_incidents.c.event_id)
        return set(self.read(lambda c: c.execute(select(schema.events.c.id).where(
            schema.events.c.id.not_in(linked))).scalars()))

    def pending_refresh(self) -> list[int]:
        """The marks of documents whose events and findings are not yet up to date."""
        return list(self.read(lambda c: c.execute(select(schema.pending_refresh.c.id)).scalars()))

    def clear_pending_refresh(self, marks: list[int]) -> None:
        """Remove the marks a completed refresh covered (by id: marks added while it ran stay for the next one,
        whatever order concurrent writers committed in)."""

        def write(conn: Connection) -> None:
            for start in range(0, len(marks), 500):
                conn.execute(delete(schema.pending_refresh).where(
                    schema.pending_refresh.c.id.in_(marks[start:start + 500])))

        self.write(write)

    def update_statistics(self) -> None:
        """Refresh the query planner's statistics after a refresh changed events and findings (SQLite keeps none
        by itself; without them, or with stale ones, the map's day query may walk the whole table). Sampled:
        milliseconds on a million rows. PostgreSQL's autovacuum does this itself."""
        if self.engine.dialect.name == "sqlite":
            self.write(lambda c: (c.exec_driver_sql("PRAGMA analysis_limit=1000"), c.exec_driver_sql("ANALYZE")))

    def counts(self) -> dict[str, int]:
        tables = {"documents": schema.documents, "claims": schema.claims, "incidents": schema.incidents,
                  "events": schema.events, "findings": schema.findings, "contradictions": schema.contradictions,
                  "reviews": schema.reviews}

        def count(conn: Connection) -> dict[str, int]:
            out = {name: conn.execute(select(func.count()).select_from(t)).scalar_one() for name, t in tables.items()}
            # Of the documents: those that republish a stored text (counted once, as their original) ...
            out["copies"] = conn.execute(select(func.count()).select_from(schema.documents).where(
                schema.documents.c.copy_of.is_not(None))).scalar_one()
            out["independent_texts"] = out["documents"] - out["copies"]
            return out

        return self.read(count)

    def schema_version(self) -> int:
        return max(self.read(migrations.applied_versions), default=0)

    def documents(self) -> Iterator[Document]:
        d = schema.documents.c
        rows = self.read(lambda c: c.execute(
            select(*DOCUMENT_COLUMNS).order_by(d.published.asc().nulls_first(), d.id)).mappings().all())
        for row in rows:
            yield document_of(row)

    def incidents(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Incident]:
        # Undated rows first on both backends (PostgreSQL puts nulls last unless told), as the API pages them.
        q = select(schema.incidents.c.data).order_by(schema.incidents.c.when_start.asc().nulls_first(),
                                                     schema.incidents.c.id)
        if start:
            q = q.where(schema.incidents.c.when_end >= start)
        if end:
            q = q.where(schema.incidents.c.when_start <= end)
        return [Incident.model_validate_json(d) for d in self.read(lambda c: c.execute(q).scalars().all())]

    def claims(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Claim]:
        q = select(schema.claims.c.data).order_by(schema.claims.c.when_start.asc().nulls_first(), schema.claims.c.id)
        if start:
            q = q.where(schema.claims.c.when_start >= start)
        if end:
            q = q.where(schema.claims.c.when_start <= end)
        return [Claim.model_validate_json(d) for d in self.read(lambda c: c.execute(q).scalars().all())]

    def document(self, doc_id: str) -> Document | None:
        row = self.read(lambda c: c.execute(
            select(*DOCUMENT_COLUMNS).where(schema.documents.c.id == doc_id)).mappings().first())
        return document_of(row) if row else None

    def contradictions(self) -> list[Contradiction]:
        rows = self.read(lambda c: c.execute(select(schema.contradictions.c.data)).scalars().all())
        return [Contradiction.model_validate_json(d) for d in rows]

    # -- events, findings, reviews ---------------------------------------------------------------
    def save_events(self, events: list[Event], scope: set[str] | None = None) -> None:
        """Replace the reconciled events (one transaction): all of them, or only the stored events in `scope`
        (a refresh of the days new reports touch); events whose findings carry reviews are kept. The timeline's
        counts of the days the old and new events began on are counted again."""

        def write(conn: Connection) -> None:
            self._lock_derived(conn)
            reviewed = set(conn.execute(select(schema.findings.c.event_id).join(
                schema.reviews, schema.reviews.c.finding_id == schema.findings.c.id)).scalars())
            new_ids = {e.id for e in events}
            replaced = set(conn.execute(select(schema.events.c.id)).scalars()) if scope is None else set(scope)
            stale = replaced - new_ids - reviewed
            # The days whose counts change: those the replaced and the new events began on.
            days = None if scope is None else {e.when.start for e in events} | _start_days(conn, replaced | new_ids)
            for start in range(0, len(stale), 500):
                chunk = sorted(stale)[start:start + 500]
                conn.execute(delete(schema.event_incidents).where(schema.event_incidents.c.event_id.in_(chunk)))
                conn.execute(delete(schema.findings).where(schema.findings.c.event_id.in_(chunk)))
                conn.execute(delete(schema.events).where(schema.events.c.id.in_(chunk)))
            existing = set(conn.execute(select(schema.events.c.id).where(schema.events.c.id.in_(new_ids))).scalars()) \
                if scope is not None else set(conn.execute(select(schema.events.c.id)).scalars())
            if scope is None:
                conn.execute(delete(schema.event_incidents))
            else:
                relinked = [i for e in events for i in e.incident_ids] + sorted(replaced)
                for start in range(0, len(relinked), 500):
                    chunk = relinked[start:start + 500]
                    conn.execute(delete(schema.event_incidents).where(
                        schema.event_incidents.c.incident_id.in_(chunk) | schema.event_incidents.c.event_id.in_(chunk)))
            _upsert(conn, schema.events, [{"id": e.id, **_event_row(e)} for e in events], existing)
            links = [{"event_id": e.id, "incident_id": i} for e in events for i in e.incident_ids]
            if links:  # to the reports still stored: another writer may have superseded some since they were read
                conn.execute(_LINK_TO_STORED, links)  # (their new versions' marks ask the next refresh to place them)
            recount_days(conn, days)

        self.write(write)

    def event_links(self, incident_ids: set[str] | None = None) -> dict[str, str]:
        """Each report's event, as last reconciled (of every report, or of those named)."""
        t = schema.event_incidents
        query = select(t.c.incident_id, t.c.event_id)
        if incident_ids is None:
            return dict(self.read(lambda c: c.execute(query).all()))
        keys, out = sorted(incident_ids), {}
        for start in range(0, len(keys), 500):
            out.update(self.read(lambda c, chunk=keys[start:start + 500]: c.execute(
                query.where(t.c.incident_id.in_(chunk))).all()))
        return out

    def linked_event_ids(self, event_ids: set[str]) -> set[str]:
        """Those of `event_ids` that stored events with reports have."""
        t, keys, out = schema.event_incidents, sorted(event_ids), set()
        for start in range(0, len(keys), 500):
            out |= set(self.read(lambda c, chunk=keys[start:start + 500]: c.execute(
                select(t.c.event_id).where(t.c.event_id.in_(chunk)).distinct()).scalars()))
        return out

    def events(self) -> list[Event]:
        q = select(schema.events.c.data).order_by(schema.events.c.when_start, schema.events.c.id)
        return [Event.model_validate_json(d) for d in self.read(lambda c: c.execute(q).scalars().all())]

    def save_findings(self, agreement_id: str, findings: list[Finding], events: set[str] | None = None) -> None:
        """Replace an agreement's computed findings (all, or those of the events named); a finding with reviews is
        updated, never removed."""

        def write(conn: Connection) -> None:
            self._lock_derived(conn)
            reviewed = set(conn.execute(select(schema.reviews.c.finding_id)).scalars())
            query = select(schema.findings.c.id).where(schema.findings.c.agreement_id == agreement_id)
            current = set()
            for chunk in ([None] if events is None else [sorted(events)[i:i + 500] for i in range(0, len(events), 500)]):
                q = query if chunk is None else query.where(schema.findings.c.event_id.in_(chunk))
                current |= set(conn.execute(q).scalars())
            new_ids = {f.id for f in findings}
            if events is not None:  # findings of the new events may exist already (an event that kept its id)
                for start in range(0, len(new_ids), 500):
                    current |= set(conn.execute(select(schema.findings.c.id).where(
                        schema.findings.c.id.in_(sorted(new_ids)[start:start + 500]))).scalars())
            stale = sorted(current - new_ids - reviewed)
            for start in range(0, len(stale), 500):
                conn.execute(delete(schema.findings).where(schema.findings.c.id.in_(stale[start:start + 500])))
            rows = []
            for f in findings:
                # The status and party columns say what reviews made of the finding (its JSON keeps the computed one).
                now = _as_reviewed(conn, f) if f.id in reviewed else f
                rows.append({"id": f.id, "event_id": f.event_id, "agreement_id": f.agreement_id, "clause": f.clause,
                             "party": now.party, "status": now.status, "date": f.date,
                             "admin1": f.place.admin1 if f.place else None, "confidence": f.confidence,
                             "data": f.model_dump_json()})
            _upsert(conn, schema.findings, rows, current)

        self.write(write)

    def findings(self, agreement_id: str | None = None, start: dt.date | None = None,
                 end: dt.date | None = None) -> list[Finding]:
        """Stored findings as their reviews leave them, by date."""
        from ceasefire.adjudicate import apply_reviews

        q = select(schema.findings.c.data).order_by(schema.findings.c.date, schema.findings.c.id)
        if agreement_id:
            q = q.where(schema.findings.c.agreement_id == agreement_id)
        if start:
            q = q.where(schema.findings.c.date >= start)
        if end:
            q = q.where(schema.findings.c.date <= end)
        found = [Finding.model_validate_json(d) for d in self.read(lambda c: c.execute(q).scalars().all())]
        by_finding: dict[str, list[Review]] = {}
        for review in self.reviews():
            by_finding.setdefault(review.finding_id, []).append(review)
        return [apply_reviews(f, by_finding.get(f.id, [])) for f in found]

    def add_review(self, review: Review, actor: str | None = None) -> None:
        """Append an analyst's review (the finding must exist; nothing is ever overwritten), with its line in the
        audit trail (`actor`: who sent it, the reviewer by default)."""
        from ceasefire.access import record

        def write(conn: Connection) -> None:
            data = conn.execute(select(schema.findings.c.data).where(
                schema.findings.c.id == review.finding_id)).scalar()
            if data is None:
                raise InputError(review.finding_id, "no such finding")
            conn.execute(schema.reviews.insert().values(id=review.id, finding_id=review.finding_id,
                                                        reviewer=review.reviewer, at=review.at,
                                                        action=review.action, data=review.model_dump_json()))
            now = _as_reviewed(conn, Finding.model_validate_json(data))
            conn.execute(update(schema.findings).where(schema.findings.c.id == review.finding_id).values(
                status=now.status, party=now.party))
            record(conn, actor or f"cli:{review.reviewer}", f"review.{review.action}", f"finding:{review.finding_id}",
                   {"review": review.id, "reason": review.reason, "new_party": review.new_party})

        self.write(write)

    def agreements(self) -> list[Agreement]:
        """The agreements an admin added (the bundled ones live in the package)."""
        rows = self.read(lambda c: c.execute(select(schema.agreements.c.data).order_by(
            schema.agreements.c.id)).scalars().all())
        return [Agreement.model_validate_json(d) for d in rows]

    def save_agreement(self, agreement: Agreement, actor: str) -> None:
        """Add or replace an agreement, and ask for a refresh of every event's findings (a mark that the next
        refresh honours, as after a schema upgrade)."""
        from ceasefire.access import record

        def write(conn: Connection) -> None:
            t = schema.agreements
            conn.execute(delete(t).where(t.c.id == agreement.id))
            conn.execute(t.insert().values(id=agreement.id, added_at=dt.datetime.now(dt.timezone.utc),
                                           data=agreement.model_dump_json()))
            conn.execute(schema.pending_refresh.insert().values(doc_id=FULL_REFRESH,
                                                                at=dt.datetime.now(dt.timezone.utc)))
            record(conn, actor, "agreement.save", f"agreement:{agreement.id}", {"title": agreement.title})

        self.write(write)

    def reviews(self, finding_id: str | None = None) -> list[Review]:
        q = select(schema.reviews.c.data).order_by(schema.reviews.c.at, schema.reviews.c.id)
        if finding_id:
            q = q.where(schema.reviews.c.finding_id == finding_id)
        return [Review.model_validate_json(d) for d in self.read(lambda c: c.execute(q).scalars().all())]

    def quarantine(self, source: str, problem: str, raw: RawDocument | None = None) -> None:
        """Set a document aside with its problem (kept whole when given, for a retry); the same document set aside
        again updates its entry."""
        q = schema.quarantine

        def write(conn: Connection) -> None:
            now = dt.datetime.now(dt.timezone.utc)
            again = conn.execute(update(q).where(q.c.source == source, q.c.resolved_at.is_(None))
                                 .values(problem=problem, at=now))
            if again.rowcount == 0:
                conn.execute(q.insert().values(source=source, problem=problem, at=now,
                                               document=raw.document.model_dump_json() if raw else None,
                                               raw=raw.raw if raw else None))

        self.write(write)

    def quarantined(self) -> int:
        q = schema.quarantine
        return self.read(lambda c: c.execute(select(func.count()).select_from(q).where(q.c.resolved_at.is_(None)))
                         .scalar_one())

    def quarantine_entries(self, include_resolved: bool = False) -> list[dict]:
        """The quarantine, oldest first: id, source, problem, at, resolved_at, and whether a retry is possible."""
        q = schema.quarantine
        query = select(q.c.id, q.c.source, q.c.problem, q.c.at, q.c.resolved_at, q.c.document.is_not(None)
                       .label("retryable")).order_by(q.c.id)
        if not include_resolved:
            query = query.where(q.c.resolved_at.is_(None))
        return [dict(r) for r in self.read(lambda c: c.execute(query).mappings().all())]

    def quarantined_documents(self, entry_ids: list[int] | None = None,
                              include_resolved: bool = False) -> list[tuple[int, RawDocument]]:
        q = schema.quarantine
        query = select(q.c.id, q.c.document, q.c.raw).where(q.c.document.is_not(None))
        if not include_resolved:
            query = query.where(q.c.resolved_at.is_(None))
        if entry_ids:
            query = query.where(q.c.id.in_(entry_ids))
        return [(r.id, RawDocument(document=Document.model_validate_json(r.document), raw=r.raw))
                for r in self.read(lambda c: c.execute(query.order_by(q.c.id)).all())]

    def resolve_quarantine(self, entry_id: int) -> None:
        self.write(lambda c: c.execute(update(schema.quarantine).where(schema.quarantine.c.id == entry_id)
                                       .values(resolved_at=dt.datetime.now(dt.timezone.utc))))

    def requarantine(self, entry_id: int, problem: str) -> None:
        self.write(lambda c: c.execute(update(schema.quarantine).where(schema.quarantine.c.id == entry_id)
                                       .values(problem=problem, at=dt.datetime.now(dt.timezone.utc))))


# A link from an event to a report, if the report is still stored.
_LINK_TO_STORED = schema.event_incidents.insert().from_select(
    ["event_id", "incident_id"], select(bindparam("event_id", type_=String), schema.incidents.c.id).where(
        schema.incidents.c.id == bindparam("incident_id", type_=String)))


# A text is compared word by word with at most this many of the stored texts that share most of its bands.
COPY_CANDIDATES = 20


def _original_of(conn: Connection, doc: Document, bands: list[int]) -> str | None:
    """The first stored document of the text `doc` republishes (the original, not another copy of it), or None."""
    from ceasefire.intake.copies import is_copy

    b, d = schema.document_bands.c, schema.documents.c
    shared = func.count().label("shared")
    candidates = select(b.doc_id, shared).where(b.key.in_(sorted(set(bands)))).group_by(b.doc_id) \
        .order_by(shared.desc(), b.doc_id).limit(COPY_CANDIDATES).subquery()
    rows = conn.execute(select(*DOCUMENT_COLUMNS).join(candidates, candidates.c.doc_id == d.id)
                        .order_by(d.ingested_at, d.id)).mappings().all()
    for row in rows:
        candidate = document_of(row)
        if is_copy(doc, candidate):
            return candidate.copy_of or candidate.id
    return None


def _supersede(conn: Connection, doc: Document) -> None:
    """A dataset row released again with other bytes: the older versions stay as documents (evidence of what was
    published) but lose their claims and incidents, so that the row counts once, as its newest version says. The
    newest is the later publication (an ACLED row's coding time), then the later edit (a Telegram message), else
    the one taken in last. The event the old
    version belonged to passes to the new one, so that its findings and their reviews stay with it."""
    d, links, incidents = schema.documents, schema.event_incidents, schema.incidents
    current = conn.execute(select(d.c.id, d.c.published, d.c.meta).where(
        d.c.external_id == doc.external_id, d.c.id != doc.id, d.c.superseded_by.is_(None))).all()
    if not current:
        return
    edited = doc.edited.isoformat() if doc.edited else None
    newer = [row.id for row in current
             if _is_newer(row.published, json.loads(row.meta or "{}").get("edited"), doc.published, edited)]
    if newer:  # an older release taken in after a newer one: it is superseded at once
        older, keeper = [doc.id], newer[0]
    else:
        older, keeper = [row.id for row in current], doc.id
    events = set(conn.execute(select(links.c.event_id).where(links.c.incident_id.in_(
        select(incidents.c.id).where(incidents.c.doc_id.in_(older))))).scalars())
    conn.execute(update(d).where(d.c.id.in_(older)).values(superseded_by=keeper))
    conn.execute(delete(links).where(links.c.incident_id.in_(select(incidents.c.id).where(incidents.c.doc_id.in_(older)))))
    for table in (schema.claims, incidents, schema.contradictions):
        conn.execute(delete(table).where(table.c.doc_id.in_(older)))
    kept = conn.execute(select(incidents.c.id).where(incidents.c.doc_id == keeper)).scalars().first()
    if kept is not None and events and keeper == doc.id:
        conn.execute(links.insert(), [{"event_id": e, "incident_id": kept} for e in sorted(events)][:1])


def _source_of(row) -> Source:
    # SQLite gives back the UTC times it was given without their zone; the schedule compares them with aware ones.
    values = {k: v.replace(tzinfo=dt.timezone.utc) if isinstance(v, dt.datetime) and v.tzinfo is None else v
              for k, v in dict(row).items()}
    health = SourceHealth(**{k: values[k] for k in SourceHealth.model_fields})
    return Source(**{k: values[k] for k in Source.model_fields if k != "health"} | {"health": health})


def _is_newer(published: dt.date | None, edited: str | None, than_published: dt.date | None,
              than_edited: str | None) -> bool:
    """Whether a version of a document is newer than another: published later, else edited later (ISO times)."""
    if published and than_published and published != than_published:
        return published > than_published
    return bool(edited) and edited > (than_edited or "")


def _start_days(conn: Connection, event_ids: set[str]) -> set[dt.date]:
    ids, out = sorted(event_ids), set()
    for start in range(0, len(ids), 500):
        out |= set(conn.execute(select(schema.events.c.when_start).where(
            schema.events.c.id.in_(ids[start:start + 500]))).scalars())
    return out


def recount_days(conn: Connection, days: set[dt.date] | None) -> None:
    """Count the events begun on `days` (every day if None) again, by alleged party, into event_day_counts."""
    t, e = schema.event_day_counts, schema.events
    party = func.coalesce(e.c.actor_party, "")
    counted = select(e.c.when_start, party, func.count()).group_by(e.c.when_start, party)
    if days is None:
        conn.execute(delete(t))
        conn.execute(t.insert().from_select(["day", "party", "n"], counted))
        return
    ordered = sorted(days)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        conn.execute(delete(t).where(t.c.day.in_(chunk)))
        conn.execute(t.insert().from_select(["day", "party", "n"], counted.where(e.c.when_start.in_(chunk))))


def _upsert(conn: Connection, table, rows: list[dict], existing: set[str]) -> None:
    """Insert the rows whose id is new and update the others, each kind as one executemany (a statement built per
    row cost SQLAlchemy a compilation each: milliseconds per document)."""
    new = [r for r in rows if r["id"] not in existing]
    changed = [{"_id": r["id"], **{k: v for k, v in r.items() if k != "id"}} for r in rows if r["id"] in existing]
    if new:
        conn.execute(table.insert(), new)
    if changed:
        conn.execute(update(table).where(table.c.id == bindparam("_id")), changed)


def _days(since: dt.date | None, until: dt.date | None) -> str:
    return f"{since or 'the first day'} to {until or 'the last'}"


def _as_reviewed(conn: Connection, finding: Finding) -> Finding:
    from ceasefire.adjudicate import apply_reviews

    rows = conn.execute(select(schema.reviews.c.data).where(schema.reviews.c.finding_id == finding.id)).scalars()
    return apply_reviews(finding, [Review.model_validate_json(d) for d in rows])


def _event_row(e: Event) -> dict:
    return {"type": e.type, "when_start": e.when.start, "when_end": e.when.end, "actor_party": e.actor_party,
            "lat": e.place.lat if e.place else None, "lon": e.place.lon if e.place else None,
            "admin1": e.place.admin1 if e.place else None, "party_confidence": e.party_confidence,
            "actor_basis": e.actor_basis, "long_span": int((e.when.end - e.when.start).days > schema.LONG_SPAN_DAYS),
            "data": e.model_dump_json()}


def _claim_row(c: Claim) -> dict:
    return {"id": c.id, "doc_id": c.doc_id, "speaker": c.speaker, "party": c.party, "stance": c.stance,
            "when_start": c.when.start if c.when else None, "data": c.model_dump_json()}


def _contradiction_rows(doc_id: str, contradictions: list[Contradiction]) -> list[dict]:
    return [{"id": f"ctr-{doc_id[4:]}-{n}", "doc_id": doc_id, "data": c.model_dump_json()}
            for n, c in enumerate(contradictions)]


def _incident_row(i: Incident) -> dict:
    return {"id": i.id, "doc_id": i.doc_id, "type": i.type, "acled_sub_event_type": i.acled_sub_event_type,
            "actor_party": i.actor_party, "when_start": i.when.start if i.when else None,
            "when_end": i.when.end if i.when else None, "lat": i.place.lat if i.place else None,
            "lon": i.place.lon if i.place else None, "admin1": i.place.admin1 if i.place else None,
            "data": i.model_dump_json()}

