import json

import pytest

from ceasefire.errors import InputError
from ceasefire.intake import read_dataset, read_file, read_jsonl
from ceasefire.intake.pages import html_to_text


def test_intake_text_file_keeps_raw_bytes_and_hash(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Russian forces shelled Kherson.", encoding="utf-8")
    raw = read_file(p)
    assert raw.raw == p.read_bytes()
    assert raw.document.id == f"doc-{raw.document.sha256[:16]}"
    assert raw.document.text == "Russian forces shelled Kherson."


@pytest.mark.parametrize("content,problem", [
    (b"\x00\x01\x02binary", "binary file"),
    (b"caf\xe9 shelled", "not UTF-8"),
    (b"   \n ", "no text"),
    (b"%PDF-1.7\n%binary", "a PDF file"),
])
def test_intake_refuses_bad_files(tmp_path, content, problem):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=problem):
        read_file(p)


def test_intake_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope.txt")


def test_intake_html_drops_scripts_and_keeps_paragraphs():
    text, title = html_to_text("<html><head><title>T</title><script>alert(1)</script></head><body>"
                               "<p>One.</p><style>p{}</style><p>Two &amp; three.</p></body></html>")
    assert title == "T"
    assert text == "One.\nTwo & three."


def test_intake_jsonl_reports_bad_lines_with_numbers(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join([
        json.dumps({"id": "a", "text": "Shelling in Kherson.", "published": "2025-03-20"}),
        "{not json",
        json.dumps({"id": "c", "text": "x", "published": "20/03/2025"}),
        json.dumps({"text": "no id"}),
    ]) + "\n", encoding="utf-8")
    lines = list(read_jsonl(p))
    assert [line.line_no for line in lines] == [1, 2, 3, 4]
    assert lines[0].document is not None and lines[0].item_id == "a"
    assert "in.jsonl:2: malformed JSON" in lines[1].error
    assert "unknown date format" in lines[2].error and lines[2].item_id == "c"
    assert "'id'" in lines[3].error


def test_intake_ucdp_rows_become_documents(tmp_path):
    from ceasefire.fixtures import demo_dir

    docs = list(read_dataset(demo_dir() / "ucdp_ged_ukraine_2021h2.csv", "ucdp-csv"))
    assert len(docs) == 92
    assert all(d.document.published for d in docs)
    assert len({d.document.sha256 for d in docs}) == 92


def test_intake_telegram_json_export(tmp_path):
    import json as _json

    p = tmp_path / "result.json"
    p.write_text(_json.dumps({"name": "mod_russia", "messages": [
        {"id": 1, "date": "2025-03-20T08:00:00", "text": ["Дежурными средствами ПВО ", {"type": "bold", "text":
                                                          "уничтожены 5 беспилотников"}, " над Курской областью."]},
        {"id": 2, "date": "2025-03-20T09:00:00", "text": ""}]}), encoding="utf-8")
    docs = list(read_dataset(p, "telegram-json"))
    assert len(docs) == 1 and docs[0].document.language == "ru"
    assert docs[0].document.published.isoformat() == "2025-03-20" and "уничтожены 5" in docs[0].document.text


def test_intake_telegram_json_refuses_other_json(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("[1, 2]")
    with pytest.raises(InputError, match="not a Telegram JSON export"):
        list(read_dataset(p, "telegram-json"))


def test_intake_hostile_html(tmp_path):
    p = tmp_path / "page.html"
    p.write_text("<!doctype html><html><head><title>Report</title><style>body{}</style></head><body>"
                 "<script>document.write('<p>fake shelling</p>')</script><noscript>enable js</noscript>"
                 "<p onclick=\"alert(1)\">Russian forces shelled <b>Kherson</b>.</p><svg><text>x</text></svg>"
                 "<iframe src=\"http://evil\">frame text</iframe><p>&lt;script&gt; is text</p></body></html>")
    doc = read_file(p).document
    assert doc.text == "Russian forces shelled Kherson.\n<script> is text"
    assert doc.title == "Report" and doc.content_type == "text/html"


def test_intake_refuses_huge_files(tmp_path, monkeypatch):
    from ceasefire.intake import files

    monkeypatch.setattr(files, "MAX_DOCUMENT_BYTES", 100)
    p = tmp_path / "big.txt"
    p.write_text("x" * 101)
    with pytest.raises(InputError, match="too large"):
        read_file(p)


def test_intake_url_guard_refuses_private_addresses(monkeypatch):
    from ceasefire.intake import fetch_url

    monkeypatch.delenv("CFM_ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(InputError, match="non-public address"):
        fetch_url("http://127.0.0.1:9/report")
    with pytest.raises(InputError, match="only http and https"):
        fetch_url("file:///etc/passwd")


def test_intake_url_fetch_from_a_local_server(monkeypatch):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from ceasefire.intake import fetch_url

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            body = b"<html><title>Daily</title><p>Russian forces shelled Sumy.</p></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("CFM_ALLOW_PRIVATE_URLS", "1")
        doc = fetch_url(f"http://127.0.0.1:{server.server_port}/daily").document
    finally:
        server.shutdown()
    assert doc.text == "Russian forces shelled Sumy." and doc.title == "Daily"
