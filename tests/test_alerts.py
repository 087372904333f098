"""Alerts end to end against a local HTTP receiver and a local SMTP server."""
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import DEMO_TEXTS

SECRET = "s3cret-shared-with-the-receiver"


@pytest.fixture(autouse=True)
def local_delivery(monkeypatch):
    monkeypatch.setenv("CFM_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("CFM_ALERT_BACKOFF", "0.01")


@pytest.fixture
def store_with_findings(run_cli, db):
    run_cli("ingest", str(DEMO_TEXTS / "daily-briefing-2025-03-20.txt"), "--published", "2025-03-20", "--db", db)
    rows = json.loads(run_cli("findings", "--db", db, "--agreement", "energy-moratorium-2025", "--json").stdout)
    assert rows
    return db


@pytest.fixture
def receiver():
    """A webhook receiver that fails the first request of each alert with 500, then accepts."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            key = self.headers["Idempotency-Key"]
            first = not any(r["key"] == key for r in received)
            received.append({"key": key, "body": body, "signature": self.headers["X-Ceasefire-Signature"]})
            self.send_response(500 if first else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def test_alerts_webhook_signed_retried_idempotent(run_cli, store_with_findings, receiver):
    url, received = receiver
    db = store_with_findings
    out = run_cli("alerts", "subscribe", "--db", db, "--webhook", url, "--secret", SECRET, "--agreement",
                  "energy-moratorium-2025")
    assert out.exit_code == 0, out.stderr
    sent = run_cli("alerts", "send", "--db", db)
    assert sent.exit_code == 0 and "0 failed" in sent.stdout
    keys = {r["key"] for r in received}
    assert keys and len(received) == 2 * len(keys)  # each alert: one 500, one retry accepted
    for r in received:
        expected = "sha256=" + hmac.new(SECRET.encode(), r["body"], hashlib.sha256).hexdigest()
        assert r["signature"] == expected
        payload = json.loads(r["body"])
        assert payload["idempotency_key"] == r["key"] and payload["finding"]["status"] != "out_of_scope"
    again = run_cli("alerts", "send", "--db", db)
    assert "0 delivered" in again.stdout and len(received) == 2 * len(keys)
    log = json.loads(run_cli("alerts", "log", "--db", db, "--json").stdout)
    assert [e["outcome"] for e in log].count("delivered") == len(keys)
    assert [e["outcome"] for e in log].count("failed") == len(keys)


def test_alerts_webhook_needs_a_secret(run_cli, db):
    result = run_cli("alerts", "subscribe", "--db", db, "--webhook", "http://127.0.0.1:9/x")
    assert result.exit_code == 2 and "secret" in result.stderr


def test_alerts_email_to_local_smtp_server(run_cli, store_with_findings, monkeypatch):
    controller_mod = pytest.importorskip("aiosmtpd.controller")
    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
            messages.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = controller_mod.Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("CFM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CFM_SMTP_PORT", str(port))
        db = store_with_findings
        run_cli("alerts", "subscribe", "--db", db, "--email", "desk@example.org", "--party", "UA")
        assert run_cli("alerts", "send", "--db", db).exit_code == 0
    finally:
        controller.stop()
    assert messages and all(m.rcpt_tos == ["desk@example.org"] for m in messages)
    assert b"Idempotency key" in messages[0].content and b"by UA" in messages[0].content


def test_alerts_filter_by_grade():
    import datetime as dt

    from ceasefire.publish.alerts import AlertFilter
    from ceasefire.records import Finding

    f = Finding(id="f", event_id="e", agreement_id="a", clause="c", party="RU", status="alleged", confidence=0.5,
                rationale="r", date=dt.date(2025, 3, 20), grade="C3")
    assert AlertFilter(min_grade="C3").matches(f) and not AlertFilter(min_grade="B3").matches(f)
    assert not AlertFilter(min_grade="C2").matches(f) and AlertFilter(party="RU").matches(f)
