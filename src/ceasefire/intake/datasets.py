"""Event datasets in CSV (UCDP GED, ACLED): one document per row, its text the row's description.

The structured answer columns are kept out of the text on purpose: extraction must read the words,
and the coded columns stay available to scoring (`ceasefire eval`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

from ceasefire.errors import InputError
from ceasefire.intake.files import MAX_DOCUMENT_BYTES, make_document
from ceasefire.records import RawDocument

DATASET_FORMATS = ("ucdp-csv", "acled-csv")
# Content types of documents that are rows of an event dataset: each codes exactly one event.
DATASET_ROW_TYPES = {"application/x-acled-row", "application/x-ucdp-row"}
_UCDP_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S")
_ARTICLE_DATE = re.compile(r",(\d{4}-\d{2}-\d{2}),")


def _read_csv(path: Path) -> list[dict[str, str]]:
    name = str(path)
    if not path.exists():
        raise InputError(name, "no such file")
    raw = path.read_bytes()
    if len(raw) > 50 * MAX_DOCUMENT_BYTES:
        raise InputError(name, "too large for one dataset file; split it")
    if b"\x00" in raw[:8192]:
        raise InputError(name, "binary file (contains NUL bytes), expected CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older UCDP exports are Windows-1252; every byte sequence a CSV of text holds decodes there.
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"neither UTF-8 nor Windows-1252 text (byte {exc.start})") from None
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(name, f"malformed CSV ({exc})") from None


def _ucdp_date(value: str) -> dt.date | None:
    for fmt in _UCDP_DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _require(row: dict[str, str], columns: tuple[str, ...], where: str) -> None:
    missing = [c for c in columns if c not in row]
    if missing:
        raise InputError(where, f"missing column(s) {', '.join(missing)}")


def read_ucdp(path: Path) -> Iterator[RawDocument]:
    rows = _read_csv(path)
    for i, row in enumerate(rows, start=2):
        where = f"{path}:{i}"
        _require(row, ("id", "source_headline", "date_start"), where)
        headline = " ".join(h.strip() for h in row["source_headline"].split(";") if h.strip())
        if not headline:
            continue
        article_date = _ARTICLE_DATE.search(row.get("source_article", ""))
        published = (dt.date.fromisoformat(article_date.group(1)) if article_date else None) \
            or _ucdp_date(row.get("date_end", "")) or _ucdp_date(row["date_start"])
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield make_document(raw, headline, published=published, source=row.get("source_office") or "UCDP GED",
                            title=f"UCDP GED event {row['id']}", content_type="application/x-ucdp-row")


def read_acled(path: Path) -> Iterator[RawDocument]:
    rows = _read_csv(path)
    for i, row in enumerate(rows, start=2):
        where = f"{path}:{i}"
        _require(row, ("event_id_cnty", "notes"), where)
        if not row["notes"].strip():
            continue
        published = None
        if row.get("timestamp", "").isdigit():
            published = dt.datetime.fromtimestamp(int(row["timestamp"]), dt.timezone.utc).date()
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield make_document(raw, row["notes"], published=published, source=row.get("source") or "ACLED",
                            title=f"ACLED event {row['event_id_cnty']}", content_type="application/x-acled-row")


def read_dataset(path: str | Path, fmt: str) -> Iterator[RawDocument]:
    """Yield one document per row of a dataset file in the named format (see DATASET_FORMATS)."""
    readers = {"ucdp-csv": read_ucdp, "acled-csv": read_acled}
    if fmt not in readers:
        raise InputError(str(path), f"unknown dataset format {fmt!r}; known: {', '.join(DATASET_FORMATS)}")
    return readers[fmt](Path(path))
