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
from ceasefire.extract.lexicon import lexicon
from ceasefire.extract.frames import phrase as words_of
from ceasefire.extract.nlp import doc_text, proper_names, text_of
from ceasefire.records import Claim, Contradiction, Incident, Span, Tally, TimeSpan, content_id
from ceasefire.timeparse import TimeMention

# Speech verbs and their stances live in data/lexicon/en.yaml.
CUE_STANCE: dict[str, str] = lexicon().speech_verbs
# Verbs that are claims only with a clausal complement ("added that …"), never with an object alone.
_NEEDS_CLAUSE = lexicon().needs_clause
_ACCUSE_LIKE = {"accuse", "blame", "condemn", "warn", "threaten", "decry", "urge", "call", "hold_responsible"}
# Verbs that put a label on what they name ("called the strike a war crime", "branded the report lies"), and
# verbs that answer what they name ("rejected the report as fabricated"): their object is part of the content.
_LABELLING = {"call", "describe", "brand", "label", "dismiss"}
_ANSWERING = {"deny", "reject", "dismiss", "refute", "rebut"}
_DENIAL = re.compile(r"\b(?:not\s+true|untrue|false|fake|baseless|groundless|no\s+truth|lies?|"
                     r"disinformation|propaganda|fabricat\w*|did\s+not\s+happen|never\s+happened|provocation|"
                     r"staged|false\s+flag|nonsense|absurd|slander\w*|invent\w*)\b", re.I)
_NEGATED_CONTENT = re.compile(r"\b(?:not|never|no)\b", re.I)
VENUES: list[tuple[str, re.Pattern]] = [(v, re.compile(rx, re.I)) for v, rx in [
    ("press conference", r"press\s+conference|news\s+conference|(?:press|news|daily|regular)\s+briefing|"
                         r"briefing\s+(?:for|with|to)\s+(?:reporters|journalists)|press\s+(?:point|availability)"),
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
    last_sentence: int = -1
    by_head: dict[str, tuple[str, str]] = field(default_factory=dict)
    named_actors: set[str] = field(default_factory=set)
    person_party: dict[str, str] = field(default_factory=dict)


def _phrase_tokens(tok: Token) -> list[Token]:
    """The phrase a noun heads, without its relative and participial clauses ("the governor, who said …")."""
    clauses = {t.i for c in tok.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
    return [t for t in tok.subtree if t.i not in clauses]


def _span_of(tokens: list[Token]) -> tuple[int, int]:
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def _person_parties(doc: Doc, reg: ActorRegistry) -> dict[str, str]:
    """Party of people outside the registry, read from party words beside their name."""
    out: dict[str, str] = {}
    for ent in proper_names(doc):
        if len(ent) < 2:
            continue
        # Titles come before a name ("Ukrainian commander Oleh Ivanov"); words after it may be about others.
        before = doc[max(ent.start - 5, ent.sent.start):ent.start].text
        party = reg.party_of(ent.text) or reg.party_of(before)
        if party:
            out[ent.text] = party
            out[ent.text.split()[-1]] = party
    return out


_INSTITUTIONAL_ROLE = re.compile(r"\b(?:spokes(?:wo)?man|spokesperson|ministry|minister|office|staff|command|"
                                 r"governor|head|ambassador|envoy|adviser|advisor)\b", re.I)
_DATELINE = re.compile(r"^.*?\((?:Reuters|AP|AFP|Reuters/Ipsos|dpa|Bloomberg|Ukrinform|Interfax|TASS)\)\s*[-–—]\s*|"
                       r"^[A-Z][A-Z .'-]+,\s+\w+\s+\d+\s*[-–—]\s*")


_POSTED_TO = re.compile(r"\b(?:to|at)\s+(?:the\s+)?\Z", re.I)


def _resolve_speaker(phrase: str, memory: _SpeakerMemory, reg: ActorRegistry) -> tuple[str, str | None, str | None]:
    """(speaker, party, role) for a speaker phrase.

    Order: pronouns to the previous speaker; registry names and titles; people named earlier with a party
    word; a bare "the ministry" to the last ministry named with a party; a party word in the phrase.
    """
    clean = re.sub(r"^(?:the|a|an)\s+", "", _DATELINE.sub("", phrase.strip(" ,;:")), flags=re.I)
    clean = re.sub(r"\s*['’]s?$", "", clean)  # "Moscow's claim that …": the speaker is Moscow
    if (clean.lower() in _PRONOUNS or clean.lower() in lexicon().speech_nouns) and memory.last:
        return memory.last[0], memory.last[1], None  # "the statement read": the last speaker's statement
    found = reg.find(clean) or reg.find(phrase.strip())  # "the Mission" is a registry name with its article
    # "Russia's envoy to the OSCE": the body an envoy is sent to is not the envoy's side.
    found = [f for f in found if not _POSTED_TO.search(clean[:clean.find(f.text)] if f.text in clean else "")]
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
    party = reg.party_of(clean)
    if party is None:
        head = clean.split()[-1].lower() if clean.split() else ""
        if head in memory.by_head and len(clean.split()) <= 3:
            return memory.by_head[head][0], memory.by_head[head][1], clean
    return clean, party, None


_INSTITUTIONS = re.compile(r"\b(?:navy|army|air\s+force|general\s+staff|(?:defen[cs]e|foreign)\s+ministry|"
                           r"ministry\s+of\s+(?:defen[cs]e|foreign\s+affairs)|border\s+guards?|national\s+guard|"
                           r"military\s+administration|defen[cs]e\s+forces|armed\s+forces|marines|"
                           r"special\s+operations\s+forces|security\s+service|intelligence)\b", re.I)


def _party_of_institution(speaker: str, text: str, reg: ActorRegistry) -> str | None:
    """A speaker from an institution the text names elsewhere with its side ("navy spokesman Dmytro Pletenchuk"
    after "the Ukrainian navy"): that side, when the text names it with one side only."""
    m = _INSTITUTIONS.search(speaker)
    if m is None or re.search(r"[A-Za-z]", re.sub(r"^(?:the|a|an)\s+", "", speaker[:m.start()], flags=re.I)):
        return None  # "Western intelligence officials": a qualified body is not the one named elsewhere
    name = r"\s+".join(m.group(0).lower().split())
    parties = {reg.party_of(found.group(1)) for found in re.finditer(
        r"((?:\S+\s+){1,2})" + name + r"\b", text, re.I)} - {None}
    return parties.pop() if len(parties) == 1 else None


_OFFICE = r"(?:governor|mayor|head|administration|council)"
_LOCAL_OFFICIAL = re.compile(r"(?<![\w'’-])(?P<before>[A-Z][\w'’-]+)\s+(?:(?:regional|city|oblast|military)\s+)*"
                             + _OFFICE + r"\b|\b" + _OFFICE + r"\s+of\s+(?:the\s+)?(?P<after>[A-Z][\w'’-]+)")
_COUNTRY_PARTY = {"Ukraine": "UA", "Russia": "RU"}
_TOWN_POPULATION = 20_000
_CONTESTED_REGIONS = {"Crimea", "Sevastopol", "Donetsk", "Luhansk", "Zaporizhia", "Kherson"}  # ACLED spellings


def _party_of_local_official(speaker: str) -> str | None:
    """A governor, mayor or administration of a place is of the state the place is in ("Sumy governor" UA,
    "governor of Belgorod region" RU); a party word ("Russian-installed") has been read before this."""
    from ceasefire.geo.gazetteer import gazetteer

    for m in _LOCAL_OFFICIAL.finditer(speaker):
        name = re.sub(r"['’]s$", "", m.group("before") or m.group("after"))
        entries, how = gazetteer().lookup(name)
        # Towns big enough to have a governor or mayor of note, and regions; never the occupied regions, where
        # each side has its own official (the party word, "Russian-installed", decides there).
        places = [e for e in entries if how == "exact" and (e.fclass == "A" or e.population >= _TOWN_POPULATION)]
        countries = {e.country for e in places}
        if places and not any(e.admin1 in _CONTESTED_REGIONS for e in places) and len(countries) == 1 \
                and countries <= _COUNTRY_PARTY.keys():
            return _COUNTRY_PARTY[countries.pop()]
    return None


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


def _stance(lemma: str, verb: Token, content: str, content_toks: list[Token]) -> str:
    """The stance of the cue verb, turned by what it says: a negated cue ("did not confirm") denies; rejecting or
    dismissing a statement ("rejected this", "dismissed the claim") denies it, rejecting or dismissing a proposal
    ("dismissed the EU's call for a truce") rejects it."""
    stance = CUE_STANCE.get(lemma, "assert")
    if any(c.dep_ == "neg" for c in verb.children):
        stance = {"confirm": "deny", "assert": "deny", "accept": "reject"}.get(stance, stance)
    if stance in ("assert", "propose") and lemma in _LABELLING and _DENIAL.search(content) \
            or stance == "assert" and _DENIAL.search(content):
        stance = "deny"  # "called the claim a provocation", "dismissed it as fake"
    elif lemma in _LABELLING and _puts_an_accusing_label(verb):
        stance = "accuse"  # "called the strike a war crime"
    if stance in ("deny", "reject"):
        said = _what_was_said(content_toks)
        if said == "propose":
            stance = "reject"
        elif said is not None or stance == "reject" and _BARE_REFERENCE.match(content):
            stance = "deny"
    return stance


def _puts_an_accusing_label(verb: Token) -> bool:
    """Whether a labelling verb's predicate ("a war crime", "an act of terrorism", "barbaric") accuses."""
    words = lexicon().accusation_words
    for label in (c for c in verb.children if c.dep_ in ("oprd", "acomp", "xcomp")
                  or c.dep_ == "prep" and c.lower_ == "as"):
        text = " ".join(t.lower_ for t in label.subtree)
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return True
    return False


def _what_was_said(content: list[Token]) -> str | None:
    """The stance of the speech noun that heads what a reply answers ("the EU's call" -> propose, "Kyiv's claim"
    -> assert), if it is one."""
    inside = {t.i for t in content}
    head = next((t for t in content if t.head.i not in inside or t.head == t), None)
    return lexicon().speech_nouns.get(head.lemma_.lower()) if head is not None and head.pos_ == "NOUN" else None


def _embedded_stance(content: list[Token], party: str | None) -> str | None:
    """A report of the speaker's own side's decision takes its stance: "the Kremlin said it accepted the
    provisions", "Moscow agreed to the US proposal, Ushakov said". The subject must be "it" or "we" (not "they",
    often the other side) or the speaker's own party."""
    inside = {t.i for t in content}
    for top in (t for t in content if t.head.i not in inside or t.head == t):
        stance = CUE_STANCE.get(cue_lemma(top)) if top.pos_ in ("VERB", "AUX") else None
        if stance not in ("accept", "reject", "propose"):
            continue
        if any(c.dep_ == "neg" for c in top.children):
            stance = {"accept": "reject"}.get(stance, stance)
        subject = next((c for c in top.children if c.dep_ == "nsubj"), None)
        if subject is not None and (subject.lower_ in ("it", "we") or party is not None
                                    and registry().party_of(subject.text) == party):
            return stance
    return None


def _reports_a_negation(content: list[Token]) -> bool:
    """Whether what is said is that an act did not happen: its main verb names a violent act or a capture and is
    negated ("the village was not captured", "no unit had fired"). A negative judgement ("Russia could not be
    trusted") is an assertion."""
    from ceasefire.extract.taxonomy import codebook  # the act words live in the codebook

    inside = {t.i for t in content}
    for top in (t for t in content if t.head.i not in inside or t.head == t):
        if top.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ == "neg" or c.lower_ == "no" and c.dep_ == "det"
                   for c in [*top.children, *(g for c in top.children if c.dep_ == "nsubj" for g in c.children)]):
            continue
        if any(t.cues.fullmatch(top.text) for t in codebook().types.values()):
            return True
    return False


def _denies_an_act(content: list[Token]) -> bool:
    """Whether what is said is that no act took place ("no such strike took place", "there was no attack"): an act
    noun with "no" as the subject or object of the main verb. Alone this reports an absence ("there had been no
    strikes since the truce"); it denies when it points back ("such") or answers another side's claim."""
    inside = {t.i for t in content}
    acts = lexicon().act_nouns
    return any(c.dep_ in ("nsubj", "nsubjpass", "attr", "dobj") and c.lemma_.lower() in acts
               and any(d.dep_ == "det" and d.lower_ == "no" for d in c.children)
               for top in content if top.head.i not in inside or top.head == top for c in top.children)


def _inside_reported_speech(tok: Token) -> bool:
    """Whether a verb sits in what a speech verb above it reports: its clausal complement, or a phrase with "for"
    or "on" ("pushed for Russia to accept the truce" is the pusher's proposal, not Russia accepting). A relative
    clause with a speaker of its own ("…, which Kyiv denied") is that speaker's claim."""
    if tok.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ not in ("which", "that", "who") for c in tok.children):
        return False
    child, head = tok, tok.head
    while head != child:
        if head.lemma_.lower() in CUE_STANCE and head.pos_ in ("VERB", "AUX") and (
                child.dep_ in ("ccomp", "xcomp") or child.dep_ == "prep" and child.lower_ in ("for", "on")
                or child.dep_ == "advcl" and any(c.dep_ in ("mark", "aux") and c.lower_ in ("for", "to", "that")
                                                 for c in child.children)):
            return True
        child, head = head, head.head
    return False


def cue_lemma(tok: Token) -> str:
    """The verb's lemma, or its phrasal form when the lexicon has one ("turned down" -> turn_down, "held X
    responsible" -> hold_responsible)."""
    lemma = tok.lemma_.lower()
    for child in tok.children:
        if child.dep_ in ("prt", "oprd", "acomp") and f"{lemma}_{child.lower_}" in CUE_STANCE:
            return f"{lemma}_{child.lower_}"
    return lemma


_RELATIVE_PRONOUNS = {"who", "which", "that"}
_CIRCUMSTANCE_MARKS = {"when", "after", "before", "as", "while", "if", "because", "since", "though", "although",
                       "once", "until", "unless", "whether"}


def _speaker_of(verb: Token) -> tuple[Token | None, list[Token]]:
    """(speaker's head, what a passive cue is about): the subject; the agent of a passive cue ("was confirmed
    by the governor", "was dismissed by the ministry"), whose subject is then what was said; the antecedent of a
    relative pronoun ("the governor, who said …")."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    about: list[Token] = []
    agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
    if subj is not None and subj.dep_ == "nsubjpass" and agent is not None:
        subj, about = agent, [subj]
    if subj is not None and subj.lower_ in _RELATIVE_PRONOUNS and verb.dep_ == "relcl" and verb.head != verb:
        subj = verb.head
    return subj, about


def _is_reported_clause(clause: Token, verb: Token) -> bool:
    """Whether an adverbial clause of a speech verb is what it reports: after the verb ("…, adding that"), or
    before it as a finite clause with no subordinating word ("Drones hit X overnight, the governor said", which
    the parser sometimes attaches so); "When asked, he said" is a circumstance."""
    if clause.i > verb.i:
        return not (clause.lemma_.lower() in CUE_STANCE and _has_no_subject(clause))
    return not _has_no_subject(clause) and not any(
        c.dep_ == "mark" and c.lower_ in _CIRCUMSTANCE_MARKS for c in clause.children)


def _spread_by(noun: Token) -> Token | None:
    """Who put a report about: "reports, circulated by Russian military bloggers, that …"."""
    return next((g for c in noun.children if c.dep_ == "acl" for a in c.children if a.dep_ == "agent"
                 for g in a.children if g.dep_ == "pobj"), None)


def _antecedent(verb: Token) -> Token | None:
    """The noun a relative clause with this cue verb is about, when the verb's object is that noun: "a claim
    the ministry rejected", "the proposal, which Moscow turned down" (not "the governor, who said …")."""
    lex = lexicon()
    if verb.dep_ != "relcl" or verb.head.lemma_.lower() not in lex.speech_nouns.keys() | lex.act_nouns:
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.lower_ in _RELATIVE_PRONOUNS:
        return None
    return verb.head


def _has_no_subject(verb: Token) -> bool:
    return not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _cue_claims(sent: SpacySpan) -> list[tuple[Token, list[Token], list[Token]]]:
    """(cue verb, speaker tokens, content tokens) for each speech cue in a sentence."""
    out = []
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        lemma = cue_lemma(tok)
        if lemma not in CUE_STANCE:
            continue
        if _inside_reported_speech(tok):
            continue  # "Peskov said Russia would not accept a truce": the truce is Peskov's claim, not Russia's
        subj, about = _speaker_of(tok)
        if subj is None and (tok.dep_ == "conj" or tok.dep_ == "advcl" and tok.head.lemma_.lower() in CUE_STANCE):
            # "denied and said", "denied it, adding that …": the subject is shared, the stance is the verb's own
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
        if subj is None:
            continue
        comps = about + [c for c in tok.children if c.dep_ in ("ccomp", "xcomp")
                         or c.dep_ == "advcl" and _is_reported_clause(c, tok)]
        # "…, adding that": its own claim; "pushed for Russia to accept": the pusher's content
        objects = [c for c in tok.children if c.dep_ in ("dobj", "obj", "oprd")]  # "called the claim a lie"
        if lemma in _ACCUSE_LIKE:
            # "accused Ukraine of striking …": the accused and the act are the content.
            comps = objects + [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "over")] + comps
        elif not comps or lemma in _LABELLING | _ANSWERING:
            comps = objects + comps  # "rejected the report as fabricated": the report is what is answered
        antecedent = _antecedent(tok)
        if antecedent is not None and (not comps or all(c.lower_ in _RELATIVE_PRONOUNS for c in comps)):
            comps = []  # "a claim the ministry rejected", "the proposal, which Moscow turned down": the noun
        elif not comps and lemma in _NEEDS_CLAUSE:
            continue
        if not comps and antecedent is None:
            comps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "about", "of", "for")]
        if not comps and antecedent is None:
            continue
        content: list[Token] = _phrase_tokens(antecedent) if antecedent is not None and not comps else []
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
    # "Kyiv denied Moscow's claim that its forces had encircled …", "dismissed the EU's call for a truce",
    # "agreed to the US proposal to swap prisoners": the claim inside the reply is its owner's.
    for tok in sent:
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in lexicon().speech_nouns:
            owner = next((c for c in tok.children if c.dep_ == "poss" or c.dep_ in ("compound", "amod")
                          and registry().party_of(words_of(c))), None) or _spread_by(tok)
            clause = next((c for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl")
                           and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
            if clause is None and tok.dep_ in ("dobj", "obj") and cue_lemma(tok.head) in CUE_STANCE:
                # "denied reports, circulated by bloggers, that …": the parser hangs the clause on the verb
                clause = next((c for c in tok.head.children if c.dep_ in ("ccomp", "advcl") and c.i > tok.i
                               and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
            if clause is None and lexicon().speech_nouns[tok.lemma_.lower()] == "propose":
                clause = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "for" or c.dep_ == "acl"
                               and any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children)), None)
            if owner is not None and clause is not None:
                out.append((tok, _phrase_tokens(owner), list(clause.subtree)))
    # "according to X, …": X speaks the whole sentence.
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            pobj = next((c for c in tok.nbor().children if c.dep_ == "pobj"), None)
            if pobj is not None:
                speaker = list(pobj.subtree)
                content = [t for t in sent if t not in speaker and t.i not in (tok.i, tok.i + 1)]
                out.append((tok, speaker, content))
    return out


def _content_text(doc: Doc, tokens: list[Token]) -> str:
    """The words of the content; separate stretches (a quote, then "adding that …") are joined with " … "."""
    ids = sorted({t.i for t in tokens})
    runs: list[list[int]] = []
    for i in ids:
        if runs and (i == runs[-1][-1] + 1 or all(doc[j].is_punct or doc[j].is_space for j in range(runs[-1][-1] + 1, i))):
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = [doc[r[0]:r[-1] + 1].text.strip(" \"“”'‘’,") for r in runs]
    return " … ".join(p for p in parts if p)


def extract_claims(doc: Doc, doc_id: str, published: dt.date, times: list[TimeMention]) -> list[Claim]:
    """All attributed claims in a parsed document, in text order."""
    reg = registry()
    memory = _SpeakerMemory(person_party=_person_parties(doc, reg))
    text = doc_text(doc)
    memory.named_actors = {m.actor.id for m in reg.find(text) if not m.by_role}
    claims: list[Claim] = []
    for sent_no, sent in enumerate(doc.sents):
        for verb, speaker_toks, content_toks in _cue_claims(sent):
            content_toks = [t for t in content_toks if not (t.is_punct or t.is_space) or t.text in ("%", "'")]
            if not content_toks:
                continue
            speaker_phrase = text[slice(*_span_of(speaker_toks))]
            speaker, party, role = _resolve_speaker(speaker_phrase, memory, reg)
            party_basis = None if party is None else "stated" if reg.party_of(speaker_phrase) == party else "context"
            if party is None:
                party = _party_of_institution(speaker, text, reg) or _party_of_local_official(speaker)
                party_basis = "context" if party else None
            if party is None and memory.last and memory.last_sentence in (sent_no - 1, sent_no) \
                    and _INSTITUTIONAL_ROLE.search(speaker):
                party = memory.last[1]  # an unnamed spokesman right after a side's statement speaks for it
                party_basis = "context" if party else None
            if party is not None and speaker.split():
                # "the Ministry added", "the statement read": later mentions of the same body or its words
                for word in {speaker.split()[-1], *_INSTITUTIONAL_ROLE.findall(speaker)}:
                    memory.by_head.setdefault(word.lower(), (speaker, party))
            c_start, c_end = _span_of(content_toks)
            start, end = min(c_start, *_span_of(speaker_toks)), max(c_end, verb.idx + len(verb.text))
            content = _content_text(doc, content_toks)
            lemma = "according to" if verb.lower_ == "according" else cue_lemma(verb)
            if verb.lemma_.lower() in lexicon().speech_nouns and verb.pos_ == "NOUN":
                stance = lexicon().speech_nouns[verb.lemma_.lower()]
            else:
                stance = "assert" if lemma == "according to" else _stance(lemma, verb, content, content_toks)
            if stance == "assert":
                stance = _embedded_stance(content_toks, party) or stance
            answering = memory.last is not None and memory.last[1] not in (None, party) \
                and memory.last_sentence >= sent_no - 1  # the other side spoke just before
            if stance == "assert" and (_reports_a_negation(content_toks) or _denies_an_act(content_toks) and (
                    any(t.lower_ == "such" for t in content_toks) or answering)):
                stance = "deny"  # "the village was not captured, the brigade said"
            memory.last = (speaker, party)
            memory.last_sentence = sent_no
            claims.append(Claim(
                id=content_id("clm", doc_id, start, end, speaker), doc_id=doc_id, speaker=speaker, party=party,
                stance=stance, cue=lemma, text=content, role=role,
                when=_time_of_statement(sent, (c_start, c_end), times, published), venue=_venue(text_of(sent)),
                party_basis=party_basis,
                span=Span(start=start, end=end, text=text[start:end])))
    claims.extend(_headline_claims(doc, doc_id, published, memory, reg, claims))
    return sorted(claims, key=lambda c: c.span.start)


def _headline_claims(doc: Doc, doc_id: str, published: dt.date, memory: _SpeakerMemory, reg: ActorRegistry,
                     found: list[Claim]) -> list[Claim]:
    """Lines of the form "Speaker: content" (headlines, bulletins) that the parser did not read as speech."""
    out = []
    offset = 0
    for line in doc_text(doc).split("\n"):
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


# Unnamed officials and bodies ("the regional administration said", "police said") speak for a side the text
# does not name; the acts they report say which.
_OFFICIAL = re.compile(r"\b(?:administration|governor|mayor|police|ministry|staff|air\s+force|brigade|military|army|"
                       r"command|head|officials?|authorities|spokes(?:wo)?man|spokesperson|service|council|"
                       r"prosecutors?|guards?|navy|commander|emergency)\b", re.I)
_OWN_SIDE_ACTS = {"intercept", "settlement_captured", "withdrawal", "base_established", "arrest"}


def with_tallies(claims: list[Claim], incidents: list[Incident]) -> list[Claim]:
    """A side's count of the other side's acts in aggregate ("Kyiv counted more than 40 breaches of the truce"), kept
    on the claim: it is reported as a count, beside the events the text tells one by one (a count that an
    incident of the claim already carries, "47 attacks were repelled near Pokrovsk", is that incident's)."""
    from ceasefire.extract.quantities import find_aggregate

    out = []
    for claim in claims:
        found = find_aggregate(claim.text) if claim.stance in ("assert", "accuse") and claim.party in ("RU", "UA") \
            else None  # a warring side's count of the other's acts; monitors' counts are incidents of their own
        if found is not None and (any(i.count == found[0] and i.span.start < claim.span.end
                                      and claim.span.start < i.span.end for i in incidents)
                                  or len(incidents) >= found[0]):
            found = None  # the document tells the acts it counts one by one
        if found is None:
            out.append(claim)
            continue
        count, noun, qualifier = found
        against = {"UA": "RU", "RU": "UA"}.get(claim.party or "")
        out.append(claim.model_copy(update={"tally": Tally(count=count, noun=noun, qualifier=qualifier,
                                                           against=against)}))
    return out


def infer_speaker_parties(claims: list[Claim], incidents: list[Incident]) -> list[Claim]:
    """Give an unnamed official speaker the side that the acts of its claim imply: a side reports its own
    interceptions, captures and arrests, and the attacks it suffered. Only acts whose actor the text states count,
    and only when they all point to one side."""
    out = []
    for claim in claims:
        if claim.party is not None or not _OFFICIAL.search(claim.speaker):
            out.append(claim)
            continue
        sides = set()
        for inc in incidents:
            if inc.actor_basis != "stated" or inc.actor_party not in ("RU", "UA") \
                    or not claim.span.start <= inc.span.start < claim.span.end + 1:
                continue
            own = inc.type in _OWN_SIDE_ACTS
            sides.add(inc.actor_party if own else ("UA" if inc.actor_party == "RU" else "RU"))
        out.append(claim.model_copy(update={"party": sides.pop(), "party_basis": "inferred_from_acts"})
                   if len(sides) == 1 else claim)
    # The same named official's other statements speak for the same side ("officials" may be either side's).
    inferred = {c.speaker: c.party for c in out if c.party_basis == "inferred_from_acts"
                and sum(w[:1].isupper() for w in c.speaker.split()) >= 2}
    return [c.model_copy(update={"party": inferred[c.speaker], "party_basis": "inferred_from_acts"})
            if c.party is None and c.speaker in inferred else c for c in out]


_SYNONYMS = {"encircle": "surround", "encirclement": "surround", "surrounded": "surround", "encircled": "surround",
             "cauldron": "surround", "strike": "attack", "struck": "attack", "shell": "attack", "hit": "attack",
             "attacking": "attack", "violation": "violate", "breach": "violate", "broke": "violate",
             "breaking": "violate", "take": "capture", "taken": "capture", "took": "capture", "seize": "capture",
             "seized": "capture", "liberate": "capture", "liberated": "capture", "occupy": "capture",
             "troop": "force", "soldier": "force", "army": "force", "military": "force", "unit": "force",
             "facility": "infrastructure", "plant": "infrastructure", "substation": "infrastructure",
             "station": "infrastructure", "power": "energy", "electricity": "energy", "forces": "force"}
_BARE_REFERENCE = re.compile(r"^(?:the\s+|these\s+|this\s+|such\s+|those\s+|any\s+|an?\s+)?(?:allegations?|accusations?|"
                             r"claims?|reports?|charges?|statements?|involvement|responsibility|role|part|this|that|"
                             r"it|these|they|which)\b", re.I)
_STOPWORDS = {"the", "and", "that", "this", "these", "those", "with", "from", "into", "over", "have", "had", "has",
              "were", "was", "been", "being", "are", "its", "their", "his", "her", "they", "them", "would", "could",
              "should", "will", "which", "who", "whom", "what", "when", "where", "there", "than", "then", "also",
              "not", "but", "for", "about", "after", "before", "some", "any", "all", "each", "other", "more", "most",
              "such", "only", "very", "just", "still", "even", "said", "says", "say", "told", "added", "adding",
              "lies", "lie", "false", "fake", "true", "propaganda", "calling", "report", "itself"}


_SHORT_DENIAL = re.compile(r"\bno\s+such\b|\bthere\s+(?:was|were|had\s+been)\s+no\b|"
                           r"\bno\s+[\w-]+\s+(?:took\s+place|happened|occurred)\b", re.I)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _topic_words(claim: Claim) -> set[str]:
    """Content words of what the claim says (not who says it), folded so that rival wordings meet."""
    reg = registry()
    words = set()
    for raw in re.findall(r"[A-Za-z][A-Za-z-]{2,}", claim.text):
        w = raw.lower()
        if w in _STOPWORDS or reg.party_of(raw) or _DENIAL.fullmatch(w):
            continue  # who and how it is said ("a fabrication") is not what it is about
        words.add(_SYNONYMS.get(w, _SYNONYMS.get(_stem(w), _stem(w))))
    return words


def find_contradictions(claims: list[Claim]) -> list[Contradiction]:
    """Claims that one party makes and another party denies or rejects.

    A denial answers an earlier claim: one that shares at least two topic words with it, or, for a bare
    denial ("denied the allegation", "these are lies"), the latest earlier claim of another party.
    """
    out = []
    topics = {c.id: _topic_words(c) for c in claims}
    for denial in (c for c in claims if c.stance in ("deny", "reject") and c.party):
        # Claims before the denial, and claims the denial itself quotes ("denied Moscow's claim that …").
        earlier = [o for o in claims if o.id != denial.id and o.party not in (None, denial.party)
                   and o.stance in ("assert", "accuse")
                   and (o.span.start < denial.span.start or denial.span.start <= o.span.start < denial.span.end)]
        answered = [o for o in earlier if len(topics[denial.id] & topics[o.id]) >= 2]
        if not answered and earlier and _BARE_REFERENCE.match(denial.text.split(" … ")[0]) \
                or not answered and earlier and not topics[denial.id]:
            answered = [earlier[-1]]
        if not answered and denial.stance == "deny" and _SHORT_DENIAL.search(denial.text):
            # "No such strike took place", "There was no attack": a short denial answers the latest claim of
            # another side that shares its topic.
            answered = [o for o in earlier if topics[denial.id] & topics[o.id]][-1:]
        for other in answered:
            out.append(Contradiction(claim_ids=[other.id, denial.id], parties=[other.party, denial.party],
                                     topic=", ".join(sorted(topics[denial.id] & topics[other.id])) or "denial"))
    return out
