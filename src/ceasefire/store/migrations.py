"""Versioned schema migrations, recorded in `schema_migrations` (as sqlite-utils' migrations do).

Append a new `Migration` to MIGRATIONS to change the schema; never edit one that has shipped.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, select

from ceasefire.store import schema


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=schema.INITIAL_TABLES)


def _event_links(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.event_incidents])


def _alerts(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.subscriptions, schema.deliveries])


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema: documents, claims, incidents, contradictions, events, findings, reviews", _initial),
    Migration(2, "event_incidents: reports linked to their events", _event_links),
    Migration(3, "subscriptions and deliveries: alerts and their log", _alerts),
]


def applied_versions(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.execute(select(schema.schema_migrations.c.version)).scalars())


def upgrade(conn: Connection) -> list[int]:
    """Apply the migrations this database lacks, in order; return the versions applied."""
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
