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
from sqlalchemy import Connection, select

from ceasefire.errors import InputError
from ceasefire.records import Claim, Event, Finding
from ceasefire.store import Store, schema

FORMATS = ("csv", "geojson", "acled", "jsonl")
WHAT = ("events", "findings", "claims")
ACLED_ACTOR = {"RU": "Military Forces of Russia (2000-)", "UA": "Military Forces of Ukraine (2019-)"}
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp"]
# Tables of the dump, in an order that respects foreign keys.
DUMP_TABLES = ["documents", "claims", "incidents", "contradictions", "events", "event_incidents", "findings",
               "reviews"]


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
        props = _flat(r, what)
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


def dump(store: Store) -> Iterator[str]:
    """Every stored row as one JSON line {"table": …, "row": …}; raw bytes in base64."""

    def rows(conn: Connection) -> list[str]:
        out = []
        for name in DUMP_TABLES:
            table = schema.metadata.tables[name]
            for row in conn.execute(select(table)).mappings():
                data = dict(row)
                if "raw" in data:
                    data["raw"] = base64.b64encode(data["raw"]).decode("ascii")
                out.append(json.dumps({"table": name, "row": data}, ensure_ascii=False, default=str))
        return out

    yield from store.read(rows)


def load(store: Store, lines: Iterable[str], source: str) -> dict[str, int]:
    """Import a dump into the store in one transaction; rows already present (same id) are skipped.

    Raises:
        InputError: a line that is not JSON or names no known table; nothing is written then.
    """
    parsed = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            table = schema.metadata.tables[item["table"]]
            row = dict(item["row"])
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{source}:{n}", "not a line of a ceasefire JSON-lines dump") from None
        if item["table"] not in DUMP_TABLES:
            raise InputError(f"{source}:{n}", f"table {item['table']!r} cannot be imported")
        for column in table.columns:
            value = row.get(column.name)
            if value is None:
                continue
            kind = column.type.python_type if hasattr(column.type, "python_type") else None
            if column.name == "raw":
                row["raw"] = base64.b64decode(value)
            elif kind is dt.date:
                row[column.name] = dt.date.fromisoformat(value)
            elif kind is dt.datetime:
                row[column.name] = dt.datetime.fromisoformat(value)
        parsed.append((table, row))

    def write(conn: Connection) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table, row in parsed:
            keys = [c for c in table.primary_key.columns]
            exists = conn.execute(select(*keys).where(*[c == row[c.name] for c in keys])).first()
            if exists is None:
                conn.execute(table.insert().values(**row))
                counts[table.name] = counts.get(table.name, 0) + 1
        return counts

    try:
        return store.write(write)
    except ValidationError as exc:
        raise InputError(source, f"invalid record ({exc.errors()[0]['msg']})") from None
