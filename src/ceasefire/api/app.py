"""The FastAPI application: the JSON API and a minimal dashboard page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ceasefire import __version__
from ceasefire.publish.brief import BIDI_CONTROLS, render_page
from ceasefire.records import Claim, Incident
from ceasefire.store import Store

# Only this server's own scripts, styles and images (vendored, no CDN); nothing may frame the pages.
SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# Pages of list routes: the default is what a dashboard table shows at once, the maximum keeps one response under
# a few megabytes (an incident is 1-2 KB of JSON).
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# No route takes a body yet; 64 KiB leaves room for a JSON review or subscription. The longest URL the routes need is
# under 100 bytes; 4 KiB leaves room for filters to come and is below the 8 KiB that common proxies let through.
MAX_BODY_BYTES = 64 * 1024
MAX_URL_BYTES = 4 * 1024


# The API hands out the exact text of hostile documents (span offsets count every character, bidirectional
# controls included), so values are not changed. Their JSON is written so that its bytes hold no markup and no
# bidirectional control: < > & and those controls (and U+2028/U+2029, line ends to JavaScript) are written as \uXXXX
# escapes, which decode to the same text. Outside strings JSON has none of these characters, so replacing them is
# always valid. A page that shows these values must still escape them (the briefing templates do).
_JSON_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029" + BIDI_CONTROLS}


class InertJSONResponse(JSONResponse):
    """JSON whose bytes carry no markup and no bidirectional control, however hostile the text it holds."""

    def render(self, content) -> bytes:
        return super().render(content).decode("utf-8").translate(_JSON_ESCAPES).encode("utf-8")


@dataclass
class Page:
    """Which part of a list to answer with: at most `limit` items, after skipping `offset`."""

    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page, at most {MAX_LIMIT}")
    offset: int = Query(0, ge=0, description="items to skip: the next page starts at offset + limit")


def paginate(items: list, page: Page, request: Request, response: Response) -> list:
    """The page of `items`; the total goes in `X-Total-Count` and the next page, if any, in a `Link` header."""
    response.headers["X-Total-Count"] = str(len(items))
    end = page.offset + page.limit
    if end < len(items):
        following = request.url.include_query_params(offset=end, limit=page.limit)
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return items[page.offset:end]


class RequestLimits:
    """Refuses a URL longer than MAX_URL_BYTES (414) and a body larger than MAX_BODY_BYTES (413), whether its
    length is declared or it comes in chunks, before a route spends anything on it."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES, max_url: int = MAX_URL_BYTES):
        self.app, self.max_body, self.max_url = app, max_body, max_url

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"]) > self.max_url:
            return await InertJSONResponse({"detail": f"URL longer than {self.max_url} bytes"}, 414)(
                scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit():
            return await InertJSONResponse({"detail": "Content-Length is not a number"}, 400)(scope, receive, send)
        if int(declared) > self.max_body:
            return await InertJSONResponse({"detail": f"body larger than {self.max_body} bytes"}, 413)(
                scope, receive, send)
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:  # a chunked body: answered by the app's handler of HTTP errors
                raise HTTPException(413, f"body larger than {self.max_body} bytes")
            return message

        await self.app(scope, limited, send)


def create_app(store: Store, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The application; `allowed_hosts` limits the Host headers it answers (a page on another site that points a
    name at this machine — DNS rebinding — gets 400, not the store)."""
    app = FastAPI(title="Ceasefire Monitor API", version=__version__,
                  description="Attributed claims, geolocated incidents and ceasefire findings.",
                  docs_url=None, redoc_url=None,  # the Swagger and ReDoc pages load scripts from CDNs
                  default_response_class=InertJSONResponse)
    # Starlette runs the middleware added last first: security headers go on every answer, limits come before hosts.
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(RequestLimits)

    @app.middleware("http")
    async def security_headers(request, call_next):
        """Every response says what the browser may do with it: no scripts or frames from elsewhere, no guessing
        of content types, not to be framed (the dashboard shows text from hostile sources)."""
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request, exc):
        """As FastAPI's own answer (422 naming each bad parameter), in inert JSON: it repeats what was sent."""
        return InertJSONResponse({"detail": jsonable_encoder(exc.errors())}, 422)

    @app.get("/api/status", tags=["status"])
    def api_status() -> dict[str, int]:
        """Counts of stored documents, claims, incidents, events and findings."""
        return store.counts()

    @app.get("/api/incidents", tags=["incidents"])
    def api_incidents(request: Request, response: Response, page: Page = Depends(),
                      start: dt.date | None = Query(None, alias="from"),
                      end: dt.date | None = Query(None, alias="to")) -> list[Incident]:
        """Incidents whose time overlaps the given range, in order of start date, one page at a time: `limit`
        (default 100, at most 1000) items from `offset` (default 0). The `X-Total-Count` header gives the number
        of matching incidents; a `Link` header with rel="next" gives the URL of the next page, if there is one.
        Each page is counted on the store as it is then: documents ingested between two requests can shift it."""
        return paginate(store.incidents(start, end), page, request, response)

    @app.get("/api/claims", tags=["claims"])
    def api_claims(request: Request, response: Response, page: Page = Depends(),
                   start: dt.date | None = Query(None, alias="from"),
                   end: dt.date | None = Query(None, alias="to")) -> list[Claim]:
        """Attributed claims made within the given range, in order of date, one page at a time: `limit`
        (default 100, at most 1000) items from `offset` (default 0). The `X-Total-Count` header gives the number
        of matching claims; a `Link` header with rel="next" gives the URL of the next page, if there is one.
        Each page is counted on the store as it is then: documents ingested between two requests can shift it."""
        return paginate(store.claims(start, end), page, request, response)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard() -> str:
        return render_page("dashboard.html.j2", counts=store.counts())

    return app
