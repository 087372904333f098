"""Fetching a URL with a guard against server-side request forgery.

Only http(s) on public addresses are fetched: a monitoring server must not be turned into a probe of
its own network by a link in a feed. Set CFM_ALLOW_PRIVATE_URLS=1 to fetch from local addresses (tests).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from urllib.parse import urlparse

import httpx

from ceasefire.errors import InputError
from ceasefire.intake.files import MAX_DOCUMENT_BYTES, decode_text, html_to_text, make_document
from ceasefire.records import RawDocument

TIMEOUT_SECONDS = 20.0


def _check_public(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(url, "only http and https URLs can be fetched")
    if os.environ.get("CFM_ALLOW_PRIVATE_URLS") == "1":
        return
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(url, f"cannot resolve host ({exc.strerror})") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise InputError(url, f"refused: {parsed.hostname} resolves to non-public address {address}")


def fetch_url(url: str, published: dt.date | None = None) -> RawDocument:
    """Fetch one page (redirects checked hop by hop) and return it as a document."""
    current = url
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        for _hop in range(5):
            _check_public(current)
            try:
                response = client.get(current)
            except httpx.HTTPError as exc:
                raise InputError(url, f"fetch failed ({type(exc).__name__}: {exc})") from None
            if response.is_redirect:
                current = str(response.next_request.url) if response.next_request else current
                continue
            break
        else:
            raise InputError(url, "too many redirects")
    if response.status_code >= 400:
        raise InputError(url, f"HTTP status {response.status_code}")
    raw = response.content[: MAX_DOCUMENT_BYTES + 1]
    text = decode_text(raw, url)
    title = None
    if "html" in response.headers.get("content-type", "") or text.lstrip()[:15].lower().startswith("<!doctype html"):
        text, title = html_to_text(text)
    if not text.strip():
        raise InputError(url, "no text in page")
    return make_document(raw, text, published=published, source=urlparse(url).hostname, title=title, url=url,
                         content_type=response.headers.get("content-type", "text/plain").split(";")[0],
                         retrieved=dt.datetime.now(dt.timezone.utc))
