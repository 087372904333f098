"""What keeps the server safe with hostile text and untrusted clients: inert JSON, size and rate limits, problem
details for every error, and who is asking (a bearer token, or the dashboard's session cookie holding one)."""
from __future__ import annotations

import hmac
import math
import time
from collections import OrderedDict
from http import HTTPStatus

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from ceasefire.access import Principal, authenticate, form_key
from ceasefire.publish.brief import BIDI_CONTROLS

# Only this server's own scripts, styles and images (vendored, no CDN); nothing may frame the pages. Styles may be
# inline (the briefing's own HTML carries them); scripts may not.
SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                   "form-action 'self'")
# Review and field-report bodies are small; attachments of field reports come base64-encoded within 4 MiB.
MAX_BODY_BYTES = 4 * 1024 * 1024
# The longest URL the routes need is a few hundred bytes with every filter; 4 KiB is below the 8 KiB that common
# proxies let through.
MAX_URL_BYTES = 4 * 1024
SESSION_COOKIE = "cfm_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The API hands out the exact text of hostile documents (span offsets count every character, bidirectional
# controls included), so values are not changed. Their JSON is written so that its bytes hold no markup and no
# bidirectional control: < > & and those controls (and U+2028/U+2029, line ends to JavaScript) are written as \uXXXX
# escapes, which decode to the same text. Outside strings JSON has none of these characters, so replacing them is
# always valid. A page that shows these values must still escape them (the templates do).
_JSON_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029" + BIDI_CONTROLS}


class InertJSONResponse(JSONResponse):
    """JSON whose bytes carry no markup and no bidirectional control, however hostile the text it holds."""

    def render(self, content) -> bytes:
        return super().render(content).decode("utf-8").translate(_JSON_ESCAPES).encode("utf-8")


class ProblemResponse(InertJSONResponse):
    media_type = "application/problem+json"


def problem(status: int, detail: str, **extra) -> ProblemResponse:
    """An error as RFC 9457 problem details: {type, title, status, detail} and any extra members."""
    headers = {"WWW-Authenticate": 'Bearer realm="ceasefire"'} if status == 401 else None
    return ProblemResponse({"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
                            "detail": detail, **extra}, status, headers=headers)


class RequestLimits:
    """Refuses a URL longer than MAX_URL_BYTES (414) and a body larger than MAX_BODY_BYTES (413), whether its
    length is declared or it comes in chunks, before a route spends anything on it."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES, max_url: int = MAX_URL_BYTES):
        self.app, self.max_body, self.max_url = app, max_body, max_url

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"]) > self.max_url:
            return await problem(414, f"URL longer than {self.max_url} bytes")(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit():
            return await problem(400, "Content-Length is not a number")(scope, receive, send)
        if int(declared) > self.max_body:
            return await problem(413, f"body larger than {self.max_body} bytes")(scope, receive, send)
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:  # a chunked body: answered by the app's handler of HTTP errors
                raise HTTPException(413, f"body larger than {self.max_body} bytes")
            return message

        await self.app(scope, limited, send)


class SecurityHeaders:
    """Every response says what the browser may do with it: no scripts or frames from elsewhere, no guessing of
    content types, not to be framed (the dashboard shows text from hostile sources), not to be kept by shared
    caches (it is behind sign-in). Plain ASGI: it costs a few microseconds a response."""

    HEADERS = [(b"content-security-policy", SECURITY_POLICY.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"same-origin"),  # "no-referrer" would make forms send Origin: null
               (b"x-frame-options", b"DENY"), (b"cache-control", b"private, no-store")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in self.HEADERS if name not in present]
            await send(message)

        await self.app(scope, receive, with_headers)


class EmptyParametersDropped:
    """A filter form sends every field, the empty ones as `status=`: an empty parameter means "any", so it is
    dropped before the routes read the query (where it would fail as an invalid date or number)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["query_string"]:
            kept = [p for p in scope["query_string"].split(b"&") if p and not p.endswith(b"=")]
            scope = {**scope, "query_string": b"&".join(kept)}
        await self.app(scope, receive, send)


class RateLimits:
    """A token bucket per client address for the API and the pages (not their static files): `per_minute`
    requests on average, bursts up to a tenth of
    that; over it, 429 with Retry-After. 0 turns it off. (Behind a proxy every client shares the proxy's address:
    set the limit for the proxy, or let the proxy limit.)"""

    def __init__(self, app, per_minute: int = 1200, clients: int = 10_000):
        self.app, self.rate, self.capacity = app, per_minute / 60.0, max(10.0, per_minute / 10)
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.clients = clients

    def _allow(self, key: str) -> float:
        """0 if the request may go on, else the seconds until it may."""
        now = time.monotonic()
        tokens, last = self.buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self.buckets[key] = (tokens - 1 if not wait else tokens, now)
        if len(self.buckets) > self.clients:  # forget the least recently seen client
            self.buckets.popitem(last=False)
        return wait

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.rate or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        wait = self._allow((scope.get("client") or ("?",))[0])
        if wait:
            response = problem(429, "too many requests from this address; slow down")  # JSON for pages too
            response.headers["Retry-After"] = str(math.ceil(wait))
            return await response(scope, receive, send)
        await self.app(scope, receive, send)


def presented_token(request: Request) -> tuple[str | None, bool]:
    """The token a request carries, and whether it came in the session cookie (which a form must back with its
    anti-forgery value) rather than an Authorization header (which another site cannot make a browser send)."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


def same_origin(request: Request) -> bool:
    """A state-changing request from a page of this server: its Origin (or Referer) names this host, or it names
    none (a non-browser client)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].split("/", 1)[0] == host


async def current_principal(request: Request) -> Principal:
    """(Async, as the other small dependencies: each sync one would cost a hop to the thread pool per request;
    its one primary-key read takes a fraction of a millisecond.) Who asks: 401 without a valid token; for a write through the session cookie, 403 unless the request carries
    the session's anti-forgery value (header X-CSRF-Token, or a form's `csrf` field, checked by the page) and comes
    from this server's own pages."""
    token, from_cookie = presented_token(request)
    principal = authenticate(request.app.state.store, token) if token else None
    if principal is None:
        raise HTTPException(401, "a valid bearer token is needed (create one with `ceasefire token create`)")
    if from_cookie and request.method not in SAFE_METHODS and request.url.path.startswith("/api/"):
        if not same_origin(request) or not hmac.compare_digest(request.headers.get(CSRF_HEADER, ""),
                                                               form_key(token)):
            raise HTTPException(403, "a write through the dashboard's session needs its X-CSRF-Token header")
    request.state.principal = principal
    return principal


def requires(role: str):
    """A dependency: the principal, if its role is `role` or above; else 403."""

    async def check(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.may(role):
            raise HTTPException(403, f"this needs the {role} role; the token has {principal.role}")
        return principal

    check.__name__ = f"requires_{role}"
    return check
