"""Event datasets in CSV (UCDP GED, ACLED) and channel exports: one document per row or message.

Each row is validated by its format's model; a bad row is a `RowProblem` naming FILE:LINE and the problem, and the
reader goes on with the next row. A problem of the whole file (missing, binary, no header columns the format needs)
is an `InputError`: nothing of that file is read.

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
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError

from ceasefire.errors import InputError
from ceasefire.intake.files import MAX_DOCUMENT_BYTES, make_document, refuse_nul
from ceasefire.records import RawDocument

DATASET_FORMATS = ("ucdp-csv", "acled-csv", "telegram-csv", "telegram-json")
# Content types of documents that are rows of an event dataset: each codes exactly one event.
DATASET_ROW_TYPES = {"application/x-acled-row", "application/x-ucdp-row"}
_UCDP_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S")
_ARTICLE_DATE = re.compile(r",(\d{4}-\d{2}-\d{2}),")


class RowProblem(BaseModel):
    """A row or message that was not read, and why: "FILE:LINE: problem" in one line."""

    error: str

    def one_line(self) -> str:
        return self.error


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _ucdp_date(value: object) -> object:
    if isinstance(value, str):
        for fmt in _UCDP_DATE_FORMATS:
            try:
                return dt.datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
        raise ValueError(f"unknown date format {value.strip()[:30]!r}")
    return value


def _unix_day(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        return _blank_is_none(value)
    if not value.strip().isdigit():
        raise ValueError(f"{value.strip()[:20]!r} is not a Unix time")
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"{value.strip()[:20]!r} is not a possible time") from None


def _post_day(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            raise ValueError(f"unknown date format {value.strip()[:30]!r}") from None
    return value


Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
UcdpDay = Annotated[dt.date, BeforeValidator(_ucdp_date)]


class _Row(BaseModel):
    # The other columns of a dataset are kept in the row's raw bytes, not validated.
    model_config = ConfigDict(extra="ignore")


class UcdpRow(_Row):
    id: Id
    source_headline: str
    date_start: UcdpDay
    date_end: Annotated[UcdpDay | None, BeforeValidator(_blank_is_none)] = None
    source_article: str = ""
    source_office: str = ""


class AcledRow(_Row):
    event_id_cnty: Id
    notes: str
    source: str = ""
    # The day ACLED recorded the row, read as the publication day of its notes ("yesterday" counts from it).
    timestamp: Annotated[dt.date | None, BeforeValidator(_unix_day)] = None


class TelegramCsvRow(_Row):
    text: str
    date: Annotated[dt.date, BeforeValidator(_post_day)]
    id: str = ""
    channel: str = ""


class TelegramMessage(_Row):
    """A message of a Telegram Desktop export; service messages (joins, pins) have no text and are passed over."""

    id: int | str
    date: Annotated[dt.date, BeforeValidator(_post_day)]
    type: str = "message"
    text: str | list[str | dict] = ""
    edited: dt.datetime | None = None  # the last edit: the export holds the message as edited
    forwarded_from: str | None = None  # the channel the message was first posted in

    def plain_text(self) -> str:
        if isinstance(self.text, str):
            return self.text
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in self.text)


def _problem(where: str, exc: ValidationError) -> RowProblem:
    first = exc.errors()[0]
    field = ".".join(str(x) for x in first["loc"]) or "row"
    message = first["msg"].removeprefix("Value error, ")
    return RowProblem(error=" ".join(f"{where}: field {field!r}: {message}".split()))


def _read_csv(path: Path, required: tuple[str | tuple[str, ...], ...]) \
        -> Iterator[tuple[int, dict[str, str] | RowProblem]]:
    """Each data row with its line number, or the row's problem (a ragged row). The header must name each of
    `required` (one of a tuple's names)."""
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
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(name, f"binary file (a NUL byte at byte {nul}), expected CSV")
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
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise InputError(name, f"malformed CSV header ({exc})") from None
    alternatives = [(c,) if isinstance(c, str) else c for c in required]
    missing = [" or ".join(names) for names in alternatives if not set(names) & set(header)]
    if missing:
        raise InputError(name, f"not a file of this format: the header has no column {', '.join(missing)}")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # an unclosed quote or a NUL: the rest of the file cannot be split into rows
            yield reader.line_num, RowProblem(error=f"{name}:{reader.line_num}: malformed CSV ({exc}); "
                                                    f"the rest of the file was not read")
            return
        where = f"{name}:{reader.line_num}"
        extra, missing_fields = len(row.get(None) or []), sum(v is None for k, v in row.items() if k is not None)
        if extra or missing_fields:
            yield reader.line_num, RowProblem(error=f"{where}: {extra or missing_fields} field(s) "
                                                    f"{'more' if extra else 'fewer'} than the header")
        else:
            yield reader.line_num, row


def _validated(path: Path, model: type[_Row], required: tuple[str, ...]) \
        -> Iterator[tuple[dict[str, str], _Row] | RowProblem]:
    """Each row of a dataset file with its validated record, or the row's problem."""
    for line, row in _read_csv(path, required):
        if isinstance(row, RowProblem):
            yield row
            continue
        try:
            yield row, model.model_validate(row)
        except ValidationError as exc:
            yield _problem(f"{path}:{line}", exc)


def read_ucdp(path: Path) -> Iterator[RawDocument | RowProblem]:
    for item in _validated(path, UcdpRow, ("id", "source_headline", "date_start")):
        if isinstance(item, RowProblem):
            yield item
            continue
        row, event = item
        headline = " ".join(h.strip() for h in event.source_headline.split(";") if h.strip())
        if not headline:
            continue
        article_date = _ARTICLE_DATE.search(event.source_article)
        try:
            published = dt.date.fromisoformat(article_date.group(1)) if article_date else None
        except ValueError:
            published = None
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield make_document(raw, headline, published=published or event.date_end or event.date_start,
                            published_basis="dataset row",
                            source=event.source_office or "UCDP GED", title=f"UCDP GED event {event.id}",
                            content_type="application/x-ucdp-row", external_id=f"ucdp:{event.id}")


def read_acled(path: Path) -> Iterator[RawDocument | RowProblem]:
    for item in _validated(path, AcledRow, ("event_id_cnty", "notes")):
        if isinstance(item, RowProblem):
            yield item
            continue
        row, event = item
        if not event.notes.strip():
            continue
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield make_document(raw, event.notes, published=event.timestamp, published_basis="dataset row",
                            source=event.source or "ACLED",
                            title=f"ACLED event {event.event_id_cnty}", content_type="application/x-acled-row",
                            external_id=f"acled:{event.event_id_cnty}")


def _telegram_document(channel: str, message_id: str, when: str, day: dt.date, text: str, channel_id: str = "",
                       edited: dt.datetime | None = None, forwarded_from: str | None = None) -> RawDocument:
    """A channel post as a document whose external id is the channel's (its numeric id where the export gives one:
    a channel's name can change) and the message's: an edit of the message is a new version of this document."""
    message = {"channel": channel, "id": message_id, "date": when, "text": text}
    if edited:
        message["edited"] = edited.isoformat()
    if forwarded_from:
        message["forwarded_from"] = forwarded_from
    raw = json.dumps(message, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return make_document(raw, text, published=day, published_basis="message date", source=f"{channel} (Telegram)",
                         title=f"{channel} post {message_id}".strip(), content_type="application/x-telegram-post",
                         external_id=f"telegram:{channel_id or channel}/{message_id}" if message_id else None,
                         edited=edited, forwarded_from=forwarded_from)


def read_telegram_csv(path: Path) -> Iterator[RawDocument | RowProblem]:
    """A CSV of channel posts with `date` or `datetime` and `text` or `text_snippet` columns."""
    channel = path.stem.split("_dev")[0].split("_holdout")[0]
    for number, (line, row) in enumerate(_read_csv(path, (("text", "text_snippet"), ("date", "datetime"))), start=2):
        if isinstance(row, RowProblem):
            yield row
            continue
        fields = {"text": row.get("text") or row.get("text_snippet") or "",
                  "date": row.get("datetime") or row.get("date") or "", "id": row.get("id") or str(number),
                  "channel": row.get("channel") or channel}
        try:
            post = TelegramCsvRow.model_validate(fields)
        except ValidationError as exc:
            yield _problem(f"{path}:{line}", exc)
            continue
        if post.text.strip():
            yield _telegram_document(post.channel, post.id, fields["date"], post.date, post.text)


def read_telegram_json(path: Path) -> Iterator[RawDocument | RowProblem]:
    """A Telegram Desktop channel export (result.json): messages whose text is a string or a list of parts."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    if path.is_dir():
        raise InputError(str(path), "a folder with no Telegram JSON export in it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"not a Telegram JSON export ({exc})") from None
    except RecursionError:
        raise InputError(str(path), "not a Telegram JSON export (nested too deeply)") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise InputError(str(path), "not a Telegram JSON export (no messages list)")
    channel = str(data.get("name") or path.stem)
    channel_id = str(data.get("id") or "")
    for number, message in enumerate(data["messages"]):
        where = f"{path}: messages[{number}]"
        if not isinstance(message, dict):
            yield RowProblem(error=f"{where}: expected a JSON object")
            continue
        if message.get("type", "message") != "message":
            continue
        try:
            post = TelegramMessage.model_validate(message)
        except ValidationError as exc:
            yield _problem(where, exc)
            continue
        text = post.plain_text()
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # "\ud800": JSON allows a lone surrogate, Unicode text does not
            yield RowProblem(error=f"{where}: not valid Unicode text (a lone surrogate at character {exc.start})")
            continue
        try:
            refuse_nul(where, text=text, channel=channel, id=str(post.id), forwarded_from=post.forwarded_from)
        except InputError as exc:
            yield RowProblem(error=exc.one_line())
            continue
        if text.strip():
            yield _telegram_document(channel, str(post.id), message["date"], post.date, text, channel_id,
                                     post.edited, post.forwarded_from)


def read_dataset(path: str | Path, fmt: str) -> Iterator[RawDocument | RowProblem]:
    """Yield one document per row of a dataset file in the named format (see DATASET_FORMATS), or the row's
    problem; a problem of the whole file raises InputError."""
    readers = {"ucdp-csv": read_ucdp, "acled-csv": read_acled, "telegram-csv": read_telegram_csv,
               "telegram-json": read_telegram_json}
    if fmt not in readers:
        raise InputError(str(path), f"unknown dataset format {fmt!r}; known: {', '.join(DATASET_FORMATS)}")
    return readers[fmt](Path(path))
