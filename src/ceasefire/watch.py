"""Following sources: `ceasefire watch` polls each enabled source when it is due, takes in what is new and keeps
each source's health (last success, last error, documents added).

- Web sources (rss, atom, url) go through the hardened fetcher (intake/web.py) with a conditional GET: an unchanged
  feed answers 304 and costs nothing. The validators are kept only once every document of a response is stored.
- File sources (directory, telegram-export, acled-csv, ucdp-csv) read the files that are new or changed since they
  were last read (path, size and modification time); a file is marked read once its documents are stored.
- A failed poll is retried after a wait that doubles with each failure in a row (up to MAX_BACKOFF_SECONDS).
- Stopping (SIGTERM, Ctrl-C) is asked between documents: each document is stored whole or not at all, in one
  transaction, and the next poll takes in the rest. Killing the process at any moment loses nothing either: what
  was not stored is read again, and what was is recognised by its content.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ceasefire.errors import InputError
from ceasefire.intake.datasets import RowProblem, read_dataset
from ceasefire.intake.feeds import read_feed
from ceasefire.intake.files import read_file
from ceasefire.intake.web import fetch, page_document
from ceasefire.pipeline import TEXT_SUFFIXES, IngestResult, bring_up_to_date, ingest_documents
from ceasefire.records import RawDocument, Source
from ceasefire.sources import DATASET_KINDS, as_from, shown_every
from ceasefire.store import Store

MAX_BACKOFF_SECONDS = 6 * 3600
FILE_BATCH = 200  # files read, stored and marked read together
IDLE_WAIT_SECONDS = 60.0  # the longest sleep between looks at the schedule (sources added meanwhile are seen)


@dataclass(frozen=True)
class PollOutcome:
    source: str
    kind: str
    status: str  # "ok", "not modified", "error" or "stopped"
    added: int = 0
    copies: int = 0
    known: int = 0
    problems: tuple[str, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    next_poll_at: dt.datetime | None = None

    def line(self) -> str:
        """The poll's log line."""
        head = f"{_now():%Y-%m-%dT%H:%M:%SZ} poll {self.source} ({self.kind}): "
        then = f"; next {self.next_poll_at:%Y-%m-%d %H:%M:%SZ}" if self.next_poll_at else ""
        if self.status == "error":
            return f"{head}error: {self.error} ({self.seconds:.1f} s){then}"
        if self.status == "not modified":
            return f"{head}not modified ({self.seconds:.1f} s){then}"
        counts = f"{self.added} new, {self.copies} copies, {self.known} already stored, {len(self.problems)} problems"
        return f"{head}{counts} ({self.seconds:.1f} s){'; stopped before the end' if self.status == 'stopped' else then}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def poll(store: Store, source: Source, stop: Callable[[], bool] = lambda: False) -> PollOutcome:
    """Read the source once, take in what is new, and record the poll in its health."""
    started, at = time.monotonic(), _now()
    result = IngestResult()
    try:
        status = _web_poll(store, source, result, stop) if source.kind in ("rss", "atom", "url") \
            else _file_poll(store, source, result, stop)
    except InputError as exc:
        return _failed(store, source, at, exc.one_line(), started)
    except Exception as exc:  # noqa: BLE001 - a source must not stop the others; the log names what broke
        return _failed(store, source, at, f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}", started)
    if status == "stopped":  # still due: the next run takes in the rest first (and completes the refresh)
        store.update_source(source.name, last_poll_at=at, next_poll_at=at)
        return PollOutcome(source.name, source.kind, status, len(result.added), len(result.copies),
                           len(result.skipped), tuple(result.errors), seconds=time.monotonic() - started)
    if result.added or result.copies:
        bring_up_to_date(store)
    next_at = at + dt.timedelta(seconds=source.every_seconds)
    store.update_source(source.name, last_poll_at=at, last_success_at=at, failures=0, next_poll_at=next_at)
    return PollOutcome(source.name, source.kind, status, len(result.added), len(result.copies), len(result.skipped),
                       tuple(result.errors), seconds=time.monotonic() - started, next_poll_at=next_at)


def _failed(store: Store, source: Source, at: dt.datetime, error: str, started: float) -> PollOutcome:
    failures = source.health.failures + 1
    wait = min(source.every_seconds * 2 ** failures, max(source.every_seconds, MAX_BACKOFF_SECONDS))
    next_at = at + dt.timedelta(seconds=wait)
    store.update_source(source.name, last_poll_at=at, last_error=error, last_error_at=at, failures=failures,
                        next_poll_at=next_at)
    return PollOutcome(source.name, source.kind, "error", error=f"{error}; failure {failures} in a row, next try in "
                       f"{shown_every(wait)}", seconds=time.monotonic() - started, next_poll_at=next_at)


def _web_poll(store: Store, source: Source, result: IngestResult, stop: Callable[[], bool]) -> str:
    fetched = fetch(source.location, local=source.local, etag=source.etag, last_modified=source.last_modified)
    if fetched.status == 304:
        return "not modified"
    if source.kind == "url":  # the page as it reads now: a changed page is a new version of the same document
        page = page_document(fetched)
        documents: list[RawDocument | RowProblem] = [RawDocument(
            document=page.document.model_copy(update={"external_id": f"url:{source.location}"}), raw=page.raw)]
    else:
        documents = list(read_feed(fetched.raw, source.location, fetched.retrieved, source.name))
    _take_in(store, source, documents, result, stop)
    if result.stopped:
        return "stopped"
    store.update_source(source.name, etag=fetched.etag, last_modified=fetched.last_modified)
    return "ok"


def _file_poll(store: Store, source: Source, result: IngestResult, stop: Callable[[], bool]) -> str:
    read_before = store.read_files(source.name)
    new = [(path, mark) for path, mark in _files(source) if read_before.get(str(path)) != mark]
    for start in range(0, len(new), FILE_BATCH):
        batch = new[start:start + FILE_BATCH]
        documents: list[RawDocument | RowProblem] = []
        for path, _ in batch:
            try:
                documents += list(read_dataset(path, DATASET_KINDS[source.kind])) if source.kind in DATASET_KINDS \
                    else [read_file(path)]
            except InputError as exc:  # a bad file is named once and marked read: it is not read again unchanged
                result.errors.append(exc.one_line())
        _take_in(store, source, documents, result, stop)
        if result.stopped:
            return "stopped"
        store.mark_files_read(source.name, {str(path): mark for path, mark in batch})
    return "ok"


def _files(source: Source) -> Iterator[tuple[Path, str]]:
    """The source's files with their marks (size and modification time): a folder's readable files, or the file."""
    root = Path(source.location)
    if not root.exists():
        raise InputError(source.location, "no such file or folder (moved or unmounted?)")
    suffixes = TEXT_SUFFIXES if source.kind == "directory" else {".json"} if source.kind == "telegram-export" \
        else {".csv"}
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in suffixes) if root.is_dir() \
        else [root]
    for path in paths:
        try:
            info = path.stat()
        except OSError:  # removed while listed
            continue
        yield path, f"{info.st_size}:{info.st_mtime_ns}"


def _take_in(store: Store, source: Source, documents: list[RawDocument | RowProblem], result: IngestResult,
             stop: Callable[[], bool]) -> None:
    result.errors += [d.one_line() for d in documents if isinstance(d, RowProblem)]
    raws = [as_from(source, d) for d in documents if isinstance(d, RawDocument)]
    ingest_documents(store, raws, result, on_stored=store.counted_for(source.name), stop=stop, refresh=False)


def watch(store: Store, stop: threading.Event, once: bool = False,
          log: Callable[[str], None] = print) -> int:
    """Poll the due sources until `stop` is set (or, with `once`, those due now, once); return the polls made.
    First completes the refresh of events that an earlier, killed run left undone (its documents are all stored,
    so their sources are not due again to do it)."""
    bring_up_to_date(store)
    polls = 0
    while not stop.is_set():
        for source in store.due_sources(_now()):
            if stop.is_set():
                break
            outcome = poll(store, source, stop.is_set)
            polls += 1
            log(outcome.line())
            for problem in outcome.problems:
                log(f"  {source.name}: {problem}")
        if once:
            break
        upcoming = [s.health.next_poll_at for s in store.sources() if s.enabled and s.health.next_poll_at]
        wait = min([(t - _now()).total_seconds() for t in upcoming], default=IDLE_WAIT_SECONDS)
        stop.wait(min(max(wait, 0.2), IDLE_WAIT_SECONDS))
    return polls
