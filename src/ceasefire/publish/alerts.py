"""Alerts: subscriptions stored in the database, delivered by signed webhook or by email, every attempt logged.

Webhooks are POSTed as JSON with three headers: `X-Ceasefire-Signature: sha256=<HMAC-SHA256 of the body with
the subscription's secret>`, `X-Ceasefire-Timestamp` and `Idempotency-Key` (the same for every retry of one
alert, so a receiver can drop duplicates). A failed delivery (network error, 5xx, 429) is retried with
exponential backoff; a 4xx answer is final. An alert delivered once is never sent again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage

import httpx
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, select, update

from ceasefire.errors import InputError
from ceasefire.intake.web import pinned_request
from ceasefire.records import Finding, content_id
from ceasefire.store import Store, schema

MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 1.0  # waits 1, 2, 4 s between attempts; CFM_ALERT_BACKOFF overrides (tests use 0.01)
TIMEOUT_SECONDS = 10.0


class AlertFilter(BaseModel):
    """Which findings a subscription wants; every field left empty matches all."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    agreement: str | None = None
    clause: str | None = None
    party: str | None = None
    region: str | None = None
    status: str | None = None
    min_grade: str | None = None  # e.g. "B3": reliability B or better and credibility 3 or better

    def matches(self, f: Finding) -> bool:
        if self.agreement and f.agreement_id != self.agreement or self.clause and f.clause != self.clause:
            return False
        if self.party and f.party != self.party or self.status and f.status != self.status:
            return False
        if self.region and not (f.place and f.place.admin1 and f.place.admin1.lower() == self.region.lower()):
            return False
        if self.min_grade:
            if not f.grade:
                return False
            if f.grade[0] > self.min_grade[0] or int(f.grade[1:]) > int(self.min_grade[1:]):
                return False
        return f.status != "out_of_scope"


class Subscription(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    kind: str  # "webhook" or "email"
    target: str
    secret: str | None = None
    filter: AlertFilter = AlertFilter()


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "ceasefire-monitor@localhost"

    @classmethod
    def from_env(cls) -> SmtpSettings:
        return cls(os.environ.get("CFM_SMTP_HOST", "127.0.0.1"), int(os.environ.get("CFM_SMTP_PORT", "25")),
                   os.environ.get("CFM_SMTP_SENDER", "ceasefire-monitor@localhost"))


def subscribe(store: Store, kind: str, target: str, secret: str | None, alert_filter: AlertFilter,
              actor: str = "cli") -> Subscription:
    """Store a subscription (webhooks need a secret to sign with), with its line in the audit trail."""
    from ceasefire.access import record

    if kind == "webhook":
        if not secret or len(secret) < 16:
            raise InputError("--secret", "a webhook needs a secret of at least 16 characters to sign alerts")
        if not target.startswith(("http://", "https://")):
            raise InputError(target, "a webhook must be an http(s) URL")
    elif kind == "email" and "@" not in target:
        raise InputError(target, "not an email address")
    if alert_filter.min_grade and (len(alert_filter.min_grade) != 2 or alert_filter.min_grade[0] not in "ABCDEF"
                                   or alert_filter.min_grade[1] not in "123456"):
        raise InputError("--min-grade", "expected a grade such as B3 (reliability A-F, credibility 1-6)")
    now = dt.datetime.now(dt.timezone.utc)
    sub = Subscription(id=content_id("sub", kind, target, now.isoformat()), kind=kind, target=target, secret=secret,
                       filter=alert_filter)

    def write(conn: Connection) -> None:
        conn.execute(schema.subscriptions.insert().values(id=sub.id, kind=kind, target=target, secret=secret,
                                                          active=1, created_at=now, data=sub.model_dump_json()))
        record(conn, actor, "subscription.create", f"subscription:{sub.id}",
               {"kind": kind, "target": target, "filter": alert_filter.model_dump(exclude_none=True)})

    store.write(write)
    return sub


def unsubscribe(store: Store, subscription_id: str, actor: str = "cli") -> None:
    """Stop a subscription (kept, inactive, for its delivery log)."""
    from ceasefire.access import record

    def write(conn: Connection) -> None:
        done = conn.execute(update(schema.subscriptions).where(schema.subscriptions.c.id == subscription_id,
                                                               schema.subscriptions.c.active == 1).values(active=0))
        if not done.rowcount:
            raise InputError(f"subscription {subscription_id}", "no such active subscription")
        record(conn, actor, "subscription.remove", f"subscription:{subscription_id}")

    store.write(write)


def subscriptions(store: Store) -> list[Subscription]:
    rows = store.read(lambda c: c.execute(select(schema.subscriptions.c.data).where(
        schema.subscriptions.c.active == 1).order_by(schema.subscriptions.c.created_at)).scalars().all())
    return [Subscription.model_validate_json(r) for r in rows]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _delivered(store: Store) -> set[str]:
    return set(store.read(lambda c: c.execute(select(schema.deliveries.c.idempotency_key).where(
        schema.deliveries.c.outcome == "delivered")).scalars().all()))


def _log(store: Store, key: str, sub: Subscription, finding: Finding, attempt: int, outcome: str,
         detail: str) -> None:
    def write(conn: Connection) -> None:
        conn.execute(schema.deliveries.insert().values(
            idempotency_key=key, subscription_id=sub.id, finding_id=finding.id, attempt=attempt, outcome=outcome,
            detail=detail[:500], at=dt.datetime.now(dt.timezone.utc)))

    store.write(write)


def _post(sub: Subscription, key: str, body: bytes) -> tuple[bool, bool, str]:
    """(delivered, worth retrying, detail) for one webhook attempt."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": key,
               "X-Ceasefire-Signature": sign(sub.secret or "", body),
               "X-Ceasefire-Timestamp": dt.datetime.now(dt.timezone.utc).isoformat()}
    try:
        target, pin, extensions = pinned_request(sub.target)  # the address vetted is the one posted to
        with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
            response = client.post(target, content=body, headers={**headers, **pin}, extensions=extensions)
    except InputError as exc:
        return False, False, exc.problem
    except httpx.HTTPError as exc:
        return False, True, f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return True, False, f"HTTP {response.status_code}"
    return False, response.status_code >= 500 or response.status_code == 429, f"HTTP {response.status_code}"


def _mail(sub: Subscription, key: str, finding: Finding, smtp: SmtpSettings) -> tuple[bool, bool, str]:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = sub.target
    message["Subject"] = f"[Ceasefire Monitor] {finding.status} {finding.clause} by {finding.party} on {finding.date}"
    message["Message-ID"] = f"<{key}@ceasefire-monitor>"
    message.set_content(f"{finding.rationale}\n\nAgreement: {finding.agreement_id}, clause {finding.clause}\n"
                        f"Finding: {finding.id} ({finding.basis})\nIdempotency key: {key}\n")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as client:
            client.send_message(message)
    except smtplib.SMTPResponseException as exc:
        return False, exc.smtp_code >= 400 and exc.smtp_code < 500, f"SMTP {exc.smtp_code}"
    except (OSError, smtplib.SMTPException) as exc:
        return False, True, f"{type(exc).__name__}: {exc}"
    return True, False, "accepted by SMTP server"


@dataclass
class SendReport:
    delivered: int = 0
    failed: int = 0
    skipped: int = 0


def send_alerts(store: Store, smtp: SmtpSettings | None = None) -> SendReport:
    """Deliver every matching finding not yet delivered to every active subscription."""
    smtp = smtp or SmtpSettings.from_env()
    backoff = float(os.environ.get("CFM_ALERT_BACKOFF", BACKOFF_SECONDS))
    done = _delivered(store)
    findings = store.findings()
    report = SendReport()
    for sub in subscriptions(store):
        for finding in (f for f in findings if sub.filter.matches(f)):
            key = hashlib.sha256(f"{sub.id}|{finding.id}|{finding.status}".encode()).hexdigest()
            if key in done:
                report.skipped += 1
                continue
            body = json.dumps({"idempotency_key": key, "subscription": sub.id,
                               "finding": finding.model_dump(mode="json")}, sort_keys=True).encode("utf-8")
            for attempt in range(1, MAX_ATTEMPTS + 1):
                ok, retry, detail = _post(sub, key, body) if sub.kind == "webhook" else _mail(sub, key, finding, smtp)
                _log(store, key, sub, finding, attempt, "delivered" if ok else "failed", detail)
                if ok or not retry:
                    break
                if attempt < MAX_ATTEMPTS:
                    time.sleep(backoff * 2 ** (attempt - 1))
            if ok:
                report.delivered += 1
                done.add(key)
            else:
                report.failed += 1
    return report


def delivery_log(store: Store) -> list[dict]:
    cols = schema.deliveries.c
    q = select(cols.at, cols.subscription_id, cols.finding_id, cols.attempt, cols.outcome, cols.detail,
               cols.idempotency_key).order_by(cols.id)
    return [dict(r) for r in store.read(lambda c: c.execute(q).mappings().all())]
