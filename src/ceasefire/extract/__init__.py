"""Extraction: from a document's text to attributed claims, incidents and contradictions.

    >>> from ceasefire.extract import extract_text
    >>> result = extract_text("Russian forces shelled Kherson on Monday.", published="2025-03-20")
    >>> result.incidents[0].acled_sub_event_type
    'Shelling/artillery/missile attack'
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from ceasefire.extract.claims import extract_claims, find_contradictions, infer_speaker_parties, with_tallies
from ceasefire.extract.confidence import with_confidence
from ceasefire.extract.incidents import IncidentContext, extract_incidents
from ceasefire.extract.nlp import english
from ceasefire.geo.frontline import attribute_by_line_of_contact
from ceasefire.extract.ru import extract_official, is_cyrillic
from ceasefire.intake.datasets import DATASET_ROW_TYPES
from ceasefire.intake.files import make_document
from ceasefire.language import READ
from ceasefire.records import Document, Extraction
from ceasefire.timeparse import find_times, parse_iso_date

if TYPE_CHECKING:
    from ceasefire.geo import Geocoder

PIPE_BATCH = 64
# Reading costs about 1 s per 30,000 characters; a report is rarely longer. What lies beyond is kept, not read.
MAX_READ_CHARS = 200_000


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
    return Extraction(document=document, claims=claims, incidents=incidents,
                      contradictions=find_contradictions(claims))


def extract_document(document: Document, geocoder: "Geocoder | None" = None) -> Extraction:
    """Extract claims, incidents and contradictions from one document."""
    return next(extract_many([document], geocoder))


def extract_many(documents: Iterable[Document], geocoder: "Geocoder | None" = None) -> Iterator[Extraction]:
    """Extract from many documents, parsing them in batches (much faster than one at a time). Of a long document
    only its first MAX_READ_CHARS characters are read (a warning says so), so that one text cannot stall a batch."""
    from ceasefire.geo import default_geocoder  # geo reads extract.places: imported late to avoid a cycle

    geocoder = geocoder if geocoder is not None else default_geocoder()
    originals = list(documents) if not isinstance(documents, list) else documents
    docs = [_bounded(d) for d in originals]
    reader = [_reader_of(d) for d in docs]
    english_docs = [d for d, r in zip(docs, reader) if r == "en"]
    parsed = english().pipe((d.text for d in english_docs), batch_size=PIPE_BATCH) if english_docs else iter(())
    done_english = 0
    for document, original, how in zip(docs, originals, reader):
        # Russian and Ukrainian statements follow their own rules (extract/ru.py); English goes through spaCy;
        # a language the project does not read gives an empty extraction that says so. A failure on one document
        # is that document's (Extraction.error): the others go on.
        try:
            if how == "official":
                result = _without_duplicates(extract_official(document))
            elif how == "en":
                done_english += 1
                try:
                    doc = next(parsed)
                except Exception:
                    # The parser failed on this text and its batch is lost: parse the rest anew, then report this one.
                    parsed = english().pipe((d.text for d in english_docs[done_english:]), batch_size=PIPE_BATCH)
                    raise
                result = _without_duplicates(_extract_parsed(document, doc, geocoder))
            else:
                result = Extraction(document=document, warnings=[
                    f"language {document.language!r} is not read (reads {', '.join(READ)}): nothing extracted"])
        except Exception as exc:  # noqa: BLE001 - any failure of the rules on one text, reported with its kind
            result = Extraction(document=document, error=f"extraction failed ({type(exc).__name__}: "
                                                         f"{str(exc).splitlines()[0] if str(exc) else 'no message'})")
        if document is not original:  # the record keeps the whole text; the warning says what was read
            result = result.model_copy(update={"document": original, "warnings": [*result.warnings, (
                f"only the first {len(document.text):,} of {len(original.text):,} characters were read")]})
        yield result


def _bounded(document: Document) -> Document:
    """The document cut to MAX_READ_CHARS at a paragraph or sentence end."""
    if len(document.text) <= MAX_READ_CHARS:
        return document
    text = document.text[:MAX_READ_CHARS]
    cut = max(text.rfind("\n"), text.rfind(". "))
    return document.model_copy(update={"text": text[:cut + 1] if cut > MAX_READ_CHARS // 2 else text})


def _reader_of(document: Document) -> str:
    if document.language in ("ru", "uk") or is_cyrillic(document.text):
        return "official"
    return "en" if document.language == "en" else "none"


def _without_duplicates(result: Extraction) -> Extraction:
    """One record per id: two rules reading the same words the same way give one claim or incident."""
    def unique(items):
        seen, out = set(), []
        for item in items:
            if item.id not in seen:
                seen.add(item.id)
                out.append(item)
        return out

    return result.model_copy(update={"claims": unique(result.claims), "incidents": unique(result.incidents)})


def extract_text(text: str, published: str | dt.date, source: str | None = None) -> Extraction:
    """Extract from a string (a convenience for the library and tests)."""
    day = published if isinstance(published, dt.date) else parse_iso_date(published, "published")
    raw = make_document(text.encode("utf-8"), text, published=day, source=source)
    return extract_document(raw.document)
