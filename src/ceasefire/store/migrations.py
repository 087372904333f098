"""Versioned schema migrations, recorded in `schema_migrations` (as sqlite-utils' migrations do).

Append a new `Migration` to MIGRATIONS to change the schema; never edit one that has shipped.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (BigInteger, Column, Connection, Date, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, String, Table, Text, inspect, select, text)

from ceasefire.store import schema

# The tables as each migration created them, frozen here: schema.py describes the current shape, and changing it
# must never change what an old migration does to a new or an old store.
frozen = MetaData()

schema_migrations = Table(
    "schema_migrations", frozen,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents", frozen,
    Column("id", String(40), primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source", Text),
    Column("url", Text),
    Column("title", Text),
    Column("published", Date),
    Column("retrieved", DateTime(timezone=True)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("language", String(8), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("raw", LargeBinary, nullable=False),
)

claims = Table(
    "claims", frozen,
    Column("id", String(40), primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("speaker", Text, nullable=False),
    Column("party", String(8)),
    Column("stance", String(16), nullable=False),
    Column("when_start", Date),
    Column("data", Text, nullable=False),
)

incidents = Table(
    "incidents", frozen,
    Column("id", String(40), primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("type", String(40), nullable=False),
    Column("acled_sub_event_type", String(80)),
    Column("actor_party", String(8)),
    Column("when_start", Date),
    Column("when_end", Date),
    Column("lat", Float),
    Column("lon", Float),
    Column("admin1", Text),
    Column("data", Text, nullable=False),
    Index("ix_incidents_when", "when_start"),
)

contradictions = Table(
    "contradictions", frozen,
    Column("id", String(40), primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("data", Text, nullable=False),
)

events = Table(
    "events", frozen,
    Column("id", String(40), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("when_start", Date, nullable=False),
    Column("when_end", Date, nullable=False),
    Column("actor_party", String(8)),
    Column("lat", Float),
    Column("lon", Float),
    Column("data", Text, nullable=False),
)

findings = Table(
    "findings", frozen,
    Column("id", String(40), primary_key=True),
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("agreement_id", String(80), nullable=False, index=True),
    Column("clause", String(80), nullable=False),
    Column("party", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("date", Date, nullable=False),
    Column("data", Text, nullable=False),
)

# Append-only: a review is never updated or deleted; the current state of a finding is its last review.
reviews = Table(
    "reviews", frozen,
    Column("id", String(40), primary_key=True),
    Column("finding_id", String(40), ForeignKey("findings.id"), nullable=False, index=True),
    Column("reviewer", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(20), nullable=False),
    Column("data", Text, nullable=False),
)

quarantine = Table(
    "quarantine", frozen,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Migration 2: every report linked to its event (the event's JSON keeps the list too, this is for queries).
event_incidents = Table(
    "event_incidents", frozen,
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("incident_id", String(40), ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_event_incidents_incident", "incident_id"),
)

# Migration 3: alert subscriptions and the log of every delivery attempt.
subscriptions = Table(
    "subscriptions", frozen,
    Column("id", String(40), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("target", Text, nullable=False),
    Column("secret", Text),
    Column("active", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),
)

deliveries = Table(
    "deliveries", frozen,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64), nullable=False, index=True),
    Column("subscription_id", String(40), ForeignKey("subscriptions.id"), nullable=False),
    Column("finding_id", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("detail", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)



@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    frozen.create_all(conn, tables=[schema_migrations, documents, claims, incidents, contradictions, events, findings,
                                    reviews, quarantine])


def _event_links(conn: Connection) -> None:
    frozen.create_all(conn, tables=[event_incidents])


def _alerts(conn: Connection) -> None:
    frozen.create_all(conn, tables=[subscriptions, deliveries])


def _quarantined_documents(conn: Connection) -> None:
    # A document whose extraction failed is kept whole beside its problem, so that it can be retried.
    conn.execute(text("ALTER TABLE quarantine ADD COLUMN document TEXT"))
    conn.execute(text("ALTER TABLE quarantine ADD COLUMN raw " + ("BYTEA" if conn.dialect.name == "postgresql"
                                                                  else "BLOB")))
    conn.execute(text("ALTER TABLE quarantine ADD COLUMN resolved_at " + (
        "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME")))


pending_refresh_v5 = Table(
    "pending_refresh", frozen,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


def _pending_refresh(conn: Connection) -> None:
    frozen.create_all(conn, tables=[pending_refresh_v5])


def _dataset_row_ids(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE documents ADD COLUMN external_id TEXT"))
    conn.execute(text("ALTER TABLE documents ADD COLUMN superseded_by VARCHAR(40)"))
    conn.execute(text("CREATE INDEX ix_documents_external_id ON documents (external_id)"))


def _refresh_after_upgrade(conn: Connection) -> None:
    # Events and findings of older versions (one finding per reading of a start date …) are recomputed by the next
    # command: a pending mark with no document (store.FULL_REFRESH, frozen here as written) asks for everything.
    conn.execute(text("INSERT INTO pending_refresh (doc_id, at) VALUES ('upgrade', CURRENT_TIMESTAMP)"))


tokens_v8 = Table(
    "tokens", frozen,
    Column("id", String(16), primary_key=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("role", String(10), nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

audit_v8 = Table(
    "audit", frozen,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Index("ix_audit_target", "target"),
)

agreements_v8 = Table(
    "agreements", frozen,
    Column("id", String(80), primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),
)

attachments_v8 = Table(
    "attachments", frozen,
    Column("sha256", String(64), primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

_LONG_SPAN_DAYS_V8 = 14


def _workplace(conn: Connection) -> None:
    """Tokens, audit trail, agreements, attachments; the dashboard's filter columns on events and findings, filled
    from each row's JSON (the same values `Store.save_events` and `save_findings` write from now on)."""
    import json

    frozen.create_all(conn, tables=[tokens_v8, audit_v8, agreements_v8, attachments_v8])
    for column, kind in (("admin1", "TEXT"), ("party_confidence", "FLOAT"), ("actor_basis", "VARCHAR(40)"),
                         ("long_span", "INTEGER NOT NULL DEFAULT 0")):
        conn.execute(text(f"ALTER TABLE events ADD COLUMN {column} {kind}"))
    for column, kind in (("admin1", "TEXT"), ("confidence", "FLOAT")):
        conn.execute(text(f"ALTER TABLE findings ADD COLUMN {column} {kind}"))
    conn.execute(text("CREATE INDEX ix_events_when ON events (when_start, id)"))
    conn.execute(text("CREATE INDEX ix_events_day ON events (when_start, long_span, when_end, actor_party)"))
    conn.execute(text("CREATE INDEX ix_events_long ON events (when_start, when_end) WHERE long_span = 1"))
    conn.execute(text("CREATE INDEX ix_findings_date ON findings (date, id)"))
    for row in conn.execute(text("SELECT id, data FROM events")).all():
        data = json.loads(row.data)
        place, when = data.get("place") or {}, data["when"]
        span = (dt.date.fromisoformat(when["end"]) - dt.date.fromisoformat(when["start"])).days
        conn.execute(text("UPDATE events SET admin1 = :a, party_confidence = :c, actor_basis = :b, long_span = :l "
                          "WHERE id = :id"), {"a": place.get("admin1"), "c": data.get("party_confidence"),
                                              "b": data.get("actor_basis"), "l": int(span > _LONG_SPAN_DAYS_V8),
                                              "id": row.id})
    for row in conn.execute(text("SELECT id, data FROM findings")).all():
        data = json.loads(row.data)
        conn.execute(text("UPDATE findings SET admin1 = :a, confidence = :c WHERE id = :id"),
                     {"a": (data.get("place") or {}).get("admin1"), "c": data.get("confidence"), "id": row.id})
    if conn.dialect.name == "sqlite":  # the planner's statistics for the new indexes (Store.update_statistics)
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        conn.exec_driver_sql("ANALYZE")
    # The status and party columns now say what reviews made of a finding (as adjudicate.apply_reviews, frozen).
    decided = {"confirm": "confirmed", "dispute": "disputed", "not_a_violation": "not_a_violation"}
    for row in conn.execute(text("SELECT finding_id, data FROM reviews ORDER BY at, id")).all():
        review = json.loads(row.data)
        if review["action"] in decided:
            conn.execute(text("UPDATE findings SET status = :s WHERE id = :id"),
                         {"s": decided[review["action"]], "id": row.finding_id})
        elif review["action"] == "reattribute" and review.get("new_party"):
            conn.execute(text("UPDATE findings SET party = :p WHERE id = :id"),
                         {"p": review["new_party"], "id": row.finding_id})


reprocess_runs_v9 = Table(
    "reprocess_runs", frozen,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("since", Date),
    Column("until", Date),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(20)),
)

reprocess_done_v9 = Table(
    "reprocess_done", frozen,
    Column("run_id", Integer, ForeignKey("reprocess_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("doc_id", String(40), primary_key=True),
    Column("outcome", String(10), nullable=False),
    Column("detail", Text),
)


event_day_counts_v9 = Table(
    "event_day_counts", frozen,
    Column("day", Date, primary_key=True),
    Column("party", String(8), primary_key=True),
    Column("n", Integer, nullable=False),
)


def _reprocess_runs(conn: Connection) -> None:
    """Re-processing runs; the indexes that keep a refresh's reads within its days as the store grows (a window's
    reports by their last day, its claims by day) and a re-processing run's documents by day."""
    frozen.create_all(conn, tables=[reprocess_runs_v9, reprocess_done_v9, event_day_counts_v9])
    conn.execute(text("INSERT INTO event_day_counts (day, party, n) SELECT when_start, COALESCE(actor_party, ''), "
                      "count(*) FROM events GROUP BY when_start, COALESCE(actor_party, '')"))
    conn.execute(text("CREATE INDEX ix_incidents_when_end ON incidents (when_end, when_start)"))
    conn.execute(text("CREATE INDEX ix_claims_when ON claims (when_start)"))
    conn.execute(text("CREATE INDEX ix_documents_published ON documents (published)"))
    # Counts by region (the top regions of a month) from an index alone, as the timeline's counts by party come
    # from ix_events_day (one index for both made the timeline's scan a third slower).
    conn.execute(text("CREATE INDEX ix_events_region ON events (when_start, long_span, when_end, admin1)"))


sources_v10 = Table(
    "sources", frozen,
    Column("name", String(200), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("location", Text, nullable=False),
    Column("every_seconds", Integer, nullable=False),
    Column("grade", String(1)),
    Column("party", String(8)),
    Column("language", String(8)),
    Column("local", Integer, nullable=False, default=0),
    Column("enabled", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_poll_at", DateTime(timezone=True)),
    Column("last_poll_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False, default=0),
    Column("documents_added", Integer, nullable=False, default=0),
    Column("etag", Text),
    Column("last_modified", Text),
)

source_files_v10 = Table(
    "source_files", frozen,
    Column("source", String(200), ForeignKey("sources.name", ondelete="CASCADE"), primary_key=True),
    Column("path", Text, primary_key=True),
    Column("fingerprint", String(80), nullable=False),
)

document_bands_v10 = Table(
    "document_bands", frozen,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def _followed_sources(conn: Connection) -> None:
    """Followed sources and the files they have read; near-duplicate bands; documents' copy_of and meta. Documents
    stored before have no bands: a text republishing one of them is not recognised as a copy (a new store, or
    `reprocess`, does not change that: the bands are written as documents are taken in)."""
    frozen.create_all(conn, tables=[sources_v10, source_files_v10, document_bands_v10])
    conn.execute(text("ALTER TABLE documents ADD COLUMN copy_of VARCHAR(40)"))
    conn.execute(text("ALTER TABLE documents ADD COLUMN meta TEXT"))
    conn.execute(text("CREATE INDEX ix_documents_copy_of ON documents (copy_of)"))


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema: documents, claims, incidents, contradictions, events, findings, reviews", _initial),
    Migration(2, "event_incidents: reports linked to their events", _event_links),
    Migration(3, "subscriptions and deliveries: alerts and their log", _alerts),
    Migration(4, "quarantine keeps the document whose extraction failed, for a retry", _quarantined_documents),
    Migration(5, "pending_refresh: durable marks of documents whose events are not yet up to date", _pending_refresh),
    Migration(6, "documents.external_id: dataset rows by their own ids, re-releases as new versions", _dataset_row_ids),
    Migration(7, "a refresh of events and findings after the upgrade to one finding per event and clause",
              _refresh_after_upgrade),
    Migration(8, "tokens, audit trail, agreements, attachments; filter columns on events and findings", _workplace),
    Migration(9, "reprocess_runs and reprocess_done: re-processing that resumes after a kill; indexes by day; "
                 "event_day_counts",
              _reprocess_runs),
    Migration(10, "sources, source_files: followed sources and their health; document_bands and documents.copy_of: "
                  "republished copies; documents.meta", _followed_sources),
]


def applied_versions(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.execute(select(schema.schema_migrations.c.version)).scalars())


_MIGRATION_LOCK = 7_041_990


def upgrade(conn: Connection) -> list[int]:
    """Apply the migrations this database lacks, in order; return the versions applied. Processes opening a new
    store at once migrate it one after the other (SQLite: the IMMEDIATE transaction; PostgreSQL: a lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
    done = applied_versions(conn)
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        migration.apply(conn)
        conn.execute(schema.schema_migrations.insert().values(
            version=migration.version, name=migration.name, applied_at=dt.datetime.now(dt.timezone.utc)))
        applied.append(migration.version)
    return applied


def current_version() -> int:
    return MIGRATIONS[-1].version
