"""Fetching a URL with a guard against server-side request forgery.

Only http(s) on public addresses are fetched: a monitoring server must not be turned into a probe of
its own network by a link in a feed. A source the team marks `--local` (a mirror on its own network), or every
fetch when CFM_ALLOW_PRIVATE_URLS=1 (tests), may reach local addresses.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

import httpx

from ceasefire.errors import InputError
from ceasefire.intake.files import MAX_DOCUMENT_BYTES, decode_text, make_document, page_fields
from ceasefire.records import RawDocument

TIMEOUT_SECONDS = 20.0
DEADLINE_SECONDS = 60.0  # for the whole fetch: a server dripping a byte a second is cut off
# Translation prefixes that carry an IPv4 address inside an IPv6 one (the embedded address may be private).
_TRANSLATED = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"),
               ipaddress.ip_network("2002::/16")]


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not any(address in net for net in _TRANSLATED if address.version == 6)


def _private_allowed(local: bool) -> bool:
    return local or os.environ.get("CFM_ALLOW_PRIVATE_URLS") == "1"


def _check_connected(url: str, response: httpx.Response) -> None:
    """The address the connection actually reached must be public too: a name that resolved to a public address
    for the check and to a private one for the connection (DNS rebinding) is refused before its body is read."""
    if _private_allowed(False):
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer or not _public(ipaddress.ip_address(peer[0])):
        raise InputError(url, f"refused: the connection reached non-public address {peer[0] if peer else '?'}")


def _vetted_address(url: str, local: bool = False) -> str | None:
    """The address to connect to for this URL, resolved once: every address the name resolves to must be public
    (None when local addresses are allowed: then the URL is fetched as it is)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(url, "only http and https URLs can be fetched")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except ValueError:  # "http://x:99999/", from the command line or a hostile redirect
        raise InputError(url, "not a valid port") from None
    if _private_allowed(local):
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


@dataclass(frozen=True)
class Fetched:
    """A response read whole (status 200) or "not modified" (304: `raw` empty), with its validators."""

    url: str  # as asked for (a redirect's target is not what the team follows)
    status: int
    raw: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    retrieved: dt.datetime


def fetch(url: str, *, local: bool = False, etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """GET `url`, reading at most MAX_DOCUMENT_BYTES within DEADLINE_SECONDS. With `etag` or `last_modified` the
    request is conditional, and an unchanged resource answers 304 with nothing to read. The name of each hop of a
    redirect chain is resolved once, vetted and connected to at that address (the connected address is checked
    again); `local` lets the URL be on this machine or its network.

    Raises:
        InputError: refused, unreachable, an HTTP error status, too large, too slow.
    """
    current = url
    started = time.monotonic()
    vetted: dict[str | None, str | None] = {}  # a name is resolved once per fetch, whichever hops return to it
    conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        for _hop in range(5):
            host = urlparse(current).hostname
            if host not in vetted:
                vetted[host] = _vetted_address(current, local)
            target, headers, extensions = _pinned(current, vetted[host])
            try:
                with client.stream("GET", target, headers={**headers, **conditional},
                                   extensions=extensions) as response:
                    if not local:
                        _check_connected(current, response)
                    if response.is_redirect and "location" in response.headers:
                        # Relative to the name, not to the address it was pinned to.
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise InputError(url, f"HTTP status {response.status_code}")
                    raw = b"" if response.status_code == 304 else _read_bounded(url, response, started)
                    return Fetched(url=url, status=response.status_code, raw=raw,
                                   content_type=response.headers.get("content-type", "").split(";")[0].strip(),
                                   etag=response.headers.get("etag"),
                                   last_modified=response.headers.get("last-modified"),
                                   retrieved=dt.datetime.now(dt.timezone.utc))
            except httpx.HTTPError as exc:
                raise InputError(url, f"fetch failed ({type(exc).__name__}: {exc})") from None
    raise InputError(url, "too many redirects")


def fetch_url(url: str, published: dt.date | None = None, local: bool = False) -> RawDocument:
    """Fetch one page as a document: a web page reduced to its main text (intake/pages.py), other text as it is."""
    return page_document(fetch(url, local=local), published)


def page_document(fetched: Fetched, published: dt.date | None = None) -> RawDocument:
    """The document of a fetched page: an HTML page's main text with its title, author and publication day (as
    given, else from the page's metadata, else the day it was retrieved, and which it was)."""
    text = decode_text(fetched.raw, fetched.url)
    fields = {"content_type": fetched.content_type or "text/plain", "published": published or fetched.retrieved.date(),
              "published_basis": "given" if published else "retrieval time"}
    if "html" in fetched.content_type or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        fields, text = page_fields(text, published, fetched.retrieved, fetched.url)
    if not text.strip():
        raise InputError(fetched.url, "no text in page")
    return make_document(fetched.raw, text, **fields, source=urlparse(fetched.url).hostname, url=fetched.url,
                         retrieved=fetched.retrieved)


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
