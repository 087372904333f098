"""Issue 14: the dashboard in a real browser — Debian's chromium driven by Playwright's Python package (no browser
download). Screenshots are kept as test artifacts in test-artifacts/ (or $CFM_ARTIFACTS).

Where chromium is absent these tests skip with a message, unless CFM_REQUIRE_BROWSER=1 (as .ci/run sets after
installing it), in which case they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from ceasefire.access import create_token
from ceasefire.api.app import create_app
from ceasefire.fixtures import build_demo
from ceasefire.pipeline import IngestRequest, ingest
from ceasefire.store import Store
from conftest import BACKENDS, store_location

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("CFM_ARTIFACTS", ROOT / "test-artifacts"))
DAY = "2025-03-20"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)"
        if os.environ.get("CFM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@contextmanager
def serving(store: Store):
    """The app on a free local port in a thread, for as long as the block runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store, allowed_hosts=["127.0.0.1"]), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_site(request, tmp_path_factory):
    store = Store.open(store_location(request, request.param, tmp_path_factory.mktemp("site"), "demo"))
    build_demo(store)
    tokens = {role: create_token(store, role, f"{role} in the browser")[1] for role in ("viewer", "analyst")}
    with serving(store) as base:
        yield {"base": base, "tokens": tokens, "store": store}


def signed_in(browser, site, role: str, **context):
    """A new page, signed in through the form as `role`; every dialog and page error is recorded."""
    page = browser.new_page(**context)
    page.problems = []
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.goto(site["base"] + "/")
    assert "/login" in page.url
    page.fill("#token", site["tokens"][role])
    page.click("form.login button[type=submit]")
    page.wait_for_url(site["base"] + "/*")
    return page


def map_loaded(page) -> int:
    # (wait_for_function would evaluate a string, which the page's Content-Security-Policy forbids)
    page.wait_for_selector("#map[data-loaded]", state="attached", timeout=20000)
    loaded = page.get_attribute("#map", "data-loaded")
    assert loaded != "error", page.inner_text("#map")
    return int(loaded)


def test_browser_map_filters_by_party_and_opens_an_event(browser, demo_site):
    page = signed_in(browser, demo_site, "viewer", viewport={"width": 1280, "height": 1000})
    page.goto(f"{demo_site['base']}/?from=2025-03-19&to={DAY}")
    placed = map_loaded(page)
    assert placed >= 3
    # Markers (or clusters of them) are drawn over the boundaries and the front line.
    page.wait_for_selector(".marker, .marker-cluster")
    assert page.locator("path.leaflet-interactive").count() > 20  # the regions of the base layer
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    rows = page.locator("table.events tbody tr")
    assert rows.count() >= placed
    page.select_option("#party", "RU")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**party=RU**")
    assert map_loaded(page) >= 1
    badges = page.locator("table.events tbody tr td:nth-child(3) .party").all_inner_texts()
    assert badges and set(badges) == {"RU"}
    markers = page.locator(".marker").all_inner_texts()
    assert set(markers) <= {"RU"}
    page.screenshot(path=str(ARTIFACTS / "map-ru.png"), full_page=True)
    page.locator("table.events tbody a").first.click()
    page.wait_for_url("**/events/**")
    assert page.locator("mark").count() >= 1  # the evidence span, highlighted in its text
    assert page.locator("h2", has_text="Reports").count() == 1
    page.screenshot(path=str(ARTIFACTS / "event.png"), full_page=True)
    assert page.problems == []


def test_browser_an_analyst_reviews_a_finding_from_the_queue(browser, demo_site):
    page = signed_in(browser, demo_site, "analyst", viewport={"width": 1280, "height": 1000})
    page.goto(demo_site["base"] + "/review")
    first = page.locator("section.finding").first
    finding_id = first.get_attribute("aria-labelledby").removeprefix("q-")
    first.locator("select[name=action]").select_option("dispute")
    first.locator("textarea[name=reason]").fill("the footage is from 2023")
    first.locator("button[type=submit]").click()
    page.wait_for_url("**/review?done=**")
    assert finding_id in page.inner_text("[role=status]")
    assert finding_id not in [s.get_attribute("aria-labelledby").removeprefix("q-")
                              for s in page.locator("section.finding").all()]
    (review,) = demo_site["store"].reviews(finding_id)
    assert (review.action, review.reason, review.reviewer) == ("dispute", "the footage is from 2023",
                                                                "analyst in the browser")
    page.goto(f"{demo_site['base']}/events/{demo_site['store'].findings()[0].event_id}")
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    assert page.problems == []


def test_browser_a_viewer_sees_no_review_form_and_keyboard_reaches_everything(browser, demo_site):
    page = signed_in(browser, demo_site, "viewer")
    page.goto(demo_site["base"] + "/review")
    assert page.locator("form.review").count() == 0 and "viewer" in page.inner_text("main")
    page.goto(f"{demo_site['base']}/?from=2025-03-19&to={DAY}")
    map_loaded(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    # Markers are focusable, and every form control has a label.
    assert page.locator(".leaflet-marker-icon[tabindex='0']").count() >= 1
    unlabelled = page.evaluate("""[...document.querySelectorAll('main select, main input:not([type=hidden]), main textarea')]
        .filter(e => !document.querySelector(`label[for="${e.id}"]`)).map(e => e.name)""")
    assert unlabelled == []


def test_browser_the_dashboard_reads_on_a_phone(browser, demo_site):
    page = signed_in(browser, demo_site, "viewer", viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(f"{demo_site['base']}/?from=2025-03-19&to={DAY}")
    map_loaded(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)


def test_browser_hostile_text_runs_nowhere(browser, db, tmp_path):
    from test_issue_12_outputs import HOSTILE

    corpus = tmp_path / "hostile.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in HOSTILE), encoding="utf-8")
    store = Store.open(db)
    ingest(store, IngestRequest(jsonl=str(corpus)))
    site = {"tokens": {"analyst": create_token(store, "analyst", "<img src=x onerror=alert(9)>")[1]}}
    with serving(store) as base:
        site["base"] = base
        page = signed_in(browser, site, "analyst", viewport={"width": 1280, "height": 1000})
        visited = [f"/?from={DAY}&to={DAY}", "/review", "/briefings", f"/briefings/{DAY}"] + \
            [f"/events/{e.id}" for e in store.events()]
        shown = ""
        for path in visited:
            page.goto(base + path)
            if path.startswith("/?"):
                map_loaded(page)
                # Popups are built from the markers' data: open each from the keyboard (a click could land on the
                # previous popup while it fades; a new popup replaces the open one).
                for n, marker in enumerate(page.locator(".leaflet-marker-icon").all()):
                    marker.focus()
                    page.keyboard.press("Enter")
                    page.locator(".leaflet-popup-content a").last.wait_for()
                    assert page.locator(".leaflet-popup-content a").last.inner_text() == \
                        "Open the event and its evidence", n
            shown += page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "hostile-event.png"), full_page=True)
        assert page.problems == []
        # The payloads reached the pages, as text: the check above is not vacuous.
        assert "<script>alert(1)</script>" in shown and "onerror=alert(9)" in shown
        assert page.evaluate("document.querySelectorAll('main script, main img, main iframe').length") == 0
