"""Issue 16: followed sources, `ceasefire watch`, web pages and feeds, channel exports, republished copies, and
intake that survives being stopped or killed. Every feed and page is served by a local HTTP server in the test."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from ceasefire.fixtures import republished, synthetic_reports
from ceasefire.intake.copies import is_copy
from ceasefire.intake.files import make_document
from ceasefire.sources import make_source
from ceasefire.store import Store, schema
from ceasefire.watch import poll, watch
from conftest import api_client

CLI = [sys.executable, "-m", "ceasefire"]


class Site:
    """A local web server: each path serves (body, content type) with an ETag; it records every request's path and
    the validator it sent."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.requests: list[tuple[str, str | None]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                site.requests.append((self.path, self.headers.get("If-None-Match")))
                if self.path not in site.pages:
                    self.send_response(500 if self.path.startswith("/broken") else 404)
                    self.end_headers()
                    return
                body, kind = site.pages[self.path]
                etag = f'"{hash(body) & 0xffffffff:x}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@pytest.fixture
def site():
    served = Site()
    yield served
    served.server.shutdown()


@pytest.fixture(autouse=True)
def _public_addresses_only(monkeypatch):
    # Only a source marked --local may reach this machine: the tests must not pass by a blanket exception.
    monkeypatch.delenv("CFM_ALLOW_PRIVATE_URLS", raising=False)


def rss(items: list[dict]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{escape(i.get('link', 'http://news.example/' + i['id']))}"
        f"</link><guid>{escape(i['id'])}</guid><pubDate>{format_datetime(dt.datetime.combine(i['day'], dt.time(8), dt.timezone.utc))}"
        f"</pubDate><description>{escape(i['text'])}</description></item>" for i in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{entries}</channel></rss>'.encode()


def _due(store: Store, name: str) -> None:
    store.update_source(name, next_poll_at=None)


def _once(store: Store) -> list[str]:
    lines: list[str] = []
    watch(store, threading.Event(), once=True, log=lines.append)
    return lines


def _current_documents(store: Store) -> int:
    d = schema.documents.c
    return store.read(lambda c: len(c.execute(select(d.id).where(d.superseded_by.is_(None))).all()))


STORIES = [
    ("Shelling in Kupiansk", "Russian forces shelled Kupiansk on Thursday, damaging a school and two houses, the "
                             "regional administration said."),
    ("Drones over Sumy", "Ukrainian air defences shot down 12 drones over Sumy overnight, the air force said."),
]


# -- sources as records ---------------------------------------------------------------------------------------------
def test_issue_16_source_commands_add_list_show_disable_remove_and_refuse_bad_input(run_cli, db, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    out = run_cli("source", "add", "MoD of Ukraine", "--kind", "rss", "--location", "https://mod.example/feed",
                  "--every", "30m", "--grade", "c", "--party", "ua", "--language", "uk", "--db", db)
    assert out.exit_code == 0 and "following MoD of Ukraine (rss, every 30m)" in out.stdout
    assert run_cli("source", "add", "Inbox", "--kind", "directory", "--location", str(inbox), "--db", db).exit_code == 0
    listed = run_cli("source", "list", "--db", db).stdout
    assert "MoD of Ukraine" in listed and "Inbox" in listed and "2 sources followed" in listed
    (followed,) = [s for s in json.loads(run_cli("source", "list", "--json", "--db", db).stdout)
                   if s["name"] == "MoD of Ukraine"]
    assert (followed["grade"], followed["party"], followed["language"], followed["every_seconds"]) == ("C", "UA", "uk",
                                                                                                        1800)
    assert "speaks for" not in run_cli("source", "show", "Inbox", "--db", db).stdout
    assert "party:            UA" in run_cli("source", "show", "MoD of Ukraine", "--db", db).stdout
    assert run_cli("source", "disable", "Inbox", "--db", db).exit_code == 0
    assert [s.name for s in Store.open(db).due_sources(dt.datetime.now(dt.timezone.utc))] == ["MoD of Ukraine"]
    assert run_cli("source", "enable", "Inbox", "--db", db).exit_code == 0
    assert run_cli("source", "remove", "Inbox", "--db", db).exit_code == 0
    assert [s.name for s in Store.open(db).sources()] == ["MoD of Ukraine"]
    audit = Store.open(db).read(lambda c: c.execute(select(schema.audit.c.action, schema.audit.c.target)).all())
    assert ("source.add", "source:Inbox") in audit and ("source.remove", "source:Inbox") in audit
    bad = [
        (["source", "add", "X", "--kind", "rss", "--location", "ftp://x/feed"], "--location: a rss source is read"),
        (["source", "add", "X", "--kind", "rss", "--location", "https://x/f", "--every", "soon"], "--every"),
        (["source", "add", "X", "--kind", "rss", "--location", "https://x/f", "--grade", "G"], "Admiralty"),
        (["source", "add", "X", "--kind", "rss", "--location", "https://x/f", "--party", "Wagner"], "not a party"),
        (["source", "add", "X", "--kind", "directory", "--location", str(tmp_path / "nope")], "no such file"),
        (["source", "add", "X", "--kind", "directory", "--location", str(inbox), "--local"], "only a web source"),
        (["source", "add", "MoD of Ukraine", "--kind", "rss", "--location", "https://x/f"], "already followed"),
        (["source", "remove", "Nobody"], "no such source"),
        (["source", "show", "Nobody"], "no such source"),
    ]
    for args, problem in bad:
        result = run_cli(*args, "--db", db)
        assert result.exit_code == 2 and problem in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert [s.name for s in Store.open(db).sources()] == ["MoD of Ukraine"]  # nothing half-added


# -- feeds, conditional GET, health, backoff ------------------------------------------------------------------------
def test_issue_16_watch_reads_a_feed_once_then_gets_304_and_keeps_health(db, site):
    items = [{"id": f"n{k}", "title": t, "text": x, "day": dt.date(2025, 3, 14)} for k, (t, x) in enumerate(STORIES)]
    site.pages["/feed.xml"] = (rss(items), "application/rss+xml")
    store = Store.open(db)
    store.add_source(make_source("Ukrinform feed", "rss", site.url("/feed.xml"), "1m", grade="B", party="UA",
                                 local=True))
    lines = _once(store)
    assert len(lines) == 1 and "poll Ukrinform feed (rss): 2 new, 0 copies" in lines[0]
    docs = list(store.documents())
    assert {d.source for d in docs} == {"Ukrinform feed"} and {d.source_grade for d in docs} == {"B"}
    assert {d.source_party for d in docs} == {"UA"} and {d.published for d in docs} == {dt.date(2025, 3, 14)}
    assert {d.published_basis for d in docs} == {"feed entry"} and docs[0].external_id.startswith("feed:Ukrinform")
    from ceasefire.reconcile import reliability_of

    assert {reliability_of(d) for d in docs} == {"B"}  # the source's grade, not the table's default for its name
    (source,) = store.sources()
    assert source.health.documents_added == 2 and source.health.failures == 0 and source.etag
    assert source.health.next_poll_at > source.health.last_success_at
    # Not due yet: nothing polled. Due again: a conditional GET that the server answers 304.
    assert _once(store) == []
    _due(store, "Ukrinform feed")
    assert "not modified" in _once(store)[0] and site.requests[-1][1] == source.etag
    # A new entry: read, the old ones recognised.
    site.pages["/feed.xml"] = (rss(items + [{"id": "n9", "title": "Strike on Kherson", "day": dt.date(2025, 3, 15),
                                              "text": "A Russian drone struck a bus station in Kherson on Saturday "
                                                      "morning, the city administration said."}]),
                               "application/rss+xml")
    _due(store, "Ukrinform feed")
    assert "1 new, 0 copies, 2 already stored" in _once(store)[0]
    assert store.sources()[0].health.documents_added == 3 and store.counts()["documents"] == 3
    followed = api_client(store).get("/api/sources").json()["followed"]
    assert followed[0]["name"] == "Ukrinform feed" and followed[0]["health"]["documents_added"] == 3
    assert "etag" not in followed[0]


def test_issue_16_a_failing_source_backs_off_and_recovers(db, site):
    store = Store.open(db)
    store.add_source(make_source("Flaky", "rss", site.url("/broken/feed"), "1m", local=True))
    before = dt.datetime.now(dt.timezone.utc)
    assert "error: " in _once(store)[0] and "HTTP status 500" in store.sources()[0].health.last_error
    first = store.sources()[0].health
    assert first.failures == 1 and 115 <= (first.next_poll_at - before).total_seconds() <= 125  # 2 x 1m
    _due(store, "Flaky")
    line = _once(store)[0]
    second = store.sources()[0].health
    assert second.failures == 2 and "failure 2 in a row, next try in 4m" in line
    site.pages["/broken/feed"] = (rss([{"id": "a", "title": STORIES[0][0], "text": STORIES[0][1],
                                        "day": dt.date(2025, 3, 14)}]), "application/rss+xml")
    _due(store, "Flaky")
    assert "1 new" in _once(store)[0]
    healed = store.sources()[0].health
    assert healed.failures == 0 and healed.last_success_at > healed.last_error_at and healed.last_error


def test_issue_16_only_a_source_marked_local_may_reach_this_machine(db, site):
    site.pages["/feed.xml"] = (rss([]), "application/rss+xml")
    store = Store.open(db)
    store.add_source(make_source("Mirror", "rss", site.url("/feed.xml"), "1m"))
    assert "non-public address 127.0.0.1" in _once(store)[0]
    assert site.requests == []  # refused before connecting


def test_issue_16_hostile_feeds_are_one_line_errors(db, site):
    laughs = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">'.encode() for k in range(9)) + \
        b']><rss version="2.0"><channel><item><title>&j;</title></item></channel></rss>'
    site.pages["/laughs.xml"] = (laughs, "application/rss+xml")
    site.pages["/page.xml"] = (b"<html><body>not a feed</body></html>", "text/html")
    store = Store.open(db)
    for name, path in (("Laughs", "/laughs.xml"), ("Page", "/page.xml")):
        store.add_source(make_source(name, "rss", site.url(path), "1m", local=True))
    started = time.monotonic()
    lines = _once(store)
    assert time.monotonic() - started < 30
    assert len(lines) == 2 and "not an RSS or Atom feed" in next(line for line in lines if "Page" in line)
    assert all(len(d.text) < 100 for d in store.documents())  # the entities were never expanded
    assert all(len(s.health.last_error or "") < 400 for s in store.sources())


# -- web pages ----------------------------------------------------------------------------------------------------
PAGE = """<!doctype html><html><head><title>Drone strikes hit Odesa port | Outlet</title>
<meta name="author" content="Olena Koval"><meta property="article:published_time" content="2025-03-15T07:30:00+02:00">
</head><body><header><nav><a href="/">Home</a> <a href="/war">War</a> <a href="/politics">Politics</a></nav></header>
<main><article><h1>Drone strikes hit Odesa port</h1>
<p>Russian drones struck port infrastructure in Odesa overnight, the regional governor said on Saturday.</p>
<p>Two people were injured and a grain warehouse caught fire, he wrote on Telegram.</p>
<p>Ukraine's air force said it shot down 45 of 70 drones launched overnight.</p></article>
<aside><h3>Related</h3><ul><li><a href="/a">Markets rally on truce hopes</a></li></ul></aside></main>
<footer><p>© 2025 Outlet Media. All rights reserved.</p><p>Subscribe to our newsletter</p></footer></body></html>"""


def test_issue_16_a_page_is_its_main_text_with_metadata_and_its_raw_bytes(db, site):
    site.pages["/odesa"] = (PAGE.encode(), "text/html; charset=utf-8")
    store = Store.open(db)
    store.add_source(make_source("Outlet", "url", site.url("/odesa"), "1m", local=True))
    assert "1 new" in _once(store)[0]
    (doc,) = store.documents()
    assert doc.text.startswith("Drone strikes hit Odesa port\nRussian drones struck") and "45 of 70" in doc.text
    assert not any(w in doc.text for w in ("Politics", "Markets rally", "All rights reserved", "Subscribe"))
    assert (doc.title, doc.author, doc.published, doc.published_basis) == (
        "Drone strikes hit Odesa port", "Olena Koval", dt.date(2025, 3, 15), "page metadata")
    raw = store.read(lambda c: c.execute(select(schema.documents.c.raw)).scalar_one())
    assert raw == PAGE.encode()  # the page as served is the evidence
    assert store.counts()["incidents"] >= 1
    # A page without a date: the retrieval day, and it says so. The page changed: a new version, the old superseded.
    site.pages["/odesa"] = (PAGE.replace('<meta property="article:published_time" content="2025-03-15T07:30:00+02:00">',
                                         "").replace("45 of 70", "50 of 75").encode(), "text/html")
    _due(store, "Outlet")
    assert "1 new" in _once(store)[0]
    assert _current_documents(store) == 1 and store.counts()["documents"] == 2
    current = store.document(store.read(lambda c: c.execute(select(schema.documents.c.id).where(
        schema.documents.c.superseded_by.is_(None))).scalar_one()))
    assert current.published == dt.datetime.now(dt.timezone.utc).date()
    assert current.published_basis == "retrieval time"


# -- folders and exports ------------------------------------------------------------------------------------------
def test_issue_16_a_directory_source_reads_new_and_changed_files_only(db, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for k, (_, text) in enumerate(STORIES):
        (inbox / f"{k}.txt").write_text(text, encoding="utf-8")
    (inbox / "notes.bin").write_bytes(b"\x00\x01")  # not a text file: not read
    store = Store.open(db)
    store.add_source(make_source("Inbox", "directory", str(inbox), "1m", grade="A"))
    assert "2 new, 0 copies, 0 already stored" in _once(store)[0]
    _due(store, "Inbox")
    assert "0 new, 0 copies, 0 already stored" in _once(store)[0]  # nothing read again
    (inbox / "2.txt").write_text("Russian artillery hit Nikopol on Friday, the district head said.", encoding="utf-8")
    (inbox / "bad.txt").write_bytes(b"\xff\xfe\x00")
    _due(store, "Inbox")
    lines = _once(store)
    assert "1 new, 0 copies, 0 already stored, 1 problems" in lines[0] and "bad.txt" in lines[1]
    _due(store, "Inbox")
    assert "0 new, 0 copies, 0 already stored, 0 problems" in _once(store)[0]  # the bad file is named once
    assert {d.source for d in store.documents()} == {"Inbox"} and store.sources()[0].health.documents_added == 3


def _export(messages: list[dict], name: str = "Air Force of Ukraine", channel_id: int = 1001) -> str:
    return json.dumps({"name": name, "type": "public_channel", "id": channel_id, "messages": messages},
                      ensure_ascii=False)


def test_issue_16_telegram_exports_keep_ids_edits_are_versions_forwards_keep_their_origin(db, tmp_path):
    export = tmp_path / "result.json"
    first = [{"id": 7, "type": "message", "date": "2025-03-15T08:00:00",
              "text": "Уночі росіяни атакували Харківщину 20 ударними БпЛА. Збито 15."},
             {"id": 8, "type": "message", "date": "2025-03-15T09:00:00", "forwarded_from": "Kharkiv Regional "
              "Military Administration", "text": "Russian forces shelled Kupiansk this morning, two people were hurt."},
             {"id": 9, "type": "service", "date": "2025-03-15T09:30:00", "action": "pin_message"}]
    export.write_text(_export(first), encoding="utf-8")
    store = Store.open(db)
    store.add_source(make_source("Air Force", "telegram-export", str(export), "1m", grade="C", party="UA"))
    assert "2 new" in _once(store)[0]
    docs = {d.external_id: d for d in store.documents()}
    assert set(docs) == {"telegram:1001/7", "telegram:1001/8"}  # the channel's id, not its name
    assert docs["telegram:1001/8"].forwarded_from == "Kharkiv Regional Military Administration"
    from ceasefire.reconcile import source_key

    assert source_key(docs["telegram:1001/8"]) == "kharkiv regional military administration"
    assert {d.source_party for d in docs.values()} == {"UA"}
    # The channel edits message 7: the new export holds it as edited. One document, two versions.
    edited = [dict(first[0], text="Уночі росіяни атакували Харківщину 24 ударними БпЛА. Збито 19.",
                   edited="2025-03-15T10:00:00"), *first[1:]]
    time.sleep(0.01)
    export.write_text(_export(edited), encoding="utf-8")
    _due(store, "Air Force")
    assert "1 new, 0 copies, 1 already stored" in _once(store)[0]
    assert store.counts()["documents"] == 3 and _current_documents(store) == 2
    current = next(d for d in store.documents() if d.external_id == "telegram:1001/7" and "24" in d.text)
    assert current.edited == dt.datetime(2025, 3, 15, 10, 0)
    old = store.read(lambda c: c.execute(select(schema.documents.c.superseded_by).where(
        schema.documents.c.external_id == "telegram:1001/7", schema.documents.c.id != current.id)).scalar_one())
    assert old == current.id
    # An older export read after the newer one: the edit stays the current version.
    export.write_text(_export(first) + " ", encoding="utf-8")
    _due(store, "Air Force")
    _once(store)
    assert store.read(lambda c: c.execute(select(schema.documents.c.superseded_by).where(
        schema.documents.c.id == current.id)).scalar_one()) is None


# -- republished copies -------------------------------------------------------------------------------------------
def test_issue_16_a_feed_of_500_with_100_republished_copies_is_400_texts_each_copy_linked(db, site):
    reports = synthetic_reports(400)
    rng = random.Random(5)
    copied = rng.sample(range(400), 100)
    items = [{"id": f"o{k}", "title": title, "text": text, "day": day, "link": f"http://wire.example/{k}"}
             for k, (title, text, day) in enumerate(reports)]
    outlets = ["Kyiv Post Daily", "Black Sea News", "Frontline Digest", "Eastern Herald", "Donbas Today"]
    items += [{"id": f"c{k}", "title": reports[k][0], "day": reports[k][2], "link": f"http://outlet{n % 5}.example/{k}",
               "text": republished(reports[k][0], reports[k][1], outlets[n % 5], n)} for n, k in enumerate(copied)]
    rng.shuffle(items)
    site.pages["/agg.xml"] = (rss(items), "application/rss+xml")
    store = Store.open(db)
    store.add_source(make_source("Aggregator", "rss", site.url("/agg.xml"), "1h", local=True))
    assert "400 new, 100 copies" in _once(store)[0]
    counts = store.counts()
    assert (counts["documents"], counts["copies"], counts["independent_texts"]) == (500, 100, 400)
    by_text = {}
    for doc in store.documents():
        key = next(k for k, (_, text, _) in enumerate(reports) if text in doc.text)
        by_text.setdefault(key, []).append(doc)
    assert sorted(len(v) for v in by_text.values()) == [1] * 300 + [2] * 100
    for group in (g for g in by_text.values() if len(g) == 2):
        original = next(d for d in group if d.copy_of is None)
        copy = next(d for d in group if d.copy_of is not None)
        assert copy.copy_of == original.id
        assert [c.id for c in store.copies_of({original.id})[original.id]] == [copy.id]
    # A copy is not read again: its text's incidents are the original's only.
    copies = {d.id for g in by_text.values() for d in g if d.copy_of}
    assert not store.incidents_of(copies)
    assert store.sources()[0].health.documents_added == 500


def test_issue_16_copies_count_once_as_sources_and_the_document_page_lists_them(db):
    from ceasefire.pipeline import ingest_documents

    story = ("Russian forces shelled Kupiansk on Thursday morning, damaging a school, a hospital and two "
             "apartment blocks, the regional governor said. Two civilians were wounded and taken to hospital. "
             "Emergency crews put out the fires by midday, and power was restored to most homes by evening, "
             "the governor added on Telegram.")
    other = ("A school and a hospital in Kupiansk were damaged on Thursday when Russian artillery hit the town, "
             "according to local officials, who said two people were hurt in the attack.")
    day = dt.date(2025, 3, 13)
    docs = [make_document(f"{n}{text}".encode(), text, published=day, source=src, title=f"Kupiansk {n}")
            for n, (src, text) in enumerate([("Reuters", story), ("Kyiv Post", republished("Kupiansk", story, "Kyiv "
                                             "Post", 0)), ("Ukrinform", republished("Kupiansk", story, "Ukrinform", 1)),
                                             ("Suspilne", other)])]
    store = Store.open(db)
    result = ingest_documents(store, docs)
    assert len(result.added) == 2 and len(result.copies) == 2
    (event,) = [e for e in store.events() if e.type == "shelling"]
    assert event.sources == 2  # Reuters' text (carried by three) and Suspilne's own: two independent origins
    original = docs[0].document.id
    client = api_client(store)
    copies = client.get(f"/api/documents/{original}/copies").json()
    assert [c["source"] for c in copies] == ["Kyiv Post", "Ukrinform"]
    page = client.get(f"/documents/{original}").text
    assert "Republished by 2 other sources" in page and "Kyiv Post" in page and "Ukrinform" in page
    copy_page = client.get(f"/documents/{copies[0]['id']}").text
    assert "A republished copy of" in copy_page and f"/documents/{original}" in copy_page
    assert "republished by Kyiv Post, Ukrinform" in client.get(f"/events/{event.id}").text
    assert client.get("/documents/doc-0000000000000000").status_code == 404


def test_issue_16_reports_with_other_facts_or_days_are_not_copies():
    (title, text, day), = synthetic_reports(1, seed=3)

    def doc(body: str, published: dt.date = day, **fields):
        return make_document(body.encode() + os.urandom(4), body, published=published, **fields).document

    original = doc(text)
    assert is_copy(doc(republished(title, text, "Outlet", 2)), original)
    town = next(t for t in ("Kharkiv", "Sumy", "Kherson", "Odesa", "Dnipro", "Izium") if t in text) \
        if any(t in text for t in ("Kharkiv", "Sumy", "Kherson", "Odesa", "Dnipro", "Izium")) else None
    words = text.split()
    figure = next(w for w in words if w.isdigit()) if any(w.isdigit() for w in words) else None
    if figure:  # the same report with another figure: an update, another report
        assert not is_copy(doc(text.replace(f" {figure} ", f" {int(figure) + 7} ", 1)), original)
    if town:  # the same template about another town
        assert not is_copy(doc(text.replace(town, "Lyman")), original)
    assert not is_copy(doc(text, day + dt.timedelta(days=10)), original)  # a re-run weeks later
    assert not is_copy(doc(text, external_id="telegram:1/5"), doc(text, external_id="telegram:1/5"))  # versions
    short = "Air raid alert in Kyiv region. Proceed to shelters."
    assert not is_copy(doc(short), doc(short))  # one-line alerts repeat by nature
    long_article = text + " " + " ".join(synthetic_reports(3, seed=9)[k][1] for k in range(3))
    assert not is_copy(doc(text), doc(long_article)) and not is_copy(doc(long_article), doc(text))


# -- stopping and killing -----------------------------------------------------------------------------------------
def _jsonl(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for k, (title, text, day) in enumerate(synthetic_reports(count, seed=21)):
            fh.write(json.dumps({"id": k, "text": text, "title": title, "published": day.isoformat(),
                                 "source": f"Outlet {k % 9}"}) + "\n")


def _integrity(path: str) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _counts(db: str) -> dict:
    out = subprocess.run([*CLI, "status", "--json", "--db", db], capture_output=True, text=True, check=True)
    return {k: v for k, v in json.loads(out.stdout).items() if k != "schema_version"}


def test_issue_16_an_import_killed_at_random_moments_loses_and_repeats_nothing(tmp_path):
    source = tmp_path / "reports.jsonl"
    _jsonl(source, 240)
    reference = str(tmp_path / "reference.db")
    subprocess.run([*CLI, "ingest", "--jsonl", str(source), "--db", reference], capture_output=True, check=True)
    killed = str(tmp_path / "killed.db")
    rng = random.Random(16)
    for _ in range(5):
        proc = subprocess.Popen([*CLI, "ingest", "--jsonl", str(source), "--db", killed],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 6.0))
        proc.kill()
        proc.wait()
        if Path(killed).exists():
            assert _integrity(killed) == "ok"
    subprocess.run([*CLI, "ingest", "--jsonl", str(source), "--db", killed], capture_output=True, check=True)
    assert _integrity(killed) == "ok"
    assert _counts(killed) == _counts(reference)


def test_issue_16_watch_stops_cleanly_on_sigterm_and_the_next_poll_takes_the_rest(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for k, (_, text, _) in enumerate(synthetic_reports(260, seed=8)):
        (inbox / f"{k:03}.txt").write_text(text, encoding="utf-8")
    db = str(tmp_path / "w.db")
    subprocess.run([*CLI, "source", "add", "Inbox", "--kind", "directory", "--location", str(inbox), "--db", db],
                   check=True, capture_output=True)
    proc = subprocess.Popen([*CLI, "watch", "--db", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if Path(db).exists() and Store.open(db).counts()["documents"] >= 5:
            break
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "SIGTERM: stopping" in err and "watch: stopped after" in err
    assert _integrity(db) == "ok"
    stored = Store.open(db).counts()["documents"]
    assert 5 <= stored < 260  # stopped in the middle, between documents
    subprocess.run([*CLI, "watch", "--once", "--db", db], check=True, capture_output=True)
    store = Store.open(db)
    assert store.counts()["documents"] == 260 and store.sources()[0].health.documents_added == 260
    assert not store.pending_refresh()


# -- limits and progress ------------------------------------------------------------------------------------------
def test_issue_16_a_5_mb_page_is_read_and_a_50_mb_file_refused_each_within_a_minute(tmp_path, site):
    db = str(tmp_path / "big.db")  # reading is the same on either backend
    paragraphs = [f"<p>{text}</p>" for _, text, _ in synthetic_reports(7500, seed=2)]
    page = ("<html><head><title>Archive</title></head><body><article>" + "\n".join(paragraphs)).encode()
    page = page + b"</article></body></html>"
    assert len(page) > 5_000_000
    (tmp_path / "archive.html").write_bytes(page)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    started = time.monotonic()
    read = subprocess.run([*CLI, "ingest", str(tmp_path / "archive.html"), "--db", db], capture_output=True,
                          text=True, timeout=60)
    assert read.returncode == 0 and "1 added" in read.stdout, read.stderr
    assert time.monotonic() - started < 60
    started = time.monotonic()
    refused = subprocess.run([*CLI, "ingest", str(huge), "--db", db], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and time.monotonic() - started < 60
    assert "too large (52,428,800 bytes; the limit is 20,971,520)" in refused.stderr
    site.pages["/huge"] = (b"x" * (21 * 1024 * 1024), "text/plain")
    store = Store.open(db)
    store.add_source(make_source("Huge", "url", site.url("/huge"), "1m", local=True))
    started = time.monotonic()
    assert "larger than 20,971,520 bytes" in poll(store, store.sources()[0]).error
    assert time.monotonic() - started < 60


def test_issue_16_a_bulk_import_reports_progress_in_plain_lines_in_a_log(tmp_path):
    source = tmp_path / "reports.jsonl"
    _jsonl(source, 30)
    out = subprocess.run([*CLI, "ingest", "--jsonl", str(source), "--db", str(tmp_path / "p.db")],
                         capture_output=True, text=True, check=True)
    assert "taking in: 30/30 doc (100%)" in out.stderr and "doc/s" in out.stderr
    assert "\r" not in out.stderr  # no terminal bar in a log


def test_issue_16_watch_first_completes_a_refresh_a_killed_run_left_undone(db, tmp_path):
    from ceasefire.pipeline import ingest_documents

    store = Store.open(db)
    docs = [make_document(text.encode(), text, published=dt.date(2025, 3, 13)) for _, text in STORIES]
    ingest_documents(store, docs, refresh=False)  # as a run killed after storing, before its refresh
    assert store.pending_refresh() and store.counts()["events"] == 0
    assert _once(store) == []  # no source is due ...
    assert not store.pending_refresh() and store.counts()["events"] >= 1  # ... and the refresh is done
