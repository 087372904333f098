"""Reconcile: incident reports clustered into events, with corroboration, contradiction and an Admiralty grade.

1. Cluster: reports of the same kind by the same party, whose times overlap and whose places lie within a
   radius that grows with the place's imprecision, are one event. Reports in one document stay apart unless
   they name the same place (a headline repeating its story), and placeless reports are never merged.
2. Corroborate: independent sources are distinct publishers; two documents that carry the same wording (a wire
   copy republished) count once.
3. Contradict: an event is contradicted when a claim behind it is denied by another party.
4. Grade: source reliability A-F from the registered sources (data/sources.yaml, by name and web host), the best
   of the event's sources; information credibility 1-6 from corroboration and contradiction.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import yaml

from ceasefire.intake.datasets import DATASET_ROW_TYPES
from ceasefire.intake.field import CONTENT_TYPE as FIELD_REPORT
from ceasefire.geo.gazetteer import km
from ceasefire.records import Claim, Contradiction, Document, Event, Evidence, Incident, content_id

# Same-place radius by ACLED precision (km): a settlement, near a settlement, a region.
RADIUS_KM = {1: 5.0, 2: 10.0, 3: 100.0}
# Documents whose incident wording overlaps this much (word 4-gram Jaccard) are copies of one report.
WIRE_COPY_SIMILARITY = 0.7
_FAMILY = {"ground_assault": "battle", "attack_repelled": "battle", "armed_clash": "battle",
           "missile_strike": "shelling"}


@dataclass(frozen=True)
class SourceRule:
    pattern: re.Pattern  # the entry's names, each to match a whole name
    domains: tuple[str, ...]
    reliability: str


@dataclass(frozen=True)
class SourceTable:
    """The registered sources (data/sources.yaml): names matched whole, web hosts, and the default grade."""

    rules: tuple[SourceRule, ...]
    default: str
    datasets: dict[str, str]  # content type of a dataset row -> the dataset's registered name
    own: str = "A"  # the team's own field reports

    def grade(self, names: list[str], host: str | None) -> str:
        grades = [r.reliability for r in self.rules if any(r.pattern.fullmatch(n) for n in names)
                  or (host and any(host == d or host.endswith("." + d) for d in r.domains))]
        return min(grades, default=self.default)


@lru_cache(maxsize=1)
def source_table() -> SourceTable:
    """The source table: CFM_SOURCES if set, else the bundled data/sources.yaml."""
    path = os.environ.get("CFM_SOURCES")
    text = Path(path).read_text(encoding="utf-8") if path else \
        resources.files("ceasefire").joinpath("data/sources.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    services = data.get("services", "")
    rules = tuple(SourceRule(re.compile("(?:" + "|".join(f"(?:{n})" for n in r["names"]) + ")" + services,
                                        re.IGNORECASE), tuple(d.lower() for d in r.get("domains", ())), r["reliability"])
                  for r in data["sources"])
    return SourceTable(rules, data["default"]["reliability"], data.get("datasets", {}),
                       data.get("own_observations", {}).get("reliability", "A"))


def source_names(source: str | None) -> list[str]:
    """The names a source field gives: "U.S. Embassy Kyiv / Ambassador (@USAmbKyiv)" -> ["U.S. Embassy Kyiv",
    "Ambassador"]; remarks in brackets set aside, spaces normalised."""
    if not source:
        return []
    bare = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", source)
    return [" ".join(part.split()) for part in re.split(r"[;/]", bare) if part.strip()]


def reliability_of(document: Document) -> str:
    """The document's source grade: the grade of the followed source it was read from, else from the registered
    sources: by its source's names, by the host of its web URL and, for a row of an event dataset, by the dataset;
    never by its title or text. A source none of them registers
    gets the table's default."""
    table = source_table()
    if document.content_type == FIELD_REPORT:  # posted through the API by the team's monitors
        return table.own
    if document.source_grade:  # read from a source the team follows and graded (`ceasefire source add --grade`)
        return document.source_grade
    url = urlparse(document.url or "")
    host = url.hostname if url.scheme in ("http", "https") else None
    names = source_names(document.source)
    if document.content_type in table.datasets:  # how the row came in, not what it says
        names.append(table.datasets[document.content_type])
    return table.grade(names, host)


def published_day(document: Document | None) -> dt.date | None:
    """The day a document became known: its publication date, else the day it was taken in."""
    if document is None:
        return None
    return document.published or (document.retrieved.date() if document.retrieved else None)


def source_key(document: Document) -> str:
    """The publisher a document counts as for corroboration: a forwarded message counts as the channel that first
    posted it, not as the one that passed it on."""
    if document.forwarded_from:
        return " ".join(document.forwarded_from.lower().split())
    raw = (document.source or document.url or document.id).lower()
    raw = re.sub(r"^https?://(www\.)?", "", raw)
    return re.split(r"[/;,(]", raw)[0].strip() or document.id


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + 4]) for i in range(max(0, len(words) - 3))}


def credibility(sources: int, contradicted: bool, reliability: str) -> int:
    """Information credibility on the Admiralty scale from corroboration and contradiction."""
    if contradicted:
        return 4 if sources >= 2 else 5
    if sources >= 3 and reliability in ("A", "B"):
        return 1
    if sources >= 2:
        return 2
    return 6 if reliability == "F" else 3


@dataclass
class _Cluster:
    members: list[Incident] = field(default_factory=list)

    def accepts(self, inc: Incident, coded_rows: set[str]) -> bool:
        first = self.members[0]
        if inc.doc_id in coded_rows and any(m.doc_id in coded_rows for m in self.members):
            return False  # rows of an event dataset are distinct events by the coders' decision
        if _FAMILY.get(inc.type, inc.type) != _FAMILY.get(first.type, first.type) \
                or inc.actor_party != first.actor_party or inc.facility != first.facility \
                or inc.claimant_party != first.claimant_party:  # each side's claims are kept apart
            return False
        if inc.place is None or any(m.place is None for m in self.members):
            return False
        if any(m.doc_id == inc.doc_id and m.place.geonameid != inc.place.geonameid
               and not _same_act_told_twice(m, inc) for m in self.members):
            return False
        if not all(inc.when.start <= m.when.end and m.when.start <= inc.when.end for m in self.members):
            return False
        radius = max(RADIUS_KM[inc.place.precision], RADIUS_KM[first.place.precision])
        if inc.place.precision == 3 or first.place.precision == 3:
            return inc.place.admin1 == first.place.admin1
        return km(inc.place.lat, inc.place.lon, first.place.lat, first.place.lon) <= radius


def _same_act_told_twice(a: Incident, b: Incident) -> bool:
    """In one document, an act named by its region and again by its settlement in that region ("attacked sites
    in the Luhansk region … in Svatove, a gas station"), with nothing else of its kind in the region."""
    return (a.place.precision == 3) != (b.place.precision == 3) and a.place.admin1 == b.place.admin1


def _summaries(incidents: list[Incident]) -> set[str]:
    """Incidents that only sum up acts the same document tells one by one ("four attacks on energy
    infrastructure in the past 24 hours", then each attack with its place): no place, and a count the
    document's placed acts of the same kind and side cover."""
    placed: dict[tuple, int] = {}
    for i in incidents:
        if i.place is not None:
            key = (i.doc_id, _FAMILY.get(i.type, i.type), i.actor_party, i.facility is not None)
            placed[key] = placed.get(key, 0) + 1
    return {i.id for i in incidents if i.place is None and placed.get(
        (i.doc_id, _FAMILY.get(i.type, i.type), i.actor_party, i.facility is not None), 0) >= max(i.count or 1, 1)}


def cluster(incidents: Iterable[Incident], coded_rows: set[str] = frozenset()) -> list[list[Incident]]:
    """Group current (non-historical, dated) incident reports into events; `coded_rows` are the ids of
    documents that are rows of an event dataset, which never merge with each other."""
    done: list[_Cluster] = []
    # Candidates are only clusters of the same kind, party and claimant that are still open in time:
    # reports arrive in order of their start, so a cluster that ended before this report began is closed.
    open_by_key: dict[tuple, list[_Cluster]] = {}
    for inc in sorted((i for i in incidents if i.when and not i.historical),
                      key=lambda i: (i.when.start, i.id)):
        key = (_FAMILY.get(inc.type, inc.type), inc.actor_party, inc.facility, inc.claimant_party)
        still_open = []
        for c in open_by_key.get(key, []):
            (still_open if max(m.when.end for m in c.members) >= inc.when.start else done).append(c)
        target = next((c for c in still_open if c.accepts(inc, coded_rows)), None)
        if target is None:
            still_open.append(_Cluster([inc]))
        else:
            target.members.append(inc)
        open_by_key[key] = still_open
    done.extend(c for clusters in open_by_key.values() for c in clusters)
    return [c.members for c in sorted(done, key=lambda c: (c.members[0].when.start, c.members[0].id))]


def _independent_sources(members: list[Incident], documents: dict[str, Document]) -> list[str]:
    """Publishers of the reports, with republished copies of one text counted once."""
    keys: list[str] = []
    seen: list[tuple[str, set]] = []
    for inc in members:
        doc = documents.get(inc.doc_id)
        key = source_key(doc) if doc else inc.doc_id
        shingles = _shingles(inc.span.text)
        copy_of = next((k for k, sh in seen if shingles and sh and
                        len(shingles & sh) / len(shingles | sh) >= WIRE_COPY_SIMILARITY), None)
        seen.append((copy_of or key, shingles))
        if (copy_of or key) not in keys:
            keys.append(copy_of or key)
    return keys


def _strongest_basis(members: list[Incident]) -> str | None:
    """"stated" when any report says who acted, else the first report's inference."""
    bases = [m.actor_basis for m in members if m.actor_basis]
    return "stated" if "stated" in bases else (bases[0] if bases else None)


# A denial answers the news of its own days: published from the day before the first report to a week after.
DENIAL_WINDOW = (dt.timedelta(days=-1), dt.timedelta(days=7))


def _denials_by_day(claims: dict[str, Claim], documents: dict[str, Document]) -> dict[tuple[str, dt.date], list[Claim]]:
    """Denials by a party, by (party, publication day): an event looks only at the days around its first report."""
    out: dict[tuple[str, dt.date], list[Claim]] = {}
    for claim in claims.values():
        if claim.stance == "deny" and claim.party in ("RU", "UA"):
            day = published_day(documents.get(claim.doc_id))
            if day is not None:
                out.setdefault((claim.party, day), []).append(claim)
    return out


def _denials_elsewhere(accused: str | None, place, reported_on: list[dt.date],
                       denials: dict[tuple[str, dt.date], list[Claim]]) -> list[str]:
    """Denials by the accused side, in any document of the days around the first report, that name the event's
    place ("no strikes were carried out on Sudzha"): the allegation is disputed."""
    if accused not in ("RU", "UA") or place is None or not reported_on:
        return []
    first, (before, after) = reported_on[0], DENIAL_WINDOW
    names = {place.name} if place.name and len(place.name) >= 4 and place.precision < 3 else set()  # not a region
    out = []
    for offset in range(before.days, after.days + 1):
        for claim in denials.get((accused, first + dt.timedelta(days=offset)), ()):
            if any(n in claim.text and re.search(rf"\b{re.escape(n)}\b", claim.text) for n in names):
                out.append(claim.id)
    return sorted(out)


def reconcile(incidents: list[Incident], documents: dict[str, Document], claims: dict[str, Claim],
              contradictions: list[Contradiction]) -> list[Event]:
    """Events from incident reports, each with its sources, contradiction and grade."""
    denied = {cid for c in contradictions for cid in c.claim_ids}
    denials = _denials_by_day(claims, documents)
    events = []
    coded_rows = {d.id for d in documents.values() if d.content_type in DATASET_ROW_TYPES}
    summaries = _summaries(incidents)
    for members in cluster((i for i in incidents if i.id not in summaries), coded_rows):
        first = members[0]
        sources = _independent_sources(members, documents)
        grades = sorted(reliability_of(documents[m.doc_id]) for m in members if m.doc_id in documents) or ["F"]
        claim_ids = sorted({cid for m in members for cid in m.claim_ids})
        placed = next((m.place for m in sorted(members, key=lambda m: m.place.precision if m.place else 9)), None)
        reported_on = sorted({d for m in members if (d := published_day(documents.get(m.doc_id))) is not None})
        denied_by = _denials_elsewhere(first.actor_party, placed, reported_on, denials)
        contradicted = any(cid in denied for cid in claim_ids) or bool(denied_by)
        events.append(Event(
            id=content_id("evt", *sorted(m.id for m in members)),
            type=first.type, acled_sub_event_type=first.acled_sub_event_type, actor_party=first.actor_party,
            actor_basis=_strongest_basis(members),
            party_confidence=max((m.confidence.party for m in members if m.confidence and m.confidence.party),
                                 default=None),
            target_party=first.target_party, facility=first.facility,
            count=max((m.count for m in members if m.count), default=None),
            fatalities=max((m.fatalities for m in members if m.fatalities is not None), default=None),
            place=placed, when=min((m.when for m in members), key=lambda w: (w.end - w.start, w.start)),
            incident_ids=[m.id for m in members], claim_ids=claim_ids,
            first_reported=reported_on[0] if reported_on else None, reported_on=reported_on,
            claimed_by=sorted({claims[c].party for c in claim_ids if c in claims and claims[c].party}
                              | {m.claimant_party for m in members if m.claimant_party}),
            sources=len(sources), source_names=sources, contradicted=contradicted, denied_by=denied_by,
            reliability=grades[0],
            credibility=credibility(len(sources), contradicted, grades[0]),
            evidence=[Evidence(doc_id=m.doc_id, start=m.span.start, end=m.span.end, text=m.span.text)
                      for m in members]))
    return events
