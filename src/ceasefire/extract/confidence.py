"""Per-field confidence of an incident, calibrated: for each way a field can be read (its basis), how often a field
read that way was right on the tuning parts of the human-coded sets (data/calibration.json, written by
`ceasefire eval calibrate`, never by hand).

Keys per field:
- type: how the type was read (FieldBasis.type: note_label, verb, noun, weapon, generic, observation, tally);
- party: Incident.actor_basis (stated, inferred_from_…), or "none";
- place: the place's precision ("precision1" settlement, "precision2" near, "precision3" region), or "none";
- date: where the date came from (FieldBasis.date: clause, sentence, earlier, publication).
A score is (right + 1) / (rows + 2), so that a key seen rarely stays near one half.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ceasefire.records import Confidence, Incident

FIELDS = ("type", "party", "place", "date")


def basis_keys(incident: Incident) -> dict[str, str]:
    """The calibration key of each field of an incident."""
    basis = incident.basis
    return {"type": (basis.type if basis and basis.type else "unknown"),
            "party": incident.actor_basis or "none",
            "place": f"precision{incident.place.precision}" if incident.place else "none",
            "date": (basis.date if basis and basis.date else "unknown")}


def calibration_table(outcomes: list[tuple[Incident, dict[str, bool]]]) -> dict[str, dict[str, list[int]]]:
    """[right, rows] per field and key, from incidents and whether each of their fields was right."""
    table: dict[str, dict[str, list[int]]] = {f: {} for f in FIELDS}
    for incident, right in outcomes:
        keys = basis_keys(incident)
        for field, ok in right.items():
            cell = table[field].setdefault(keys[field], [0, 0])
            cell[0] += int(ok)
            cell[1] += 1
    return table


@lru_cache(maxsize=1)
def _scores() -> dict[str, dict[str, float]]:
    try:
        text = resources.files("ceasefire.data").joinpath("calibration.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    table = json.loads(text)["table"]
    return {field: {key: round((r + 1) / (n + 2), 3) for key, (r, n) in cells.items()} for field, cells in table.items()}


def with_confidence(incident: Incident) -> Incident:
    """The incident with its per-field confidence (fields whose key was never calibrated stay null)."""
    scores = _scores()
    if not scores:
        return incident
    keys = basis_keys(incident)
    values = {field: scores.get(field, {}).get(keys[field]) for field in FIELDS}
    return incident.model_copy(update={"confidence": Confidence(**values)})
