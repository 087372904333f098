"""Agreements as data (YAML), and each event judged clause by clause against them.

For each event and each clause that prohibits the event's kind (and, where the clause names facility
categories, the event's facility):
1. In force? The event's date must fall in the agreement's window and its place in the geographic scope.
   Where the parties dispute the start date, the finding says under which readings the agreement was in force
   (one finding per event and clause, never one per reading: tallies count acts, not readings). No agreement in
   force under any reading, or a place outside the scope: no finding.
2. Party alleged responsible: the event's actor when that is one of the agreement's parties, else
   "undetermined" (as the OSCE monitors reported).
3. Status: "disputed" when another party denies the claim behind it, "corroborated" with two or more
   independent sources, else "alleged". Only an analyst's review makes a finding "confirmed" or
   "not_a_violation" (see `apply_reviews`).
4. Confidence from the event's Admiralty credibility; the rationale cites the evidence spans.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from ceasefire.errors import InputError
from ceasefire.records import Agreement, Clause, Event, Finding, Reading, Review, content_id

CONFIDENCE_BY_CREDIBILITY = {1: 0.95, 2: 0.8, 3: 0.6, 4: 0.35, 5: 0.2, 6: 0.1}
REVIEW_STATUS = {"confirm": "confirmed", "dispute": "disputed", "not_a_violation": "not_a_violation"}


def _agreements_dir():
    return resources.files("ceasefire").joinpath("data/agreements")


def bundled_agreements() -> list[str]:
    """Names of the agreements shipped with the package."""
    return sorted(p.name.removesuffix(".yaml") for p in _agreements_dir().iterdir() if p.name.endswith(".yaml"))


def load_agreement(name_or_file: str, stored: Iterable[Agreement] = ()) -> Agreement:
    """An agreement by the id of one an admin stored (`stored`), by bundled name ("minsk-2020"), or from a YAML
    file.

    Raises:
        InputError: unknown name, unreadable file or a file that does not follow the format.
    """
    for agreement in stored:
        if agreement.id == name_or_file:
            return agreement
    path = Path(name_or_file)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise InputError(name_or_file, "no such agreement file")
        text = path.read_text(encoding="utf-8")
    elif name_or_file in bundled_agreements():
        text = _agreements_dir().joinpath(f"{name_or_file}.yaml").read_text(encoding="utf-8")
    else:
        raise InputError(name_or_file, f"unknown agreement; bundled: {', '.join(bundled_agreements())}")
    try:
        data = yaml.safe_load(text)
        return Agreement.model_validate(data)
    except yaml.YAMLError as exc:
        raise InputError(name_or_file, f"not valid YAML ({str(exc).splitlines()[0]})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(name_or_file, f"agreement field {where!r}: {first['msg']}") from None


def readings(agreement: Agreement, day: dt.date) -> list[Reading]:
    """The agreement's start as written and each party's alternative, with whether it was in force on `day`."""
    end = agreement.window.end
    starts: dict[dt.date, list[str]] = {agreement.window.start: []}
    for party, start in sorted(agreement.window.alternative_starts.items()):
        starts.setdefault(start, []).append(party)
    return [Reading(start=start, held_by=parties, in_force=start <= day and (end is None or day <= end))
            for start, parties in sorted(starts.items())]


def describe_readings(readings: list[Reading]) -> str:
    """In words: "in force", or "in force if it began on 2025-03-18 (as RU reads it); not yet in force if it
    began on 2025-03-25 (as UA reads it)"."""
    if all(r.in_force for r in readings):
        return "in force"
    return "; ".join(f"{'in force' if r.in_force else 'not yet in force'} if it began on {r.start.isoformat()} "
                     f"({held_by(r)})" for r in readings)


def held_by(reading: Reading) -> str:
    """Who reads a start date so: "as RU reads it", or "as the other parties read it" for the text's own."""
    if not reading.held_by:
        return "as the other parties read it"
    return f"as {' and '.join(reading.held_by)} read{'s' if len(reading.held_by) == 1 else ''} it"


def _in_area(area: dict, event: Event) -> bool:
    """Whether the event's place lies inside a GeoJSON Polygon or MultiPolygon (or Feature of one)."""
    if event.place is None:
        return False
    geometry = area.get("geometry", area)
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return any(point_in_polygon(event.place.lon, event.place.lat, poly) for poly in polygons)


def point_in_polygon(x: float, y: float, polygon: list) -> bool:
    """Even-odd ray casting over the outer ring and holes of one GeoJSON polygon."""
    inside = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def _in_scope(agreement: Agreement, event: Event) -> bool:
    if agreement.scope.geojson is not None and not _in_area(agreement.scope.geojson, event):
        return False
    if not agreement.scope.admin1:
        return True
    return event.place is not None and event.place.admin1 in agreement.scope.admin1


def _clause_applies(clause: Clause, event: Event) -> bool:
    if event.type not in clause.prohibited:
        return False
    if clause.area is not None and not _in_area(clause.area, event):
        return False
    return not clause.facilities or event.facility in clause.facilities


def _status(event: Event) -> str:
    if event.contradicted:
        return "disputed"
    return "corroborated" if event.sources >= 2 else "alleged"


def _party(agreement: Agreement, event: Event) -> str:
    return event.actor_party if event.actor_party in agreement.parties else "undetermined"


def _rationale(clause: Clause, event: Event, in_force: str) -> str:
    where = f"{event.place.name}, {event.place.admin1}" if event.place and event.place.admin1 else \
        (event.place.name if event.place else "an unstated place")
    head = (f"{event.type.replace('_', ' ')} attributed to {event.actor_party or 'an undetermined party'} at {where} "
            f"on {event.when.start.isoformat()}")
    if event.facility:
        head += f" (facility: {event.facility.replace('_', ' ')})"
    body = f"falls under clause {clause.id} ('{clause.text}')" + ("" if in_force == "in force" else f"; {in_force}")
    cited = "; ".join(f"{e.doc_id}[{e.start}:{e.end}] \"{e.text[:160]}\"" for e in event.evidence[:3])
    grade = f"{event.sources} independent source(s), grade {event.grade}" + (
        ", denied by another party" if event.contradicted else "")
    return f"{head}: {body}. {grade}. Evidence: {cited}"


def adjudicate(events: Iterable[Event], agreement: Agreement) -> list[Finding]:
    """One finding for every event and every clause of `agreement` that it may break (see module docstring)."""
    findings = []
    for event in events:
        if not _in_scope(agreement, event):
            continue
        day = event.when.start
        under = readings(agreement, day)
        if not any(r.in_force for r in under):
            continue
        in_force = describe_readings(under)
        for clause in agreement.clauses:
            if not _clause_applies(clause, event):
                continue
            findings.append(Finding(
                id=content_id("fnd", agreement.id, event.id, clause.id),
                event_id=event.id, agreement_id=agreement.id, clause=clause.id, party=_party(agreement, event),
                status=_status(event), confidence=CONFIDENCE_BY_CREDIBILITY[event.credibility],
                rationale=_rationale(clause, event, in_force), date=day, place=event.place, basis=in_force,
                readings=under, actor_basis=event.actor_basis, party_confidence=event.party_confidence,
                claimed_by=event.claimed_by, grade=event.grade, evidence=event.evidence))
    return findings


def apply_reviews(finding: Finding, reviews: list[Review]) -> Finding:
    """The finding as its reviews leave it: the latest status decision and the latest re-attribution win."""
    update: dict = {}
    for review in sorted(reviews, key=lambda r: r.at):
        if review.action in REVIEW_STATUS:
            update["status"] = REVIEW_STATUS[review.action]
        elif review.action == "reattribute" and review.new_party:
            update["party"] = review.new_party
    return finding.model_copy(update=update) if update else finding
