"""Fetching a URL with a guard against server-side request forgery.

Only http(s) on public addresses are fetched: a monitoring server must not be turned into a probe of
its own network by a link in a feed. Set CFM_ALLOW_PRIVATE_URLS=1 to fetch from local addresses (tests).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import time
from urllib.parse import urljoin, urlparse

import httpx

from ceasefire.errors import InputError
from ceasefire.intake.files import MAX_DOCUMENT_BYTES, decode_text, html_to_text, make_document
from ceasefire.records import RawDocument

TIMEOUT_SECONDS = 20.0
DEADLINE_SECONDS = 60.0  # for the whole fetch: a server dripping a byte a second is cut off
# Translation prefixes that carry an IPv4 address inside an IPv6 one (the embedded address may be private).
_TRANSLATED = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"),
               ipaddress.ip_network("2002::/16")]


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not any(address in net for net in _TRANSLATED if address.version == 6)


def _check_connected(url: str, response: httpx.Response) -> None:
    """The address the connection actually reached must be public too: a name that resolved to a public address
    for the check and to a private one for the connection (DNS rebinding) is refused before its body is read."""
    if os.environ.get("CFM_ALLOW_PRIVATE_URLS") == "1":
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer or not _public(ipaddress.ip_address(peer[0])):
        raise InputError(url, f"refused: the connection reached non-public address {peer[0] if peer else '?'}")


def _vetted_address(url: str) -> str | None:
    """The address to connect to for this URL, resolved once: every address the name resolves to must be public
    (None when CFM_ALLOW_PRIVATE_URLS=1: then the URL is fetched as it is)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(url, "only http and https URLs can be fetched")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except ValueError:  # "http://x:99999/", from the command line or a hostile redirect
        raise InputError(url, "not a valid port") from None
    if os.environ.get("CFM_ALLOW_PRIVATE_URLS") == "1":
        return None
    try:
        infos = socket.getaddrinfo(parsed.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(url, f"cannot resolve host ({getattr(exc, 'strerror', None) or exc})") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not _public(address):
            raise InputError(url, f"refused: {parsed.hostname} resolves to non-public address {address}")
    return str(addresses[0])


def _pinned(url: str, address: str | None) -> tuple[httpx.URL, dict, dict]:
    """The request for `url` sent to the vetted `address`: the name goes in the Host header and, for https, in the
    TLS server name (so the certificate is still checked against the name), never to a second DNS lookup that an
    attacker's name server could answer differently (DNS rebinding)."""
    target = httpx.URL(url)
    if address is None:
        return target, {}, {}
    headers = {"Host": target.netloc.decode("ascii")}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return target.copy_with(host=address), headers, extensions


def pinned_request(url: str) -> tuple[httpx.URL, dict, dict]:
    """(URL, headers, extensions) for one request to `url` at its vetted address (see _pinned); raises InputError
    for a URL that may not be fetched."""
    return _pinned(url, _vetted_address(url))


def fetch_url(url: str, published: dt.date | None = None) -> RawDocument:
    """Fetch one page, reading at most MAX_DOCUMENT_BYTES within DEADLINE_SECONDS, and return it as a document.
    The name of each hop of a redirect chain is resolved once, vetted and connected to at that address (the connected
    address is checked again)."""
    current = url
    started = time.monotonic()
    vetted: dict[str | None, str | None] = {}  # a name is resolved once per fetch, whichever hops return to it
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        for _hop in range(5):
            host = urlparse(current).hostname
            if host not in vetted:
                vetted[host] = _vetted_address(current)
            target, headers, extensions = _pinned(current, vetted[host])
            try:
                with client.stream("GET", target, headers=headers, extensions=extensions) as response:
                    _check_connected(current, response)
                    if response.is_redirect and "location" in response.headers:
                        # Relative to the name, not to the address it was pinned to.
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise InputError(url, f"HTTP status {response.status_code}")
                    raw = _read_bounded(url, response, started)
                    break
            except httpx.HTTPError as exc:
                raise InputError(url, f"fetch failed ({type(exc).__name__}: {exc})") from None
        else:
            raise InputError(url, "too many redirects")
    text = decode_text(raw, url)
    title = None
    if "html" in response.headers.get("content-type", "") or text.lstrip()[:15].lower().startswith("<!doctype html"):
        text, title = html_to_text(text)
    if not text.strip():
        raise InputError(url, "no text in page")
    return make_document(raw, text, published=published, source=urlparse(url).hostname, title=title, url=url,
                         content_type=response.headers.get("content-type", "text/plain").split(";")[0],
                         retrieved=dt.datetime.now(dt.timezone.utc))


def _read_bounded(url: str, response: httpx.Response, started: float) -> bytes:
    """The body, streamed: refused past MAX_DOCUMENT_BYTES or past the fetch's deadline (never buffered whole)."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(url, f"larger than {MAX_DOCUMENT_BYTES:,} bytes")
        if time.monotonic() - started > DEADLINE_SECONDS:
            raise InputError(url, f"took longer than {DEADLINE_SECONDS:.0f} s")
        chunks.append(chunk)
    return b"".join(chunks)
