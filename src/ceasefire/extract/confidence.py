"""Per-field confidence of an incident, calibrated: for each way a field can be read (its basis), how often a field
read that way was right on the tuning parts of the human-coded sets (data/calibration.json, written by
`ceasefire eval calibrate`, never by hand).

Keys per field:
- type: how the type was read (FieldBasis.type: note_label, verb, noun, weapon, generic, observation, tally);
- party: Incident.actor_basis (stated, inferred_from_…), or "none";
- place: the place's precision ("precision1" settlement, "precision2" near, "precision3" region), or "none";
- date: where the date came from (FieldBasis.date: clause, sentence, earlier, publication).
A claim's party is keyed by Claim.party_basis and its stance (field "type") by the stance itself; they are
calibrated on the tuning part of our annotated passages.
A score is (right + 1) / (rows + 2), so that a key seen rarely stays near one half.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ceasefire.records import Claim, Confidence, Incident

FIELDS = ("type", "party", "place", "date")


def basis_keys(incident: Incident) -> dict[str, str]:
    """The calibration key of each field of an incident."""
    basis = incident.basis
    return {"type": (basis.type if basis and basis.type else "unknown"),
            "party": incident.actor_basis or "none",
            "place": f"precision{incident.place.precision}" if incident.place else "none",
            "date": (basis.date if basis and basis.date else "unknown")}


def claim_keys(claim: Claim) -> dict[str, str]:
    """The calibration key of each field of a claim."""
    return {"type": claim.stance, "party": claim.party_basis or "none"}


def calibration_table(outcomes: list[tuple[Incident | Claim, dict[str, bool]]]) -> dict[str, dict[str, list[int]]]:
    """[right, rows] per field and key, from incidents or claims and whether each of their fields was right."""
    table: dict[str, dict[str, list[int]]] = {f: {} for f in FIELDS}
    for record, right in outcomes:
        keys = claim_keys(record) if isinstance(record, Claim) else basis_keys(record)
        for field, ok in right.items():
            cell = table[field].setdefault(keys[field], [0, 0])
            cell[0] += int(ok)
            cell[1] += 1
    return table


@lru_cache(maxsize=2)
def _scores(table_name: str) -> dict[str, dict[str, float]]:
    try:
        text = resources.files("ceasefire.data").joinpath("calibration.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    table = json.loads(text).get(table_name, {})
    return {field: {key: round((r + 1) / (n + 2), 3) for key, (r, n) in cells.items()} for field, cells in table.items()}


def with_confidence(record: Incident | Claim) -> Incident | Claim:
    """The incident or claim with its per-field confidence (fields whose key was never calibrated stay null)."""
    is_claim = isinstance(record, Claim)
    scores = _scores("claims" if is_claim else "table")
    if not scores:
        return record
    keys = claim_keys(record) if is_claim else basis_keys(record)
    values = {field: scores.get(field, {}).get(keys[field]) for field in keys}
    return record.model_copy(update={"confidence": Confidence(**values)})
