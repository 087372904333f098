"""Extraction: from a document's text to attributed claims, incidents and contradictions.

    >>> from ceasefire.extract import extract_text
    >>> result = extract_text("Russian forces shelled Kherson on Monday.", published="2025-03-20")
    >>> result.incidents[0].acled_sub_event_type
    'Shelling/artillery/missile attack'
"""
from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from ceasefire.extract.claims import extract_claims, find_contradictions, infer_speaker_parties, with_tallies
from ceasefire.extract.confidence import with_confidence
from ceasefire.extract.incidents import IncidentContext, extract_incidents
from ceasefire.extract.nlp import english
from ceasefire.geo.frontline import attribute_by_line_of_contact
from ceasefire.extract.ru import extract_official, is_cyrillic
from ceasefire.extract.statements import extract_ukrainian, gloss
from ceasefire.intake.datasets import DATASET_ROW_TYPES
from ceasefire.intake.files import make_document
from ceasefire.language import READ, detect_language
from ceasefire.records import Document, Extraction, content_id
from ceasefire.timeparse import find_times, parse_iso_date

if TYPE_CHECKING:
    from ceasefire.geo import Geocoder

PIPE_BATCH = 64
BATCH_CHARS = 100_000
# A long document is read in sections of about this many characters, cut at paragraph ends: the parser's and the
# rules' cost per section is bounded, so a document costs time and memory linear in its length.
SECTION_CHARS = 20_000
# Reading costs about 1 s per 50,000 characters. What lies beyond this is kept, not read (a warning says so).
MAX_READ_CHARS = 1_000_000
# A document still being read after this long is quarantined with the reason (checked between sections).
TIME_BUDGET_SECONDS = 120.0


def _extract_parsed(document: Document, doc: Doc, geocoder: "Geocoder | None") -> Extraction:
    doc.user_data["text"] = document.text  # the text once, for nlp.text_of
    published = document.published or dt.date.today()
    times = find_times(document.text, published)
    claims = extract_claims(doc, document.id, published, times)
    incidents = extract_incidents(doc, IncidentContext(document.id, published, times, claims, document.text))
    claims = with_tallies(infer_speaker_parties(claims, incidents), incidents)
    if document.content_type in DATASET_ROW_TYPES:
        incidents = incidents[:1]  # a dataset row codes one event; later sentences only describe it
    if geocoder is not None:
        incidents = attribute_by_line_of_contact(geocoder.locate_incidents(document.text, incidents))
    incidents = [with_confidence(i) for i in incidents]
    claims = [with_confidence(c) for c in claims]
    return Extraction(document=document, claims=claims, incidents=incidents)


def extract_document(document: Document, geocoder: "Geocoder | None" = None) -> Extraction:
    """Extract claims, incidents and contradictions from one document."""
    return next(extract_many([document], geocoder))


def extract_in_processes(documents: list[Document], processes: int) -> Iterator[Extraction]:
    """extract_many over `processes` worker processes, in order. The workers are forked after the models and the
    gazetteer are loaded here, so they share them instead of loading their own; a batch too small to pay for the
    fork is read here. A worker that dies fails the whole call (BrokenProcessPool), never hangs it."""
    if processes <= 1 or len(documents) < 2 * PIPE_BATCH:
        yield from extract_many(documents)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ceasefire.geo import default_geocoder

    english()
    _ = default_geocoder().gaz.automaton
    chunks = [documents[start:start + PIPE_BATCH] for start in range(0, len(documents), PIPE_BATCH)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        for extractions in pool.map(_extract_list, chunks):
            yield from extractions


def _extract_list(documents: list[Document]) -> list[Extraction]:
    return list(extract_many(documents))


def extract_many(documents: Iterable[Document], geocoder: "Geocoder | None" = None) -> Iterator[Extraction]:
    """Extract from many documents, parsing them in batches (much faster than one at a time).

    A long document is read section by section (SECTION_CHARS, cut at paragraph ends) with its spans in the
    document's coordinates; only its first MAX_READ_CHARS characters are read (a warning says so), and a document
    still being read after TIME_BUDGET_SECONDS fails with that reason, so that one text cannot stall a batch.
    A failure on one document is that document's (Extraction.error): the others go on."""
    from ceasefire.geo import default_geocoder  # geo reads extract.places: imported late to avoid a cycle

    geocoder = geocoder if geocoder is not None else default_geocoder()
    plan = [(original, [run for offset, text in _readable_sections(original.text)
                        for run in _runs(original, offset, text)])
            for original in (documents if isinstance(documents, list) else list(documents))]
    parser = _Parser([text for _, parts in plan for _, text, how in parts if how == "en"])
    for original, parts in plan:
        started = time.monotonic()
        results: list[tuple[int, Extraction]] = []
        result = None
        for number, (offset, text, how) in enumerate(parts):
            section = original if len(parts) == 1 else original.model_copy(update={"text": text})
            if time.monotonic() - started > TIME_BUDGET_SECONDS:
                parser.skip(sum(h == "en" for _, _, h in parts[number:]))
                result = Extraction(document=original, error=f"reading took longer than {TIME_BUDGET_SECONDS:.0f} s "
                                                             f"(stopped after {offset:,} characters)")
                break
            try:
                results.append((offset, _extract_section(section, how, parser, geocoder)))
            except Exception as exc:  # noqa: BLE001 - any failure of the rules on one text, reported with its kind
                parser.skip(sum(h == "en" for _, _, h in parts[number + 1:]))
                result = Extraction(document=original, error=f"extraction failed ({type(exc).__name__}: "
                                                              f"{str(exc).splitlines()[0] if str(exc) else 'no message'})")
                break
        if result is None:
            result = _joined(original, results)
        read = parts[-1][0] + len(parts[-1][1])
        if read < len(original.text):  # the record keeps the whole text; the warning says what was read
            result = result.model_copy(update={"warnings": [*result.warnings, (
                f"only the first {read:,} of {len(original.text):,} characters were read")]})
        yield result


_PARAGRAPH = re.compile(r"[^\n]*(?:\n+|$)")
MIN_PARAGRAPH_LETTERS = 40  # shorter lines (a dateline, a name) follow the document's language


def _runs(document: Document, offset: int, text: str) -> list[tuple[int, str, str]]:
    """A section as runs of paragraphs that one reader takes: a Ukrainian statement quoted in an English report is
    read by the Ukrainian frames, the report around it by the English parse (language per paragraph)."""
    base = _reader_of(document)
    runs: list[tuple[int, str, str]] = []
    for m in _PARAGRAPH.finditer(text):
        paragraph = m.group(0)
        if not paragraph:
            continue
        how = _paragraph_reader(paragraph, base)
        if runs and runs[-1][2] == how:
            runs[-1] = (runs[-1][0], runs[-1][1] + paragraph, how)
        else:
            runs.append((offset + m.start(), paragraph, how))
    return runs or [(offset, text, base)]


def _paragraph_reader(paragraph: str, base: str) -> str:
    if base == "none" or sum(c.isalpha() for c in paragraph[:400]) < MIN_PARAGRAPH_LETTERS:
        return base
    if is_cyrillic(paragraph):
        return base if base in ("uk", "ru") else ("uk" if detect_language(paragraph) == "uk" else "ru")
    return "en" if base in ("uk", "ru") and detect_language(paragraph) == "en" else base


class _Parser:
    """spaCy's parse of the English sections in order, batched; after a failure or a skipped document it goes on
    with the sections after it."""

    def __init__(self, texts: list[str]) -> None:
        self.texts, self.position = texts, 0
        self._docs = self._pipe()

    def _pipe(self) -> Iterator[Doc]:
        nlp, rest = english(), self.texts[self.position:]  # the rest as of now, not when first read
        return (doc for batch in _batches(rest) for doc in nlp.pipe(batch, batch_size=len(batch)))

    def next(self) -> Doc:
        position = self.position
        self.position += 1
        try:
            return next(self._docs)
        except Exception:
            # The parser failed on a text of this batch, and the batch is lost: this text is parsed alone (raising
            # only if it is the one that fails), the rest anew after it.
            self._docs = self._pipe()
            return english()(self.texts[position])

    def skip(self, count: int) -> None:
        if count:
            self.position += count
            self._docs = self._pipe()


def _batches(texts: list[str]) -> Iterator[list[str]]:
    """Texts in batches of PIPE_BATCH texts or BATCH_CHARS characters, whichever comes first: the sections of a long
    document are parsed a few at a time, so that memory does not grow with its length."""
    batch, size = [], 0
    for text in texts:
        if batch and (len(batch) == PIPE_BATCH or size + len(text) > BATCH_CHARS):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def _extract_section(section: Document, how: str, parser: _Parser, geocoder: "Geocoder") -> Extraction:
    # Russian and Ukrainian statements follow their own rules (extract/ru.py); English goes through spaCy;
    # a language the project does not read gives an empty extraction that says so.
    if how in ("ru", "uk"):
        result = extract_official(section) if how == "ru" else extract_ukrainian(section)
        return result.model_copy(update={"incidents": [i.model_copy(update={"gloss": gloss(i)})
                                                       for i in result.incidents]})
    if how == "en":
        return _extract_parsed(section, parser.next(), geocoder)
    return Extraction(document=section, warnings=[
        f"language {section.language!r} is not read (reads {', '.join(READ)}): nothing extracted"])


def sections(text: str, size: int = SECTION_CHARS) -> list[tuple[int, str]]:
    """The text cut into pieces of at most about `size` characters, each with its offset: at a paragraph end where
    there is one in the second half of the piece, else at a sentence end, else at a space."""
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = next((i + 1 for i in (window.rfind("\n"), window.rfind(". "), window.rfind(" ")) if i > size // 2),
                   size)
        pieces.append((start, window[:cut]))
        start += cut
    return [*pieces, (start, text[start:])] if start < len(text) or not pieces else pieces


def _readable_sections(text: str) -> list[tuple[int, str]]:
    """The sections of the text's first MAX_READ_CHARS characters, ending at a section's end."""
    parts = sections(text[:MAX_READ_CHARS + SECTION_CHARS])
    return [p for p in parts if p[0] + len(p[1]) <= MAX_READ_CHARS] or parts[:1]


def _joined(document: Document, parts: list[tuple[int, Extraction]]) -> Extraction:
    """One extraction of the document from its sections' extractions: spans moved to the document's coordinates,
    ids of later sections made distinct, one record per id, contradictions found across the whole document."""
    claims, incidents, warnings = [], [], []
    for offset, part in parts:
        if offset:
            part = _moved(part, offset)
        claims += part.claims
        incidents += part.incidents
        warnings += [w for w in part.warnings if w not in warnings]
    return Extraction(document=document, claims=_unique(claims), incidents=_unique(incidents),
                      contradictions=find_contradictions(_unique(claims)), warnings=warnings)


def _moved(part: Extraction, offset: int) -> Extraction:
    """A later section's records with spans shifted by `offset` and ids that cannot collide with other sections'."""
    new_id = {r.id: content_id(r.id.split("-")[0], r.id, offset) for r in [*part.claims, *part.incidents]}

    def span(record):
        return record.span.model_copy(update={"start": record.span.start + offset, "end": record.span.end + offset})

    claims = [c.model_copy(update={"id": new_id[c.id], "span": span(c)}) for c in part.claims]
    incidents = [i.model_copy(update={"id": new_id[i.id], "span": span(i),
                                      "claim_ids": [new_id.get(c, c) for c in i.claim_ids]}) for i in part.incidents]
    return part.model_copy(update={"claims": claims, "incidents": incidents})


def _unique(items: list) -> list:
    """One record per id: two rules reading the same words the same way give one claim or incident."""
    seen: set[str] = set()
    return [item for item in items if not (item.id in seen or seen.add(item.id))]


def _reader_of(document: Document) -> str:
    """Which reader takes the document: "en", "uk", "ru" (official statements in Cyrillic) or "none"."""
    if document.language == "uk" or document.language != "ru" and is_cyrillic(document.text) and \
            detect_language(document.text) == "uk":
        return "uk"
    if document.language == "ru" or is_cyrillic(document.text):
        return "ru"
    return "en" if document.language == "en" else "none"


def extract_text(text: str, published: str | dt.date, source: str | None = None) -> Extraction:
    """Extract from a string (a convenience for the library and tests)."""
    day = published if isinstance(published, dt.date) else parse_iso_date(published, "published")
    raw = make_document(text.encode("utf-8"), text, published=day, source=source)
    return extract_document(raw.document)
