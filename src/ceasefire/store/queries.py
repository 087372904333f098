"""The queries behind the API and the dashboard: one set of filters for both, keyset (cursor) pagination, and the
lean map, timeline and review-queue queries that must stay fast on a store of a million incidents.

Pages are keyed by (date, id): a cursor names the last row of a page, so the next page starts after it however
many rows are added meanwhile, and no page costs more than its own rows (an OFFSET would scan all before it).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlalchemy import Column, Select, and_, case, exists, func, literal_column, or_, select, tuple_

from ceasefire.errors import InputError
from ceasefire.records import Claim, Contradiction, Document, Event, Finding, Incident, Review
from ceasefire.store import DOCUMENT_COLUMNS, Store, document_of, schema

PARTY_NONE = "undetermined"  # the filter value for records whose party is not known
OPEN_STATUSES = ("corroborated", "disputed", "alleged")  # awaiting an analyst, most severe first
_STATUS_RANK = {"confirmed": 0, "corroborated": 1, "disputed": 2, "alleged": 3, "not_a_violation": 4,
                "out_of_scope": 5}


@dataclass(frozen=True)
class Filters:
    """What the API's query parameters and the dashboard's filter form both select."""

    start: dt.date | None = None
    end: dt.date | None = None
    party: str | None = None          # UA, RU …, or "undetermined"
    clause: str | None = None
    status: str | None = None
    region: str | None = None         # admin1, as the gazetteer names it
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    text: str | None = None
    min_confidence: float | None = None
    basis: Literal["stated", "inferred"] | None = None
    agreement: str | None = None
    type: str | None = None

    def query_params(self) -> dict[str, str]:
        """The filters as the API's query parameters (for links between pages and from pages to the API)."""
        out = {"from": self.start, "to": self.end, "party": self.party, "clause": self.clause,
               "status": self.status, "region": self.region, "q": self.text, "min_confidence": self.min_confidence,
               "basis": self.basis, "agreement": self.agreement, "type": self.type,
               "bbox": ",".join(str(v) for v in self.bbox) if self.bbox else None}
        return {k: str(v) for k, v in out.items() if v is not None and v != ""}


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise InputError(f"bbox={value[:60]}", "expected four numbers: west,south,east,north") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InputError(f"bbox={value[:60]}", "expected west <= east within ±180 and south <= north within ±90")
    return west, south, east, north


# -- cursors ---------------------------------------------------------------------------------------------------------
def encode_cursor(day: dt.date | None, row_id: str) -> str:
    raw = json.dumps([day.isoformat() if day else None, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.date | None, str]:
    try:
        day, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(row_id, str):
            raise ValueError
        return (dt.date.fromisoformat(day) if day else None), row_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InputError(f"cursor={cursor[:40]}", "not a cursor this API gave (take it from next_cursor)") from None


def _keyset(q: Select, key: Column, row_id: Column, cursor: str | None, limit: int) -> Select:
    """Rows after the cursor's row in (key, id) order; one more than `limit`, which says whether a next page is."""
    if cursor:
        day, last = decode_cursor(cursor)
        if day is None:  # rows without a date come first
            q = q.where(or_(and_(key.is_(None), row_id > last), key.is_not(None)))
        elif key.nullable:
            q = q.where(key.is_not(None), or_(key > day, and_(key == day, row_id > last)))
        else:
            q = q.where(tuple_(key, row_id) > tuple_(day, last))
    return q.order_by(key.asc().nulls_first() if key.nullable else key, row_id).limit(limit + 1)


@dataclass
class Page:
    items: list
    next_cursor: str | None


def _page(store: Store, q: Select, key: Column, row_id: Column, cursor: str | None, limit: int, parse,
          day_of) -> Page:
    rows = store.read(lambda c: c.execute(_keyset(q, key, row_id, cursor, limit)).all())
    items = [parse(r) for r in rows[:limit]]
    following = encode_cursor(day_of(rows[limit - 1]), rows[limit - 1].id) if len(rows) > limit else None
    return Page(items, following)


def _like(column: Column, text: str):
    """`column` contains `text`, case-insensitively, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


def _party(column: Column, party: str):
    return column.is_(None) if party == PARTY_NONE else column == party


def _basis(column: Column, basis: str):
    return column == "stated" if basis == "stated" else column.like("inferred%")


# -- events ----------------------------------------------------------------------------------------------------------
def _event_window(start: dt.date | None, end: dt.date | None):
    """Events whose days overlap [start, end]. Short events are found by a range of when_start (an event that
    overlaps the window starts at most LONG_SPAN_DAYS before it), the few long ones by their own index."""
    e = schema.events.c
    first, last = start or dt.date.min, end or dt.date.max
    reach = first - dt.timedelta(days=schema.LONG_SPAN_DAYS) if first > dt.date.min + dt.timedelta(days=31) \
        else dt.date.min
    # The 0 and 1 are written into the SQL (not bound), so that the planner may use the partial index of long ones.
    short, long = literal_column("0"), literal_column("1")
    return or_(and_(e.long_span == short, e.when_start.between(reach, last), e.when_end >= first),
               and_(e.long_span == long, e.when_start <= last, e.when_end >= first))


def _finding_matches(f: Filters):
    """An event has a finding that the clause, status and agreement filters select."""
    fc = schema.findings.c
    conditions = [fc.event_id == schema.events.c.id]
    if f.agreement:
        conditions.append(fc.agreement_id == f.agreement)
    if f.clause:
        conditions.append(fc.clause == f.clause)
    if f.status:
        conditions.append(fc.status == f.status)
    return exists(select(fc.id).where(*conditions))


def event_conditions(f: Filters) -> list:
    e = schema.events.c
    out = []
    if f.start or f.end:
        out.append(_event_window(f.start, f.end))
    if f.party:
        out.append(_party(e.actor_party, f.party))
    if f.region:
        out.append(e.admin1 == f.region)
    if f.bbox:
        west, south, east, north = f.bbox
        out += [e.lon.between(west, east), e.lat.between(south, north)]
    if f.text:
        out.append(_like(e.data, f.text))
    if f.min_confidence is not None:
        out.append(e.party_confidence >= f.min_confidence)
    if f.basis:
        out.append(_basis(e.actor_basis, f.basis))
    if f.type:
        out.append(e.type == f.type)
    if f.clause or f.status or f.agreement:
        out.append(_finding_matches(f))
    return out


def events_page(store: Store, f: Filters, limit: int, cursor: str | None = None) -> Page:
    e = schema.events.c
    q = select(e.id, e.when_start, e.data).where(*event_conditions(f))
    return _page(store, q, e.when_start, e.id, cursor, limit, lambda r: Event.model_validate_json(r.data),
                 lambda r: r.when_start)


def _worst_status(agreement: str | None):
    """The most severe current status among an event's findings (under `agreement` if given), or null."""
    fc = schema.findings.c
    rank = case(*((fc.status == s, n) for s, n in _STATUS_RANK.items()), else_=9)
    q = select(fc.status).where(fc.event_id == schema.events.c.id)
    if agreement:
        q = q.where(fc.agreement_id == agreement)
    return q.order_by(rank).limit(1).scalar_subquery()


def map_features(store: Store, f: Filters, limit: int = 5000) -> list[dict]:
    """The map's markers: one small GeoJSON feature per placed event (no evidence: the event page has it)."""
    e = schema.events.c
    q = (select(e.id, e.type, e.when_start, e.when_end, e.actor_party, e.actor_basis, e.admin1, e.lat, e.lon,
                _worst_status(f.agreement).label("status"))
         .where(e.lat.is_not(None), *event_conditions(f)).limit(limit))  # unordered: the planner may then
    # take the day's short events and its long ones from their two indexes even without statistics
    rows = store.read(lambda c: c.execute(q).all())
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
             "properties": {"id": r.id, "type": r.type, "start": r.when_start.isoformat(),
                            "end": r.when_end.isoformat(), "party": r.actor_party or PARTY_NONE,
                            "basis": r.actor_basis, "region": r.admin1, "status": r.status}} for r in rows]


def daily_counts(store: Store, f: Filters) -> dict[dt.date, dict[str, int]]:
    """Events begun on each day of the range, per alleged party: the timeline under the map. Filtered by days and
    party only, it reads the counts kept per day (schema.event_day_counts); other filters count the events."""
    e, t = schema.events.c, schema.event_day_counts.c
    if replace(f, start=None, end=None, party=None) == Filters():
        day, q = t.day, select(t.day, t.party, t.n)
        if f.party:
            q = q.where(t.party == ("" if f.party == PARTY_NONE else f.party))
    else:
        day, q = e.when_start, select(e.when_start, e.actor_party, func.count()).where(
            *event_conditions(replace(f, start=None, end=None))).group_by(e.when_start, e.actor_party)
    if f.start:
        q = q.where(day >= f.start)
    if f.end:
        q = q.where(day <= f.end)
    out: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for day, party, n in store.read(lambda c: c.execute(q).all()):
        out[day][party or PARTY_NONE] = n
    return dict(sorted(out.items()))


def regions(store: Store, f: Filters) -> list[str]:
    """The regions that the selected events lie in, for the region filter."""
    e = schema.events.c
    q = select(e.admin1).distinct().where(e.admin1.is_not(None), *event_conditions(f)).order_by(e.admin1)
    return list(store.read(lambda c: c.execute(q).scalars().all()))


def top_regions(store: Store, f: Filters, limit: int = 10) -> list[tuple[str, int]]:
    """The regions with most selected events, with their counts (most first, then by name)."""
    e = schema.events.c
    n = func.count().label("n")
    q = (select(e.admin1, n).where(e.admin1.is_not(None), *event_conditions(f)).group_by(e.admin1)
         .order_by(n.desc(), e.admin1).limit(limit))
    return [(region, count) for region, count in store.read(lambda c: c.execute(q).all())]


def event_days(store: Store, limit: int = 90) -> list[tuple[dt.date, int]]:
    """Days on which events began, latest first, with how many."""
    e = schema.events.c
    q = select(e.when_start, func.count()).group_by(e.when_start).order_by(e.when_start.desc()).limit(limit)
    return [(day, n) for day, n in store.read(lambda c: c.execute(q).all())]


def latest_day(store: Store, placed: bool = False) -> dt.date | None:
    """The latest day an event began (one with a place on the map, if `placed`)."""
    q = select(func.max(schema.events.c.when_start))
    if placed:
        q = q.where(schema.events.c.lat.is_not(None))
    return store.read(lambda c: c.execute(q).scalar())


# -- incidents, claims, documents ------------------------------------------------------------------------------------
def incidents_page(store: Store, f: Filters, limit: int, cursor: str | None = None) -> Page:
    i = schema.incidents.c
    q = select(i.id, i.when_start, i.data)
    if f.start:
        q = q.where(i.when_end >= f.start)
    if f.end:
        q = q.where(i.when_start <= f.end)
    if f.party:
        q = q.where(_party(i.actor_party, f.party))
    if f.region:
        q = q.where(i.admin1 == f.region)
    if f.bbox:
        west, south, east, north = f.bbox
        q = q.where(i.lon.between(west, east), i.lat.between(south, north))
    if f.type:
        q = q.where(i.type == f.type)
    if f.text:
        q = q.where(_like(i.data, f.text))
    return _page(store, q, i.when_start, i.id, cursor, limit, lambda r: Incident.model_validate_json(r.data),
                 lambda r: r.when_start)


def claims_page(store: Store, f: Filters, limit: int, cursor: str | None = None) -> Page:
    c = schema.claims.c
    q = select(c.id, c.when_start, c.data)
    if f.start:
        q = q.where(c.when_start >= f.start)
    if f.end:
        q = q.where(c.when_start <= f.end)
    if f.party:
        q = q.where(_party(c.party, f.party))
    if f.text:
        q = q.where(_like(c.data, f.text))
    return _page(store, q, c.when_start, c.id, cursor, limit, lambda r: Claim.model_validate_json(r.data),
                 lambda r: r.when_start)


def documents_page(store: Store, f: Filters, limit: int, cursor: str | None = None,
                   language: str | None = None) -> Page:
    d = schema.documents.c
    q = select(*DOCUMENT_COLUMNS)
    if f.start:
        q = q.where(d.published >= f.start)
    if f.end:
        q = q.where(d.published <= f.end)
    if f.text:
        q = q.where(or_(_like(d.text, f.text), _like(d.title, f.text), _like(d.source, f.text)))
    if language:
        q = q.where(d.language == language)
    return _page(store, q, d.published, d.id, cursor, limit, document_of,
                 lambda r: r.published)


# -- findings and reviews --------------------------------------------------------------------------------------------
def finding_conditions(f: Filters) -> list:
    fc, e = schema.findings.c, schema.events.c
    out = []
    if f.agreement:
        out.append(fc.agreement_id == f.agreement)
    if f.start:
        out.append(fc.date >= f.start)
    if f.end:
        out.append(fc.date <= f.end)
    if f.party:
        out.append(fc.party == f.party)
    if f.clause:
        out.append(fc.clause == f.clause)
    if f.status:
        out.append(fc.status == f.status)
    if f.region:
        out.append(fc.admin1 == f.region)
    if f.min_confidence is not None:
        out.append(fc.confidence >= f.min_confidence)
    if f.text:
        out.append(_like(fc.data, f.text))
    if f.bbox or f.basis or f.type:
        event = Filters(bbox=f.bbox, basis=f.basis, type=f.type)
        out.append(exists(select(e.id).where(e.id == fc.event_id, *event_conditions(event))))
    return out


def with_reviews(store: Store, findings: list[Finding]) -> list[Finding]:
    """Findings as their reviews leave them."""
    from ceasefire.adjudicate import apply_reviews

    reviews = reviews_of(store, {f.id for f in findings})
    return [apply_reviews(f, reviews.get(f.id, [])) for f in findings]


def reviews_of(store: Store, finding_ids: set[str]) -> dict[str, list[Review]]:
    out: dict[str, list[Review]] = defaultdict(list)
    for data in store._by_ids(schema.reviews, schema.reviews.c.finding_id, finding_ids):
        review = Review.model_validate_json(data)
        out[review.finding_id].append(review)
    for items in out.values():
        items.sort(key=lambda r: (r.at, r.id))
    return out


def findings_page(store: Store, f: Filters, limit: int, cursor: str | None = None) -> Page:
    fc = schema.findings.c
    q = select(fc.id, fc.date, fc.data).where(*finding_conditions(f))
    page = _page(store, q, fc.date, fc.id, cursor, limit, lambda r: Finding.model_validate_json(r.data),
                 lambda r: r.date)
    page.items = with_reviews(store, page.items)
    return page


def review_queue(store: Store, f: Filters, limit: int = 100) -> list[Finding]:
    """Findings no analyst has decided yet, most severe first (corroborated, then disputed, then alleged; the more
    confident first), oldest first within each."""
    fc = schema.findings.c
    decided = exists(select(schema.reviews.c.id).where(schema.reviews.c.finding_id == fc.id,
                                                       schema.reviews.c.action != "comment"))
    status = f.status if f.status in OPEN_STATUSES else None
    rank = case(*((fc.status == s, n) for n, s in enumerate(OPEN_STATUSES)))
    q = (select(fc.data).where(fc.status.in_([status] if status else OPEN_STATUSES), ~decided,
                               *finding_conditions(replace(f, status=None)))
         .order_by(rank, fc.confidence.desc(), fc.date, fc.id).limit(limit))
    found = [Finding.model_validate_json(d) for d in store.read(lambda c: c.execute(q).scalars().all())]
    return with_reviews(store, found)


def finding(store: Store, finding_id: str) -> Finding | None:
    data = store.read(lambda c: c.execute(select(schema.findings.c.data).where(
        schema.findings.c.id == finding_id)).scalar())
    return with_reviews(store, [Finding.model_validate_json(data)])[0] if data else None


# -- one event with everything behind it -----------------------------------------------------------------------------
@dataclass
class EventDetail:
    event: Event
    incidents: list[Incident]
    claims: list[Claim]
    documents: dict[str, Document]
    findings: list[Finding]
    reviews: dict[str, list[Review]]
    denials: list[Claim]  # the accused side's claims that deny the event
    contradictions: list[Contradiction] = field(default_factory=list)
    copies: dict[str, list[Document]] = field(default_factory=dict)  # republished copies of its documents' texts

    @property
    def claims_by_party(self) -> dict[str, list[Claim]]:
        out: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.claims + self.denials:
            out[claim.party or PARTY_NONE].append(claim)
        return dict(out)


def event_detail(store: Store, event_id: str) -> EventDetail | None:
    found = store.events_by_id({event_id})
    if not found:
        return None
    event = found[0]
    incidents = sorted((Incident.model_validate_json(d) for d in store._by_ids(
        schema.incidents, schema.incidents.c.id, set(event.incident_ids))), key=lambda i: (i.doc_id, i.span.start))
    claim_ids = set(event.claim_ids) | {c for i in incidents for c in i.claim_ids}
    claims = sorted(store.claims_by_id(claim_ids), key=lambda c: (c.doc_id, c.span.start))
    denials = [c for c in store.claims_by_id(set(event.denied_by)) if c.id not in claim_ids]
    doc_ids = {i.doc_id for i in incidents} | {c.doc_id for c in claims + denials} | {e.doc_id for e in event.evidence}
    fc = schema.findings.c
    rows = store.read(lambda c: c.execute(select(fc.data).where(fc.event_id == event_id)
                                          .order_by(fc.agreement_id, fc.clause)).scalars().all())
    findings = with_reviews(store, [Finding.model_validate_json(d) for d in rows])
    contradictions = [c for c in store.contradictions_of(doc_ids)
                      if set(c.claim_ids) & (claim_ids | set(event.denied_by))]
    return EventDetail(event, incidents, claims, store.documents_by_id(doc_ids), findings,
                       reviews_of(store, {f.id for f in findings}), denials, contradictions, store.copies_of(doc_ids))
