"""Word lists as data: data/lexicon/en.yaml, loaded and checked once.

    >>> lexicon().stance_of("deny")
    'deny'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

STANCES = ("assert", "accuse", "deny", "reject", "warn", "propose", "accept")
LIST_KEYS = ("needs_clause", "light_verbs", "time_nouns", "reflexives", "irrealis_words", "reaction_verbs",
             "observer_nouns", "perception_verbs", "cessation_verbs", "act_nouns", "weapon_verbs", "rivers",
             "accusation_words")


@dataclass(frozen=True)
class Lexicon:
    speech_verbs: dict[str, str]  # lemma -> stance
    speech_nouns: dict[str, str]  # noun -> stance
    needs_clause: frozenset[str]
    light_verbs: frozenset[str]
    time_nouns: frozenset[str]
    reflexives: frozenset[str]
    irrealis_words: frozenset[str]
    reaction_verbs: frozenset[str]
    observer_nouns: frozenset[str]
    perception_verbs: frozenset[str]
    cessation_verbs: frozenset[str]
    act_nouns: frozenset[str]
    weapon_verbs: frozenset[str]
    rivers: frozenset[str]
    accusation_words: frozenset[str]

    def stance_of(self, lemma: str) -> str | None:
        return self.speech_verbs.get(lemma)

    def only_reports(self, lemma: str) -> bool:
        """Whether a verb reports, perceives or judges an act rather than carrying it out."""
        return lemma in self.speech_verbs or lemma in self.reaction_verbs or lemma in self.perception_verbs


def load_lexicon(data: dict) -> Lexicon:
    """Build and check a lexicon from the parsed YAML (raises ValueError on a malformed file)."""
    missing = [k for k in ("speech_verbs", *LIST_KEYS) if k not in data]
    if missing:
        raise ValueError(f"lexicon lacks {', '.join(missing)}")
    speech: dict[str, str] = {}
    for stance, verbs in data["speech_verbs"].items():
        if stance not in STANCES:
            raise ValueError(f"lexicon: unknown stance {stance!r}")
        for verb in verbs:
            if verb in speech:
                raise ValueError(f"lexicon: {verb!r} has two stances ({speech[verb]}, {stance})")
            speech[verb] = stance
    nouns = {str(k).lower(): v for k, v in data.get("speech_nouns", {}).items()}
    bad = sorted(set(nouns.values()) - set(STANCES))
    if bad:
        raise ValueError(f"lexicon: speech_nouns has unknown stances {bad}")
    lists = {}
    for key in LIST_KEYS:
        words = [str(w).lower() for w in data[key]]
        if len(set(words)) != len(words):
            raise ValueError(f"lexicon: {key} repeats a word")
        lists[key] = frozenset(words)
    return Lexicon(speech_verbs=speech, speech_nouns=nouns, **lists)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    text = resources.files("ceasefire.data").joinpath("lexicon/en.yaml").read_text(encoding="utf-8")
    return load_lexicon(yaml.safe_load(text))
