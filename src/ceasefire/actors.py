"""The actor registry: people, institutions and formations mapped to parties (data/actors.yaml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ceasefire.records import Party

PARTIES: tuple[Party, ...] = ("UA", "RU", "US", "NATO", "EU", "UN", "OTHER")


@dataclass(frozen=True)
class Actor:
    id: str
    party: Party
    kind: str
    names: tuple[str, ...]
    roles: tuple[str, ...]

    @property
    def display(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    text: str
    actor: Actor
    by_role: bool


# "Russian-installed", "Kremlin-backed", "Ukrainian-held": a party word joined to one of these is that party's.
_PARTY_COMPOUNDS = r"(?:-(?:installed|appointed|backed|controlled|held|led|occupied|based|made|aligned|supported))?"


def _trie_alternation(phrases: list[str]) -> str:
    """One regular expression for many phrases, branching letter by letter as a trie: an alternation of a
    thousand phrases is tried phrase by phrase at every position, a trie once. Longer phrases are preferred,
    as in an alternation sorted longest first; spaces match any run of white space, apostrophes either form."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in phrase.lower().replace("’", "'"):  # both apostrophes are one branch that matches either
            node = node.setdefault(ch, {})
        node[""] = {}

    def body(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else "['’]" if ch == "'" else re.escape(ch)) + body(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{group})?" if "" in node else group

    return body(trie)


def _phrase_pattern(phrases: list[str], suffix: str = "") -> re.Pattern:
    """All phrases as one case-insensitive pattern; short all-caps abbreviations (US, UN, EU) match
    case-sensitively."""
    abbreviations = sorted({p for p in phrases if len(p) <= 4 and p.isupper()}, key=len, reverse=True)
    alternatives = [_trie_alternation([p for p in set(phrases) if p not in abbreviations])] if \
        set(phrases) - set(abbreviations) else []
    if abbreviations:
        alternatives.append(f"(?-i:{'|'.join(map(re.escape, abbreviations))})")
    words = "|".join(alternatives)
    return re.compile(r"(?<![\w-])(?:" + words + r")" + suffix + r"(?![\w-])", re.IGNORECASE)


class ActorRegistry:
    """Lookup of actors and party words in text."""

    def __init__(self, data: dict):
        self.actors = tuple(Actor(id=a["id"], party=a["party"], kind=a.get("kind", "institution"),
                                  names=tuple(a["names"]), roles=tuple(a.get("roles", ())))
                            for a in data["actors"])
        self._by_phrase: dict[str, tuple[Actor, bool]] = {}
        for actor in self.actors:
            for role in actor.roles:
                self._by_phrase.setdefault(self._key(role), (actor, True))
            for name in actor.names:
                self._by_phrase[self._key(name)] = (actor, False)
        self._pattern = _phrase_pattern([p for a in self.actors for p in a.names + a.roles])
        self.party_words: dict[str, Party] = {}
        for party, words in data["party_words"].items():
            for word in words:
                self.party_words[word.lower()] = party
        self._party_of: dict[str, Party | None] = {}
        self._party_pattern = _phrase_pattern([w for words in data["party_words"].values() for w in words],
                                              _PARTY_COMPOUNDS)

    @staticmethod
    def _key(phrase: str) -> str:
        return " ".join(phrase.lower().replace("’", "'").split())

    def find(self, text: str) -> list[ActorMention]:
        """Registry actors named (or referred to by a role) in `text`, left to right."""
        out = []
        for m in self._pattern.finditer(text):
            hit = self._by_phrase.get(self._key(m.group(0)))
            if hit:
                out.append(ActorMention(m.start(), m.end(), m.group(0), hit[0], hit[1]))
        return out

    def party_words_in(self, text: str) -> list[tuple[int, Party]]:
        """Positions and parties of party adjectives and names ("Russian", "Kyiv's", "DPR")."""
        out = []
        for m in self._party_pattern.finditer(text):
            party = self.party_words.get(self._key(re.sub(_PARTY_COMPOUNDS + "$", "", m.group(0))))
            if party:
                out.append((m.start(), party))
        return out

    def party_of(self, phrase: str) -> Party | None:
        """The party of a phrase: its first registry actor or party word ("Russian and Ukrainian forces" -> RU).
        Remembered per phrase: the same phrases ("Russian forces") recur in every document."""
        if phrase not in self._party_of:
            hits = [(m.start, m.actor.party) for m in self.find(phrase)] + self.party_words_in(phrase)
            if len(self._party_of) > 100_000:
                self._party_of.clear()
            self._party_of[phrase] = min(hits)[1] if hits else None
        return self._party_of[phrase]


@lru_cache(maxsize=1)
def registry() -> ActorRegistry:
    text = resources.files("ceasefire").joinpath("data/actors.yaml").read_text(encoding="utf-8")
    return ActorRegistry(yaml.safe_load(text))
