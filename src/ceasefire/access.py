"""Who may do what: bearer tokens with roles, and the audit trail of every write.

A token is `cfm_<id>_<secret>`: the id finds its row, and only the SHA-256 of the whole token is stored (tokens are
256-bit random strings, so a fast hash is enough; a stolen database gives no usable token). Roles are ordered:
a viewer reads; an analyst also reviews findings and submits field reports; an admin also manages agreements,
subscriptions and tokens.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import Connection, select, update

from ceasefire.errors import InputError
from ceasefire.store import Store, schema

ROLES = ("viewer", "analyst", "admin")
PREFIX = "cfm_"


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token, as the audit trail names it."""

    token_id: str
    role: str
    label: str

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def name(self) -> str:
        return f"token:{self.token_id} ({self.label})"


class TokenInfo(BaseModel):
    id: str
    role: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


class AuditEntry(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: dict


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def record(conn: Connection, actor: str, action: str, target: str, detail: dict | None = None) -> None:
    """Append one line to the audit trail, inside the caller's transaction (the write and its record stand or fall
    together)."""
    conn.execute(schema.audit.insert().values(at=_now(), actor=actor, action=action, target=target,
                                              detail=json.dumps(detail or {}, ensure_ascii=False, default=str)))


def create_token(store: Store, role: str, label: str, actor: str = "cli") -> tuple[TokenInfo, str]:
    """A new token for `role`; the token itself is returned once and never stored."""
    if role not in ROLES:
        raise InputError(f"--role {role}", f"unknown role (one of {', '.join(ROLES)})")
    token_id = secrets.token_hex(4)
    token = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    info = TokenInfo(id=token_id, role=role, label=label or role, created_at=_now())

    def write(conn: Connection) -> None:
        conn.execute(schema.tokens.insert().values(secret_sha256=_digest(token), **info.model_dump()))
        record(conn, actor, "token.create", f"token:{token_id}", {"role": role, "label": info.label})

    store.write(write)
    return info, token


def tokens(store: Store) -> list[TokenInfo]:
    cols = [c for c in schema.tokens.c if c.name != "secret_sha256"]
    rows = store.read(lambda c: c.execute(select(*cols).order_by(schema.tokens.c.created_at)).mappings().all())
    return [TokenInfo(**row) for row in rows]


def has_tokens(store: Store) -> bool:
    q = select(schema.tokens.c.id).where(schema.tokens.c.revoked_at.is_(None)).limit(1)
    return store.read(lambda c: c.execute(q).first()) is not None


def revoke_token(store: Store, token_id: str, actor: str = "cli") -> TokenInfo:
    def write(conn: Connection) -> None:
        done = conn.execute(update(schema.tokens).where(schema.tokens.c.id == token_id,
                                                        schema.tokens.c.revoked_at.is_(None)).values(revoked_at=_now()))
        if not done.rowcount:
            raise InputError(f"token {token_id}", "no such token, or revoked already")
        record(conn, actor, "token.revoke", f"token:{token_id}")

    store.write(write)
    return next(t for t in tokens(store) if t.id == token_id)


def authenticate(store: Store, token: str) -> Principal | None:
    """The principal a presented token stands for, or None (unknown, malformed or revoked)."""
    if not token.startswith(PREFIX) or token.count("_") < 2 or len(token) > 200:
        return None
    token_id = token[len(PREFIX):].split("_", 1)[0]
    q = select(schema.tokens.c.secret_sha256, schema.tokens.c.role, schema.tokens.c.label).where(
        schema.tokens.c.id == token_id, schema.tokens.c.revoked_at.is_(None))
    row = store.read(lambda c: c.execute(q).first())
    if row is None or not hmac.compare_digest(row.secret_sha256, _digest(token)):
        return None
    return Principal(token_id, row.role, row.label)


def form_key(token: str) -> str:
    """The anti-forgery value a page's forms carry for the session of `token`: keyed by the token itself, which
    the store never holds (its hash is in the store and in dumps), so neither another site nor a dump's reader can
    compute it."""
    return hmac.new(token.encode("utf-8"), b"csrf", hashlib.sha256).hexdigest()


def audit_trail(store: Store, target: str | None = None, limit: int = 1000) -> list[AuditEntry]:
    """The audit trail, newest first (of one record with `target`)."""
    q = select(schema.audit).order_by(schema.audit.c.id.desc()).limit(limit)
    if target:
        q = q.where(schema.audit.c.target == target)
    return [_entry(row) for row in store.read(lambda c: c.execute(q).mappings().all())]


def audit_trails(store: Store, targets: list[str]) -> dict[str, list[AuditEntry]]:
    """The trails of several records in one query (a page of findings), newest first each."""
    out: dict[str, list[AuditEntry]] = {t: [] for t in targets}
    for start in range(0, len(targets), 500):
        q = select(schema.audit).where(schema.audit.c.target.in_(targets[start:start + 500])).order_by(
            schema.audit.c.id.desc())
        for row in store.read(lambda c, q=q: c.execute(q).mappings().all()):
            out[row["target"]].append(_entry(row))
    return out


def _entry(row) -> AuditEntry:
    return AuditEntry(**{**row, "detail": json.loads(row["detail"])})
