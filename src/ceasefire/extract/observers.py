"""Monitors' observations: "the SMM recorded 35 explosions and 120 bursts of heavy machine-gun fire near Zolote",
"the Mission heard 12 shots", "monitors counted 120 projectiles".

An observation is a verb of perceiving or recording (data/lexicon/en.yaml: perception and speech verbs) whose
subject is an observer (the mission, its monitors, patrols, cameras) and whose object names sounds or traces of
fire (explosions, projectiles, shots, bursts, rounds …), with its count. Explosions and projectiles are indirect
fire (ACLED: shelling); shots and bursts are small-arms fire (ACLED: armed clash). The observer does not say who
fired; where the place and date allow, the geocoder's line of contact may say whose territory the fire hit
(geo/frontline.py), and the incident then says so in its actor_basis.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan, Token

from ceasefire.extract.frames import own_words
from ceasefire.extract.lexicon import lexicon
from ceasefire.extract.nlp import text_of
from ceasefire.extract.quantities import parse_number

# Observed events by kind of fire (noun lemmas).
_INDIRECT = {"explosion", "projectile", "round", "blast", "flash", "shell", "impact"}
_SMALL_ARMS = {"shot", "burst", "tracer", "gunfire"}
# "assessed as live-fire training", "during exercises": observed fire that breaks no ceasefire.
_OBSERVED_WORDS = re.compile(r"explosion|projectile|shots?\b|bursts?\b|rounds?\b|blasts?\b|flash|tracer|gunfire|"
                             r"impacts?\b|shells?\b", re.IGNORECASE)  # the nouns of _INDIRECT and _SMALL_ARMS
_WHERE = {"near", "in", "at", "around", "outside"}
_NOT_A_VIOLATION = re.compile(r"\b(?:training|exercises?|drills?|demining|controlled\s+(?:detonation|explosion)s?)\b",
                              re.IGNORECASE)


def is_training(sentence: str) -> bool:
    """Whether a monitor's sentence says the fire it counted was training, exercise or demining."""
    return _NOT_A_VIOLATION.search(sentence) is not None


@dataclass(frozen=True)
class Observation:
    """Fire an observer counted in one sentence: its kind ("indirect" or "small_arms"), count and explosions."""

    start: int  # character offsets in the document
    end: int
    kind: str
    count: int
    explosions: int | None
    words: str  # the observed items in their own words, without the items listed beside them ("6 near B")


def find_observations(sent: SpacySpan) -> list[Observation]:
    """The monitors' counts of fire in a sentence, one per kind of fire."""
    lex = lexicon()
    if not _OBSERVED_WORDS.search(text_of(sent)) or is_training(text_of(sent)):
        return []  # cheap first pass: no word of observed fire, no observation
    out: list[Observation] = []
    for verb in sent:
        lemma = verb.lemma_.lower()
        if verb.pos_ != "VERB" or not (lemma in lex.perception_verbs or lemma in ("record", "observe")):
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None and verb.dep_ == "conj":  # "recorded 14 explosions … and heard 30 bursts"
            subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if subject is None or not _is_observer(subject):
            continue
        # One observation per kind of fire and per place the item names ("14 explosions near A and 6 near B").
        totals: dict[tuple[str, int], list[Token]] = {}
        for obj in (c for c in verb.children if c.dep_ in ("dobj", "obj")):
            for item in [obj, *obj.conjuncts]:
                kind = _kind_of(item)
                where = next((c.i for c in item.children if c.dep_ == "prep" and c.lower_ in _WHERE), -1)
                if kind is not None:
                    totals.setdefault((kind, where), []).append(item)
        for (kind, _where), items in totals.items():
            counts = [_count_of(item) for item in items]
            if any(c is None for c in counts):
                continue
            explosions = sum(c for c, i in zip(counts, items) if i.lemma_.lower() == "explosion") or None
            start = min(t.idx for i in items for t in i.subtree)
            end = max(t.idx + len(t.text) for i in items for t in i.subtree)
            out.append(Observation(start, end, kind, sum(counts), explosions, "; ".join(own_words(i) for i in items)))
    return out


def _is_observer(subject: Token) -> bool:
    words = {t.lower_ for t in subject.subtree}
    return bool(words & lexicon().observer_nouns)


def _kind_of(noun: Token) -> str | None:
    lemma = noun.lemma_.lower()
    if lemma in _INDIRECT:
        return "indirect"
    if lemma in _SMALL_ARMS:
        return "small_arms"
    return None


def _count_of(noun: Token) -> int | None:
    number = next((c for c in noun.children if c.dep_ == "nummod"), None)
    if number is None and noun.tag_ in ("NN", "NNP") and any(c.dep_ == "det" and c.lower_ in ("a", "an", "one")
                                                             for c in noun.children):
        return 1  # "heard a shot"
    return parse_number(number.text) if number is not None else None
