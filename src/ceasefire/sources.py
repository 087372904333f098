"""Sources the team follows, as records in the store (`ceasefire source add|list|show|disable|enable|remove`).

A source says where to read (a feed's or page's URL, a folder, a channel export, a dataset file), how often, and
what its documents stand for: its Admiralty reliability grade and the party it speaks for go with every document
read from it (`Document.source_grade`, `Document.source_party`) and so into grading and attribution. The bundled
data/sources.yaml still grades every other document by its publisher's name and web host.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import get_args
from urllib.parse import urlparse

from ceasefire.errors import InputError
from ceasefire.records import Party, RawDocument, Reliability, Source, SourceKind

KINDS: tuple[str, ...] = get_args(SourceKind)
WEB_KINDS = {"rss", "atom", "url"}
# Dataset formats (intake/datasets.py) of the kinds that read a file of rows or messages.
DATASET_KINDS = {"telegram-export": "telegram-json", "acled-csv": "acled-csv", "ucdp-csv": "ucdp-csv"}
DEFAULT_EVERY = "15m"
MIN_EVERY_SECONDS = 1  # tests poll every second; a team's sources are polled every few minutes at most
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(value: str) -> int:
    """"90s", "15m", "1h", "2d" (or a number of seconds) -> seconds."""
    m = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", value or "")
    if not m:
        raise InputError("--every", f"{value!r} is not an interval: give a number with s, m, h or d (15m, 1h)")
    seconds = int(m.group(1)) * _UNITS[m.group(2) or "s"]
    if seconds < MIN_EVERY_SECONDS or seconds > 365 * 86400:
        raise InputError("--every", f"{value!r} is not an interval between 1 s and a year")
    return seconds


def shown_every(seconds: int) -> str:
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


def make_source(name: str, kind: str, location: str, every: str = DEFAULT_EVERY, grade: str | None = None,
                party: str | None = None, language: str | None = None, local: bool = False) -> Source:
    """A new source, checked (raises InputError naming the option and the problem)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
        raise InputError("NAME", "a source needs a name of 1 to 200 printable characters")
    if kind not in KINDS:
        raise InputError("--kind", f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    if kind in WEB_KINDS:
        parsed = urlparse(location)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise InputError("--location", f"a {kind} source is read from an http(s) URL, not {location!r}")
    else:
        if local:
            raise InputError("--local", "only a web source (rss, atom, url) can be marked --local")
        path = Path(location).expanduser()
        if not path.exists():
            raise InputError("--location", f"{location}: no such file or folder")
        if kind == "directory" and not path.is_dir():
            raise InputError("--location", f"{location}: a directory source is read from a folder")
        location = str(path.resolve())
    if grade is not None and grade.upper() not in get_args(Reliability):
        raise InputError("--grade", f"{grade!r} is not an Admiralty source grade (A to F)")
    if party is not None and party.upper() not in get_args(Party):
        raise InputError("--party", f"{party!r} is not a party; known: {', '.join(get_args(Party))}")
    if language is not None and not re.fullmatch(r"[a-z]{2}", language.strip().lower()):
        raise InputError("--language", f"{language!r} is not an ISO 639-1 code (en, uk, ru)")
    return Source(name=name, kind=kind, location=location, every_seconds=parse_every(every),
                  grade=grade.upper() if grade else None, party=party.upper() if party else None,
                  language=language.strip().lower() if language else None, local=local,
                  created_at=dt.datetime.now(dt.timezone.utc))


def as_from(source: Source, raw: RawDocument) -> RawDocument:
    """A document as read from `source`: with the source's grade, party and language (where it sets them) and, for
    feeds, pages and folders, the source's name as its publisher (rows of a dataset and channel posts keep their
    own)."""
    doc = raw.document
    update = {"source_grade": source.grade, "source_party": source.party}
    if source.language:
        update["language"] = source.language
    if source.kind in WEB_KINDS or source.kind == "directory":
        update["source"] = source.name
    return RawDocument(document=doc.model_copy(update=update), raw=raw.raw)
