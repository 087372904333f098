"""The incident taxonomy and its mapping onto ACLED's event types and sub-event types.

The types, their ACLED labels, definitions (in our words, after ACLED's codebook), strengths and cue words are
data: data/codebook.yaml, loaded and checked here (tests/test_codebook.py has one sentence per definition).
Two types are derived: `attack_repelled` (the attack of "X repelled Y's attack", coded as a clash, its actor the
attacker) and `energy_strike` (a strike on an energy facility, coded by its weapon).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


def whole_words(words: str) -> re.Pattern:
    """A case-insensitive pattern for alternatives matched as whole words (a hyphen joins words: "glide-bomb"
    is "glide bomb", "sea-drone" is not "drone")."""
    return re.compile(r"(?<![\w-])(?:" + _hyphen_or_space(words) + r")(?![\w-])", re.IGNORECASE)


def _hyphen_or_space(words: str) -> str:
    return words.replace(r"\s+", r"[\s-]+")


def weapon_words(words: str) -> re.Pattern:
    """Like whole_words, but also as the last part of a hyphenated compound ("sea-drone", "kamikaze-drones"),
    except for defences against the weapon ("anti-drone", "counter-drone")."""
    return re.compile(r"(?<!\w)(?<!anti-)(?<!counter-)(?:" + _hyphen_or_space(words) + r")(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class IncidentType:
    name: str
    event_type: str | None
    sub_event_type: str | None
    definition: str
    strength: int  # the strongest cue in a clause names the act
    cues: re.Pattern
    sub_event_type_if_ukraine: str | None = None


@dataclass(frozen=True)
class Codebook:
    types: dict[str, IncidentType]
    note_labels: dict[str, str]
    weapons: list[tuple[str, re.Pattern]]  # most specific first


def load_codebook(data: dict) -> Codebook:
    """Build and check the codebook from the parsed YAML (raises ValueError on a malformed file)."""
    types = {}
    for name, entry in data["types"].items():
        event_type, sub = entry["acled"]
        try:
            cues = whole_words("|".join(entry["cues"]))
        except re.error as exc:
            raise ValueError(f"codebook: {name}: bad cue pattern ({exc})") from None
        types[name] = IncidentType(name, event_type, sub, " ".join(entry["definition"].split()), int(entry["strength"]),
                                   cues, entry.get("acled_if_ukraine"))
    unknown = set(data["note_labels"].values()) - set(types)
    if unknown:
        raise ValueError(f"codebook: note labels name unknown types {sorted(unknown)}")
    weapons = [(name, weapon_words(pattern)) for name, pattern in data["weapons"].items()]
    return Codebook(types=types, note_labels=dict(data["note_labels"]), weapons=weapons)


@lru_cache(maxsize=1)
def codebook() -> Codebook:
    text = resources.files("ceasefire.data").joinpath("codebook.yaml").read_text(encoding="utf-8")
    return load_codebook(yaml.safe_load(text))


INCIDENT_TYPES: dict[str, tuple[str | None, str | None]] = {
    name: (t.event_type, t.sub_event_type) for name, t in codebook().types.items() if name != "generic"}
INCIDENT_TYPES["attack_repelled"] = INCIDENT_TYPES["armed_clash"]  # the attack of "X repelled Y's attack"
INCIDENT_TYPES["energy_strike"] = INCIDENT_TYPES["shelling"]  # by its weapon: see extract/incidents.py

# Facility categories of the 2025 energy moratorium, with the words that name each.
FACILITY_CATEGORIES: dict[str, tuple[str, ...]] = {
    "nuclear": ("nuclear power plant", "nuclear plant", "npp", "nuclear power station", "nuclear facility"),
    "hydro": ("hydroelectric", "hydropower", "hydro power", "dam", "hpp"),
    "oil_refinery": ("refinery", "refineries", "oil processing"),
    "oil_gas_pipeline_storage": ("pipeline", "pumping station", "oil depot", "fuel depot", "oil storage",
                                 "gas storage", "storage facility", "compressor station", "gas metering station",
                                 "oil terminal", "fuel storage", "tank farm", "gas transmission",
                                 "gas production", "gas infrastructure", "oil and gas"),
    "electricity": ("power plant", "power station", "thermal power", "thermal plant", "chp", "tpp",
                    "combined heat and power", "substation", "sub-station", "transformer", "power line",
                    "power lines", "power grid", "electricity", "electric grid", "energy infrastructure",
                    "energy facility", "energy facilities", "energy system", "power supply", "power facility",
                    "power facilities", "distribution network", "energy object", "energy objects",
                    "energy sector", "power infrastructure", "electrical"),
}


def acled_labels(incident_type: str, actor_party: str | None = None) -> tuple[str | None, str | None]:
    """ACLED's (event type, sub-event type) for one of our incident types."""
    event_type, sub = INCIDENT_TYPES[incident_type]
    entry = codebook().types.get(incident_type)
    if entry is not None and entry.sub_event_type_if_ukraine and actor_party == "UA":
        sub = entry.sub_event_type_if_ukraine
    return event_type, sub
