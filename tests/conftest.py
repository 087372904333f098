"""Shared fixtures (one file, as spaCy keeps them)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ceasefire.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CFM_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEMO_TEXTS = ROOT / "src" / "ceasefire" / "data" / "demo" / "texts"


def needs_shared(*parts: str) -> Path:
    """Path inside ../shared/data, or skip with a clear message where that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (internal-use dev data, absent on this machine)")
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


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
