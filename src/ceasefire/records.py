"""Typed records passed between pipeline stages.

Every stage takes and returns these frozen pydantic models; nothing passes loose dicts.
JSON shapes follow the "Interfaces" section of DESIGN.md (fields may be added, never renamed).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Party = Literal["UA", "RU", "US", "NATO", "EU", "UN", "OTHER"]
Stance = Literal["assert", "deny", "propose", "accept", "reject", "accuse", "warn"]
Precision = Literal["day", "week", "month", "year", "range"]
# How an incident's actor party was found: said in the text, or inferred (and from what).
ActorBasis = Literal["stated", "inferred_from_context", "inferred_from_claimant", "inferred_from_target",
                     "inferred_from_accusation", "inferred_from_line_of_contact"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]  # the Admiralty scale's source grades
FindingStatus = Literal["alleged", "corroborated", "confirmed", "disputed", "not_a_violation", "out_of_scope"]


def content_id(prefix: str, *parts: object) -> str:
    """A short stable id derived from content, so re-processing gives the same ids."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:16]}"


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Record):
    """Character offsets of evidence in the document text (end exclusive)."""

    start: int
    end: int
    text: str


class TimeSpan(Record):
    start: dt.date
    end: dt.date
    precision: Precision
    text: str | None = None
    historical: bool = False
    # The local time an official statement gives for the act, with its zone's offset on that day ("около 17.00
    # мск" -> "17:00+03:00"); null where none is stated.
    clock: str | None = None


class Place(Record):
    name: str
    lat: float
    lon: float
    admin1: str | None = None
    country: str | None = None
    geonameid: int | None = None
    precision: Literal[1, 2, 3] = 1
    mention: str | None = None


class Document(Record):
    id: str
    sha256: str
    text: str
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    language: str = "en"
    content_type: str = "text/plain"
    retrieved: dt.datetime | None = None
    # A dataset's own id of the row ("ucdp:412345", "acled:UKR1234"): a re-release of the row is a new version of
    # this document, never a second one.
    external_id: str | None = None
    # Migration 10: what a page, feed entry or message says of itself, and what the followed source it came from
    # stands for (kept in the documents table's `meta`, except copy_of).
    author: str | None = None
    # Where `published` came from: "given", "page metadata", "feed entry", "message date", "dataset row", or
    # "retrieval time" when nothing gave a date.
    published_basis: str | None = None
    source_grade: Reliability | None = None  # the followed source's grade (`ceasefire source add --grade`)
    source_party: Party | None = None        # the party a followed source speaks for (a ministry), or none
    forwarded_from: str | None = None        # a forwarded Telegram message: the channel it was first posted in
    edited: dt.datetime | None = None        # an edited Telegram message: when it was last edited
    copy_of: str | None = None               # this text republishes that stored document's (a near-duplicate)


# The Document fields the documents table keeps together as JSON in its `meta` column.
DOCUMENT_META = ("author", "published_basis", "source_grade", "source_party", "forwarded_from", "edited")


class Confidence(Record):
    """Per-field scores in 0-1: how often a field read this way was right on the tuning data
    (data/calibration.json, written by `ceasefire eval calibrate`)."""

    type: float | None = None
    party: float | None = None
    place: float | None = None
    date: float | None = None


class FieldBasis(Record):
    """How an incident's type and date were read (the party's basis is actor_basis; the place's its precision):
    the keys under which data/calibration.json gives each field's confidence."""

    type: str | None = None  # note_label | verb | noun | weapon | generic | observation | tally
    date: str | None = None  # clause | sentence | earlier | publication


class Tally(Record):
    """A side's count of acts in aggregate ("more than 40 breaches since the truce began")."""

    count: int
    noun: str
    qualifier: str | None = None  # "over", "at least", "more than"
    against: Party | None = None  # the side the count accuses: the speaker's opponent in a two-sided war


class Claim(Record):
    id: str
    doc_id: str
    speaker: str
    party: Party | None
    stance: Stance
    cue: str
    text: str
    when: TimeSpan | None = None
    venue: str | None = None
    role: str | None = None
    span: Span
    # How the party was found: "stated" (the speaker's own words name it), "context" (an earlier speaker or
    # person of the document), "inferred_from_acts" (the acts an unnamed official reports), "inferred_from_wording"
    # (a Russian or Ukrainian statement that names no publisher: the side whose words for the forces it uses), or null.
    party_basis: str | None = None
    confidence: Confidence | None = None
    tally: Tally | None = None


class Incident(Record):
    id: str
    doc_id: str
    type: str
    acled_event_type: str | None
    acled_sub_event_type: str | None
    actor: str | None = None
    actor_party: Party | None = None
    actor_basis: ActorBasis | None = None
    target: str | None = None
    target_party: Party | None = None
    count: int | None = None
    explosions: int | None = None
    fatalities: int | None = None
    injured: int | None = None
    # A vague figure keeps its word ("dozens", "scores", "heavy losses"); `fatalities` then holds the number
    # ACLED's codebook assigns to it, or null where the codebook assigns none.
    fatalities_vague: str | None = None
    injured_vague: str | None = None
    weapon: str | None = None
    facility: str | None = None
    place_mention: str | None = None
    place: Place | None = None
    place_reason: str | None = None
    when: TimeSpan | None = None
    historical: bool = False
    claim_ids: list[str] = Field(default_factory=list)
    claimant_party: Party | None = None
    span: Span
    basis: FieldBasis | None = None
    confidence: Confidence | None = None
    # An English rendering of a Russian or Ukrainian report, made from the fields above (never a translation).
    gloss: str | None = None


class Contradiction(Record):
    claim_ids: list[str]
    parties: list[Party]
    topic: str


class Extraction(Record):
    """Everything extracted from one document."""

    document: Document
    claims: list[Claim] = Field(default_factory=list)
    incidents: list[Incident] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    # Why an extraction is empty or partial: "language 'sv' is not read (reads en, ru, uk)".
    warnings: list[str] = Field(default_factory=list)
    # Set when extraction failed on this document (a bug or a text no rule expected): it is quarantined, not stored.
    error: str | None = None

    def to_json_dict(self) -> dict:
        out = self.model_dump(mode="json")
        out["document"].pop("text", None)
        return out


class Evidence(Record):
    """A span of a stored document that supports an event or a finding."""

    doc_id: str
    start: int
    end: int
    text: str


class Event(Record):
    """A happening reconciled from one or more incident reports, with its corroboration and grade."""

    id: str
    type: str
    acled_sub_event_type: str | None = None
    actor_party: Party | None = None
    actor_basis: ActorBasis | None = None
    party_confidence: float | None = None  # the best calibrated party confidence of its reports
    target_party: Party | None = None
    facility: str | None = None
    count: int | None = None
    fatalities: int | None = None
    place: Place | None = None
    when: TimeSpan
    incident_ids: list[str]
    first_reported: dt.date | None = None  # the earliest publication day of its reports
    reported_on: list[dt.date] = Field(default_factory=list)  # every publication day of its reports
    claim_ids: list[str] = Field(default_factory=list)
    claimed_by: list[Party] = Field(default_factory=list)
    sources: int = 1
    source_names: list[str] = Field(default_factory=list)
    contradicted: bool = False
    denied_by: list[str] = Field(default_factory=list)  # claims of the accused side that deny it, in any document
    reliability: Literal["A", "B", "C", "D", "E", "F"] = "F"
    credibility: Literal[1, 2, 3, 4, 5, 6] = 6
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def grade(self) -> str:
        """The Admiralty grade: source reliability A-F and information credibility 1-6."""
        return f"{self.reliability}{self.credibility}"


class Clause(Record):
    id: str
    text: str
    prohibited: list[str] = Field(default_factory=list)
    facilities: list[str] = Field(default_factory=list)
    area: dict | None = None  # a GeoJSON Polygon/MultiPolygon (e.g. a withdrawal zone) the clause applies in


class Window(Record):
    start: dt.date
    end: dt.date | None = None
    alternative_starts: dict[str, dt.date] = Field(default_factory=dict)


class Scope(Record):
    admin1: list[str] = Field(default_factory=list)
    geojson: dict | None = None


class Agreement(Record):
    id: str
    title: str
    source: str
    parties: dict[str, list[str]]
    window: Window
    scope: Scope = Field(default_factory=Scope)
    clauses: list[Clause]


class Reading(Record):
    """One reading of an agreement's start date, and whether the agreement was in force on the event's day under
    it ("start 2025-03-18, as RU reads it": in force; "start 2025-03-25, as UA reads it": not yet)."""

    start: dt.date
    held_by: list[str] = Field(default_factory=list)  # the parties that read the start so; [] for the text's own
    in_force: bool


class Finding(Record):
    """One event judged against one clause. Where the parties read the start date differently, the finding is
    still one: `readings` says under which readings the agreement was in force."""

    id: str
    event_id: str
    agreement_id: str
    clause: str
    party: str
    status: FindingStatus
    confidence: float
    rationale: str
    date: dt.date
    place: Place | None = None
    basis: str = ""  # the readings in words: "in force as every party reads it", "… only as RU reads it"
    readings: list[Reading] = Field(default_factory=list)
    actor_basis: ActorBasis | None = None  # how the party was found (stated, or the inference named)
    party_confidence: float | None = None
    claimed_by: list[Party] = Field(default_factory=list)
    grade: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class Review(Record):
    """An analyst's decision on a finding; reviews are appended, never changed."""

    id: str
    finding_id: str
    reviewer: str
    at: dt.datetime
    action: Literal["confirm", "dispute", "reattribute", "not_a_violation", "comment"]
    reason: str
    new_party: str | None = None


class RawDocument(Record):
    """A document as taken in: its raw bytes kept beside the decoded text."""

    document: Document
    raw: bytes


SourceKind = Literal["rss", "atom", "url", "telegram-export", "acled-csv", "ucdp-csv", "directory"]


class SourceHealth(Record):
    """How following a source is going (`ceasefire source list`, `/api/sources`)."""

    last_poll_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
    last_error: str | None = None
    last_error_at: dt.datetime | None = None
    failures: int = 0  # consecutive failed polls: the next poll waits longer after each (backoff)
    documents_added: int = 0
    next_poll_at: dt.datetime | None = None


class Source(Record):
    """A source the team follows (`ceasefire source add`): where to read it, how often, and what it stands for. Its
    grade and party go with every document read from it (reliability and the publisher's side downstream)."""

    name: str
    kind: SourceKind
    location: str  # a URL (rss, atom, url) or a path on this machine (the other kinds)
    every_seconds: int
    grade: Reliability | None = None  # none: data/sources.yaml grades its documents by name and web host
    party: Party | None = None        # the party it speaks for (a ministry, a general staff); none for a wire service
    language: str | None = None       # none: detected per document
    local: bool = False               # its URL may be on this machine or its network (tests, an air-gapped mirror)
    enabled: bool = True
    created_at: dt.datetime
    health: SourceHealth = SourceHealth()
    # What the last poll's server said of its response, sent back so that an unchanged feed costs a 304.
    etag: str | None = None
    last_modified: str | None = None
