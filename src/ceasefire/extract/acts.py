"""Which act a clause names, and of which type: the cue words of the codebook (data/codebook.yaml), weighed by
where they stand in the sentence, then refined by the weapons and setting of the clause as ACLED's codebook does.

1. A sentence is split into clauses at ";" and ", and / while / whereas", so that several acts stay apart.
2. In each clause the strongest cue names the act: the codebook's strength, plus a bonus for the main verb of a
   non-weapon act, minus a penalty for a description (a participle, a relative clause in the perfect), for the
   name of who acted ("planted by a sabotage group") and for a weapon named as what was hit; only cues the text
   reports as done count (frames.mood_of).
3. A generic or weapon cue becomes a type by the weapons in the clause; a ground attack on forces is a clash.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan, Token

from ceasefire.extract.frames import mood_of, phrase, roles_of
from ceasefire.extract.lexicon import lexicon
from ceasefire.extract.nlp import text_of
from ceasefire.extract.taxonomy import FACILITY_CATEGORIES, codebook, whole_words


_rx = whole_words  # alternatives matched as whole words, case-insensitive

# Cue words, note labels and weapons live in data/codebook.yaml: (incident type, strength, pattern).
CUES: list[tuple[str, int, re.Pattern]] = [(t.name, t.strength, t.cues) for t in codebook().types.values()]
NOTE_LABELS = codebook().note_labels
_AIRCRAFT = _rx(r"aircraft|Su-\d+\w*|MiG-\d+|fighter\s+jets?|jets?|helicopters?|planes?|Ka-52|Mi-\d+|bombers?")
_CLASH_CONTEXT = re.compile(r"clash|fight|battle|assault|storm|repell?|repuls|engag|advanc|offensive|ground\s+attack",
                            re.IGNORECASE)

WEAPONS: list[tuple[str, re.Pattern]] = codebook().weapons  # most specific first
_CLOSE_COMBAT = {"grenade launcher", "heavy machine gun", "small arms"}
_INDIRECT_FIRE = {"artillery", "mortar", "tank", "MLRS", "rocket", "missile", "ballistic missile", "cruise missile"}
_FACILITY_RX = [(cat, _rx("|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)))
                for cat, words in FACILITY_CATEGORIES.items()]
_CLAUSE_SPLIT = re.compile(r";\s++|,\s++(?:and|while|whereas|but)\s++(?=\S)|(?<!\s)\s++while\s++|\.\s++")
PEOPLE = _rx(r"soldiers?|servicem[ae]n|troops|prisoners?|POWs?|fighters|militants|mercenaries|officers?|"
             r"pilots?|crew|marines|paratroopers|civilians?|people|residents?")
FORCE_WORDS = _rx(r"forces|troops|military|army|positions?|soldiers?|servicem[ae]n|units?|brigades?|infantry|"
                  r"artillery|marines|paratroopers|strongpoints?|lines|trenches|"
                  r"fighters|militants|rebels|formations|groups?|personnel|defenders|defen[cs]e")


@dataclass
class Clause:
    start: int
    end: int
    text: str
    sentence: SpacySpan


def clauses(sent: SpacySpan) -> list[Clause]:
    text = text_of(sent)
    out: list[Clause] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        out.append(Clause(sent.start_char + pos, sent.start_char + m.start(), text[pos:m.start()], sent))
        pos = m.end()
    out.append(Clause(sent.start_char + pos, sent.end_char, text[pos:], sent))
    return [c for c in out if c.text.strip()]


# How much a cue's place in the sentence adds to its strength (calibrated on the tuning parts: a main verb must
# outrank a noun cue inside its object, "detained participants of a rally", and nothing in a relative clause
# may outrank the act it describes, "attacked militants who had seized the airport").
MAIN_VERB_BONUS = 25
BACKGROUND_PENALTY = 60


def strongest_cue(clause: Clause) -> tuple[str, re.Match, Token | None] | None:
    """The cue that names the clause's act: the strongest by the codebook, adjusted for where it stands (the main
    verb gains, a relative clause loses), among cues the text reports as done (frames.mood_of)."""
    best = None
    for kind, strength, pattern in CUES:
        for m in pattern.finditer(clause.text):
            tok = cue_token(clause.sentence, clause.start + m.start())
            weight = strength + (_prominence(tok, kind) if tok is not None else 0)
            if best is not None and weight <= best[0]:
                continue
            if tok is not None and mood_of(tok) != "realis":
                continue  # "no violations were recorded", "could launch an attack", "a moratorium on strikes"
            best = (weight, kind, m, tok)
    return (best[1], best[2], best[3]) if best else None


_WEAPON_KINDS = {"air_strike", "drone_strike", "missile_strike", "shelling"}


def _names_what_was_hit(tok: Token) -> bool:
    """A weapon named as the object of a verb that is not one of using it: "destroying several helicopters",
    "hit a Russian tank" name the target ("launched missiles", "dropped bombs" name the weapon)."""
    head = tok
    while head.dep_ in ("compound", "amod", "nmod") and head.head != head:
        head = head.head
    if head.pos_ not in ("NOUN", "PROPN") or head.lemma_.lower() in lexicon().act_nouns:
        return False
    return head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_.lower() not in lexicon().weapon_verbs


_ATTACK_WORDS = {"attack", "assault", "storm", "raid"}
_AIR_WEAPONS = {"guided aerial bomb", "aircraft", "attack drone", "FPV drone", "drone", "ballistic missile",
                "cruise missile", "missile"}


def ground_attack(cue: Token | None, clause: str) -> bool:
    """An attack (verb or noun) on forces or positions, with no air, drone or missile weapon in the clause."""
    if cue is None or cue.lemma_.lower() not in _ATTACK_WORDS or weapons_in(clause) & _AIR_WEAPONS:
        return False
    target = roles_of(cue).patient
    return target is not None and bool(FORCE_WORDS.search(phrase(target)))


def _is_background(tok: Token) -> bool:
    """A clause that describes a participant rather than reporting the act: a participle ("militants holding the
    town", "positions held by") or a relative clause in the perfect ("who had seized the airport"). A relative
    clause in the simple past reports news ("117 drones, of which 56 were shot down")."""
    if tok.pos_ == "VERB" and (tok.dep_ == "acl" or tok.dep_ == "advcl" and tok.head.pos_ in ("NOUN", "PROPN")):
        return True  # the parser hangs some participles on a noun as adverbial clauses ("Izium, retaken in …")
    return tok.dep_ == "relcl" and any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in tok.children)


# Weapon cues keep ACLED's order among themselves (an air strike and shelling together are an air strike).
_FIRE_KINDS = {"air_strike", "drone_strike", "missile_strike", "shelling", "remote_explosive", "grenade", "generic"}


def _prominence(tok: Token, kind: str) -> int:
    if any(_is_background(a) or a.dep_ == "agent" for a in [tok, *tok.ancestors]):
        return -BACKGROUND_PENALTY  # a description, or the name of who acted ("planted by a sabotage group")
    if kind in _WEAPON_KINDS and _names_what_was_hit(tok):
        return -BACKGROUND_PENALTY
    if kind not in _FIRE_KINDS and tok.pos_ == "VERB" \
            and (tok.dep_ == "ROOT" or tok.dep_ in ("conj", "ccomp") and tok.head.pos_ == "VERB"):
        return MAIN_VERB_BONUS
    return 0


def weapon_in(text: str) -> str | None:
    for name, pattern in WEAPONS:
        if pattern.search(text):
            return name
    return None


def weapons_in(text: str) -> set[str]:
    return {name for name, pattern in WEAPONS if pattern.search(text)}


def facility_in(text: str) -> str | None:
    for category, pattern in _FACILITY_RX:
        if pattern.search(text):
            return category
    return None


def kind_by_weapon(weapons: set[str]) -> str | None:
    if weapons & _CLOSE_COMBAT:
        return "armed_clash"
    if weapons & {"guided aerial bomb", "aircraft"}:
        return "air_strike"
    if weapons & {"attack drone", "FPV drone", "drone"}:
        return "drone_strike"
    if weapons & {"ballistic missile", "cruise missile", "missile"}:
        return "missile_strike"
    return "shelling" if weapons & _INDIRECT_FIRE else None


def refine_type(kind: str, clause: str, sentence: str) -> str:
    """Turn a generic or weapon-named cue into a type by the weapons and context of the clause (ACLED's rules)."""
    weapons = weapons_in(clause)
    if kind == "armed_clash" and weapons & _INDIRECT_FIRE and not weapons & _CLOSE_COMBAT \
            and not _CLASH_CONTEXT.search(clause):
        kind = "shelling"
    if kind == "intercept" and _AIRCRAFT.search(clause) and not re.search(r"drones?|UAV|missiles?", clause, re.I):
        # A manned aircraft shot down is fire, not a disrupted weapon: by aircraft a clash, else ground fire.
        return "armed_clash" if re.search(r"(?:fighter|aircraft|jet|pilot)s?\s+shot", clause, re.I) else "shelling"
    if kind == "abduction" and re.search(r"\b(?:killed|dead\s+body|murdered|shot)\b", sentence, re.I):
        return "civilian_harm"
    if kind == "generic" and _CLASH_CONTEXT.search(sentence):
        return "armed_clash"
    if kind in ("generic", "ceasefire_violation"):
        kind = kind_by_weapon(weapons) or kind
    if kind in ("shelling", "missile_strike", "air_strike", "drone_strike", "generic") and facility_in(clause):
        return "energy_strike"
    return kind


def cue_token(sent: SpacySpan, char: int) -> Token | None:
    """The token at a character offset of the document, if it lies in the sentence."""
    if not sent.start_char <= char < sent.end_char:
        return None
    found = sent.doc.char_span(char, char + 1, alignment_mode="expand")
    return found[0] if found is not None and len(found) else None
