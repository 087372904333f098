"""The daily briefing: a golden Markdown file from a fixed set of texts, and the HTML, PDF and day window."""
import datetime as dt
import os
from pathlib import Path

import pytest

from ceasefire.fixtures import build_demo
from ceasefire.publish.brief import ReportingDay, build_briefing, render, write_briefing
from ceasefire.store import Store
from conftest import BACKENDS, store_location

GOLDEN = Path(__file__).parent / "golden" / "briefing-2025-03-20.expected.md"


@pytest.fixture(scope="module", params=BACKENDS)
def demo_store(request, tmp_path_factory):
    store = Store.open(store_location(request, request.param, tmp_path_factory.mktemp("brief"), "demo"))
    build_demo(store)
    yield store
    store.close()


def test_brief_golden_markdown(demo_store):
    """Compare with the reviewed file; CFM_UPDATE_GOLDEN=1 rewrites it (review the diff before committing)."""
    text = render(build_briefing(demo_store, ReportingDay(dt.date(2025, 3, 20)), "energy-moratorium-2025"), "md")
    if os.environ.get("CFM_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_brief_every_item_cites_a_stored_span(demo_store):
    briefing = build_briefing(demo_store, ReportingDay(dt.date(2025, 3, 20)), "energy-moratorium-2025")
    for event in briefing.events:
        for ev in event.evidence:
            doc = demo_store.document(ev.doc_id)
            assert doc.text[ev.start:ev.end] == ev.text
    assert len(briefing.lede) in (2, 3)
    assert "<svg" in briefing.map_svg and "<circle" in briefing.map_svg and "<rect" in briefing.trend_svg


def test_brief_html_is_responsive_printable_and_offline(demo_store, tmp_path):
    [html_path] = write_briefing(demo_store, ReportingDay(dt.date(2025, 3, 20)), tmp_path, ("html",),
                                 "energy-moratorium-2025")
    html = html_path.read_text()
    assert 'name="viewport"' in html and "@media print" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert "Kyiv&#39;s general staff" in html or "Kyiv's general staff" in html


def test_brief_pdf(demo_store, tmp_path):
    pytest.importorskip("fpdf")
    [pdf] = write_briefing(demo_store, ReportingDay(dt.date(2025, 3, 20)), tmp_path, ("pdf",))
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_brief_monitor_counts_per_region(demo_store):
    briefing = build_briefing(demo_store, ReportingDay(dt.date(2022, 2, 18)), "minsk-2020")
    assert [(r, n, x) for r, n, x, _doc in briefing.region_counts] == [("Donetsk", 604, 322), ("Luhansk", 981, 853)]


@pytest.mark.parametrize("cutoff,tz,start,end", [
    ("19:30", "Europe/Kyiv", "2025-03-19T17:30:00+00:00", "2025-03-20T17:30:00+00:00"),
    ("00:00", "UTC", "2025-03-19T00:00:00+00:00", "2025-03-20T00:00:00+00:00"),
])
def test_brief_reporting_day_window(cutoff, tz, start, end):
    window = ReportingDay(dt.date(2025, 3, 20), dt.time.fromisoformat(cutoff), tz).window()
    assert [w.astimezone(dt.timezone.utc).isoformat() for w in window] == [start, end]


def test_brief_cli_bad_cutoff(run_cli, db):
    result = run_cli("brief", "--db", db, "--cutoff", "25:99")
    assert result.exit_code == 2 and "HH:MM" in result.stderr
