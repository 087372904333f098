"""The FastAPI application: the JSON API (api/routes.py) and the dashboard's pages (api/pages.py), behind the
security layer (api/security.py)."""
from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ceasefire import __version__
from ceasefire.api import pages, routes
from ceasefire.api.security import (MAX_BODY_BYTES, MAX_URL_BYTES, SECURITY_POLICY, EmptyParametersDropped,
                                    InertJSONResponse, RateLimits, RequestLimits, SecurityHeaders, problem)
from ceasefire.errors import InputError
from ceasefire.store import Store

__all__ = ["create_app", "MAX_BODY_BYTES", "MAX_URL_BYTES", "SECURITY_POLICY", "Request"]
DEFAULT_RATE_LIMIT = 1200  # API requests per minute and client address

DESCRIPTION = """Attributed claims, geolocated incidents, reconciled events and ceasefire findings.

**Authentication:** every route needs a bearer token (`Authorization: Bearer cfm_…`), made on the command line with
`ceasefire token create --role viewer|analyst|admin`. A viewer reads; an analyst also reviews findings and posts
field reports; an admin also manages agreements, subscriptions and tokens. No token: 401; too low a role: 403.

**Lists** answer `{"items": [...], "next_cursor": …, "next": …}`: follow `next` (or pass `cursor`) for the next
page; `limit` sets the page size (at most 1000). Filters: `from`, `to`, `party`, `clause`, `status`, `region`,
`bbox` (west,south,east,north), `q`, `min_confidence`, `basis` (stated|inferred), `agreement`, `type`.

**Errors** are problem details (`application/problem+json`: type, title, status, detail).
"""


def create_app(store: Store, allowed_hosts: list[str] | None = None,
               rate_limit: int = DEFAULT_RATE_LIMIT) -> FastAPI:
    """The application; `allowed_hosts` limits the Host headers it answers (a page on another site that points a
    name at this machine — DNS rebinding — gets 400, not the store); `rate_limit` is API requests per minute per
    client address (0: no limit)."""
    app = FastAPI(title="Ceasefire Monitor API", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None,  # the Swagger and ReDoc pages load scripts from CDNs
                  default_response_class=InertJSONResponse)
    app.state.store = store
    # Starlette runs the middleware added last first: headers go on every answer, limits come before hosts.
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(RateLimits, per_minute=rate_limit)
    app.add_middleware(EmptyParametersDropped)
    app.add_middleware(RequestLimits)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request, exc):
        """422 naming each bad parameter (its `errors` repeat what was sent: inert JSON)."""
        errors = jsonable_encoder(exc.errors())
        first = errors[0] if errors else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        if not request.url.path.startswith("/api/"):
            return pages.error_page(request, 422, f"{where}: {first.get('msg', 'invalid')}")
        return problem(422, f"{where}: {first.get('msg', 'invalid')}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if not request.url.path.startswith("/api/") and request.url.path != "/openapi.json":
            return pages.error_page(request, exc.status_code, str(exc.detail))
        response = problem(exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError):
        if not request.url.path.startswith("/api/"):
            return pages.error_page(request, 400, exc.one_line())
        return problem(400, exc.one_line())

    @app.exception_handler(DataError)
    async def refused_by_the_database(request: Request, exc: DataError):
        # A value the database cannot store or compare (PostgreSQL: a NUL character in text) is the request's fault.
        return await bad_input(request, InputError("refused by the database", str(exc.orig).strip().splitlines()[0]))

    app.include_router(routes.router)
    app.include_router(pages.router)
    static = resources.files("ceasefire").joinpath("web/static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def app_from_environment() -> FastAPI:
    """The app as `ceasefire serve --workers N` starts it in each worker process (uvicorn's factory): the store
    from CEASEFIRE_DB, the limit from CFM_RATE_LIMIT, the allowed hosts from CFM_ALLOWED_HOSTS (comma-separated;
    empty: any)."""
    import os

    hosts = [h for h in os.environ.get("CFM_ALLOWED_HOSTS", "").split(",") if h]
    return create_app(Store.open(os.environ.get("CEASEFIRE_DB")), allowed_hosts=hosts or None,
                      rate_limit=int(os.environ.get("CFM_RATE_LIMIT", DEFAULT_RATE_LIMIT)))
