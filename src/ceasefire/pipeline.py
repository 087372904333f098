"""Runs intake -> extract -> store for a batch of inputs; bad inputs are reported, never half-stored.

Library use (what `ceasefire ingest` does):

    >>> from ceasefire.pipeline import ingest_inputs
    >>> report = ingest_inputs(store, paths=["report.txt"])   # doctest: +SKIP
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from ceasefire.errors import InputError
from ceasefire.extract import extract_in_processes, extract_many
from ceasefire.intake import fetch_url, read_dataset, read_file, read_jsonl
from ceasefire.intake.copies import band_keys, compared
from ceasefire.progress import progress
from ceasefire.adjudicate import adjudicate
from ceasefire.reconcile import reconcile
from ceasefire.records import Agreement, Event, Extraction, Finding, RawDocument, content_id
from ceasefire.store import FULL_REFRESH, Store

TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".xhtml", ".text"}
BATCH = 128


@dataclass
class IngestResult:
    added: list[RawDocument] = field(default_factory=list)
    copies: list[RawDocument] = field(default_factory=list)  # stored as republished copies of a stored text
    skipped: list[RawDocument] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    claims: int = 0
    incidents: int = 0
    stopped: bool = False  # asked to stop before every document was stored (the rest is taken in next time)


@dataclass(frozen=True)
class IngestRequest:
    """What to take in: files or folders or URLs, a JSON-lines file, a dataset format for CSV inputs."""

    inputs: tuple[str, ...] = ()
    jsonl: str | None = None
    dataset_format: str | None = None
    published: dt.date | None = None
    processes: int = 1  # extraction's worker processes (forked; they share the loaded models)


def _expand(inputs: Iterable[str], suffixes: set[str] = TEXT_SUFFIXES) -> Iterator[str]:
    """Files as given, and the readable files of folders (a folder with none is itself given back, so that it is
    reported rather than passed over in silence)."""
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
            yield from found or [item]
        else:
            yield item


def read_inputs(request: IngestRequest, errors: list[str]) -> Iterator[RawDocument]:
    """Every document the request names; problems are appended to `errors` and the rest go on."""
    suffixes = {".json"} if request.dataset_format == "telegram-json" else {".csv"} if request.dataset_format \
        else TEXT_SUFFIXES
    for item in _expand(request.inputs, suffixes):
        try:
            if item.startswith(("http://", "https://")):
                yield fetch_url(item, request.published)
            elif request.dataset_format:
                for row in read_dataset(item, request.dataset_format):
                    if isinstance(row, RawDocument):
                        yield row
                    else:  # a bad row is named and skipped; the file's other rows go on
                        errors.append(row.one_line())
            else:
                yield read_file(item, request.published)
        except InputError as exc:
            errors.append(exc.one_line())
    if request.jsonl:
        try:
            for line in read_jsonl(request.jsonl):
                if line.error:
                    errors.append(line.error)
                elif line.document is not None:
                    yield line.document
        except InputError as exc:
            errors.append(exc.one_line())


def ingest(store: Store, request: IngestRequest) -> IngestResult:
    """Store every new document of the request with its extraction, one transaction per document."""
    result = IngestResult()
    return ingest_documents(store, read_inputs(request, result.errors), result, request.processes)


def ingest_documents(store: Store, documents: Iterable[RawDocument], result: IngestResult | None = None,
                     processes: int = 1, on_stored: Callable[[Connection], None] | None = None,
                     stop: Callable[[], bool] = lambda: False, refresh: bool = True) -> IngestResult:
    """Store each new document with its extraction, one transaction per document (with `on_stored`'s writes: a
    source's count), then bring events and findings up to date. A text that republishes a stored one is stored as
    its copy and not read again (intake/copies.py); one whose extraction fails is quarantined. `stop` is asked
    between documents: a stopped run has stored whole documents only, and the next run takes in the rest."""
    result = result or IngestResult()
    seen: set[str] = set()
    pending: list[RawDocument] = []
    for raw in documents:
        if raw.document.sha256 in seen or store.has_document(raw.document.sha256):
            result.skipped.append(raw)
            continue
        seen.add(raw.document.sha256)
        pending.append(raw)
    bands = {raw.document.id: band_keys(raw.document.text) for raw in pending if compared(raw.document)}
    # Copies of texts already stored are not read (a copy of a text earlier in this run is found as it is stored).
    known_copies = {raw.document.id for raw in pending if raw.document.id in bands
                    and store.original_of(raw.document, bands[raw.document.id])}
    bar = progress(len(pending), "taking in") if len(pending) > 20 else None
    for raw, extraction in _extractions(pending, processes, known_copies):
        if stop():
            result.stopped = True
            break
        _store_one(store, raw, extraction, result, on_stored, bands.get(raw.document.id))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    if refresh and not result.stopped:
        bring_up_to_date(store)  # also completes a refresh that an earlier, killed run left undone
    return result


def _store_one(store: Store, raw: RawDocument, extraction: Extraction, result: IngestResult,
               on_stored: Callable[[Connection], None] | None, bands: list[int] | None) -> None:
    """Store one document and record the outcome in `result`; a document that cannot be read or stored is
    quarantined (its transaction left nothing behind)."""
    where = raw.document.source or raw.document.id
    if extraction.error:
        problem = f"{where}: {extraction.error}"
        store.quarantine(raw.document.id, problem, raw)
        result.errors.append(problem)
        return
    try:
        stored = store.save_extraction(raw, extraction, on_stored, bands)
    except SQLAlchemyError as exc:
        problem = f"{where}: not stored ({type(exc).__name__}: " \
                  f"{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]})"
        store.quarantine(raw.document.id, problem, raw)
        result.errors.append(problem)
        return
    if stored == "new":
        result.added.append(raw)
        result.claims += len(extraction.claims)
        result.incidents += len(extraction.incidents)
    elif stored == "copy":
        result.copies.append(raw)
    else:
        result.skipped.append(raw)


def _extractions(pending: list[RawDocument], processes: int,
                 not_read: set[str] = frozenset()) -> Iterator[tuple[RawDocument, Extraction]]:
    """Each document with its extraction, in order: batch by batch here, or streamed from worker processes. The
    documents of `not_read` (known copies) get an empty extraction."""
    read = [raw for raw in pending if raw.document.id not in not_read]
    if processes > 1:
        extractions = extract_in_processes([r.document for r in read], processes)
    else:
        extractions = (e for start in range(0, len(read), BATCH)
                       for e in extract_many([r.document for r in read[start:start + BATCH]]))
    for raw in pending:
        yield raw, Extraction(document=raw.document) if raw.document.id in not_read else next(extractions)


def retry_quarantined(store: Store, entry_ids: list[int] | None = None) -> IngestResult:
    """Extract and store the quarantined documents again (all, or those named); each one that now goes through is
    marked resolved, each one that fails again stays with its new problem."""
    result = IngestResult()
    found = store.quarantined_documents(entry_ids)
    missing = set(entry_ids or []) - {entry_id for entry_id, _ in found}
    result.errors += [f"quarantine entry {m}: no such entry awaiting a retry" for m in sorted(missing)]
    for entry_id, raw in found:
        (extraction,) = extract_many([raw.document])
        problem = f"{raw.document.source or raw.document.id}: {extraction.error}" if extraction.error else None
        try:
            saved = None if problem else store.save_extraction(raw, extraction)
        except SQLAlchemyError as exc:
            problem = f"{raw.document.source or raw.document.id}: not stored ({type(exc).__name__})"
        if problem:
            result.errors.append(problem)
            store.requarantine(entry_id, problem)
            continue
        if saved:
            result.added.append(raw)
        else:
            result.skipped.append(raw)
        store.resolve_quarantine(entry_id)
    bring_up_to_date(store)
    return result


def bring_up_to_date(store: Store) -> None:
    """Refresh events and findings if stored documents are marked as not yet covered (a durable mark written with
    each document): a run killed before or during its refresh leaves the marks, and the next command completes it."""
    if store.pending_refresh():
        refresh_judgements(store)


def agreements_of(store: Store) -> list[Agreement]:
    """Every agreement events are judged against: the bundled ones, then those an admin added to the store."""
    from ceasefire.adjudicate import bundled_agreements, load_agreement

    stored = store.agreements()
    return [load_agreement(name) for name in bundled_agreements() if name not in {a.id for a in stored}] + stored


def refresh_judgements(store: Store, everything: bool = False) -> None:
    """After new reports: reconcile events again and judge them against every agreement (bundled, and those an
    admin added); then clear the
    marks of the documents this refresh covered. Only the days the new reports touch are recomputed (see
    `_touched_window`), unless `everything` is asked for or the touched days are too many."""
    with store.refresh_lock():
        covered = store.pending_refresh()
        documents = store.pending_documents(covered)
        # A mark without a document (an upgrade of the store's schema) asks for everything.
        window = None if everything or not covered or FULL_REFRESH in documents else _touched_window(store, documents)
        if window is None:
            events, scope = reconcile_store(store), None
        else:
            events, scope = _reconcile_window(store, *window)
        for agreement in agreements_of(store):
            judged = {e.id for e in events} | (scope or set())
            store.save_findings(agreement.id, adjudicate(events, agreement), None if scope is None else judged)
        store.clear_pending_refresh(covered)
    store.update_statistics()


# Reports reach back: a denial answers news of up to a week before (reconcile.DENIAL_WINDOW); a window longer than
# this is recomputed whole.
_WINDOW_MARGIN = dt.timedelta(days=8)
MAX_WINDOW = dt.timedelta(days=366)


def _touched_window(store: Store, doc_ids: set[str]) -> tuple[dt.date, dt.date] | None:
    """The days whose events new reports may change: their incidents' days and, for denials, the days around their
    publication; widened until no event stored across its edges is cut (None: recompute everything)."""
    from ceasefire.reconcile import published_day

    days = [d for d in (published_day(doc) for doc in store.documents_by_id(doc_ids).values()) if d]
    spans = [(i.when.start, i.when.end) for i in store.incidents_of(doc_ids) if i.when and not i.historical]
    if not days and not spans:
        return None
    start = min([s for s, _ in spans] + [d - _WINDOW_MARGIN for d in days])
    end = max([e for _, e in spans] + [d + _WINDOW_MARGIN for d in days])
    for _ in range(5):  # the reports overlapping the window, and the events they belong to, may reach beyond it
        overlapping = [i for i in store.incidents(start, end) if i.when and not i.historical]
        touched = store.events_by_id(set(store.event_links({i.id for i in overlapping}).values()))
        spans = [(i.when.start, i.when.end) for i in overlapping] + [(e.when.start, e.when.end) for e in touched]
        wider = (min([start] + [s for s, _ in spans]), max([end] + [e for _, e in spans]))
        if wider == (start, end):
            break
        start, end = wider
    return (start, end) if end - start <= MAX_WINDOW else None


def _reconcile_window(store: Store, start: dt.date, end: dt.date) -> tuple[list[Event], set[str]]:
    """Reconcile the incidents of [start, end] again; return the new events and the stored ones they replace."""
    incidents = store.incidents(start, end)
    links = store.event_links({i.id for i in incidents})
    scope = set(links.values()) | store.unlinked_events()
    claims = {c.id: c for c in store.claims(start - _WINDOW_MARGIN, end + _WINDOW_MARGIN)}
    claims.update((c.id, c) for c in store.claims_by_id({cid for i in incidents for cid in i.claim_ids}))
    documents = store.documents_by_id({i.doc_id for i in incidents} | {c.doc_id for c in claims.values()})
    contradictions = [c for c in store.contradictions_of({c.doc_id for c in claims.values()})
                      if all(cid in claims for cid in c.claim_ids)]
    events = reconcile(incidents, documents, claims, contradictions)
    # An event may not take the id of a stored event outside the window (links covers those inside it).
    used = set(links.values()) | store.linked_event_ids({e.id for e in events})
    events = keep_event_ids(events, links, store.reviewed_events(), used)
    store.save_events(events, scope)
    return events, scope


def reconcile_store(store: Store) -> list[Event]:
    """Reconcile every stored incident into events and store them; an event keeps its id when reports join it."""
    documents = {d.id: d for d in store.documents()}
    claims = {c.id: c for c in store.claims()}
    events = keep_event_ids(reconcile(store.incidents(), documents, claims, store.contradictions()),
                            store.event_links(), store.reviewed_events())
    store.save_events(events)
    return events


def keep_event_ids(events: list[Event], links: dict[str, str], reviewed: set[str] = frozenset(),
                   used: set[str] | None = None) -> list[Event]:
    """Give each event the id of a stored event its reports belonged to (`links`: report id -> event id), so that
    an event keeps its id, and its findings and their reviews, when new reports join it: an id with reviews first,
    then the one most of its reports had. The larger event keeps an id two events claim; an event whose every
    candidate is taken gets an id of its own that no other event has (`used`: the ids stored events with reports
    have, by default those in `links`)."""
    used = set(links.values()) if used is None else used
    taken: set[str] = set()
    out: dict[int, Event] = {}
    for n in sorted(range(len(events)), key=lambda n: -len(events[n].incident_ids)):
        event = events[n]
        before = Counter(links[i] for i in event.incident_ids if i in links)
        ranked = sorted(before.items(), key=lambda x: (x[0] not in reviewed, -x[1], x[0]))
        kept = next((eid for eid, _ in ranked if eid not in taken), None)
        if kept is None:
            kept = event.id if event.id not in taken and event.id not in used else \
                content_id("evt", event.id, *sorted(taken & set(before)), str(n))
        if kept != event.id:
            event = event.model_copy(update={"id": kept})
        taken.add(event.id)
        out[n] = event
    return [out[n] for n in range(len(events))]


def adjudicate_store(store: Store, agreement: Agreement, events: list[Event] | None = None) -> list[Finding]:
    """Judge the stored events against `agreement`, store the findings and return them as reviewed."""
    events = events if events is not None else store.events()
    store.save_findings(agreement.id, adjudicate(events, agreement))
    return store.findings(agreement.id)
