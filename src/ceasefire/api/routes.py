"""The JSON API: every resource with the dashboard's filters, cursor pages, and writes by role with their audit
lines. Errors are problem details (see api/security.py)."""
from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Generic, Literal, TypeVar

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from ceasefire.access import AuditEntry, Principal, TokenInfo, audit_trail, create_token, revoke_token, tokens
from ceasefire.api.security import InertJSONResponse, requires
from ceasefire.errors import InputError
from ceasefire.intake.field import FieldReport, field_report_document
from ceasefire.records import Agreement, Claim, Document, Event, Finding, Incident, Review, content_id
from ceasefire.store import Store, queries, schema
from ceasefire.store.queries import Filters, parse_bbox

T = TypeVar("T")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
STATUSES = Literal["alleged", "corroborated", "confirmed", "disputed", "not_a_violation", "out_of_scope"]
_ID = r"^[\w.:-]{1,80}$"
STATUS_SECONDS = 5.0
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)  # days outside are typing errors (and overflow)
MAX_TEXT_DAYS = 31
BRIEFING_AGREEMENT = "energy-moratorium-2025"  # what the dashboard's briefings tally by default

viewer, analyst, admin = requires("viewer"), requires("analyst"), requires("admin")
router = APIRouter(prefix="/api")


class Page(BaseModel, Generic[T]):
    """One page of a list: `next` is the URL of the following page (null on the last), `next_cursor` its cursor."""

    items: list[T]
    next_cursor: str | None = None
    next: str | None = None


async def store_of(request: Request) -> Store:
    return request.app.state.store


def within_bounds(*days: tuple[str, dt.date | None]) -> None:
    for name, day in days:
        if day and not FIRST_DAY <= day <= LAST_DAY:
            raise InputError(f"{name}={day}", f"outside {FIRST_DAY} to {LAST_DAY}")


async def filters(start: dt.date | None = Query(None, alias="from", description="first day (ISO date)"),
            end: dt.date | None = Query(None, alias="to", description="last day (ISO date)"),
            party: str | None = Query(None, pattern=r"^[A-Za-z_]{2,20}$",
                                      description="alleged party (UA, RU …) or 'undetermined'",
                                      examples=["RU"]),
            clause: str | None = Query(None, pattern=_ID, description="an agreement's clause id"),
            status: STATUSES | None = Query(None, description="a finding's status"),
            region: str | None = Query(None, max_length=80, description="region (admin1)", examples=["Donetsk"]),
            bbox: str | None = Query(None, max_length=100, description="west,south,east,north in degrees",
                                     examples=["36.5,47.5,38.5,49.0"]),
            q: str | None = Query(None, max_length=200, description="text the record contains"),
            min_confidence: float | None = Query(None, ge=0, le=1,
                                                 description="least confidence (of the party for events)"),
            basis: Literal["stated", "inferred"] | None = Query(None, description="party stated or inferred"),
            agreement: str | None = Query(None, pattern=_ID, description="an agreement's id"),
            type: str | None = Query(None, pattern=r"^[a-z_]{2,40}$", description="incident type")) -> Filters:
    within_bounds(("from", start), ("to", end))
    if start and end and end < start:
        raise InputError(f"from={start} to={end}", "the range ends before it starts")
    if q and not (start and end and (end - start).days < MAX_TEXT_DAYS):
        # A text search reads every record of its range (no index helps): the range bounds what one request costs.
        raise InputError(f"q={q[:40]}", f"a text search needs from and to at most {MAX_TEXT_DAYS} days apart")
    return Filters(start, end, party, clause, status, region, parse_bbox(bbox), q, min_confidence, basis,
                   agreement, type)


async def paging(limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page, at most {MAX_LIMIT}"),
           cursor: str | None = Query(None, max_length=300, description="next_cursor of the previous page")
           ) -> tuple[int, str | None]:
    return limit, cursor


def _envelope(request: Request, page: queries.Page) -> dict:
    following = None
    if page.next_cursor:
        url = request.url.include_query_params(cursor=page.next_cursor)
        following = f"{url.path}?{url.query}"
    return {"items": page.items, "next_cursor": page.next_cursor, "next": following}


def _found(item, what: str, key: str):
    if item is None:
        raise HTTPException(404, f"no {what} {key}")
    return item


# -- reading -----------------------------------------------------------------------------------------------------------
@router.get("/status", tags=["status"])
def api_status(request: Request, store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> dict[str, int]:
    """Counts of stored documents, claims, incidents, events and findings (as of at most STATUS_SECONDS ago:
    counting a million rows takes tens of milliseconds)."""
    at, counts = getattr(request.app.state, "status", (0.0, None))
    if counts is None or time.monotonic() - at > STATUS_SECONDS:
        counts = store.counts()
        request.app.state.status = (time.monotonic(), counts)
    return counts


@router.get("/documents", tags=["documents"])
def list_documents(request: Request, f: Filters = Depends(filters), page=Depends(paging),
                   language: str | None = Query(None, pattern=r"^[a-z]{2}$"),
                   store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> Page[Document]:
    """Stored documents by publication day (`from`, `to`, `q` in text, title or source; `language`)."""
    return _envelope(request, queries.documents_page(store, f, *page, language=language))


@router.get("/documents/{doc_id}", tags=["documents"])
def get_document(doc_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
                 _: Principal = Depends(viewer)) -> Document:
    """One document with its whole text (the spans of its claims and incidents count characters of it)."""
    return _found(store.document(doc_id), "document", doc_id)


@router.get("/documents/{doc_id}/copies", tags=["documents"])
def get_document_copies(doc_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
                        _: Principal = Depends(viewer)) -> list[Document]:
    """The documents that republish this document's text (a wire story carried by other outlets): stored with their
    own sources, not read again, so that corroboration counts the text once."""
    _found(store.document(doc_id), "document", doc_id)
    return store.copies_of({doc_id}).get(doc_id, [])


@router.get("/claims", tags=["claims"])
def list_claims(request: Request, f: Filters = Depends(filters), page=Depends(paging),
                store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> Page[Claim]:
    """Attributed claims by day (`from`, `to`, `party` of the speaker, `q`)."""
    return _envelope(request, queries.claims_page(store, f, *page))


@router.get("/claims/{claim_id}", tags=["claims"])
def get_claim(claim_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
              _: Principal = Depends(viewer)) -> Claim:
    return _found(next(iter(store.claims_by_id({claim_id})), None), "claim", claim_id)


@router.get("/incidents", tags=["incidents"])
def list_incidents(request: Request, f: Filters = Depends(filters), page=Depends(paging),
                   store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> Page[Incident]:
    """Incident reports whose time overlaps the range (`party` of the actor, `region`, `bbox`, `type`, `q`)."""
    return _envelope(request, queries.incidents_page(store, f, *page))


@router.get("/incidents/{incident_id}", tags=["incidents"])
def get_incident(incident_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
                 _: Principal = Depends(viewer)) -> Incident:
    data = store.read(lambda c: c.execute(select(schema.incidents.c.data).where(
        schema.incidents.c.id == incident_id)).scalar())
    return Incident.model_validate_json(_found(data, "incident", incident_id))


@router.get("/events", tags=["events"])
def list_events(request: Request, f: Filters = Depends(filters), page=Depends(paging),
                store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> Page[Event]:
    """Reconciled events whose days overlap the range; every filter applies (`clause`, `status` and `agreement`
    select events with such a finding)."""
    return _envelope(request, queries.events_page(store, f, *page))


class EventDetailOut(BaseModel):
    event: Event
    incidents: list[Incident]
    claims: list[Claim]
    denials: list[Claim]
    findings: list[Finding]
    reviews: dict[str, list[Review]]
    documents: dict[str, Document]


@router.get("/events/{event_id}", tags=["events"], response_model=EventDetailOut)
def get_event(event_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
              _: Principal = Depends(viewer)) -> InertJSONResponse:
    """One event with every report, claim, denial and finding behind it, and the documents they come from."""
    d = _found(queries.event_detail(store, event_id), "event", event_id)
    # Built from validated records already: answered as it is, not validated a second time against the model.
    return InertJSONResponse(EventDetailOut(
        event=d.event, incidents=d.incidents, claims=d.claims, denials=d.denials, findings=d.findings,
        reviews=d.reviews, documents=d.documents).model_dump(mode="json"))


@router.get("/map", tags=["map"], response_class=InertJSONResponse)
def map_layer(f: Filters = Depends(filters), store: Store = Depends(store_of),
              _: Principal = Depends(viewer)) -> InertJSONResponse:
    """The dashboard's markers: the selected events as a GeoJSON FeatureCollection (at most 5,000; narrow the
    range or the box for more). Answered as built (plain values), without FastAPI's conversion: a day holds
    about a thousand markers."""
    return InertJSONResponse({"type": "FeatureCollection", "features": queries.map_features(store, f)})


@router.get("/timeline", tags=["map"])
def timeline(f: Filters = Depends(filters), store: Store = Depends(store_of),
             _: Principal = Depends(viewer)) -> list[dict]:
    """Events begun on each day of the range, per alleged party: [{"day": "2025-03-19", "counts": {"RU": 4, "UA": 2}},
    …]."""
    return [{"day": day, "counts": counts} for day, counts in queries.daily_counts(store, f).items()]


@router.get("/boundaries", tags=["map"])
def boundaries(_: Principal = Depends(viewer)) -> Response:
    """The bundled region boundaries (Natural Earth; Crimea and Sevastopol as Ukraine), the map's base layer."""
    from importlib import resources

    body = resources.files("ceasefire").joinpath("data/boundaries/regions.geojson").read_bytes()
    return Response(body, media_type="application/geo+json", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/frontline", tags=["map"])
def frontline(on: dt.date = Query(..., description="the day whose front lines to draw"),
              _: Principal = Depends(viewer)) -> dict:
    """The front lines of the time (data/front_lines.csv) as GeoJSON lines."""
    from ceasefire.geo.frontline import front_geojson

    return front_geojson(on)


@router.get("/findings", tags=["findings"])
def list_findings(request: Request, f: Filters = Depends(filters), page=Depends(paging),
                  store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> Page[Finding]:
    """Findings as their reviews leave them, by date; every filter applies."""
    return _envelope(request, queries.findings_page(store, f, *page))


@router.get("/review-queue", tags=["findings"])
def review_queue(f: Filters = Depends(filters), limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
                 store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> list[Finding]:
    """Findings no analyst has decided yet: corroborated, then disputed, then alleged; oldest first."""
    return queries.review_queue(store, f, limit)


class FindingDetail(BaseModel):
    finding: Finding
    reviews: list[Review]
    audit: list[AuditEntry]


@router.get("/findings/{finding_id}", tags=["findings"])
def get_finding(finding_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
                _: Principal = Depends(viewer)) -> FindingDetail:
    """One finding, its reviews and its audit trail."""
    found = _found(queries.finding(store, finding_id), "finding", finding_id)
    return FindingDetail(finding=found, reviews=store.reviews(finding_id),
                         audit=audit_trail(store, f"finding:{finding_id}"))


@router.get("/reviews", tags=["findings"])
def list_reviews(finding_id: str | None = Query(None, pattern=_ID), store: Store = Depends(store_of),
                 _: Principal = Depends(viewer)) -> list[Review]:
    """Every review, oldest first (of one finding with `finding_id`)."""
    return store.reviews(finding_id)


@router.get("/agreements", tags=["agreements"])
def list_agreements(store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> list[Agreement]:
    """The agreements findings are judged against: the bundled ones and those an admin added."""
    from ceasefire.pipeline import agreements_of

    return agreements_of(store)


@router.get("/agreements/{agreement_id}", tags=["agreements"])
def get_agreement(agreement_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
                  _: Principal = Depends(viewer)) -> Agreement:
    from ceasefire.pipeline import agreements_of

    return _found(next((a for a in agreements_of(store) if a.id == agreement_id), None), "agreement", agreement_id)


@router.get("/sources", tags=["sources"])
def list_sources(store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> dict:
    """The sources the team follows (`ceasefire source add`) with their health (`followed`: last success, last
    error, documents added), and the registered publishers with their reliability grades (data/sources.yaml, or
    CFM_SOURCES)."""
    from ceasefire.reconcile import source_table

    table = source_table()
    return {"followed": [s.model_dump(mode="json", exclude={"etag", "last_modified"}) for s in store.sources()],
            "default": table.default, "own_observations": table.own, "datasets": table.datasets,
            "sources": [{"names": r.pattern.pattern, "domains": list(r.domains), "reliability": r.reliability}
                        for r in table.rules]}


class BriefingDay(BaseModel):
    day: dt.date
    events: int
    formats: dict[str, str]


@router.get("/briefings", tags=["briefings"])
def list_briefings(limit: int = Query(90, ge=1, le=MAX_LIMIT), store: Store = Depends(store_of),
                   _: Principal = Depends(viewer)) -> list[BriefingDay]:
    """The days a briefing can be written for (days with events), latest first, with download links."""
    return [BriefingDay(day=day, events=n, formats={fmt: f"/api/briefings/{day}.{fmt}" for fmt in ("md", "html", "pdf")})
            for day, n in queries.event_days(store, limit)]


BRIEFING_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def briefing_bytes(store: Store, day: dt.date, fmt: str, agreement: str | None) -> bytes:
    from ceasefire.publish.brief import write_briefing

    with tempfile.TemporaryDirectory() as tmp:
        (path,) = write_briefing(store, day, Path(tmp), (fmt,), agreement)
        return path.read_bytes()


@router.get("/briefings/{day}.{fmt}", tags=["briefings"])
def get_briefing(day: dt.date, fmt: Literal["md", "html", "pdf"],
                 agreement: str | None = Query(BRIEFING_AGREEMENT, pattern=_ID),
                 store: Store = Depends(store_of), _: Principal = Depends(viewer)) -> Response:
    """The day's briefing as a download (Markdown, HTML or PDF)."""
    return Response(briefing_bytes(store, day, fmt, agreement), media_type=BRIEFING_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="briefing-{day}.{fmt}"'})


# -- writing -----------------------------------------------------------------------------------------------------------
class ReviewIn(BaseModel):
    model_config = {"json_schema_extra": {"examples": [
        {"action": "reattribute", "reason": "crater analysis points to fire from the north", "new_party": "UA"}]}}
    action: Literal["confirm", "dispute", "reattribute", "not_a_violation", "comment"]
    reason: str = Field(min_length=3, max_length=4000)
    new_party: str | None = Field(None, pattern=r"^(UA|RU|US|NATO|EU|UN|OTHER|undetermined)$")


def add_review(store: Store, finding_id: str, review: ReviewIn, principal: Principal) -> Review:
    if review.action == "reattribute" and not review.new_party:
        raise InputError("new_party", "a re-attribution names the party now held responsible")
    at = dt.datetime.now(dt.timezone.utc)
    record = Review(id=content_id("rev", finding_id, principal.token_id, at.isoformat()), finding_id=finding_id,
                    reviewer=principal.label, at=at, action=review.action, reason=review.reason,
                    new_party=review.new_party if review.action == "reattribute" else None)
    store.add_review(record, actor=principal.name)
    return record


@router.post("/findings/{finding_id}/reviews", tags=["findings"], status_code=201)
def post_review(review: ReviewIn, finding_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
                principal: Principal = Depends(analyst)) -> Review:
    """Confirm, dispute, re-attribute or reject a finding, with a reason (appended; nothing is overwritten)."""
    _found(queries.finding(store, finding_id), "finding", finding_id)
    return add_review(store, finding_id, review, principal)


class FieldReportOut(BaseModel):
    document_id: str
    incident_id: str
    stored: bool
    attachments: list[str]


@router.post("/field-reports", tags=["field reports"], status_code=201)
def post_field_report(report: FieldReport, store: Store = Depends(store_of),
                      principal: Principal = Depends(analyst)) -> FieldReportOut:
    """A monitor's structured observation: stored as a document of kind field-report (graded as the team's own
    observation) with its incident, and judged with the rest at once."""
    from ceasefire.access import record
    from ceasefire.pipeline import bring_up_to_date

    raw, extraction, files = field_report_document(report, report.observer or principal.label)

    def extra(conn) -> None:
        for row in files:
            if conn.execute(select(schema.attachments.c.sha256).where(
                    schema.attachments.c.sha256 == row["sha256"])).first() is None:
                conn.execute(schema.attachments.insert().values(doc_id=raw.document.id, **row))
        record(conn, principal.name, "field_report.create", f"document:{raw.document.id}",
               {"what": report.what, "attachments": [f["sha256"] for f in files]})

    stored = store.save_extraction(raw, extraction, extra)
    bring_up_to_date(store)
    return FieldReportOut(document_id=raw.document.id, incident_id=extraction.incidents[0].id, stored=stored is not None,
                          attachments=[f["sha256"] for f in files])


@router.post("/agreements", tags=["agreements"], status_code=202)
def post_agreement(agreement: Agreement, background: BackgroundTasks, store: Store = Depends(store_of),
                   principal: Principal = Depends(admin)) -> Agreement:
    """Add or replace an agreement (not a bundled one: give it an id of its own). Every event is judged against it
    in the background; its findings appear when that is done."""
    from ceasefire.adjudicate import bundled_agreements
    from ceasefire.pipeline import bring_up_to_date

    if agreement.id in bundled_agreements():
        raise HTTPException(409, f"{agreement.id} is a bundled agreement; give yours an id of its own")
    store.save_agreement(agreement, principal.name)
    background.add_task(bring_up_to_date, store)
    return agreement


class SubscriptionIn(BaseModel):
    kind: Literal["webhook", "email"]
    target: str = Field(max_length=500, examples=["https://alerts.example.org/hook"])
    secret: str | None = Field(None, max_length=200)
    filter: dict = Field(default_factory=dict, examples=[{"party": "RU", "clause": "energy-infrastructure"}])


@router.get("/subscriptions", tags=["subscriptions"])
def list_subscriptions(store: Store = Depends(store_of), _: Principal = Depends(admin)) -> list[dict]:
    """Active alert subscriptions (secrets not shown)."""
    from ceasefire.publish.alerts import subscriptions

    return [s.model_dump(exclude={"secret"}) for s in subscriptions(store)]


@router.post("/subscriptions", tags=["subscriptions"], status_code=201)
def post_subscription(body: SubscriptionIn, store: Store = Depends(store_of),
                      principal: Principal = Depends(admin)) -> dict:
    from pydantic import ValidationError

    from ceasefire.publish.alerts import AlertFilter, subscribe

    try:
        wanted = AlertFilter(**body.filter)
    except ValidationError as exc:
        raise InputError("filter", exc.errors()[0]["msg"]) from None
    sub = subscribe(store, body.kind, body.target, body.secret, wanted, actor=principal.name)
    return sub.model_dump(exclude={"secret"})


@router.delete("/subscriptions/{subscription_id}", tags=["subscriptions"], status_code=204)
def delete_subscription(subscription_id: str = PathParam(pattern=_ID), store: Store = Depends(store_of),
                        principal: Principal = Depends(admin)) -> Response:
    from ceasefire.publish.alerts import unsubscribe

    unsubscribe(store, subscription_id, principal.name)
    return Response(status_code=204)


class TokenIn(BaseModel):
    role: Literal["viewer", "analyst", "admin"]
    label: str = Field("", max_length=200)


class NewToken(TokenInfo):
    token: str = Field(description="shown only in this answer; only its hash is stored")


@router.get("/tokens", tags=["tokens"])
def list_tokens(store: Store = Depends(store_of), _: Principal = Depends(admin)) -> list[TokenInfo]:
    return tokens(store)


@router.post("/tokens", tags=["tokens"], status_code=201)
def post_token(body: TokenIn, store: Store = Depends(store_of), principal: Principal = Depends(admin)) -> NewToken:
    info, token = create_token(store, body.role, body.label, actor=principal.name)
    return NewToken(**info.model_dump(), token=token)


@router.delete("/tokens/{token_id}", tags=["tokens"])
def delete_token(token_id: str = PathParam(pattern=r"^[0-9a-f]{8}$"), store: Store = Depends(store_of),
                 principal: Principal = Depends(admin)) -> TokenInfo:
    return revoke_token(store, token_id, actor=principal.name)


@router.get("/audit", tags=["audit"])
def list_audit(target: str | None = Query(None, max_length=120), limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
               store: Store = Depends(store_of), _: Principal = Depends(admin)) -> list[AuditEntry]:
    """The audit trail, newest first: who wrote what, when (of one record with `target`, e.g. finding:fnd-…)."""
    return audit_trail(store, target, limit)

