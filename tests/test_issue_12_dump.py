"""Issue 12: the JSON-lines dump is a lossless backup, and `import` names every bad line of a hostile one.

The source store is the demo corpus plus everything an analyst adds: a webhook subscription with its secret and a
delivered alert, an email subscription with a failed delivery, a quarantined document kept for a retry, a review.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ceasefire.cli import cli
from ceasefire.adjudicate import load_agreement
from ceasefire.fixtures import build_demo
from ceasefire.intake.field import FieldReport, field_report_document
from ceasefire.pipeline import bring_up_to_date
from ceasefire.intake import make_document
from ceasefire.publish.alerts import subscriptions
from ceasefire.publish.exports import DUMP_TABLES, NOT_DUMPED
from ceasefire.store import FULL_REFRESH, Store, schema
from conftest import BACKENDS, store_location

SECRET = "s3cret-of-the-desk-webhook"


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _rows(store: Store, name: str) -> list[dict]:
    table = schema.metadata.tables[name]
    return [dict(r) for r in store.read(lambda c: c.execute(
        select(table).order_by(*table.primary_key.columns)).mappings().all())]


def _utc(row: dict) -> dict:
    """A row with its times in UTC: a SQLite store keeps them without their zone, PostgreSQL with it."""
    return {k: (v.replace(tzinfo=dt.timezone.utc) if v.tzinfo is None else v.astimezone(dt.timezone.utc))
            if isinstance(v, dt.datetime) else v for k, v in row.items()}


class _Accepting(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@dataclass(frozen=True)
class Source:
    db: str
    dump: Path
    backend: str


@pytest.fixture(scope="module", params=BACKENDS)
def source(request, tmp_path_factory) -> Source:
    """The source store and its dump, on each backend (built once: the demo takes a few seconds)."""
    folder = tmp_path_factory.mktemp("dump")
    db = store_location(request, request.param, folder, "source")
    store = Store.open(db)
    build_demo(store)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Accepting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CFM_ALLOW_PRIVATE_URLS", "1")
        mp.setenv("CFM_ALERT_BACKOFF", "0.01")
        mp.setenv("CFM_SMTP_PORT", "9")  # nothing listens: the email delivery fails and is logged
        hook = f"http://127.0.0.1:{server.server_port}/hook"
        assert _cli("alerts", "subscribe", "--db", db, "--webhook", hook, "--secret", SECRET,
                    "--agreement", "minsk-2020").exit_code == 0
        assert _cli("alerts", "subscribe", "--db", db, "--email", "desk@example.org", "--party", "UA").exit_code == 0
        _cli("alerts", "send", "--db", db)
    server.shutdown()
    finding = store.findings("minsk-2020")[0]
    assert _cli("review", finding.id, "--db", db, "--action", "dispute", "--reviewer", "AK",
                "--reason", "the place is wrong").exit_code == 0
    body = "A report whose extraction failed.\u2028It keeps a line separator\x85 and a next-line mark."
    store.quarantine("broken.txt", "extraction failed: test", make_document(body.encode(), body, source="test"))
    # Issue 14's tables: a token (its hash), an admin's agreement, a field report with an attachment, the audit trail.
    assert _cli("token", "create", "--role", "analyst", "--label", "AK", "--db", db).exit_code == 0
    # Issue 16's: a followed source (the demo's texts have their copy-finding keys already).
    assert _cli("source", "add", "Wire feed", "--kind", "rss", "--location", "https://wire.example/feed", "--grade",
                "B", "--db", db).exit_code == 0
    store.save_agreement(load_agreement("minsk-2020").model_copy(update={"id": "minsk-2020-local"}), "test")
    report = FieldReport(what="shelling", lat=48.1, lon=37.7, observed_at="2021-08-01", attachments=[
        {"name": "photo.jpg", "content_base64": base64.b64encode(b"\xff\xd8 photo").decode()}])
    raw, extraction, files = field_report_document(report, "patrol 1")
    store.save_extraction(raw, extraction, lambda c: c.execute(schema.attachments.insert().values(
        doc_id=raw.document.id, **files[0])))
    bring_up_to_date(store)
    assert all(_rows(store, name) for name in DUMP_TABLES), "every dumped table has rows in the source"
    assert "delivered" in {r["outcome"] for r in _rows(store, "deliveries")}
    dump = folder / "dump.jsonl"
    assert _cli("export", "--db", db, "--format", "jsonl", "--out", str(dump)).exit_code == 0
    store.close()
    return Source(db, dump, request.param)


def _small(db: str) -> str:
    """Makes `db` a store with one document and its own quarantine entry, to import into."""
    from ceasefire.extract import extract_document

    text = "Russian forces shelled Kherson on Monday; two people were wounded."
    store = Store.open(db)
    raw = make_document(text.encode(), text, source="desk")
    store.save_extraction(raw, extract_document(raw.document))
    store.quarantine("other.txt", "extraction failed: another one")
    store.close()
    return db


@pytest.fixture
def target(request, source, tmp_path) -> str:
    """A small store on the source's backend."""
    return _small(store_location(request, source.backend, tmp_path, "target"))


def _dump_of(db: str) -> str:
    return _cli("export", "--db", db, "--format", "jsonl").stdout


# -- what the dump carries -------------------------------------------------------------------------

def test_issue_12_dump_names_every_table_and_puts_parents_first():
    assert set(DUMP_TABLES) | set(NOT_DUMPED) == set(schema.metadata.tables)
    assert not set(DUMP_TABLES) & set(NOT_DUMPED)
    for name in DUMP_TABLES:
        for fk in schema.metadata.tables[name].foreign_keys:
            assert DUMP_TABLES.index(fk.column.table.name) < DUMP_TABLES.index(name), (name, fk.column.table.name)


def test_issue_12_dump_carries_subscription_secrets_and_is_private(source):
    dump = source.dump
    assert dump.stat().st_mode & 0o077 == 0  # a new dump file is readable by its owner only
    subs = [json.loads(line)["row"] for line in dump.read_text(encoding="utf-8").split("\n")
            if line.startswith('{"table": "subscriptions"')]
    assert SECRET in {s["secret"] for s in subs}


# -- round trip ------------------------------------------------------------------------------------

def test_issue_12_dump_round_trip_every_table_byte_for_byte(source, request, tmp_path):
    original = source.dump.read_text(encoding="utf-8")
    fresh = store_location(request, source.backend, tmp_path, "fresh")
    result = _cli("import", str(source.dump), "--db", fresh)
    assert result.exit_code == 0, result.stderr
    before, after = Store.open(source.db), Store.open(fresh)
    for name in DUMP_TABLES:
        assert _rows(after, name) == _rows(before, name), name
    assert _dump_of(fresh) == original
    # The restored store goes on alerting: the same secret, and what was delivered is not delivered again.
    assert [(s.target, s.secret) for s in subscriptions(after)] == [(s.target, s.secret) for s in subscriptions(before)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CFM_ALLOW_PRIVATE_URLS", "1")
        mp.setenv("CFM_SMTP_PORT", "9")
        mp.setenv("CFM_ALERT_BACKOFF", "0.01")
        sent = _cli("alerts", "send", "--db", fresh).stdout
    delivered, already = re.match(r"(\d+) delivered, \d+ failed, (\d+) already delivered", sent).groups()
    assert delivered == "0" and int(already) > 0, sent
    # The import marks a refresh of everything; it gives back the same events and findings.
    assert FULL_REFRESH in after.pending_documents(after.pending_refresh())
    bring_up_to_date(after)
    assert after.pending_refresh() == []
    assert [r for r in _dump_of(fresh).split("\n") if '"deliveries"' not in r] == \
        [r for r in original.split("\n") if '"deliveries"' not in r]
    # The quarantined document can still be retried, line separators and all.
    (entry_id, raw), = after.quarantined_documents()
    assert "\u2028" in raw.document.text and "\x85" in raw.document.text
    before.close()
    after.close()


def test_issue_12_dump_moves_a_store_to_the_other_backend(source, request, tmp_path):
    other = "postgresql" if source.backend == "sqlite" else "sqlite"
    moved = store_location(request, other, tmp_path, "moved")
    result = _cli("import", str(source.dump), "--db", moved)
    assert result.exit_code == 0, result.stderr
    before, after = Store.open(source.db), Store.open(moved)
    for table in DUMP_TABLES:
        assert [_utc(r) for r in _rows(after, table)] == [_utc(r) for r in _rows(before, table)], table
    # PostgreSQL writes times with their zone ("+00:00"), SQLite without: the moved store's dump is compared with
    # the dump of a second store of its backend restored from it.
    first = tmp_path / "moved.jsonl"
    first.write_text(_dump_of(moved), encoding="utf-8")
    assert _cli("import", str(first), "--db", moved).stdout.strip() == "nothing new"
    second = store_location(request, other, tmp_path, "second")
    assert _cli("import", str(first), "--db", second).exit_code == 0
    assert _dump_of(second) == first.read_text(encoding="utf-8")
    # Rows came with their numbers: the next quarantine entry is numbered after them.
    after.quarantine("later.txt", "extraction failed: later")
    assert [e["source"] for e in after.quarantine_entries()] == ["broken.txt", "later.txt"]
    before.close()
    after.close()


def test_issue_12_dump_import_merges_and_is_idempotent(source, target):
    first = _cli("import", str(source.dump), "--db", target)
    assert first.exit_code == 0, first.stderr
    assert "1 quarantine" in first.stdout
    store = Store.open(target)
    # The dump's quarantine entry was numbered 1 like the store's own: both are kept, the new one renumbered.
    assert {e["source"] for e in store.quarantine_entries()} == {"other.txt", "broken.txt"}
    assert store.counts()["documents"] == Store.open(source.db).counts()["documents"] + 1
    assert _cli("import", str(source.dump), "--db", target).stdout.strip() == "nothing new"


def test_issue_12_dump_times_with_an_offset_are_the_same_instant_on_either_backend(db, tmp_path):
    """A dump written where the server's zone was not UTC holds times with their offset: each is kept as its instant
    (SQLite keeps times without a zone, as UTC)."""
    dump = tmp_path / "kyiv.jsonl"
    dump.write_text(json.dumps({"table": "quarantine", "row": {"id": 1, "source": "a.txt", "problem": "p",
                                                               "at": "2025-03-20 12:00:00+02:00"}}) + "\n")
    assert _cli("import", str(dump), "--db", db).exit_code == 0
    (entry,) = Store.open(db).quarantine_entries()
    assert _utc(entry)["at"] == dt.datetime(2025, 3, 20, 10, 0, tzinfo=dt.timezone.utc)


# -- bad dumps: every bad line named, exit 2, nothing imported ---------------------------------------

def _edit_row(table: str, change):
    """A mutation that changes the row of the first line of `table`."""

    def mutate(lines: list[str]) -> int:
        n = next(i for i, line in enumerate(lines) if line.startswith(f'{{"table": "{table}"'))
        item = json.loads(lines[n])
        change(item["row"])
        lines[n] = json.dumps(item)
        return n

    return mutate


def _replace_line(table: str, text: str):
    def mutate(lines: list[str]) -> int:
        n = next(i for i, line in enumerate(lines) if line.startswith(f'{{"table": "{table}"'))
        lines[n] = text
        return n

    return mutate


def _truncate_last(lines: list[str]) -> int:
    n = len(lines) - 1
    lines[n] = lines[n][:len(lines[n]) // 2]
    return n


# Mostly rows of tables no other row refers to; a bad row that others refer to also gets them named ("no such …").
BAD_DUMPS = {
    # The kinds the audit found.
    "json but not an object": (_replace_line("contradictions", "[1, 2, 3]"), "not a line of a ceasefire dump"),
    "wrong type for a column": (_edit_row("claims", lambda r: r.update(when_start=20250320)),
                                "claims.when_start should be an ISO date, not 20250320"),
    "bad base64 raw": (_edit_row("quarantine", lambda r: r.update(raw="not base64!")),
                       "quarantine.raw should be base64 text"),
    "bad date": (_edit_row("reviews", lambda r: r.update(at="2025-02-30 10:00:00")),
                 "reviews.at should be an ISO date and time, not '2025-02-30 10:00:00'"),
    "unknown column": (_edit_row("deliveries", lambda r: r.update(colour="red")),
                       "unknown column of deliveries: 'colour'"),
    "no primary key": (_edit_row("claims", lambda r: r.pop("id")), "a row of claims without its primary key (id)"),
    "truncated last line": (_truncate_last, "not JSON"),
    # And their neighbours.
    "unknown table": (_replace_line("claims", '{"table": "users\\u001b[31m", "row": {}}'),
                      "unknown table 'users\\x1b[31m'"),
    "bookkeeping table": (_replace_line("claims", '{"table": "pending_refresh", "row": {"id": 1}}'),
                          "table 'pending_refresh' is never imported"),
    "null where a value is needed": (_edit_row("claims", lambda r: r.update(speaker=None)), "claims.speaker is null"),
    "a record that does not validate": (_edit_row("claims", lambda r: r.update(data='{"id": 1}')),
                                        "claims.data is not a valid Claim"),
    "a dangling reference": (_edit_row("claims", lambda r: r.update(doc_id="doc-missing")),
                             "claims.doc_id 'doc-missing': no such documents row in the dump or the store"),
    "a number out of range": (_edit_row("deliveries", lambda r: r.update(attempt=2**40)),
                              "deliveries.attempt should be a 32-bit integer"),
    "not a number": (_edit_row("events", lambda r: r.update(lat=float("nan"))),
                     "events.lat should be a finite number, not nan"),
    "an over-long key": (_edit_row("reviews", lambda r: r.update(id="x" * 41)), "reviews.id is longer than 40"),
    "a lone surrogate": (_edit_row("claims", lambda r: r.update(speaker="\ud800")),
                         "claims.speaker holds a lone surrogate"),
    "JSON nested too deeply": (_replace_line("claims", "[" * 100_000), "JSON nested too deeply"),
}


@pytest.mark.parametrize("kind", sorted(BAD_DUMPS))
def test_issue_12_dump_bad_line_is_named_and_nothing_is_imported(kind, source, target, tmp_path):
    mutate, problem = BAD_DUMPS[kind]
    lines = (source.dump).read_text(encoding="utf-8").rstrip("\n").split("\n")
    n = mutate(lines)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + ("" if kind == "truncated last line" else "\n"), encoding="utf-8")
    db = target
    before, marks = _dump_of(db), Store.open(db).pending_refresh()
    result = _cli("import", str(bad), "--db", db)
    assert result.exit_code == 2
    *errors, summary = result.stderr.splitlines()
    assert errors[0].startswith(f"ceasefire: {bad}:{n + 1}: ") and problem in errors[0], errors
    if kind == "not a number":  # others refer to an event: its findings and report links are named as well
        assert errors[1:] and all("no such events row" in e for e in errors[1:]), errors
    else:
        assert len(errors) == 1, errors
    assert summary == f"ceasefire: {bad}: {len(errors)} bad line{'s' if len(errors) > 1 else ''}; nothing was imported"
    assert _dump_of(db) == before and Store.open(db).pending_refresh() == marks


def test_issue_12_dump_lists_every_bad_line_in_order(source, target, tmp_path):
    lines = (source.dump).read_text(encoding="utf-8").rstrip("\n").split("\n")
    numbers = sorted(mutate(lines) + 1 for mutate, _ in (BAD_DUMPS["bad date"], BAD_DUMPS["unknown column"],
                                                          BAD_DUMPS["a dangling reference"]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _cli("import", str(bad), "--db", target)
    assert result.exit_code == 2
    assert [line.split(":")[2] for line in result.stderr.splitlines()[:-1]] == [str(n) for n in numbers]
    assert result.stderr.splitlines()[-1].endswith("3 bad lines; nothing was imported")
    assert Store.open(target).counts()["documents"] == 1


@pytest.mark.parametrize("source", ["sqlite"], indirect=True)  # one dump is enough: the backends are the targets
def test_issue_12_dump_nul_character_is_kept_by_sqlite_and_named_by_postgresql(source, request, tmp_path):
    lines = (source.dump).read_text(encoding="utf-8").rstrip("\n").split("\n")
    n = _edit_row("claims", lambda r: r.update(speaker="Kherson\x00 administration"))(lines)
    dump = tmp_path / "nul.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _cli("import", str(dump), "--db", store_location(request, "sqlite", tmp_path, "fresh")).exit_code == 0
    result = _cli("import", str(dump), "--db", store_location(request, "postgresql", tmp_path, "fresh"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"ceasefire: {dump}:{n + 1}: refused by the database (PostgreSQL text fields cannot contain NUL (0x00) bytes)",
        f"ceasefire: {dump}: 1 bad line; nothing was imported"]


@pytest.mark.parametrize("kind, content, problem", [
    ("not UTF-8", b'{"table": "claims", "row": {}}\n\xff\xfe{"table"\n', "bad.jsonl:2: not UTF-8 text"),
    ("empty", b"", "bad.jsonl: empty file: nothing to import"),
    ("blank lines only", b"\n  \n", "bad.jsonl: empty file: nothing to import"),
    ("a folder", "folder", "bad.jsonl: is a folder, not a dump file"),
    ("missing", "absent", "bad.jsonl: no such file"),
])
def test_issue_12_dump_bad_file_is_one_line(kind, content, problem, db, tmp_path):
    bad = tmp_path / "bad.jsonl"
    if content == "folder":
        bad.mkdir()
    elif content != "absent":
        bad.write_bytes(content)
    _small(db)
    before = _dump_of(db)
    result = _cli("import", str(bad), "--db", db)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"ceasefire: {tmp_path}/{problem}"]
    assert _dump_of(db) == before
