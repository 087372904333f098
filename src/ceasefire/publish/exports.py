"""Exports (CSV, GeoJSON, ACLED-format rows, a full JSON-lines dump) and the import of a dump.

The JSON-lines dump carries every stored record, documents with their raw bytes, so that exporting a store
and importing the dump into a fresh one loses nothing. The ACLED-format export uses ACLED's column names
and labels, so tools built for ACLED read it.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import BigInteger, Column, Connection, Date, DateTime, Float, Integer, LargeBinary, Table, select, text
from sqlalchemy.exc import DataError, IntegrityError

from ceasefire.errors import InputError
from ceasefire.publish.alerts import Subscription
from ceasefire.publish.brief import plain
from ceasefire.records import Agreement, Claim, Contradiction, Document, Event, Finding, Incident, Review
from ceasefire.store import FULL_REFRESH, Store, schema

FORMATS = ("csv", "geojson", "acled", "jsonl")
WHAT = ("events", "findings", "claims")
ACLED_ACTOR = {"RU": "Military Forces of Russia (2000-)", "UA": "Military Forces of Ukraine (2019-)"}
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp"]
# Tables of the dump, parents before the rows that refer to them (foreign keys hold on SQLite and PostgreSQL).
# Subscriptions carry their secrets and tokens their hashes: the dump is as sensitive as the store (README, "Dumps").
DUMP_TABLES = ["documents", "attachments", "claims", "incidents", "contradictions", "events", "event_incidents",
               "findings", "reviews", "subscriptions", "deliveries", "quarantine", "agreements", "tokens", "audit",
               "sources", "document_bands"]
# Bookkeeping left out: the importing store has its own schema version, an import marks a refresh of everything
# instead of copying the marks (whose refresh also recounts the timeline's counts), and re-processing runs are this
# store's own work, as are the files of a followed folder this machine has read (another machine's folder is read
# anew: its documents are recognised by their content) (tests/test_issue_12_dump.py checks that no other table is
# missing).
NOT_DUMPED = ["schema_migrations", "pending_refresh", "reprocess_runs", "reprocess_done", "event_day_counts",
              "source_files"]


@dataclass(frozen=True)
class ExportFilter:
    agreement: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def _in_window(day: dt.date, f: ExportFilter) -> bool:
    return (f.start is None or day >= f.start) and (f.end is None or day <= f.end)


def _events(store: Store, f: ExportFilter) -> list[Event]:
    return [e for e in store.events() if _in_window(e.when.start, f)]


def _findings(store: Store, f: ExportFilter) -> list[Finding]:
    return store.findings(f.agreement, f.start, f.end)


def _claims(store: Store, f: ExportFilter) -> list[Claim]:
    return store.claims(f.start, f.end)


def _flat(record, what: str) -> dict:
    if what == "events":
        e: Event = record
        return {"id": e.id, "date_start": e.when.start, "date_end": e.when.end, "type": e.type,
                "acled_sub_event_type": e.acled_sub_event_type, "actor_party": e.actor_party,
                "target_party": e.target_party, "facility": e.facility, "count": e.count, "fatalities": e.fatalities,
                "place": e.place.name if e.place else None, "admin1": e.place.admin1 if e.place else None,
                "lat": e.place.lat if e.place else None, "lon": e.place.lon if e.place else None,
                "precision": e.place.precision if e.place else None, "sources": e.sources, "grade": e.grade,
                "contradicted": e.contradicted, "claimed_by": " ".join(e.claimed_by),
                "incident_ids": " ".join(e.incident_ids)}
    if what == "findings":
        x: Finding = record
        return {"id": x.id, "event_id": x.event_id, "agreement": x.agreement_id, "clause": x.clause,
                "party": x.party, "status": x.status, "date": x.date, "basis": x.basis, "confidence": x.confidence,
                "grade": x.grade, "place": x.place.name if x.place else None,
                "admin1": x.place.admin1 if x.place else None, "lat": x.place.lat if x.place else None,
                "lon": x.place.lon if x.place else None, "claimed_by": " ".join(x.claimed_by),
                "rationale": x.rationale}
    c: Claim = record
    return {"id": c.id, "doc_id": c.doc_id, "date": c.when.start if c.when else None, "speaker": c.speaker,
            "party": c.party, "stance": c.stance, "cue": c.cue, "venue": c.venue, "text": c.text,
            "span_start": c.span.start, "span_end": c.span.end}


def _records(store: Store, what: str, f: ExportFilter) -> list:
    if what not in WHAT:
        raise InputError("--what", f"unknown record kind {what!r}; known: {', '.join(WHAT)}")
    return {"events": _events, "findings": _findings, "claims": _claims}[what](store, f)


# A spreadsheet runs a cell that starts with these as a formula ("=HYPERLINK(…)" in a hostile report's text): such
# cells are written with a leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV exports).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A value as a CSV or ACLED export writes it: without bidirectional controls (a spreadsheet would show text
    after a U+202E reversed), and never starting as a formula (checked once the controls are gone, so that U+202E
    followed by "=cmd" is caught too). Exports are views for reading, and the GeoJSON one drops the controls as
    well; the exact text, controls included, stays in the store, the JSON-lines dump and the API, whose span
    offsets count them."""
    value = plain(value)
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _inert(row: dict) -> dict:
    return {k: _cell(v) for k, v in row.items()}


def to_csv(store: Store, what: str, f: ExportFilter) -> str:
    rows = [_inert(_flat(r, what)) for r in _records(store, what, f)]
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def to_geojson(store: Store, what: str, f: ExportFilter) -> str:
    if what == "claims":
        raise InputError("--what claims", "claims have no place; export them as csv or jsonl")
    features = []
    for r in _records(store, what, f):
        props = {k: plain(v) for k, v in _flat(r, what).items()}  # no formula guard: GeoJSON is not a sheet
        lon, lat = props.pop("lon"), props.pop("lat")
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None else None
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": json.loads(json.dumps(props, default=str))})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def to_acled(store: Store, f: ExportFilter) -> str:
    """Events as ACLED rows (one per event), readable by tools built for ACLED exports."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in _events(store, f):
        if e.acled_sub_event_type is None:
            continue
        from ceasefire.extract.taxonomy import acled_labels

        event_type, _sub = acled_labels(e.type, e.actor_party)
        notes = " ".join(ev.text.strip() for ev in e.evidence[:3])
        writer.writerow(_inert({
            "event_id_cnty": f"CFM{e.id[4:]}", "event_date": f"{e.when.start.day} {e.when.start:%B %Y}",
            "year": e.when.start.year, "time_precision": 1 if e.when.precision == "day" else 2,
            "disorder_type": "Political violence" if event_type != "Protests" else "Demonstrations",
            "event_type": event_type, "sub_event_type": e.acled_sub_event_type,
            "actor1": ACLED_ACTOR.get(e.actor_party or "", "Unidentified Armed Group (Ukraine)"),
            "actor2": ACLED_ACTOR.get(e.target_party or "", ""), "iso": 804 if not e.place or
            e.place.country in (None, "Ukraine") else 643, "region": "Europe",
            "country": e.place.country if e.place and e.place.country else "Ukraine",
            "admin1": e.place.admin1 if e.place else "", "location": e.place.name if e.place else "",
            "latitude": e.place.lat if e.place else "", "longitude": e.place.lon if e.place else "",
            "geo_precision": e.place.precision if e.place else 3, "source": "; ".join(e.source_names),
            "notes": notes, "fatalities": e.fatalities or 0, "tags": f"grade={e.grade}",
            "timestamp": int(dt.datetime.combine(e.when.end, dt.time(), dt.timezone.utc).timestamp())}))
    return out.getvalue()


def _line(table: Table, row: dict) -> str:
    data = dict(row)
    for column in table.columns:
        if isinstance(column.type, LargeBinary) and data.get(column.name) is not None:
            data[column.name] = base64.b64encode(data[column.name]).decode("ascii")
    return json.dumps({"table": table.name, "row": data}, ensure_ascii=False, default=str)


def dump(store: Store) -> Iterator[str]:
    """Every row of every table in DUMP_TABLES as one JSON line {"table": …, "row": …}, bytes in base64.

    Rows come in key order, so that dumping a restored store gives the same lines again.
    """

    def rows(conn: Connection) -> list[str]:
        out = []
        for name in DUMP_TABLES:
            table = schema.metadata.tables[name]
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                out.append(_line(table, dict(row)))
        return out

    yield from store.read(rows)


# JSON kept in these columns is read back as records: a dump's must validate, or the restored store would fail
# on its first read instead of at the import.
_RECORD_COLUMNS = {("claims", "data"): Claim, ("incidents", "data"): Incident,
                   ("contradictions", "data"): Contradiction, ("events", "data"): Event,
                   ("findings", "data"): Finding, ("reviews", "data"): Review, ("subscriptions", "data"): Subscription,
                   ("quarantine", "document"): Document, ("agreements", "data"): Agreement}
# Rows of these tables feed or are the events and findings: importing any marks a refresh of everything.
_JUDGED = {"documents", "claims", "incidents", "contradictions", "events", "event_incidents", "findings", "reviews",
           "agreements"}


@dataclass(frozen=True)
class BadLine:
    source: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.problem}"


class DumpError(InputError):
    """A dump with bad lines: each is named in `bad`, and nothing of the dump was imported."""

    def __init__(self, source: str, bad: list[BadLine]):
        super().__init__(source, f"{len(bad)} bad line{'s' if len(bad) != 1 else ''}; nothing was imported")
        self.bad = sorted(bad, key=lambda b: b.line)


@dataclass(frozen=True)
class DumpRow:
    line: int
    table: Table
    values: dict


class _Bad(Exception):
    """The problem of one line of a dump."""


def _shown(value: object) -> str:
    shown = repr(value)  # repr escapes control characters, so a hostile value cannot garble the terminal
    return shown if len(shown) <= 60 else shown[:57] + "..."


# Integer columns are 32-bit on PostgreSQL (BIGINT ones 64-bit): a larger number is refused on either database.
_INT_RANGE = range(-2**31, 2**31)
_BIGINT_RANGE = range(-2**63, 2**63)


def _expects(column: Column) -> str:
    kind = column.type
    if isinstance(kind, LargeBinary):
        return "base64 text"
    if isinstance(kind, DateTime):
        return "an ISO date and time"
    if isinstance(kind, Date):
        return "an ISO date"
    if isinstance(kind, BigInteger):
        return "a 64-bit integer"
    if isinstance(kind, Integer):
        return "a 32-bit integer"
    if isinstance(kind, Float):
        return "a finite number"
    return "text"


def _value(table: Table, column: Column, value: object) -> object:
    """The value to store for a dump's JSON value, converted to the column's type (raises _Bad)."""
    kind, where = column.type, f"{table.name}.{column.name}"
    if value is None:
        if column.nullable:
            return None
        raise _Bad(f"{where} is null but needs a value")
    wrong = _Bad(f"{where} should be {_expects(column)}, not {_shown(value)}")
    if isinstance(kind, Integer):
        if type(value) is int and value in (_BIGINT_RANGE if isinstance(kind, BigInteger) else _INT_RANGE):
            return value
        raise wrong
    if isinstance(kind, Float):
        if type(value) in (int, float) and -1e308 < value < 1e308:  # also refuses NaN and infinities
            return float(value)
        raise wrong
    if not isinstance(value, str):
        raise wrong
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # "\ud800" is valid JSON but no database stores it
        raise _Bad(f"{where} holds a lone surrogate, which is not text") from None
    try:
        if isinstance(kind, LargeBinary):
            return base64.b64decode(value, validate=True)
        if isinstance(kind, DateTime):  # in UTC: SQLite drops the offset of a time it stores
            when = dt.datetime.fromisoformat(value)
            return when.astimezone(dt.timezone.utc) if when.tzinfo else when
        if isinstance(kind, Date):
            return dt.date.fromisoformat(value)
    except ValueError:  # binascii.Error, the base64 one, is a ValueError too
        raise wrong from None
    if kind.length and len(value) > kind.length:
        raise _Bad(f"{where} is longer than {kind.length} characters")
    record = _RECORD_COLUMNS.get((table.name, column.name))
    if record is not None:
        try:
            record.model_validate_json(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise _Bad(f"{where} is not a valid {record.__name__} ({field + ': ' if field else ''}{first['msg']})") \
                from None
    return value


def _parse(line: str, n: int) -> DumpRow:
    """One line of a dump, checked against the schema (raises _Bad naming its first problem)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(f"not JSON ({exc.msg}, column {exc.colno}; a truncated line?)") from None
    except RecursionError:
        raise _Bad("JSON nested too deeply") from None
    if not isinstance(item, dict) or set(item) != {"table", "row"}:
        raise _Bad('not a line of a ceasefire dump (expected {"table": …, "row": {…}})')
    name, row = item["table"], item["row"]
    if name in NOT_DUMPED:
        raise _Bad(f"table {name!r} is never imported (each store keeps its own)")
    if name not in DUMP_TABLES:
        raise _Bad(f"unknown table {_shown(name)}")
    if not isinstance(row, dict):
        raise _Bad(f"the row of {name} is not a JSON object")
    table = schema.metadata.tables[name]
    unknown = sorted(set(row) - set(table.columns.keys()))
    if unknown:
        raise _Bad(f"unknown column{'s' if len(unknown) > 1 else ''} of {name}: "
                   f"{', '.join(_shown(c) for c in unknown[:5])}")
    keys = [c.name for c in table.primary_key.columns]
    if any(row.get(k) is None for k in keys):
        raise _Bad(f"a row of {name} without its primary key ({', '.join(keys)})")
    missing = [c.name for c in table.columns if c.name not in row and not c.nullable and c.default is None]
    if missing:
        raise _Bad(f"a row of {name} without {', '.join(missing)}")
    return DumpRow(n, table, {k: _value(table, table.columns[k], v) for k, v in row.items()})


def _store_row(conn: Connection, item: DumpRow) -> bool:
    """Insert one row of a dump unless the store has it (False then); raises _Bad for a row the store refuses."""
    try:
        with conn.begin_nested():  # a refused row is undone alone, so that every bad line can be named
            return _insert(conn, item.table, item.values)
    except (IntegrityError, DataError) as exc:  # a duplicate sha256; on PostgreSQL a NUL character in text
        raise _Bad(f"refused by the database ({str(exc.orig).strip().splitlines()[0]})") from None


def _insert(conn: Connection, table: Table, values: dict) -> bool:
    number = table.autoincrement_column
    if number is None:
        keys = list(table.primary_key.columns)
        if conn.execute(select(*keys).where(*[c == values[c.name] for c in keys])).first() is not None:
            return False
    else:
        # A log entry (quarantine, delivery) is numbered by its own store: it is the same entry when everything but
        # its number is the same, and one numbered like another entry of this store is stored under a new number.
        same = [table.c[k].is_not_distinct_from(v) for k, v in values.items() if k != number.name]
        if conn.execute(select(number).where(*same)).first() is not None:
            return False
        if conn.execute(select(number).where(number == values[number.name])).first() is not None:
            values = {k: v for k, v in values.items() if k != number.name}
    for fk in table.foreign_keys:
        value = values.get(fk.parent.name)
        if value is not None and conn.execute(select(fk.column).where(fk.column == value)).first() is None:
            raise _Bad(f"{table.name}.{fk.parent.name} {_shown(value)}: no such {fk.column.table.name} row in the "
                       "dump or the store")
    conn.execute(table.insert().values(**values))
    return True


def load(store: Store, lines: Iterable[str], source: str) -> dict[str, int]:
    """Import a dump made by `dump`: all of it in one transaction, or nothing if any line is bad.

    Every line is checked (a JSON object of a dumped table, known columns, values of the columns' types, the primary
    key, base64 bytes, records that validate, rows it refers to present) before anything is kept. Rows the store
    already has (same primary key) are kept as they are. Importing anything that events or findings are made of marks
    a refresh of everything, which the next `ingest`, `findings` or `brief` runs.

    Returns:
        The number of rows stored, by table.

    Raises:
        DumpError: bad lines, each named with its line number; nothing is written then.
        InputError: a dump with no rows.
    """
    bad: list[BadLine] = []
    parsed: list[DumpRow] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append(_parse(line, n))
        except _Bad as exc:
            bad.append(BadLine(source, n, str(exc)))
    if not parsed and not bad:
        raise InputError(source, "no rows: an empty dump restores nothing")
    # Parents first, whatever the order of the lines, so that a row's references are checked against stored rows.
    parsed.sort(key=lambda item: DUMP_TABLES.index(item.table.name))

    def write(conn: Connection) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in parsed:
            try:
                if _store_row(conn, item):
                    counts[item.table.name] = counts.get(item.table.name, 0) + 1
            except _Bad as exc:
                bad.append(BadLine(source, item.line, str(exc)))
        if bad:
            raise DumpError(source, bad)  # rolls the whole import back
        if _JUDGED & set(counts):
            conn.execute(schema.pending_refresh.insert().values(doc_id=FULL_REFRESH,
                                                               at=dt.datetime.now(dt.timezone.utc)))
        if conn.dialect.name == "postgresql":
            for name in counts:  # rows came with their numbers: the next number must follow them
                column = schema.metadata.tables[name].autoincrement_column
                if column is not None:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', '{column.name}'), "
                                      f"COALESCE((SELECT MAX({column.name}) FROM {name}), 0) + 1, false)"))
        return {name: counts[name] for name in DUMP_TABLES if name in counts}

    return store.write(write)
