"""Issue 12: hostile input stays inert."""
import datetime as dt
import json

import pytest

from ceasefire.pipeline import IngestRequest, ingest
from ceasefire.publish.brief import ReportingDay, build_briefing, render
from ceasefire.store import Store
from conftest import api_client

HOSTILE = ("Russian drones struck a power substation in Sumy on Tuesday, the governor said "
           "<script>alert('text')</script> <img src=x onerror=alert('img')> \u202eevil\u202c.")


def test_issue_12_markup_in_reports_is_text_in_every_briefing(db, tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"id": 1, "text": HOSTILE, "published": "2025-03-26",
                                "source": "<script>alert('source')</script>",
                                "title": "<b onmouseover=alert('title')>x</b>"}))
    store = Store.open(db)
    ingest(store, IngestRequest(jsonl=str(path)))
    briefing = build_briefing(store, ReportingDay(dt.date(2025, 3, 26)), "energy-moratorium-2025")
    html, markdown = render(briefing, "html"), render(briefing, "md")
    assert "&lt;script&gt;alert(" in html and "<script>alert" not in html and "<b onmouseover" not in html
    assert "<script" not in markdown and "<b onmouseover" not in markdown and "&lt;script&gt;" in markdown
    assert "\u202e" not in html and "\u202e" not in markdown


def test_issue_12_a_date_with_anything_after_it_but_a_time_is_refused():
    import pytest

    from ceasefire.errors import InputError
    from ceasefire.timeparse import parse_iso_date

    assert parse_iso_date("2025-03-20", "x") == parse_iso_date("2025-03-20T08:15:00Z", "x") == dt.date(2025, 3, 20)
    assert parse_iso_date("2025-03-20 08:15", "x") == dt.date(2025, 3, 20)
    for bad in ("2025-03-20junk", "2025-03-20T", "2025-13-01", "20.03.2025"):
        with pytest.raises(InputError, match="unknown date format"):
            parse_iso_date(bad, "x")


def test_issue_12_a_long_document_is_read_in_sections_with_spans_in_its_own_coordinates(monkeypatch):
    import ceasefire.extract as extract
    from ceasefire.intake import make_document

    filler = "The weather was mild and the market was open.\n" * 500  # 23,500 characters: more than a section
    acts = ["Russian forces shelled Kherson on Monday.", "Ukrainian drones struck a refinery in Tuapse on Monday.",
            "Russian troops shelled Nikopol on Monday, killing two civilians."]
    text = "".join(act + "\n" + filler for act in acts) + "Russian forces shelled Sumy on Monday.\n"
    document = make_document(text.encode(), text, published=dt.date(2025, 3, 20)).document
    monkeypatch.setattr(extract, "MAX_READ_CHARS", 3 * len(filler))
    (result,) = list(extract.extract_many([document]))
    assert result.document.text == text and result.error is None
    assert len(extract.sections(text)) > 3
    assert {i.span.text for i in result.incidents} >= {"Kherson", "Tuapse", "Nikopol"} or \
        all(any(i.span.start >= text.index(a) and i.span.end <= text.index(a) + len(a) for i in result.incidents)
            for a in acts)
    assert all(text[i.span.start:i.span.end] == i.span.text for i in [*result.incidents, *result.claims])
    assert len({i.id for i in result.incidents}) == len(result.incidents) == 3  # Sumy lies past the read limit
    assert any("only the first" in w for w in result.warnings)


def test_issue_12_a_document_past_its_time_budget_is_quarantined_with_the_reason(db, tmp_path, monkeypatch, run_cli):
    import ceasefire.extract as extract

    monkeypatch.setattr(extract, "TIME_BUDGET_SECONDS", -1.0)
    path = tmp_path / "long.txt"
    path.write_text("Russian forces shelled Kherson on Monday.\n" * 1000)
    result = run_cli("ingest", str(path), "--published", "2025-03-20", "--db", db)
    assert result.exit_code == 2 and "reading took longer than -1 s" in result.stderr
    listed = run_cli("quarantine", "list", "--db", db)
    assert "reading took longer" in listed.stdout


def test_issue_12_no_20000_character_input_takes_more_than_2_seconds():
    import time

    from ceasefire.extract import extract_many
    from ceasefire.intake import make_document

    shapes = {"one token": "A" * 20_000, "capitalised run": "Kherson Sumy Kharkiv Oblast " * 715,
              "digits": "1" * 20_000, "punctuation": "!?.," * 5_000, "hyphens": "a-" * 10_000,
              "one sentence": "Russian forces shelled " + "and ".join(["Kherson "] * 2_500),
              "numbers": "Russian forces fired 12 shells, 3 rockets, " * 465,
              "dates": "on 20 March 2025, " * 1_111, "quotes": '"he said" ' * 2_000}
    extract_many([make_document(b"x", "Russian forces shelled Kherson.", published=dt.date(2025, 3, 20)).document])
    for shape, text in shapes.items():
        document = make_document(text.encode(), text[:20_000], published=dt.date(2025, 3, 20)).document
        started = time.perf_counter()
        (result,) = list(extract_many([document]))
        assert time.perf_counter() - started < 2.0, shape
        assert result.error is None, (shape, result.error)


def test_issue_12_a_lone_surrogate_costs_its_line_only(db, tmp_path, run_cli):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id":1,"text":"Russian forces shelled Kherson.","published":"2025-03-20"}\n'
                    '{"id":2,"text":"bad \\ud800 here","published":"2025-03-20"}\n'
                    '{"id":3,"text":"Ukrainian drones hit Belgorod.","published":"2025-03-20"}\n')
    result = run_cli("ingest", "--jsonl", str(path), "--db", db)
    assert result.exit_code == 2 and "s.jsonl:2: not valid Unicode text" in result.stderr
    assert "Traceback" not in result.stderr and "2 added" in result.stdout


def test_issue_12_a_nul_character_costs_its_line_only(db, tmp_path, run_cli):
    """JSON may escape a NUL character (\\u0000), which is no part of a report and which PostgreSQL cannot store in
    text: the line or message is named and skipped, on either backend (it crashed the ingest on PostgreSQL)."""
    path = tmp_path / "n.jsonl"
    path.write_text('{"id":1,"text":"Russian forces shelled Kherson.","published":"2025-03-20"}\n'
                    '{"id":2,"text":"Russian forces shelled\\u0000 Sumy.","published":"2025-03-20"}\n'
                    '{"id":3,"text":"Ukrainian drones hit Belgorod.","source":"a\\u0000b"}\n')
    result = run_cli("ingest", "--jsonl", str(path), "--db", db)
    assert result.exit_code == 2 and "Traceback" not in result.stderr and "1 added" in result.stdout
    assert result.stderr.splitlines() == [f"ceasefire: {path}:2: text holds a NUL character at character 22: not text",
                                          f"ceasefire: {path}:3: source holds a NUL character at character 1: not text"]
    export = tmp_path / "mod.json"
    export.write_text(json.dumps({"name": "mod_russia", "messages": [
        {"id": 1, "type": "message", "date": "2025-03-20T08:00:00", "text": "Удар по Курску.\u0000"},
        {"id": 2, "type": "message", "date": "2025-03-20T08:00:00", "text": "Удар по Белгороду."}]}))
    result = run_cli("ingest", str(export), "--format", "telegram-json", "--db", db)
    assert result.exit_code == 2 and "1 added" in result.stdout
    assert result.stderr.strip() == f"ceasefire: {export}: messages[0]: text holds a NUL character at character 15: " \
                                    "not text"
    assert Store.open(db).counts()["documents"] == 2 and Store.open(db).quarantined() == 0


def test_issue_12_a_value_the_database_refuses_is_a_400_not_a_500(db, backend):
    """Texts an API client sends reach the store as they are: SQLite keeps a NUL character, PostgreSQL refuses it,
    which is the request's fault, not the server's."""
    client = api_client(Store.open(db), "admin")
    made = client.post("/api/tokens", json={"role": "viewer", "label": "desk\u0000"})
    searched = client.get("/api/events", params={"q": "\x00", "from": "2025-03-01", "to": "2025-03-20"})
    if backend == "sqlite":
        assert (made.status_code, searched.status_code) == (201, 200)
    else:
        assert (made.status_code, searched.status_code) == (400, 400)
        assert "NUL" in made.json()["detail"] and "NUL" in searched.json()["detail"]


# Each malformed row of the audit, between two good rows: the bad row is named FILE:LINE and skipped.
BAD_ROWS = {
    "acled-csv": ("event_id_cnty,notes,timestamp\n", 'UKR{n},"Russian forces shelled Kherson on Monday.",1742500000\n',
                  ['UKRx,"Russian forces shelled Kherson.",1742500000,extra',  # a field too many
                   "UKRx",  # fields missing
                   'UKRx,"Russian forces shelled Kherson.",99999999999999999',  # a time past year 9999
                   'UKRx,"Russian forces shelled Kherson.",yesterday',  # not a Unix time
                   ',"Russian forces shelled Kherson.",1742500000']),  # no event id
    "ucdp-csv": ("id,source_headline,date_start\n", '{n},"Russian forces shelled Kherson",2021-07-01\n',
                 ['5,"Russian forces shelled Kherson",2021-07-01,extra', '5,"Russian forces shelled Kherson",soon',
                  '5,"Russian forces shelled Kherson"']),
    "telegram-csv": ("id,date,text\n", '{n},2025-03-20 08:00,"Дежурными средствами ПВО уничтожены {n} беспилотников."\n',
                     ['7,2025-03-20', '7,,"Дежурными средствами ПВО уничтожены 5 беспилотников."',
                      '7,20/03/2025,"Дежурными средствами ПВО уничтожены 5 беспилотников."',
                      '7,2025-03-20,"text",extra']),
}


def test_issue_12_bad_dataset_rows_are_named_and_skipped_and_the_good_rows_stored(db, tmp_path, run_cli):
    stored = 0
    for fmt, (header, good, bad_rows) in BAD_ROWS.items():
        for n, bad in enumerate(bad_rows):
            path = tmp_path / f"{fmt}-{n}.csv"
            path.write_text(header + good.format(n=f"{fmt[:2]}{n}1") + bad + "\n" + good.format(n=f"{fmt[:2]}{n}2"))
            result = run_cli("ingest", str(path), "--format", fmt, "--db", db)
            assert result.exit_code == 2 and "Traceback" not in result.stderr, result.stderr
            assert result.stderr.strip() == result.stderr.strip().splitlines()[0], result.stderr
            assert result.stderr.startswith(f"ceasefire: {path}:3: "), (bad, result.stderr)
            assert "2 added" in result.stdout and "1 not stored" in result.stdout, (bad, result.stdout)
            stored += 2
    assert Store.open(db).counts()["documents"] == stored


def test_issue_12_a_file_not_of_the_format_is_refused_whole(db, tmp_path, run_cli):
    path = tmp_path / "page.csv"
    path.write_text("<html><body>Russian forces shelled Kherson.</body></html>\n")
    for fmt in ("acled-csv", "ucdp-csv", "telegram-csv"):
        result = run_cli("ingest", str(path), "--format", fmt, "--db", db)
        assert result.exit_code == 2 and "not a file of this format: the header has no column" in result.stderr


def test_issue_12_malformed_telegram_exports_are_one_line_errors(db, tmp_path, run_cli):
    good = {"id": 1, "type": "message", "date": "2025-03-20T08:00:00",
            "text": ["Дежурными средствами ПВО ", {"type": "bold", "text": "уничтожены 5 беспилотников"}]}
    exports = {"not-object.json": [good, "a string"], "no-date.json": [good, {"id": 2, "text": "Удар по Курску."}],
               "bad-date.json": [good, {"id": 2, "date": "vendredi", "text": "Удар по Курску."}],
               "bad-text.json": [good, {"id": 2, "date": "2025-03-20T08:00:00", "text": 5}]}
    for name, messages in exports.items():
        (tmp_path / name).write_text(json.dumps({"name": "mod_russia", "messages": messages}))
        result = run_cli("ingest", str(tmp_path / name), "--format", "telegram-json", "--db", db)
        assert result.exit_code == 2 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith(f"ceasefire: {tmp_path / name}: messages[1]: "), result.stderr
    for text in ("{", "[]", '{"messages": 3}'):
        (tmp_path / "x.json").write_text(text)
        result = run_cli("ingest", str(tmp_path / "x.json"), "--format", "telegram-json", "--db", db)
        assert result.exit_code == 2 and "not a Telegram JSON export" in result.stderr
    assert Store.open(db).counts()["documents"] == 1  # the good message, once


def test_issue_12_database_passwords_are_never_printed(run_cli):
    from ceasefire.store import shown

    assert shown("postgresql+psycopg://analyst:s3cret@db.example:5432/cfm") == \
        "postgresql+psycopg://analyst:***@db.example:5432/cfm"
    result = run_cli("status", "--db", "postgresql://analyst:s3cret@127.0.0.1:1/nowhere")
    assert result.exit_code == 2 and "s3cret" not in result.stderr + result.stdout and "***" in result.stderr


def test_issue_12_every_response_carries_security_headers(db):
    from fastapi.testclient import TestClient

    from ceasefire.api.app import create_app

    client = TestClient(create_app(Store.open(db)))
    for path in ("/", "/api/status", "/openapi.json", "/no-such-page"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"] and "script-src 'self'" in \
            headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_issue_12_csv_exports_never_start_a_cell_with_a_formula(db, tmp_path, run_cli):
    import csv
    import io

    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps({"id": 1, "published": "2025-03-26", "source": "=HYPERLINK(\"http://x\",\"y\")",
                                "text": "=cmd|' /C calc'!A0 Russian drones struck a power substation in Sumy on "
                                        "Tuesday, the governor said."}))
    run_cli("ingest", "--jsonl", str(path), "--db", db)
    for args in (("--format", "acled"), ("--format", "csv", "--what", "events"), ("--format", "csv", "--what",
                                                                                 "claims")):
        out = run_cli("export", "--db", db, *args).stdout
        cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
        assert cells and not any(c.startswith(("=", "+", "@")) for c in cells), args


def _local_server(body_writer):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            body_writer(self.wfile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_issue_12_the_fetcher_is_bounded_and_checks_where_it_connected(monkeypatch):
    import ipaddress
    import time

    import pytest

    import ceasefire.intake.web as web
    from ceasefire.errors import InputError

    assert not web._public(ipaddress.ip_address("64:ff9b::7f00:1"))  # NAT64 of 127.0.0.1
    assert not web._public(ipaddress.ip_address("2002:7f00:1::1"))  # 6to4 of 127.0.0.1
    huge = _local_server(lambda out: [out.write(b"x" * 65536) for _ in range(64)])
    drip = _local_server(lambda out: [(out.write(b"x"), out.flush(), time.sleep(0.05)) for _ in range(100)])
    try:
        monkeypatch.setenv("CFM_ALLOW_PRIVATE_URLS", "1")
        monkeypatch.setattr(web, "MAX_DOCUMENT_BYTES", 1_000_000)
        with pytest.raises(InputError, match="larger than 1,000,000 bytes"):
            web.fetch_url(f"http://127.0.0.1:{huge.server_port}/")
        monkeypatch.setattr(web, "DEADLINE_SECONDS", 0.5)
        started = time.monotonic()
        with pytest.raises(InputError, match="took longer than"):
            web.fetch_url(f"http://127.0.0.1:{drip.server_port}/")
        assert time.monotonic() - started < 3
        # A connection that reached a private address, however it got there, is refused before its body is read.
        monkeypatch.delenv("CFM_ALLOW_PRIVATE_URLS")
        monkeypatch.setattr(web, "_vetted_address", lambda url, local=False: None)
        with pytest.raises(InputError, match="non-public address 127.0.0.1"):
            web.fetch_url(f"http://127.0.0.1:{huge.server_port}/")
    finally:
        huge.shutdown()
        drip.shutdown()


def test_issue_12_serve_stays_on_this_machine_and_answers_only_its_own_names(db, run_cli):
    refused = run_cli("serve", "--db", db, "--host", "0.0.0.0")
    assert refused.exit_code == 2 and "--allow-remote" in refused.stderr
    client = api_client(Store.open(db), allowed_hosts=["127.0.0.1", "testserver"])
    assert client.get("/api/status").status_code == 200
    assert client.get("/api/status", headers={"host": "attacker.example"}).status_code == 400


def test_issue_12_backup_is_a_whole_consistent_copy(tmp_path, run_cli):  # SQLite only: VACUUM INTO a file
    db, copy = str(tmp_path / "t.db"), tmp_path / "copy.db"
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "Russian drones struck a substation in Sumy on Tuesday.",
                                "published": "2025-03-26"}))
    run_cli("ingest", "--jsonl", str(path), "--db", db)
    run_cli("alerts", "subscribe", "--webhook", "https://example.org/hook", "--db", db)
    assert run_cli("backup", str(copy), "--db", db).exit_code == 0
    assert Store.open(str(copy)).counts() == Store.open(db).counts()
    tables = "select count(*) from subscriptions"
    assert Store.open(str(copy)).read(lambda c: c.exec_driver_sql(tables).scalar_one()) == \
        Store.open(db).read(lambda c: c.exec_driver_sql(tables).scalar_one())
    again = run_cli("backup", str(copy), "--db", db)
    assert again.exit_code == 2 and "never overwrites" in again.stderr


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_issue_12_backup_of_a_postgresql_store_names_pg_dump(db, tmp_path, run_cli):
    result = run_cli("backup", str(tmp_path / "copy.db"), "--db", db)
    assert result.exit_code == 2 and "pg_dump" in result.stderr and not (tmp_path / "copy.db").exists()


def test_issue_12_empty_inputs_are_named_not_passed_over(db, tmp_path, run_cli):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "nothing").mkdir()
    (tmp_path / "blank.jsonl").write_text('{"id": 1, "text": "   ", "published": "2025-03-20"}\n')
    for args, problem in ((("empty.csv", "--format", "acled-csv"), "empty file"),
                          (("nothing", "--format", "ucdp-csv"), "no file of this format"),
                          (("nothing",), "no text, Markdown or HTML file"),
                          (("--jsonl", "blank.jsonl"), "blank.jsonl:1: no text")):
        paths = [str(tmp_path / a) if not a.startswith("--") and a not in ("acled-csv", "ucdp-csv") else a
                 for a in args]
        result = run_cli("ingest", *paths, "--db", db)
        assert result.exit_code == 2 and problem in result.stderr, (args, result.stderr)
    assert Store.open(db).counts()["documents"] == 0


def test_issue_12_a_windows_1251_csv_is_read_as_cyrillic_and_1252_as_latin(tmp_path):
    from ceasefire.intake.datasets import read_dataset

    header = "event_id_cnty,notes,timestamp\n"
    cyrillic = header + "UKR1,Российские войска обстреляли Херсон 20 марта 2025 года.,1742500000\n"
    latin = header + "UKR2,Les forces russes ont bombardé Kherson le 20 mars 2025.,1742500000\n"
    (tmp_path / "ru.csv").write_bytes(cyrillic.encode("cp1251"))
    (tmp_path / "fr.csv").write_bytes(latin.encode("cp1252"))
    assert [d.document.text for d in read_dataset(tmp_path / "ru.csv", "acled-csv")] == \
        ["Российские войска обстреляли Херсон 20 марта 2025 года."]
    assert [d.document.text for d in read_dataset(tmp_path / "fr.csv", "acled-csv")] == \
        ["Les forces russes ont bombardé Kherson le 20 mars 2025."]


def test_issue_12_nul_bytes_anywhere_and_utf16_json_lines(db, tmp_path, run_cli):
    late_nul = tmp_path / "late.txt"
    late_nul.write_bytes(b"Russian forces shelled Kherson. " * 400 + b"\x00\x01binary tail")
    result = run_cli("ingest", str(late_nul), "--db", db)
    assert result.exit_code == 2 and "binary file (a NUL byte at byte 12800)" in result.stderr
    utf16 = tmp_path / "w.jsonl"
    utf16.write_bytes('{"id": 1, "text": "Russian forces shelled Kherson.", "published": "2025-03-20"}\r\n'
                      '{"id": 2, "text": "Ukrainian drones hit Belgorod.", "published": "2025-03-20"}\r\n'
                      .encode("utf-16"))
    result = run_cli("ingest", "--jsonl", str(utf16), "--db", db)
    assert result.exit_code == 0 and "2 added" in result.stdout, result.stderr


def test_issue_12_batches_of_short_and_sectioned_documents_keep_each_parse_with_its_document():
    from ceasefire.extract import extract_many
    from ceasefire.intake import make_document

    towns = ["Kherson", "Sumy", "Nikopol", "Kupiansk", "Izium", "Okhtyrka", "Orikhiv", "Lyman"]
    texts = [f"Russian forces shelled {towns[i % 8]} on Monday, the governor said. (report {i})" for i in range(70)]
    texts.insert(35, "".join(f"Russian forces shelled {t} on Monday.\n" + "The market was open.\n" * 1_000
                             for t in towns))  # 8 sections of about 21,000 characters
    documents = [make_document(t.encode(), t, published=dt.date(2025, 3, 20)).document for t in texts]
    results = list(extract_many(documents))
    assert [r.document.id for r in results] == [d.id for d in documents]
    for text, result in zip(texts, results):
        places = sorted(i.place_mention or "" for i in result.incidents)
        assert places == sorted(t for t in towns if f"shelled {t} on" in text), (text[:60], places)


def test_issue_12_the_fetcher_resolves_each_hop_once_and_connects_to_the_address_it_vetted(monkeypatch):
    """DNS rebinding by a patched resolver: each name answers a vetted address the first time and a private one
    after. The fetcher asks once per hop, connects where it vetted (the server sees the name in Host), follows a
    relative redirect by the name, refuses a hop to a private address, and stops a chain of redirects."""
    import ipaddress
    import socket
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import pytest

    import ceasefire.intake.web as web
    from ceasefire.errors import InputError

    seen_hosts = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            seen_hosts.append(self.headers["Host"])
            targets = {"/": "/report", "/away": f"http://inside.test:{port}/", "/loop": "/loop"}
            if self.path in targets:
                self.send_response(302)
                self.send_header("Location", targets[self.path])
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"Russian forces shelled Kherson on Monday.")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lookups = []
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        lookups.append(host)
        if host == "inside.test":  # an address on the inside: refused when vetted
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
        answer = "127.0.0.1" if lookups.count(host) == 1 else "169.254.169.254"  # vetted first, then rebound
        return real(answer, *args, **kwargs) if host == "news.test" else real(host, *args, **kwargs)

    target, headers, extensions = web._pinned("https://news.test/a?b=1", "2001:db8::1")
    assert str(target) == "https://[2001:db8::1]/a?b=1" and headers == {"Host": "news.test"}
    assert extensions == {"sni_hostname": "news.test"}  # the certificate is checked against the name
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    # This machine's loopback stands in for a public address (the vetting is what is under test).
    monkeypatch.setattr(web, "_public", lambda a: a != ipaddress.ip_address("10.0.0.7") and not a.is_link_local)
    try:
        document = web.fetch_url(f"http://news.test:{port}/").document
        assert "shelled Kherson" in document.text and document.url == f"http://news.test:{port}/"
        assert seen_hosts == [f"news.test:{port}"] * 2  # both hops by name, to the vetted address
        names = [h for h in lookups if not h.replace(".", "").isdigit()]  # the connection "resolves" its literal
        assert names == ["news.test"]  # one lookup for the chain's one host: the rebound answer was never asked
        with pytest.raises(InputError, match="refused: inside.test resolves to non-public address 10.0.0.7"):
            web.fetch_url(f"http://127.0.0.1:{port}/away")
        with pytest.raises(InputError, match="too many redirects"):
            web.fetch_url(f"http://127.0.0.1:{port}/loop")
    finally:
        server.shutdown()


def test_issue_12_review_findings_bad_ports_hostile_exports_and_a_parse_failure_cost_only_their_own(db, tmp_path,
                                                                                                     run_cli,
                                                                                                     monkeypatch):
    import pytest

    import ceasefire.extract as extract
    from ceasefire.errors import InputError
    from ceasefire.intake import make_document
    from ceasefire.intake.web import fetch_url

    with pytest.raises(InputError, match="not a valid port"):
        fetch_url("http://example.org:99999/")
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "surrogate.json").write_text('{"name": "c", "messages": [{"id": 1, "date": "2025-03-20T08:00:00", '
                                             '"text": "bad \\ud800 text"}]}')
    for name in ("folder.json", "deep.json", "surrogate.json"):
        result = run_cli("ingest", str(tmp_path / name), "--format", "telegram-json", "--db", db)
        assert result.exit_code == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1, name
    # A dump written over a file anyone could read is made the owner's alone.
    out = tmp_path / "dump.jsonl"
    out.write_text("")
    out.chmod(0o644)
    assert run_cli("export", "--format", "jsonl", "--out", str(out), "--db", db).exit_code == 0
    assert out.stat().st_mode & 0o077 == 0
    # A text the parser fails on costs only itself, not the texts batched with it.
    real = extract.english()

    class Failing:
        def pipe(self, texts, batch_size):
            texts = list(texts)
            if any("POISON" in t for t in texts):
                raise ValueError("parser failure")
            return real.pipe(texts, batch_size=batch_size)

        def __call__(self, text):
            if "POISON" in text:
                raise ValueError("parser failure")
            return real(text)

    monkeypatch.setattr(extract, "english", lambda: Failing())
    texts = [f"Russian forces shelled Kherson on Monday (report {n})." for n in range(5)]
    texts[3] = "POISON " + texts[3]
    documents = [make_document(t.encode(), t, published=dt.date(2025, 3, 20)).document for t in texts]
    results = list(extract.extract_many(documents))
    assert [r.error is not None for r in results] == [False, False, False, True, False]
    assert all(r.incidents for n, r in enumerate(results) if n != 3)
