"""The dashboard: server-rendered pages (every value escaped by the templates' environment), a small vendored map
script, sign-in with a token kept in an HttpOnly, SameSite=Strict cookie, and anti-forgery values on every form."""
from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import replace
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from ceasefire.access import Principal, audit_trails, authenticate, form_key
from ceasefire.api import routes
from ceasefire.api.security import SESSION_COOKIE, current_principal, presented_token, same_origin
from ceasefire.errors import InputError
from ceasefire.pipeline import agreements_of
from ceasefire.publish.brief import render_page
from ceasefire.publish.charts import PARTY_COLOURS, trend_svg
from ceasefire.reconcile import reliability_of
from ceasefire.store import Store, queries
from ceasefire.store.queries import Filters

router = APIRouter(include_in_schema=False)
PARTIES = ("RU", "UA", "undetermined")
STATUSES = ("alleged", "corroborated", "disputed", "confirmed", "not_a_violation")
ACTIONS = {"confirm": "Confirm", "dispute": "Dispute", "reattribute": "Re-attribute",
           "not_a_violation": "Not a violation", "comment": "Comment only"}
TIMELINE_DAYS = 30
DEFAULT_DAYS = 7  # the map's range when none is asked for
CONTEXT_CHARS = 240  # text shown on each side of an evidence span


def _page(request: Request, template: str, principal: Principal | None, **context) -> HTMLResponse:
    token, _ = presented_token(request)
    return HTMLResponse(render_page(template, principal=principal, csrf=form_key(token) if token and principal else "",
                                    path=request.url.path, party_colours=PARTY_COLOURS, **context))


def error_page(request: Request, status: int, detail: str) -> Response:
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", 303)
    return HTMLResponse(render_page("error.html.j2", principal=None, status=status, detail=detail, path=""),
                        status)


async def _form(request: Request, principal: Principal | None = None) -> dict[str, str]:
    """A posted form's fields; for a signed-in page, 403 unless it carries the session's anti-forgery value and
    comes from this server's own page."""
    body = (await request.body()).decode("utf-8", "replace")
    try:
        fields = {k: v[0] for k, v in parse_qs(body, max_num_fields=20).items()}
    except ValueError:
        raise HTTPException(400, "a form of this dashboard has fewer fields") from None
    if not same_origin(request):
        raise HTTPException(403, "a form of this dashboard must be sent from its own pages")
    if principal is not None:
        token, _ = presented_token(request)
        if not hmac.compare_digest(fields.get("csrf", ""), form_key(token or "")):
            raise HTTPException(403, "the form's anti-forgery value is missing or stale; reload the page")
    return fields


def _local(target: str | None) -> str:
    """Only a path on this server is a place to go back to after signing in (never another site)."""
    return target if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
        else "/"


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


# -- sign-in ---------------------------------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = Query(None, max_length=2000)) -> HTMLResponse:
    return _page(request, "login.html.j2", None, next=_local(next), failed=False)


@router.post("/login")
async def login(request: Request) -> Response:
    fields = await _form(request)
    token = fields.get("token", "").strip()
    principal = authenticate(request.app.state.store, token) if token else None
    if principal is None:
        response = _page(request, "login.html.j2", None, next=_local(fields.get("next")), failed=True)
        response.status_code = 401
        return response
    response = RedirectResponse(_local(fields.get("next")), 303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
    return response


@router.post("/logout")
async def logout(request: Request, principal: Principal = Depends(current_principal)) -> Response:
    await _form(request, principal)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- the map ---------------------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def map_page(request: Request, f: Filters = Depends(routes.filters), day: dt.date | None = Query(None),
             principal: Principal = Depends(current_principal)) -> HTMLResponse:
    store: Store = request.app.state.store
    if day:
        routes.within_bounds(("day", day))
        f = replace(f, start=day, end=day)
    elif not (f.start or f.end):  # the week up to the latest day with an event on the map
        latest = queries.latest_day(store, placed=True)
        if latest:
            f = replace(f, start=latest - dt.timedelta(days=DEFAULT_DAYS - 1), end=latest)
    params = f.query_params()
    agreements = agreements_of(store)
    features = queries.map_features(store, f)
    statuses = {feature["properties"]["id"]: feature["properties"]["status"] for feature in features}
    events = queries.events_page(store, f, 200).items
    last = f.end or f.start or dt.date.today()
    first = max(min(f.start or last, last - dt.timedelta(days=TIMELINE_DAYS - 1)), last - dt.timedelta(days=365))
    counted = queries.daily_counts(store, replace(f, start=first, end=last))
    daily = {first + dt.timedelta(days=n): counted.get(first + dt.timedelta(days=n), {})
             for n in range((last - first).days + 1)}
    shift = (f.end - f.start).days + 1 if f.start and f.end else 1
    around = {label: {**params, "from": str(f.start + dt.timedelta(days=n)), "to": str(f.end + dt.timedelta(days=n))}
              for label, n in (("earlier", -shift), ("later", shift))} if f.start and f.end else {}
    return _page(request, "map.html.j2", principal, f=f, params=params, query=urlencode(params),
                 events=events, statuses=statuses, placed=len(features), parties=PARTIES, statuses_all=STATUSES,
                 regions=queries.regions(store, Filters(start=f.start, end=f.end)),
                 clauses=[(a.id, c.id) for a in agreements for c in a.clauses], agreements=[a.id for a in agreements],
                 timeline=Markup(trend_svg(daily, title=f"Events per day and alleged party, {first} to {last}")),
                 timeline_days=(first, last), around={k: urlencode(v) for k, v in around.items()},
                 frontline_day=(f.end or f.start or last).isoformat())


# -- one event -------------------------------------------------------------------------------------------------------
def _excerpt(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The evidence span with some text either side (cut at word boundaries), for highlighting."""
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS and " " in before:
        before = "… " + before.split(" ", 1)[1]
    if end + CONTEXT_CHARS < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + " …"
    return before, text[start:end], after


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, principal: Principal = Depends(current_principal)) -> HTMLResponse:
    store: Store = request.app.state.store
    detail = queries.event_detail(store, event_id)
    if detail is None:
        raise HTTPException(404, f"no event {event_id}")
    grades = {doc_id: reliability_of(doc) for doc_id, doc in detail.documents.items()}
    excerpts = {item.id: _excerpt(detail.documents[item.doc_id].text, item.span.start, item.span.end)
                for item in detail.incidents + detail.claims + detail.denials if item.doc_id in detail.documents}
    return _page(request, "event.html.j2", principal, d=detail, grades=grades, excerpts=excerpts,
                 actions=ACTIONS, audit=_audit(store, detail.findings))


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str, principal: Principal = Depends(current_principal)) -> HTMLResponse:
    """A document as stored: where it came from, how its date was found, its copies elsewhere, and its text."""
    store: Store = request.app.state.store
    document = store.document(doc_id)
    if document is None:
        raise HTTPException(404, f"no document {doc_id}")
    original = store.document(document.copy_of) if document.copy_of else None
    return _page(request, "document.html.j2", principal, doc=document, grade=reliability_of(document),
                 original=original, copies=store.copies_of({doc_id}).get(doc_id, []))


def _audit(store: Store, findings: list) -> dict:
    """Each finding's audit trail, by finding id, in one query."""
    trails = audit_trails(store, [f"finding:{f.id}" for f in findings])
    return {f.id: trails[f"finding:{f.id}"] for f in findings}


# -- review queue ----------------------------------------------------------------------------------------------------
@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, f: Filters = Depends(routes.filters),
                principal: Principal = Depends(current_principal)) -> HTMLResponse:
    store: Store = request.app.state.store
    queue = queries.review_queue(store, f, 100)
    return _page(request, "review.html.j2", principal, queue=queue, actions=ACTIONS, parties=PARTIES,
                 statuses_all=("corroborated", "disputed", "alleged"), f=f,
                 audit=_audit(store, queue), done=request.query_params.get("done"))


@router.post("/review/{finding_id}")
async def review_submit(request: Request, finding_id: str, principal: Principal = Depends(current_principal)) -> Response:
    fields = await _form(request, principal)
    if not principal.may("analyst"):
        raise HTTPException(403, f"reviewing needs the analyst role; you are signed in as {principal.role}")
    store: Store = request.app.state.store
    if queries.finding(store, finding_id) is None:
        raise HTTPException(404, f"no finding {finding_id}")
    try:
        review = routes.ReviewIn(action=fields.get("action", ""), reason=fields.get("reason", ""),
                                 new_party=fields.get("new_party") or None)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"review {'.'.join(str(x) for x in first['loc'])}", first["msg"]) from None
    routes.add_review(store, finding_id, review, principal)
    back = _local(fields.get("back"))
    separator = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{separator}{urlencode({'done': finding_id})}", 303)


# -- briefings -------------------------------------------------------------------------------------------------------
@router.get("/briefings", response_class=HTMLResponse)
def briefings_page(request: Request, principal: Principal = Depends(current_principal)) -> HTMLResponse:
    return _page(request, "briefings.html.j2", principal,
                 days=queries.event_days(request.app.state.store, 90))


@router.get("/briefings/{day}", response_class=HTMLResponse)
def briefing_view(request: Request, day: dt.date, principal: Principal = Depends(current_principal)) -> HTMLResponse:
    body = routes.briefing_bytes(request.app.state.store, day, "html", routes.BRIEFING_AGREEMENT)
    return HTMLResponse(body)
