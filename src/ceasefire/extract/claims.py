"""Claims: who said what, with the speaker's party, the stance, the venue and the date of the statement.

Cascade, per sentence:
1. Speech and cognition cue verbs (said, told, claimed, denied, warned, accused …) found by lemma in the
   dependency parse; the subject is the speaker and the clausal complement (with its conjuncts) the content.
2. "according to X" makes X the speaker of the rest of the sentence.
3. A headline "X: content" or "X says content" (no full stop needed) is a claim too.
4. Speakers are resolved: pronouns to the previous speaker, role phrases ("the Russian leader") to the
   person the document names, names to the actor registry and its party; people outside the registry
   take the party of a party word next to their name ("Ukrainian commander Oleh Ivanov").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from ceasefire.actors import ActorRegistry, registry
from ceasefire.records import Claim, Contradiction, Span, TimeSpan, content_id
from ceasefire.timeparse import TimeMention

CUE_STANCE: dict[str, str] = {
    "say": "assert", "tell": "assert", "state": "assert", "claim": "assert", "report": "assert",
    "announce": "assert", "post": "assert", "write": "assert", "add": "assert", "note": "assert",
    "confirm": "assert", "insist": "assert", "stress": "assert", "declare": "assert", "assert": "assert",
    "explain": "assert", "argue": "assert", "emphasise": "assert", "emphasize": "assert",
    "acknowledge": "assert", "admit": "assert", "inform": "assert", "publish": "assert", "believe": "assert",
    "estimate": "assert", "assess": "assert", "indicate": "assert", "show": "assert", "read": "assert",
    "record": "assert", "observe": "assert", "tweet": "assert", "maintain": "assert", "allege": "accuse",
    "accuse": "accuse", "blame": "accuse", "deny": "deny", "dismiss": "deny", "refute": "deny",
    "reject": "reject", "refuse": "reject", "warn": "warn", "threaten": "warn", "propose": "propose",
    "suggest": "propose", "offer": "propose", "urge": "propose", "call": "propose", "demand": "propose",
    "accept": "accept", "agree": "accept", "welcome": "accept", "endorse": "accept", "support": "accept",
    "condemn": "accuse", "decry": "accuse",
}
# Verbs that are claims only with a clausal complement ("showed that …"), never on their own.
_NEEDS_COMPLEMENT = {"show", "read", "indicate", "record", "observe", "believe", "add", "note", "support",
                     "call", "publish", "post", "write", "report", "offer", "agree", "accept", "welcome", "assess"}
_ACCUSE_LIKE = {"accuse", "blame", "condemn", "warn", "threaten", "decry", "urge", "call"}
_DENIAL = re.compile(r"\b(?:not\s+true|untrue|false|fake|baseless|groundless|no\s+truth|lies?|"
                     r"disinformation|propaganda|fabricat\w*|did\s+not\s+happen|never\s+happened)\b", re.I)
_NEGATED_CONTENT = re.compile(r"\b(?:not|never|no)\b", re.I)
VENUES: list[tuple[str, re.Pattern]] = [(v, re.compile(rx, re.I)) for v, rx in [
    ("press conference", r"press\s+conference|news\s+conference|briefing|press\s+(?:point|availability)"),
    ("TV interview", r"interview|told\s+(?:the\s+)?(?:\w+\s+)?(?:television|TV|channel|broadcaster)|on\s+(?:state\s+)?television"),
    ("social post", r"on\s+(?:Telegram|X|Twitter|Facebook|Instagram|social\s+media)|\bposted\b|\btweet(?:ed)?\b|"
                    r"Telegram\s+channel|video\s+address|evening\s+address"),
    ("statement", r"\bstatement\b|\bcommuniqu[eé]\b|\breadout\b"),
    ("speech", r"\bspeech\b|\baddress(?:ed)?\s+(?:the|a)\b|\bsummit\b"),
]]
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
_HEADLINE = re.compile(r"^(?P<who>[A-Z][^:\n]{1,60}):\s+(?P<what>\S[^\n]+)$")


@dataclass
class _SpeakerMemory:
    """What the document has said about speakers so far (for pronouns, roles and surnames)."""

    last: tuple[str, str | None] | None = None
    named_actors: set[str] = field(default_factory=set)
    person_party: dict[str, str] = field(default_factory=dict)


def _phrase_tokens(tok: Token) -> list[Token]:
    return [t for t in tok.subtree if t.dep_ not in ("relcl", "acl") or t == tok]


def _span_of(tokens: list[Token]) -> tuple[int, int]:
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def _person_parties(doc: Doc, reg: ActorRegistry) -> dict[str, str]:
    """Party of people outside the registry, read from party words beside their name."""
    out: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        window = doc[max(ent.start - 5, ent.sent.start):min(ent.end + 6, ent.sent.end)].text
        party = reg.party_of(ent.text) or reg.party_of(window)
        if party:
            out[ent.text] = party
            out[ent.text.split()[-1]] = party
    return out


def _resolve_speaker(phrase: str, memory: _SpeakerMemory, reg: ActorRegistry) -> tuple[str, str | None, str | None]:
    """(speaker, party, role) for a speaker phrase."""
    clean = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.I)
    if clean.lower() in _PRONOUNS and memory.last:
        return memory.last[0], memory.last[1], None
    found = reg.find(clean)
    if found:
        best = next((f for f in found if not f.by_role), found[0])
        actor = best.actor
        if best.by_role:
            # A title refers to the person when the document names that person; otherwise keep the title.
            if actor.id in memory.named_actors:
                return actor.display, actor.party, best.text
            return clean, actor.party, best.text
        if actor.kind == "person":
            return actor.display, actor.party, None
        return clean, actor.party, None
    for name, party in memory.person_party.items():
        if name in clean:
            return clean, party, None
    return clean, reg.party_of(clean), None


def _time_of_statement(sent: SpacySpan, content: tuple[int, int], times: list[TimeMention],
                       published: dt.date) -> TimeSpan:
    for t in times:
        if sent.start_char <= t.start < sent.end_char and not content[0] <= t.start < content[1]:
            return t.span
    return TimeSpan(start=published, end=published, precision="day")


def _venue(text: str) -> str | None:
    for name, pattern in VENUES:
        if pattern.search(text):
            return name
    return None


def _stance(lemma: str, verb: Token, content: str) -> str:
    stance = CUE_STANCE.get(lemma, "assert")
    if any(c.dep_ == "neg" for c in verb.children):
        stance = {"confirm": "deny", "assert": "deny", "accept": "reject"}.get(stance, stance)
    if stance == "assert" and _DENIAL.search(content):
        stance = "deny"
    return stance


def _cue_claims(sent: SpacySpan) -> list[tuple[Token, list[Token], list[Token]]]:
    """(cue verb, speaker tokens, content tokens) for each speech cue in a sentence."""
    out = []
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "AUX") or lemma not in CUE_STANCE:
            continue
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None and tok.dep_ == "conj":  # "denied and said": shared subject
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
        if subj is None or tok.dep_ in ("amod", "acl") and subj is None:
            continue
        comps = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp", "advcl") and not (c.dep_ == "advcl"
                                                                                          and c.i < tok.i)]
        objects = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
        if lemma in _ACCUSE_LIKE:
            # "accused Ukraine of striking …": the accused and the act are the content.
            comps = objects + [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "over")] + comps
        elif not comps:
            comps = objects
        if not comps and lemma in _NEEDS_COMPLEMENT:
            continue
        if not comps:
            comps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "about", "of", "for")]
        if not comps:
            continue
        content: list[Token] = []
        for c in comps:
            content.extend(c.subtree)
            for conj in c.conjuncts:
                content.extend(conj.subtree)
        # "five attacks had been repelled, and clashes were ongoing": conjuncts of the cue verb that have
        # no subject of their own belong to the same claim.
        for conj in tok.children:
            if conj.dep_ == "conj" and conj.pos_ in ("VERB", "AUX") and conj.lemma_.lower() not in CUE_STANCE:
                content.extend(conj.subtree)
        out.append((tok, _phrase_tokens(subj), content))
    # "according to X, …": X speaks the whole sentence.
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            pobj = next((c for c in tok.nbor().children if c.dep_ == "pobj"), None)
            if pobj is not None:
                speaker = list(pobj.subtree)
                content = [t for t in sent if t not in speaker and t.i not in (tok.i, tok.i + 1)]
                out.append((tok, speaker, content))
    return out


def extract_claims(doc: Doc, doc_id: str, published: dt.date, times: list[TimeMention]) -> list[Claim]:
    """All attributed claims in a parsed document, in text order."""
    reg = registry()
    memory = _SpeakerMemory(person_party=_person_parties(doc, reg))
    memory.named_actors = {m.actor.id for m in reg.find(doc.text) if not m.by_role}
    claims: list[Claim] = []
    for sent in doc.sents:
        for verb, speaker_toks, content_toks in _cue_claims(sent):
            content_toks = [t for t in content_toks if not (t.is_punct or t.is_space) or t.text in ("%", "'")]
            if not content_toks:
                continue
            speaker_phrase = doc.text[slice(*_span_of(speaker_toks))]
            speaker, party, role = _resolve_speaker(speaker_phrase, memory, reg)
            c_start, c_end = _span_of(content_toks)
            start, end = min(c_start, *_span_of(speaker_toks)), max(c_end, verb.idx + len(verb.text))
            content = doc.text[c_start:c_end]
            lemma = "according to" if verb.lower_ == "according" else verb.lemma_.lower()
            stance = "assert" if lemma == "according to" else _stance(lemma, verb, content)
            memory.last = (speaker, party)
            claims.append(Claim(
                id=content_id("clm", doc_id, start, end, speaker), doc_id=doc_id, speaker=speaker, party=party,
                stance=stance, cue=lemma, text=content, role=role,
                when=_time_of_statement(sent, (c_start, c_end), times, published), venue=_venue(sent.text),
                span=Span(start=start, end=end, text=doc.text[start:end])))
    claims.extend(_headline_claims(doc, doc_id, published, memory, reg, claims))
    return sorted(claims, key=lambda c: c.span.start)


def _headline_claims(doc: Doc, doc_id: str, published: dt.date, memory: _SpeakerMemory, reg: ActorRegistry,
                     found: list[Claim]) -> list[Claim]:
    """Lines of the form "Speaker: content" (headlines, bulletins) that the parser did not read as speech."""
    out = []
    offset = 0
    for line in doc.text.split("\n"):
        m = _HEADLINE.match(line)
        if m and reg.find(m.group("who")):
            start, end = offset, offset + len(line)
            if not any(c.span.start <= start < c.span.end for c in found):
                speaker, party, role = _resolve_speaker(m.group("who"), memory, reg)
                content = m.group("what")
                out.append(Claim(
                    id=content_id("clm", doc_id, start, end, speaker), doc_id=doc_id, speaker=speaker,
                    party=party, stance="deny" if _DENIAL.search(content) else "assert", cue=":", text=content,
                    role=role, when=TimeSpan(start=published, end=published, precision="day"),
                    span=Span(start=start, end=end, text=line)))
        offset += len(line) + 1
    return out


_SYNONYMS = {"encircle": "surround", "encirclement": "surround", "surrounded": "surround", "encircled": "surround",
             "cauldron": "surround", "strike": "attack", "shell": "attack", "shelling": "attack", "hit": "attack",
             "violation": "violate", "breach": "violate", "take": "capture", "seize": "capture",
             "liberate": "capture", "occupy": "capture", "troop": "force", "soldier": "force", "army": "force",
             "military": "force", "unit": "force", "facility": "infrastructure", "plant": "infrastructure"}


def _topic_words(doc: Doc, claim: Claim) -> set[str]:
    reg = registry()
    words = set()
    for tok in doc.char_span(claim.span.start, claim.span.end, alignment_mode="expand") or []:
        if tok.is_stop or tok.is_punct or tok.pos_ not in ("NOUN", "PROPN", "VERB", "ADJ") or len(tok.text) < 3:
            continue
        if reg.party_of(tok.text):
            continue
        lemma = tok.lemma_.lower()
        if lemma in CUE_STANCE:
            continue
        words.add(_SYNONYMS.get(lemma, lemma))
    return words


def find_contradictions(doc: Doc, claims: list[Claim]) -> list[Contradiction]:
    """Pairs of claims where one party asserts or accuses and another party denies or rejects it."""
    out = []
    topics = {c.id: _topic_words(doc, c) for c in claims}
    denials = [c for c in claims if c.stance in ("deny", "reject") and c.party]
    for denial in denials:
        for other in claims:
            if other.party in (None, denial.party) or other.stance not in ("assert", "accuse"):
                continue
            shared = topics[denial.id] & topics[other.id]
            if len(shared) >= 2 or shared & {"surround", "capture", "violate", "attack"}:
                pair = sorted([other, denial], key=lambda c: c.span.start)
                out.append(Contradiction(claim_ids=[c.id for c in pair], parties=[c.party for c in pair],
                                         topic=", ".join(sorted(shared))))
    return out
