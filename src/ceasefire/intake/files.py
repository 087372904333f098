"""Files on disk (text, Markdown, HTML) and JSON-lines inputs."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from ceasefire.language import detect_language
from ceasefire.errors import InputError
from ceasefire.intake.pages import read_page
from ceasefire.records import Document, RawDocument
from ceasefire.timeparse import parse_iso_date

# Bigger inputs are refused rather than half-processed: a daily report is a few hundred kB at most.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def decode_text(raw: bytes, source: str) -> str:
    """Decode bytes as UTF-8 (or UTF-16 with a BOM); refuse binary content with a clear problem."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError(source, f"too large ({len(raw)} bytes; the limit is {MAX_DOCUMENT_BYTES})")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"not valid UTF-16 text ({exc.reason} at byte {exc.start})") from None
    if raw.startswith(b"%PDF"):
        raise InputError(source, "a PDF file; extract its text first (for example with pdftotext) and ingest that")
    nul = raw.find(b"\x00")
    if nul >= 0:  # anywhere: a text with a binary tail is not a report
        raise InputError(source, f"binary file (a NUL byte at byte {nul}), expected text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start}); convert it to UTF-8") from None


def refuse_nul(where: str, **values: str | None) -> None:
    """A NUL character, which JSON may escape (\\u0000), is no part of a report, and PostgreSQL cannot store one in
    text: refused as a file with a NUL byte is, whichever the store (raises InputError)."""
    for name, value in values.items():
        if value and "\x00" in value:
            raise InputError(where, f"{name} holds a NUL character at character {value.index(chr(0))}: not text")


def make_document(raw: bytes, text: str, **fields) -> RawDocument:
    """Build a document whose id is the sha256 of its raw bytes, so the same content is one document.

    The language is detected from the text unless `language` is given."""
    sha = hashlib.sha256(raw).hexdigest()
    if fields.get("language"):  # "EN", "en-US", "uk_UA": the ISO 639-1 code the extractors read
        fields["language"] = re.split(r"[-_]", str(fields["language"]).strip().lower())[0] or detect_language(text)
    else:
        fields["language"] = detect_language(text)
    return RawDocument(document=Document(id=f"doc-{sha[:16]}", sha256=sha, text=text, **fields), raw=raw)


def read_file(path: str | Path, published: dt.date | None = None, source: str | None = None) -> RawDocument:
    """Read a text, Markdown or HTML file into a document (a page reduced to its main text, see intake/pages.py).

    Raises:
        InputError: the file is missing, unreadable, binary, not UTF-8, empty or too large.
    """
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "a folder with no text, Markdown or HTML file in it")
    try:
        size = p.stat().st_size
        if size > MAX_DOCUMENT_BYTES:  # refused before it is read: a 5 GB log would otherwise fill the memory
            raise InputError(name, f"too large ({size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,})")
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror})") from None
    text = decode_text(raw, name)
    retrieved = dt.datetime.now(dt.timezone.utc)
    fields: dict = {"content_type": "text/markdown" if p.suffix.lower() == ".md" else "text/plain",
                    "published": published, "published_basis": "given" if published else None}
    if p.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        fields, text = page_fields(text, published, retrieved)
    if not text.strip():
        raise InputError(name, "no text in file")
    return make_document(raw, text, **fields, source=source or p.name, url=p.resolve().as_uri(), retrieved=retrieved)


def page_fields(html: str, published: dt.date | None, retrieved: dt.datetime,
                url: str | None = None) -> tuple[dict, str]:
    """The document fields of an HTML page and its main text: its title and author, and its publication day with
    where that came from: as given, else the page's metadata, else the day it was retrieved."""
    page = read_page(html, url)
    day, basis = (published, "given") if published else (page.published, "page metadata") if page.published \
        else (retrieved.date(), "retrieval time")
    return {"content_type": "text/html", "title": page.title, "author": page.author, "published": day,
            "published_basis": basis}, page.text


class JsonlItem(BaseModel):
    """One input line of `extract --jsonl` and `ingest --jsonl`."""

    model_config = ConfigDict(extra="ignore")
    id: str | int
    text: str
    published: str | None = None
    source: str | None = None
    language: str | None = None  # detected when absent
    title: str | None = None
    url: str | None = None


class JsonlLine(BaseModel):
    """A line that parsed (`item`, `document`) or the problem with it (`error`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    line_no: int
    item_id: str | None = None
    document: RawDocument | None = None
    error: str | None = None


def read_jsonl(path: str | Path) -> Iterator[JsonlLine]:
    """Yield each non-empty line of a JSON-lines file as a document or as a line-numbered problem.

    Raises:
        InputError: the file itself is missing or not text (single lines never raise).
    """
    name = str(path)
    p = Path(path)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory, expected a JSON-lines file")
    with p.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        # A UTF-16 file (Windows tools write it with a BOM) is read as text lines; otherwise each line is decoded
        # on its own, so that one bad line costs only itself.
        lines = (line.encode("utf-8") for line in io.TextIOWrapper(fh, encoding="utf-16", errors="replace")) \
            if head in (b"\xff\xfe", b"\xfe\xff") else fh
        for line_no, raw_line in enumerate(lines, start=1):
            if not raw_line.strip():
                continue
            where = f"{name}:{line_no}"
            try:
                line = decode_text(raw_line, where)
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise InputError(where, "expected a JSON object")
                item = JsonlItem.model_validate(data)
                if not item.text.strip():
                    raise InputError(where, "no text")
                refuse_nul(where, text=item.text, source=item.source, title=item.title, url=item.url,
                           language=item.language)
                published = parse_iso_date(item.published, where) if item.published else None
                raw = item.text.encode("utf-8")
                doc = make_document(raw, item.text, published=published, source=item.source,
                                    language=item.language, title=item.title, url=item.url,
                                    retrieved=None if published else dt.datetime.now(dt.timezone.utc))
                yield JsonlLine(line_no=line_no, item_id=str(item.id), document=doc)
            except InputError as exc:
                yield JsonlLine(line_no=line_no, item_id=_guess_id(raw_line), error=exc.one_line())
            except json.JSONDecodeError as exc:
                yield JsonlLine(line_no=line_no, error=f"{where}: malformed JSON ({exc.msg} at column {exc.colno})")
            except UnicodeEncodeError as exc:  # "\ud800": JSON allows a lone surrogate, Unicode text does not
                yield JsonlLine(line_no=line_no, item_id=_guess_id(raw_line),
                                error=f"{where}: not valid Unicode text (a lone surrogate {exc.object[exc.start]!r} "
                                      f"at character {exc.start})")
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(x) for x in first["loc"]) or "line"
                yield JsonlLine(line_no=line_no, item_id=_guess_id(raw_line),
                                error=f"{where}: field {field!r}: {first['msg']}")


def _guess_id(raw_line: bytes) -> str | None:
    try:
        value = json.loads(raw_line).get("id")
    except (ValueError, AttributeError):
        return None
    return None if value is None else str(value)
