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

DATASET_FORMATS = ("ucdp-csv", "acled-csv", "telegram-csv", "telegram-json")
# Content types of documents that are rows of an event dataset: each codes exactly one event.
DATASET_ROW_TYPES = {"application/x-acled-row", "application/x-ucdp-row"}
_UCDP_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S")
_ARTICLE_DATE = re.compile(r",(\d{4}-\d{2}-\d{2}),")


def _read_csv(path: Path) -> list[dict[str, str]]:
    name = str(path)
    if not path.exists():
        raise InputError(name, "no such file")
    if path.is_dir():
        raise InputError(name, "a folder with no file of this format in it")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(name, "empty file, expected CSV with a header row")
    if len(raw) > 50 * MAX_DOCUMENT_BYTES:
        raise InputError(name, "too large for one dataset file; split it")
    if b"\x00" in raw[:8192]:
        raise InputError(name, "binary file (contains NUL bytes), expected CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older UCDP exports are Windows-1252; Russian and Ukrainian exports are Windows-1251. Bytes above 0x7F
        # that read as Cyrillic letters in 1251 read as accented Latin letters in 1252: the one that gives words
        # of one script is the file's.
        as_1251 = raw.decode("cp1251", errors="replace")
        letters = sum(c.isalpha() for c in as_1251)
        encoding = "cp1251" if sum("\u0400" <= c <= "\u04ff" for c in as_1251) > 0.5 * letters else "cp1252"
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(name, f"neither UTF-8 nor Windows-1252/1251 text (byte {exc.start})") from None
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(name, f"malformed CSV ({exc})") from None
    for number, row in enumerate(rows, start=1):  # a ragged row: the file is refused whole, nothing half stored
        extra, missing = len(row.get(None) or []), sum(v is None for k, v in row.items() if k is not None)
        if extra or missing:
            raise InputError(f"{name} (data row {number})", f"{extra or missing} field(s) "
                             f"{'more' if extra else 'fewer'} than the header; nothing of this file was stored")
    return rows


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
                            title=f"UCDP GED event {row['id']}", content_type="application/x-ucdp-row",
                            external_id=f"ucdp:{row['id']}")


def read_acled(path: Path) -> Iterator[RawDocument]:
    rows = _read_csv(path)
    for i, row in enumerate(rows, start=2):
        where = f"{path}:{i}"
        _require(row, ("event_id_cnty", "notes"), where)
        if not row["notes"].strip():
            continue
        published = None
        if row.get("timestamp", "").isdigit():
            try:
                published = dt.datetime.fromtimestamp(int(row["timestamp"]), dt.timezone.utc).date()
            except (OverflowError, OSError, ValueError):
                raise InputError(where, f"timestamp {row['timestamp'][:20]!r} is not a time") from None
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield make_document(raw, row["notes"], published=published, source=row.get("source") or "ACLED",
                            title=f"ACLED event {row['event_id_cnty']}", content_type="application/x-acled-row",
                            external_id=f"acled:{row['event_id_cnty']}")


def _telegram_document(channel: str, message_id: str, when: str, text: str) -> RawDocument | None:
    if not text.strip():
        return None
    published = None
    try:
        published = dt.datetime.fromisoformat(when.replace("Z", "+00:00")).date() if when else None
    except ValueError:
        published = None
    raw = json.dumps({"channel": channel, "id": message_id, "date": when, "text": text}, ensure_ascii=False,
                     sort_keys=True).encode("utf-8")
    return make_document(raw, text, published=published, source=f"{channel} (Telegram)",
                         title=f"{channel} post {message_id}".strip(),
                         content_type="application/x-telegram-post",
                         external_id=f"telegram:{channel}/{message_id}" if message_id else None)


def read_telegram_csv(path: Path) -> Iterator[RawDocument]:
    """A CSV of channel posts with `date` or `datetime` and `text` or `text_snippet` columns."""
    rows = _read_csv(path)
    channel = path.stem.split("_dev")[0].split("_holdout")[0]
    for i, row in enumerate(rows, start=2):
        text = row.get("text") or row.get("text_snippet") or ""
        if "text" not in row and "text_snippet" not in row:
            raise InputError(f"{path}:{i}", "missing column text (or text_snippet)")
        doc = _telegram_document(row.get("channel") or channel, str(row.get("id") or i),
                                 row.get("datetime") or row.get("date") or "", text)
        if doc is not None:
            yield doc


def read_telegram_json(path: Path) -> Iterator[RawDocument]:
    """A Telegram Desktop channel export (result.json): messages whose text is a string or a list of parts."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"not a Telegram JSON export ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise InputError(str(path), "not a Telegram JSON export (no messages list)")
    channel = data.get("name") or path.stem
    for message in data["messages"]:
        parts = message.get("text", "")
        text = parts if isinstance(parts, str) else "".join(p if isinstance(p, str) else p.get("text", "")
                                                            for p in parts)
        doc = _telegram_document(channel, str(message.get("id", "")), message.get("date", ""), text)
        if doc is not None:
            yield doc


def read_dataset(path: str | Path, fmt: str) -> Iterator[RawDocument]:
    """Yield one document per row of a dataset file in the named format (see DATASET_FORMATS)."""
    readers = {"ucdp-csv": read_ucdp, "acled-csv": read_acled, "telegram-csv": read_telegram_csv,
               "telegram-json": read_telegram_json}
    if fmt not in readers:
        raise InputError(str(path), f"unknown dataset format {fmt!r}; known: {', '.join(DATASET_FORMATS)}")
    return readers[fmt](Path(path))
