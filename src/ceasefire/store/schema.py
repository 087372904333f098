"""Tables, written with SQLAlchemy Core so that SQLite and PostgreSQL share one definition.

Key columns are real columns (for filters and indexes); the full record is kept as JSON in `data`,
so adding a field to a record needs no migration.
"""
from sqlalchemy import (BigInteger, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table, Text, text)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents", metadata,
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
    Column("external_id", Text, index=True),  # migration 6: a dataset row's own id, and the newer version
    Column("superseded_by", String(40)),       # of the same row that replaced this one
    Index("ix_documents_published", "published"),  # migration 9
    # Migration 10: the stored document whose text this one republishes (a near-duplicate: not extracted again),
    # and what the document says of itself and its followed source stands for (records.DOCUMENT_META, as JSON).
    Column("copy_of", String(40)),
    Column("meta", Text),
    Index("ix_documents_copy_of", "copy_of"),
)

claims = Table(
    "claims", metadata,
    Column("id", String(40), primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("speaker", Text, nullable=False),
    Column("party", String(8)),
    Column("stance", String(16), nullable=False),
    Column("when_start", Date),
    Column("data", Text, nullable=False),
    Index("ix_claims_when", "when_start"),  # migration 9
)

incidents = Table(
    "incidents", metadata,
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
    Index("ix_incidents_when_end", "when_end", "when_start"),  # migration 9: a window's reports, from its first day
)

contradictions = Table(
    "contradictions", metadata,
    Column("id", String(40), primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("data", Text, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("when_start", Date, nullable=False),
    Column("when_end", Date, nullable=False),
    Column("actor_party", String(8)),
    Column("lat", Float),
    Column("lon", Float),
    Column("data", Text, nullable=False),
    # Migration 8: the dashboard's filters as columns; `long_span` marks the few events longer than
    # LONG_SPAN_DAYS, so that a day's events are found by a short range of `when_start` plus those few.
    Column("admin1", Text),
    Column("party_confidence", Float),
    Column("actor_basis", String(40)),
    Column("long_span", Integer, nullable=False, default=0),
    Index("ix_events_when", "when_start", "id"),
    # A day's short events and the timeline's counts come from this index alone (it covers their columns) …
    Index("ix_events_day", "when_start", "long_span", "when_end", "actor_party"),
    Index("ix_events_region", "when_start", "long_span", "when_end", "admin1"),  # … counts by region (migration 9)
    # … and the few long ones from this partial index (a full index on long_span would tell the planner that half
    # the table is long; SQLite's statistics cannot see the skew).
    Index("ix_events_long", "when_start", "when_end", sqlite_where=text("long_span = 1"),
          postgresql_where=text("long_span = 1")),
)

# An event is "long" when its days span more than this; such events are found by their own index.
LONG_SPAN_DAYS = 14

findings = Table(
    "findings", metadata,
    Column("id", String(40), primary_key=True),
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("agreement_id", String(80), nullable=False, index=True),
    Column("clause", String(80), nullable=False),
    Column("party", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("date", Date, nullable=False),
    Column("data", Text, nullable=False),
    Column("admin1", Text),  # migration 8, for filters
    Column("confidence", Float),
    Index("ix_findings_date", "date", "id"),
)

# Append-only: a review is never updated or deleted; the current state of a finding is its last review.
reviews = Table(
    "reviews", metadata,
    Column("id", String(40), primary_key=True),
    Column("finding_id", String(40), ForeignKey("findings.id"), nullable=False, index=True),
    Column("reviewer", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(20), nullable=False),
    Column("data", Text, nullable=False),
)

quarantine = Table(
    "quarantine", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("document", Text),  # migration 4: the Document as JSON, and its raw bytes, for a retry
    Column("raw", LargeBinary),
    Column("resolved_at", DateTime(timezone=True)),
)

# Migration 2: every report linked to its event (the event's JSON keeps the list too, this is for queries).
event_incidents = Table(
    "event_incidents", metadata,
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("incident_id", String(40), ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_event_incidents_incident", "incident_id"),
)

# Migration 3: alert subscriptions and the log of every delivery attempt.
subscriptions = Table(
    "subscriptions", metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("target", Text, nullable=False),
    Column("secret", Text),
    Column("active", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64), nullable=False, index=True),
    Column("subscription_id", String(40), ForeignKey("subscriptions.id"), nullable=False),
    Column("finding_id", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("detail", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)


# Migration 5: a durable mark per stored document whose events and findings are not yet brought up to date; the
# refresh removes the marks it covered, so a refresh cut short by a kill is completed by the next command.
pending_refresh = Table(
    "pending_refresh", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Migration 8: bearer tokens (only a hash of each is kept), the audit trail of every write made through the API or
# the command line, agreements added by an admin, and the attachments of field reports.
tokens = Table(
    "tokens", metadata,
    Column("id", String(16), primary_key=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("role", String(10), nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),     # "token:ab12cd34 (label)" or "cli:reviewer"
    Column("action", String(40), nullable=False),
    Column("target", Text, nullable=False),    # the record written: "finding:fnd_…", "token:…"
    Column("detail", Text, nullable=False),    # JSON: what was sent (secrets left out)
    Index("ix_audit_target", "target"),
)

agreements = Table(
    "agreements", metadata,
    Column("id", String(80), primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),
)

attachments = Table(
    "attachments", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# Migration 9: the timeline's counts of events by the day they began and their alleged party ("" for none), kept by
# Store.save_events for the days each save touches: the unfiltered timeline of 90 days reads 270 rows, not 75,000
# index entries of a million-incident store.
event_day_counts = Table(
    "event_day_counts", metadata,
    Column("day", Date, primary_key=True),
    Column("party", String(8), primary_key=True),
    Column("n", Integer, nullable=False),
)

# Migration 9: re-processing runs (`ceasefire reprocess`) and the documents each has done, written in the same
# transaction as the document's new extraction: a killed run resumes where it stopped and does nothing twice.
reprocess_runs = Table(
    "reprocess_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("since", Date),
    Column("until", Date),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(20)),  # "finished" or "abandoned" (a --restart)
)

reprocess_done = Table(
    "reprocess_done", metadata,
    Column("run_id", Integer, ForeignKey("reprocess_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("doc_id", String(40), primary_key=True),
    Column("outcome", String(10), nullable=False),  # "changed", "same" or "failed"
    Column("detail", Text),                          # a failure's reason (the old extraction is kept)
)


# Migration 10: the sources the team follows, with their polling state and health (`ceasefire source`, `watch`).
sources = Table(
    "sources", metadata,
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
    Column("etag", Text),           # the conditional GET's validators from the last full response
    Column("last_modified", Text),
)

# Migration 10: the files of a followed folder or export already read (path and size:mtime), marked once every
# document of the file is stored, so that a poll reads only new or changed files.
source_files = Table(
    "source_files", metadata,
    Column("source", String(200), ForeignKey("sources.name", ondelete="CASCADE"), primary_key=True),
    Column("path", Text, primary_key=True),
    Column("fingerprint", String(80), nullable=False),
)

# Migration 10: locality-sensitive hashing of each text's MinHash signature (intake/copies.py): one row per band;
# two texts that share a band's key are candidates for being one text republished.
document_bands = Table(
    "document_bands", metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),  # the band's number and values hashed to 64 bits
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True),
)
