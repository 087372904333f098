"""The FastAPI application: the JSON API and a minimal dashboard page."""
from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ceasefire import __version__
from ceasefire.records import Claim, Incident
from ceasefire.store import Store


# Only this server's own scripts, styles and images (vendored, no CDN); nothing may frame the pages.
SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(store: Store, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The application; `allowed_hosts` limits the Host headers it answers (a page on another site that points a
    name at this machine — DNS rebinding — gets 400, not the store)."""
    app = FastAPI(title="Ceasefire Monitor API", version=__version__,
                  description="Attributed claims, geolocated incidents and ceasefire findings.",
                  docs_url=None, redoc_url=None)  # the Swagger and ReDoc pages load scripts from CDNs
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

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

    @app.get("/api/status", tags=["status"])
    def api_status() -> dict[str, int]:
        """Counts of stored documents, claims, incidents, events and findings."""
        return store.counts()

    @app.get("/api/incidents", tags=["incidents"])
    def api_incidents(start: dt.date | None = Query(None, alias="from"),
                      end: dt.date | None = Query(None, alias="to")) -> list[Incident]:
        """Incidents whose time overlaps the given range."""
        return store.incidents(start, end)

    @app.get("/api/claims", tags=["claims"])
    def api_claims(start: dt.date | None = Query(None, alias="from"),
                   end: dt.date | None = Query(None, alias="to")) -> list[Claim]:
        """Attributed claims made within the given range."""
        return store.claims(start, end)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard() -> str:
        counts = store.counts()
        items = "".join(f"<li>{name}: {n}</li>" for name, n in counts.items())
        return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Ceasefire Monitor</title></head>"
                f"<body><h1>Ceasefire Monitor</h1><ul>{items}</ul>"
                f"<p>API description: <a href='/openapi.json'>/openapi.json</a></p></body></html>")

    return app
