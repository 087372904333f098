"""Issue 12: hostile documents, rendered into every output, leave nothing live.

The corpus is made of reports the extractor does read (so that their words, speakers, sources, titles and places
reach claims, incidents, events and findings), carrying script tags, event handlers, `javascript:` and `data:`
links, Markdown link injection, bidirectional overrides, formulas and a 100,000-character line. Every output is
made from one store: the HTML and Markdown briefings, the CSV, GeoJSON and ACLED exports, the JSON-lines dump, every
API route and the dashboard. A real browser is not used here (a later issue does that).
"""
from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from ceasefire.api import app as api
from ceasefire.cli import cli
from ceasefire.store import Store
from conftest import BACKENDS, api_client, store_location

DAY = "2025-03-20"
AGREEMENT = "energy-moratorium-2025"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
LONG_LINE = "A" * 100_000
HOSTILE = [
    {"id": 1, "published": DAY, "url": "javascript:alert(1)",
     "source": "[x](javascript:alert(1)) <script>alert('source')</script>",
     "title": "<img src=x onerror=alert(1)> \u202eevil\u202c",
     "text": "Russian forces shelled <script>alert(1)</script>Kupiansk on 20 March, killing two civilians, "
             "the regional governor said."},
    {"id": 2, "published": DAY, "url": "data:text/html,<script>alert(2)</script>",
     "source": "data:text/html;base64,PHNjcmlwdD5hbGVydCgyKTwvc2NyaXB0Pg==",
     "title": "[click](data:text/html;base64,PHNjcmlwdD4=)\n[ref]: javascript:alert(1)\n# Forged heading",
     "text": "Ukraine's general staff <b onmouseover=alert(1)>spokesman</b> said Russian drones struck a power "
             "substation in Sumy [here](javascript:alert(3)) on 20 March. Russia's defence ministry denied that "
             "its drones struck Sumy ![i](data:image/svg+xml,<svg onload=alert(4)>)."},
    {"id": 3, "published": DAY, "source": "\u202e=HYPERLINK(\"http://x.example\",\"y\")", "url": "https://x.example/a",
     "title": "\u2066bidi\u2069 \u200f \u061c <a href=javascript:alert(5)>a</a> " + LONG_LINE,
     "text": "Governor \u202eOleh Syniehubov\u202c said Russian forces shelled Kharkiv on 20 March, wounding three "
             "people <svg/onload=alert(6)>. " + LONG_LINE},
    {"id": 4, "published": DAY, "source": "@SUM(1+1)*cmd|' /C calc'!A0", "title": "-2+3",
     "text": "=cmd|' /C calc'!A0 Russian drones struck a power substation in Kherson on 20 March "
             "<iframe src=javascript:alert(7)>, the governor said `code` \\[escaped\\]."},
]
# Payloads of a claim's words, a source's name and a title, which the HTML briefing must show as text.
SHOWN_AS_TEXT = ["<script>alert(1)</script>Kupiansk", "<script>alert('source')</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture(scope="module", params=BACKENDS)
def hostile(request, tmp_path_factory) -> dict:
    """The store of the hostile corpus and every output made from it, by name."""
    tmp = tmp_path_factory.mktemp("hostile")
    corpus, db, out = tmp / "hostile.jsonl", store_location(request, request.param, tmp, "h"), tmp / "out"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in HOSTILE), encoding="utf-8")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    run("ingest", "--jsonl", str(corpus), "--db", db)
    run("brief", "--db", db, "--date", DAY, "--agreement", AGREEMENT, "--out", str(out))
    outputs = {"briefing.html": (out / f"briefing-{DAY}.html").read_text(encoding="utf-8"),
               "briefing.md": (out / f"briefing-{DAY}.md").read_text(encoding="utf-8"),
               "acled": run("export", "--db", db, "--format", "acled"),
               "dump.jsonl": run("export", "--db", db, "--format", "jsonl")}
    for what in ("events", "findings", "claims"):
        outputs[f"{what}.csv"] = run("export", "--db", db, "--format", "csv", "--what", what)
    for what in ("events", "findings"):
        outputs[f"{what}.geojson"] = run("export", "--db", db, "--format", "geojson", "--what", what)
    store = Store.open(db)
    client = api_client(store)
    for path in ("/", "/api/status", "/api/incidents", "/api/claims", "/api/events", "/api/findings",
                 "/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        outputs[f"GET {path}"] = response.content.decode("utf-8")
    return {"store": store, "client": client, "outputs": outputs}


HTML_OUTPUTS = ["briefing.html", "GET /"]
CSV_OUTPUTS = ["acled", "events.csv", "findings.csv", "claims.csv"]
JSON_OUTPUTS = ["events.geojson", "findings.geojson", "GET /api/status", "GET /api/incidents", "GET /api/claims",
                "GET /openapi.json"]
# The dump is the store's backup: it keeps the exact text, bidirectional controls included (span offsets count
# them), so it is checked for valid JSON and exact text below, not for the controls.
ALL_BUT_DUMP = HTML_OUTPUTS + ["briefing.md"] + CSV_OUTPUTS + JSON_OUTPUTS


class _Markup(HTMLParser):
    """Every element, attribute and run of text of an HTML page."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


LIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "img", "a", "form", "base", "link", "foreignobject",
             "animate", "set", "use", "image", "style", "svg"}
ALLOWED_ATTRIBUTE_VALUE = re.compile(r"^(?!\s*(javascript|data|vbscript):)", re.IGNORECASE)


OWN_SCRIPTS = ['<script src="/static/vendor/leaflet/leaflet.js"></script>',
               '<script src="/static/vendor/markercluster/leaflet.markercluster.js"></script>',
               '<script src="/static/map.js"></script>']


def _live_markup(page: str, allowed_tags: set[str]) -> list[str]:
    """What in an HTML page could run or lead elsewhere, other than the tags its template puts there (and the
    dashboard's own script files, which are loaded by exact tags)."""
    for own in OWN_SCRIPTS:
        page = page.replace(own, "")
    problems = []
    for tag, attrs in _Markup(page).tags:
        if tag in LIVE_TAGS and tag not in allowed_tags:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("http-equiv", "style"):
                problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "xlink:href", "action", "formaction") and \
                    not ALLOWED_ATTRIBUTE_VALUE.match(value or ""):
                problems.append(f"<{tag} {name}={value!r}>")
    if re.search(r"<script|<[a-z][^<>]*\son\w+\s*=", page, re.IGNORECASE):  # as a browser might, leniently
        problems.append("'<script' or an on…= attribute in the page's source")
    return problems


def test_issue_12_the_hostile_corpus_reaches_claims_incidents_events_and_findings(hostile):
    store, counts = hostile["store"], hostile["store"].counts()
    assert counts["documents"] == len(HOSTILE) and counts["claims"] >= 4 and counts["incidents"] >= 4
    assert counts["events"] >= 4 and counts["findings"] >= 1
    claims = store.claims()
    assert any("<script>" in c.text for c in claims)
    assert any("\u202e" in i.span.text for i in store.incidents())
    # The payloads are in the outputs, as text: the checks below are not vacuous.
    outputs = hostile["outputs"]
    assert "javascript:alert(1)" in outputs["briefing.md"] and "data:text/html" in outputs["briefing.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outputs["briefing.html"]
    assert LONG_LINE in outputs["briefing.html"] and "alert(1)" in outputs["acled"]


@pytest.mark.parametrize("name", ALL_BUT_DUMP)
def test_issue_12_no_output_holds_a_bidirectional_control(hostile, name):
    found = sorted({f"U+{ord(c):04X}" for c in hostile["outputs"][name] if c in BIDI})
    assert not found, f"{name}: {found}"


@pytest.mark.parametrize("name", HTML_OUTPUTS)
def test_issue_12_html_pages_hold_no_live_markup(hostile, name):
    page = hostile["outputs"][name]
    # The briefing's own style sheet and SVG charts, the dashboard's link to the API description.
    assert not _live_markup(page, allowed_tags={"a", "form", "link", "svg"} if name == "GET /" else {"style", "svg"})
    if name == "briefing.html":
        text = "".join(_Markup(page).text)
        assert all(payload in text for payload in SHOWN_AS_TEXT)  # shown to the reader, as text


def test_issue_12_the_markdown_briefing_renders_no_html_and_no_link(hostile):
    from markdown_it import MarkdownIt

    markdown = hostile["outputs"]["briefing.md"]
    assert not re.search(r"<[A-Za-z/!?]", markdown), "raw HTML in the Markdown"
    # The most permissive CommonMark viewer: raw HTML on, and every link target accepted (markdown-it drops
    # javascript: targets by default, which would hide an injected link from this test).
    viewer = MarkdownIt("commonmark", {"html": True})
    viewer.validateLink = lambda url: True
    rendered = viewer.render(markdown)
    assert not _live_markup(rendered, allowed_tags=set())
    # The briefing's own Markdown makes no link, so any link would have come from a document.
    assert "<a " not in rendered and "<img" not in rendered
    assert not re.search(r"^#+ Forged", markdown, re.MULTILINE), "a value started a line of its own"


@pytest.mark.parametrize("name", CSV_OUTPUTS)
def test_issue_12_csv_cells_never_start_a_formula(hostile, name):
    rows = list(csv.reader(io.StringIO(hostile["outputs"][name])))
    cells = [c for row in rows[1:] for c in row]
    assert len(rows) > 1 and not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], name
    if name == "acled":  # the sources' names are there, made text
        assert "'=hyperlink" in cells and "'@sum" in cells


@pytest.mark.parametrize("name", JSON_OUTPUTS)
def test_issue_12_json_outputs_are_valid_json(hostile, name):
    json.loads(hostile["outputs"][name])


def test_issue_12_the_dump_is_valid_json_and_keeps_the_exact_text(hostile):
    rows = [json.loads(line) for line in hostile["outputs"]["dump.jsonl"].splitlines()]
    texts = {r["row"]["text"] for r in rows if r["table"] == "documents"}
    assert {d["text"] for d in HOSTILE} <= texts


@pytest.mark.parametrize("path", ["/api/incidents", "/api/claims"])
def test_issue_12_api_json_bytes_are_inert_and_the_values_exact(hostile, path):
    body = hostile["outputs"][f"GET {path}"]
    assert not set("<>&\u2028\u2029" + BIDI) & set(body)
    store = hostile["store"]
    expected = store.incidents() if path == "/api/incidents" else store.claims()
    assert json.loads(body)["items"] == [json.loads(x.model_dump_json()) for x in expected]


def test_issue_12_api_validation_errors_repeat_what_was_sent_inertly(hostile):
    response = hostile["client"].get("/api/claims", params={"from": "<script>alert(1)</script>\u202e"})
    assert response.status_code == 422 and "<script" not in response.text and "\u202e" not in response.text
    assert json.loads(response.text)["errors"][0]["input"] == "<script>alert(1)</script>\u202e"


def test_issue_12_overlong_urls_and_bodies_are_refused(db):
    client = api_client(Store.open(db))
    app = client.app

    @app.post("/echo-length")  # no route reads a body yet: this one stands for those to come
    async def echo_length(request: api.Request) -> int:
        return len(await request.body())

    long_url = client.get("/api/claims", params={"to": "x" * api.MAX_URL_BYTES})
    assert long_url.status_code == 414 and long_url.headers["x-frame-options"] == "DENY"
    declared = client.post("/echo-length", content=b"x" * (api.MAX_BODY_BYTES + 1))
    assert declared.status_code == 413 and declared.headers["x-content-type-options"] == "nosniff"
    chunked = client.post("/echo-length", content=iter([b"x" * 1024] * (api.MAX_BODY_BYTES // 1024 + 1)))
    assert chunked.status_code == 413
    assert client.post("/echo-length", content=b"x" * api.MAX_BODY_BYTES).json() == api.MAX_BODY_BYTES
    assert client.get("/api/status").status_code == 200


def test_issue_12_the_dashboard_pages_hold_no_live_markup(hostile):
    client, store = hostile["client"], hostile["store"]
    pages = ["/", f"/?from={DAY}&to={DAY}", "/review", "/briefings"] + [f"/events/{e.id}" for e in store.events()]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert _live_markup(response.text, allowed_tags={"a", "form", "link", "svg"}) == [], page
