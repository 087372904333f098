"""Shared fixtures (one file, as spaCy keeps them).

Every test that uses a store runs on both backends: the `db` fixture (and `new_db` for tests that need several
stores) is parametrized over SQLite and PostgreSQL, so such a test shows up as `test_x[sqlite]` and
`test_x[postgresql]`. The PostgreSQL server is CFM_TEST_POSTGRES (a libpq conninfo or URL of an admin
connection; 127.0.0.1:5432 as user postgres by default). Where it does not answer, the postgresql tests skip
saying so, unless CFM_REQUIRE_POSTGRES=1 (as .ci/run sets), which makes that a failure.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from ceasefire.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CFM_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEMO_TEXTS = ROOT / "src" / "ceasefire" / "data" / "demo" / "texts"
BACKENDS = ["sqlite", "postgresql"]
POSTGRES_ADMIN = os.environ.get("CFM_TEST_POSTGRES", "host=127.0.0.1 user=postgres dbname=postgres")


def needs_shared(*parts: str) -> Path:
    """Path inside ../shared/data, or skip with a clear message where that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (internal-use dev data, absent on this machine)")
    return path


# -- the backend matrix ----------------------------------------------------------------------------------------------
class Postgres:
    """The test server. Another process may test on the same server at the same time, so every database gets a
    unique name. A new store is a copy of one template database migrated at the start (CREATE DATABASE … TEMPLATE
    copies files: much faster than running the migrations for each test)."""

    def __init__(self, admin):
        from psycopg.conninfo import conninfo_to_dict

        self.admin = admin  # autocommit, on the server's maintenance database
        self.params = conninfo_to_dict(POSTGRES_ADMIN)
        self.template = self.create(migrated=False, prefix="cfm_tmpl_")
        from ceasefire.store import Store

        try:
            Store.open(self.url(self.template)).close()  # closed: a template must have no connections when copied
        except Exception:
            self.close()
            raise

    def url(self, database: str) -> str:
        from sqlalchemy.engine import URL

        named = ("user", "password", "host", "port", "dbname")
        p = self.params
        return URL.create("postgresql", username=p.get("user"), password=p.get("password"), host=p.get("host"),
                          port=int(p["port"]) if p.get("port") else None, database=database,
                          query={k: v for k, v in p.items() if k not in named}).render_as_string(hide_password=False)

    def create(self, migrated: bool = True, prefix: str = "cfm_test_") -> str:
        name = f"{prefix}{uuid.uuid4().hex[:12]}"
        self.admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {self.template}" if migrated else ""))
        # A zone other than UTC, as a server in Kyiv may have: nothing the store writes or reads may depend on it.
        self.admin.execute(f"ALTER DATABASE {name} SET timezone TO 'Europe/Kyiv'")
        return name

    def drop(self, name: str) -> None:
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # FORCE: stores a test left open

    def close(self) -> None:
        self.drop(self.template)
        self.admin.close()


def _server_named() -> str:
    """Where the tests look for PostgreSQL, without any password."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        p = conninfo_to_dict(POSTGRES_ADMIN)
    except Exception:  # noqa: BLE001 - no driver, or CFM_TEST_POSTGRES is no conninfo
        return "the server CFM_TEST_POSTGRES names"
    return f"PostgreSQL at {p.get('host', 'localhost')}:{p.get('port', 5432)} as user {p.get('user', 'postgres')}"


@pytest.fixture(scope="session")
def postgres():
    """The PostgreSQL server, or a skip (a failure under CFM_REQUIRE_POSTGRES=1) where none answers."""
    try:
        import psycopg

        admin, problem = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3), None
    except Exception as exc:  # noqa: BLE001 - no driver, a bad conninfo or no server: said the same way
        problem = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if problem:
        message = f"needs {_server_named()}: {problem} (CFM_TEST_POSTGRES names another server)"
        if os.environ.get("CFM_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"CFM_REQUIRE_POSTGRES=1 and this test {message}", pytrace=False)
        pytest.skip(message)
    server = Postgres(admin)
    yield server
    server.close()


def store_location(request, backend: str, folder: Path, name: str = "t", migrated: bool = True) -> str:
    """A fresh store on `backend`, for --db or Store.open: a SQLite file in `folder`, or a new PostgreSQL database
    dropped when `request`'s fixture or test ends (a copy of the migrated template; an empty database if not
    `migrated`, for tests of the migrations — a new SQLite file is always empty)."""
    if backend == "sqlite":
        return str(folder / f"{name}.db")
    server = request.getfixturevalue("postgres")
    database = server.create(migrated)
    request.addfinalizer(lambda: server.drop(database))
    return server.url(database)


def backend_of(location: str) -> str:
    """The backend of a store location that store_location gave."""
    return "postgresql" if "://" in location else "sqlite"


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """This test's backend: "sqlite" or "postgresql" (a test may narrow it with parametrize(..., indirect=True))."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres")  # skip (or fail) before the test starts where no server answers
    return request.param


@pytest.fixture
def new_db(request, backend, tmp_path):
    """new_db(name="t", migrated=True): a fresh store location on this test's backend (several may be made)."""
    return lambda name="t", migrated=True: store_location(request, backend, tmp_path, name, migrated)


@pytest.fixture
def db(new_db) -> str:
    """A fresh store location: a SQLite path or a PostgreSQL URL, as --db and Store.open take them."""
    return new_db("test")


@pytest.fixture
def run_cli():
    """Invoke the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def briefing_text() -> str:
    return (DEMO_TEXTS / "daily-briefing-2025-03-20.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def briefing_extraction(briefing_text):
    from ceasefire.extract import extract_text

    return extract_text(briefing_text, "2025-03-20")


def api_client(store, role: str = "viewer", **app_options):
    """A test client of the app on `store` that sends a new bearer token of `role` with every request."""
    from fastapi.testclient import TestClient

    from ceasefire.access import create_token
    from ceasefire.api.app import create_app

    _, token = create_token(store, role, f"test {role}")
    return TestClient(create_app(store, **app_options), headers={"Authorization": f"Bearer {token}"})
