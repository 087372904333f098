"""Incidents from English text: type, actor and target with parties, count, casualties, weapon, facility,
place mention and time, each with the character span of its evidence.

Cascade, per sentence:
1. Monitors' tallies and counts of observed fire (tallies.py, observers.py) are incidents of their own.
2. Otherwise each clause's act and type come from acts.py (the strongest cue, weighed by its place).
3. Actor and target from the frame of the word that names the act (frames.py), stated; else inferred from the
   previous clause, the claimant, a "by X" phrase or the nearest party word, and the incident says which.
4. A list of places hit is one incident per place; an act told again ("the strike …") is not a second one.
5. Count, casualties, weapon and facility by patterns over the clause (quantities.py); time from the clause,
   its sentence, the latest before it, or the publication date.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from ceasefire.actors import registry
from ceasefire.extract.acts import (FORCE_WORDS, NOTE_LABELS, PEOPLE, Clause, clauses, cue_token, facility_in,
                                   ground_attack, kind_by_weapon, refine_type, strongest_cue, weapon_in, weapons_in)
from ceasefire.extract.claims import infer_speaker_parties
from ceasefire.extract.frames import (Roles, agent_words, held_responsible, phrase, placed_by, roles_of,
                                     site_words, sites_of, told_as_fact, verb_of)
from ceasefire.extract.lexicon import lexicon
from ceasefire.extract.nlp import doc_text, proper_names, text_of
from ceasefire.extract.places import place_mention, place_mentions
from ceasefire.extract.observers import Observation, find_observations, is_training
from ceasefire.extract.quantities import find_count, find_fatalities, find_injured, vague_casualties
from ceasefire.extract.tallies import Tally, find_tallies
from ceasefire.extract.taxonomy import acled_labels
from ceasefire.records import Claim, FieldBasis, Incident, Span, TimeSpan, content_id
from ceasefire.timeparse import TimeMention, default_span


_BY_AGENT = re.compile(r"\b(?:by|from)\s+((?:the\s+)?[^,.;]{3,60}?(?:forces|troops|rebels|military|army|"
                       r"formations|units|militants|fighters|separatists))\b", re.IGNORECASE)
_REPELLED = re.compile(r"\brepell?(?:ed|ing)\b|\brepuls(?:ed|ing)\b|\brebuffed\b|\bthwarted\b", re.IGNORECASE)
_ACCUSE_LEMMAS = {"accuse", "blame", "suspect", "charge", "condemn"}


def _accuses(verb: Token) -> bool:
    return verb.lemma_.lower() in _ACCUSE_LEMMAS or verb.lemma_.lower() == "hold" and any(
        c.lower_ == "responsible" for c in verb.children)  # "held Russia responsible for …"


def _accused_of(verb: Token) -> str | None:
    """For a verb under "accused X of …" (or "blamed X for …"), the phrase X; so too for an act named inside what
    the accusation is about ("accused Kyiv of terrorism over Sunday's drone attacks")."""
    if _accuses(verb):
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        return phrase(obj) if obj is not None else None
    cur = verb
    for _ in range(3):
        head = cur.head
        if cur.dep_ == "pcomp" and head.lower_ in ("of", "for") and _accuses(head.head):
            obj = next((c for c in head.head.children if c.dep_ in ("dobj", "obj")), None)
            return phrase(obj) if obj is not None else None
        if head == cur:
            return None
        cur = head
    return None


def _only_a_reaction(cue_tok: Token) -> bool:
    """An act named only as the object of a reaction ("condemned the attacks"), with nothing that makes it a
    particular act: no agent, no target, no number."""
    roles = roles_of(cue_tok)
    verb = verb_of(cue_tok)
    if roles.basis != "none" or roles.patient is not None or verb.lemma_.lower() not in lexicon().reaction_verbs:
        return False
    head = cue_tok.head if cue_tok.dep_ == "compound" else cue_tok
    return not any(c.like_num or c.dep_ == "prep" for c in head.children)


def _party_near_cue(cue_tok: Token) -> str | None:
    """A warring side's word on the cue itself ("Russian shelling"); a third country's names a weapon's maker."""
    for child in cue_tok.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod"):
            party = registry().party_of(phrase(child))
            if party in ("RU", "UA"):
                return party
    return None


@dataclass(frozen=True)
class IncidentContext:
    """What the incident extractor needs to know about the document beyond its sentences."""

    doc_id: str
    published: dt.date
    times: list[TimeMention]
    claims: list[Claim]
    text: str = ""


_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|announced|reported|stated|claimed|added|wrote|posted|denied|"
                            r"accused|warned|recalled)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def _time_for(clause: Clause, ctx: IncidentContext, cue: Token | None) -> tuple[TimeSpan, str]:
    """The clause's own time, else its sentence's, else the latest before it, else publication; with which it was
    (FieldBasis.date).

    A time right after a speech verb ("said on Thursday that …") dates the statement, not the event, and
    is used only when the sentence has no other; so does a time inside a remark on a noun that does not hold the
    act ("Izium, retaken in September 2022, was shelled on Tuesday", when the parser hangs the remark on the noun).
    """
    sentence = clause.sentence
    in_clause = [t for t in ctx.times if clause.start <= t.start < clause.end]
    in_sentence = [t for t in ctx.times if sentence.start_char <= t.start < sentence.end_char]
    for name, group in (("clause", in_clause), ("sentence", in_sentence)):
        event_times = [t for t in group if not _SPEECH_BEFORE.search(ctx.text[sentence.start_char:t.start])
                       and not (cue is not None and _in_another_remark(cue_token(sentence, t.start), cue))]
        if event_times or group:
            return (event_times or group)[0].span, name
    before = [t for t in ctx.times if t.start < clause.start and not t.span.historical]
    return (before[-1].span, "earlier") if before else (default_span(ctx.published), "publication")


_TOLL_VERBS = {"kill", "wound", "injure", "die", "hurt"}


def _only_a_toll(cue: Token | None, clause: Clause, ctx: IncidentContext) -> bool:
    """Whether a clause only counts casualties: a casualty verb with no agent, no weapon, and no place or time of
    its own ("two soldiers were killed", "one died"), which reports the toll of an act told before."""
    return cue is not None and cue.lemma_.lower() in _TOLL_VERBS and roles_of(cue).agent is None \
        and not weapons_in(clause.text) and not place_mentions(clause.text) \
        and not any(clause.start <= t.start < clause.end for t in ctx.times)


def _in_another_remark(word: Token | None, cue: Token) -> bool:
    """Whether a word sits in a relative or participial clause or an apposition that does not hold the act."""
    cur = word
    while cur is not None and cur.head != cur:
        remark = cur.dep_ in ("acl", "relcl", "appos") or cur.dep_ == "advcl" and cur.head.pos_ in ("NOUN", "PROPN")
        if remark and not cur.left_edge.i <= cue.i <= cur.right_edge.i:
            return True
        cur = cur.head
    return False


def _strip_attribution(text: str) -> str:
    """Drop "according to X" and leading "X said" so the source's party is not read as the actor's."""
    return re.sub(r"according\s+to\s+[^,.;]+[,.;]?", " ", text, flags=re.IGNORECASE)


@dataclass(frozen=True)
class _Attribution:
    """Who did it to whom, and how the actor's party was found (Incident.actor_basis)."""

    kind: str
    actor: str | None = None
    actor_party: str | None = None
    basis: str | None = None
    target: str | None = None
    target_party: str | None = None
    sites: tuple[str, ...] = ()  # the words of each thing hit, when the text lists several


_PRONOUN_AGENTS = {"it", "this", "that", "there", "which", "who"}
# In reported speech these name the speaker's own side: "the ministry said it had liberated …", "its forces".
_SPEAKER_WORDS = {"it", "they", "we", "its", "their", "our", "his", "her"}


def _actor_and_target(kind: str, clause: Clause, match: re.Match, ctx: IncidentContext, claim_ids: list[str],
                      previous: _Attribution | None) -> _Attribution:
    """Who did it to whom, evidence in order: the frame of the word that names the act (frames.py: subject,
    passive agent, possessor, party modifier, "from X"; the accused of "accused X of"; the attacker of a
    repelled attack), a party word on the cue — all "stated" —; then inferred: the previous clause's actor, the
    claimant of an interception, a "by X" phrase, the nearest party word that is not a speaker's, and last the
    other side of a party whose positions were hit."""
    reg = registry()
    sent = clause.sentence
    cue_tok = cue_token(sent, clause.start + match.start())
    actor = target = actor_party = target_party = None
    sites: tuple[str, ...] = ()
    if cue_tok is not None:
        roles = roles_of(cue_tok)
        sites = tuple(site_words(t, roles.patient) for t in sites_of(roles.patient))
        if roles.agent is not None and (roles.agent.lower_ not in _PRONOUN_AGENTS or claim_ids):
            actor = agent_words(roles.agent)
            actor_party = reg.party_of(_strip_attribution(actor))
        if roles.patient is not None:
            target = phrase(roles.patient)
            target_party = reg.party_of(target)
        accused = _accused_of(verb_of(cue_tok))
        if accused is not None:
            # "X accused Ukraine of striking …": the accused is the alleged actor.
            actor, actor_party = accused, reg.party_of(accused)
        elif kind == "armed_clash" and (repel := _REPELLED.search(clause.text)):
            # The incident is the attack: its actor is the attacker, the side that repelled it the
            # target ("X repelled Y's attacks", "Y's attacks were repelled by X"), as ACLED mostly codes.
            kind = "attack_repelled"
            repel_tok = cue_token(sent, clause.start + repel.start())
            repel_roles = roles_of(repel_tok) if repel_tok is not None else Roles(None, None, "none")
            if repel_roles.patient is not None:  # else "Russian assaults repelled": the attack's own agent stands
                actor = phrase(repel_roles.patient)
                actor_party = reg.party_of(actor)
            target = phrase(repel_roles.agent) if repel_roles.agent is not None else None
            target_party = reg.party_of(target) if target else None
        if kind == "remote_explosive" and cue_tok.pos_ in ("NOUN", "PROPN") and roles.basis != "none":
            # "a tractor hit a Russian landmine", "a truck drove over a mine laid by rebel forces": who met the
            # explosive was its victim; its actor is who placed it, if the text says.
            placer = placed_by(cue_tok)
            actor = phrase(placer) if placer is not None else None
            actor_party = reg.party_of(actor) if actor else _party_near_cue(cue_tok)
        if actor_party is None and roles.basis == "none":
            actor_party = _party_near_cue(cue_tok)
        if actor_party is None and actor and actor.split()[0].lower() in _SPEAKER_WORDS and claim_ids:
            # "the ministry said its forces had taken the village": "its" is the speaker's side.
            actor_party = next((c.party for c in ctx.claims if c.id == claim_ids[0]), None)
        if kind == "withdrawal" and actor_party in ("RU", "UA"):
            # ACLED codes a transfer without fighting to the side that gains the place.
            actor, actor_party = _side_taking_over(sent, actor_party) or (
                f"the side taking over from {actor}", "UA" if actor_party == "RU" else "RU")
            found = _Attribution(kind, actor, actor_party, "inferred_from_target", target, target_party, sites)
            return found if actor.startswith("the side taking over") else _with(found, actor, actor_party, "stated")
    found = _Attribution(kind, actor, actor_party, "stated" if actor_party else None, target, target_party, sites)
    if actor_party is not None:
        return found
    inferred = _inferred_party(kind, clause, match, ctx, claim_ids, previous, found)
    return inferred or found


_TAKING_OVER = {"enter", "take", "occupy", "land", "move", "return", "raise", "establish", "assume"}


def _side_taking_over(sent: SpacySpan, leaving: str) -> tuple[str, str] | None:
    """The other side named as entering or taking over in the sentence of a withdrawal, with its party."""
    for tok in sent:
        if tok.lemma_.lower() in _TAKING_OVER and tok.pos_ == "VERB":
            subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            party = registry().party_of(phrase(subject)) if subject is not None else None
            if party in ("RU", "UA") and party != leaving:
                return phrase(subject), party
    return None


# "Ukrainian positions", "Russian lines": a side's ground named as what was attacked, not who attacked.
_HELD_AFTER = re.compile(r"(?<![\w'’])[\w'’-]{1,60}+\s++(?:\w{1,40}+\s++)?(?:positions|lines|strongpoints|trenches|territory|soil|defen[cs]es)\b",
                         re.IGNORECASE)


def _inferred_party(kind: str, clause: Clause, match: re.Match, ctx: IncidentContext, claim_ids: list[str],
                    previous: _Attribution | None, found: _Attribution) -> _Attribution | None:
    """The actor's party where the act's own frame names none (see _actor_and_target)."""
    reg = registry()
    if previous is not None and previous.actor_party is not None:
        return _with(found, previous.actor, previous.actor_party, "inferred_from_context")
    if kind == "intercept" and claim_ids:
        # "56 drones were shot down", says the air force: the claimant's side brought them down.
        party = next((c.party for c in ctx.claims if c.id == claim_ids[0]), None)
        if party:
            return _with(found, found.actor, party, "inferred_from_claimant")
    by = _BY_AGENT.search(clause.text)
    if by and reg.party_of(by.group(1)):
        return _with(found, by.group(1), reg.party_of(by.group(1)), "stated")
    # The party word nearest before the cue, else the first after it; never a speaker's or the target's.
    speakers = _speaker_chars(clause.sentence)
    stripped = _strip_attribution(clause.text)
    words = [(pos, p) for pos, p in reg.party_words_in(stripped)  # the warring sides only: "British-made" says
             if p in ("RU", "UA") and p != found.target_party and clause.start + pos not in speakers  # no actor
             and not _HELD_AFTER.match(stripped, pos)]
    before = [p for pos, p in words if pos < match.start()]
    party = before[-1] if before else (words[0][1] if words else None)
    if party is not None:
        return _with(found, found.actor, party, "inferred_from_context")
    if found.target_party in ("UA", "RU") and found.target and FORCE_WORDS.search(found.target):
        # Two-sided war: fire on one side's positions with no named shooter is the other side's.
        return _with(found, found.actor, "RU" if found.target_party == "UA" else "UA", "inferred_from_target")
    return None


def _with(found: _Attribution, actor: str | None, party: str, basis: str) -> _Attribution:
    return _Attribution(found.kind, actor, party, basis, found.target, found.target_party, found.sites)


def _speaker_chars(sent: SpacySpan) -> set[int]:
    """Character offsets of the words that name who speaks, perceives or reacts in a sentence, and of the source
    of "according to X": a party word there says who reports an act, not who did it."""
    lex = lexicon()
    out: set[int] = set()
    for tok in sent:
        if tok.dep_ == "nsubj" and lex.only_reports(tok.head.lemma_.lower()) \
                or tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lower_ == "according":
            out.update(t.idx for t in tok.subtree)
    return out


def extract_incidents(doc: Doc, ctx: IncidentContext) -> list[Incident]:
    """All incidents in a parsed document, in text order, each with the party of the claim that reports it."""
    incidents: list[Incident] = []
    mentions_violations = "ceasefire violation" in ctx.text.lower()
    ents = proper_names(doc)
    ent_starts = [e.start for e in ents]
    pending_label = None  # "Interception:" parsed as a sentence of its own labels the next one
    for sent in doc.sents:
        alone = NOTE_LABELS.get(text_of(sent).strip().rstrip(":").lower()) if text_of(sent).strip().endswith(":") else None
        if alone is not None:
            pending_label = alone
            continue
        sentence_label, pending_label = pending_label, None  # a label names the sentence right after it only
        tallies = [] if is_training(text_of(sent)) else find_tallies(text_of(sent), mentions_violations)
        if tallies:
            incidents.extend(_tally_incident(t, sent, ctx) for t in tallies if t.count)  # "no violations": none
            continue
        others = _names_of_others(sent, ents[bisect_left(ent_starts, sent.start):bisect_left(ent_starts, sent.end)])
        # A monitor's count of fire; a sentence that names a side is read as any other ("saw Ukrainian drones …").
        observations = [] if registry().party_words_in(text_of(sent)) else find_observations(sent)
        if observations:
            incidents.extend(_observed_incident(o, sent, ctx, others) for o in observations)
            continue
        previous: _Attribution | None = None
        blamed = held_responsible(sent)  # once per sentence: every clause below asks
        for clause in clauses(sent):
            cue = strongest_cue(clause)
            if cue is None:
                continue
            kind, match, cue_tok = cue
            if cue_tok is not None and _only_a_reaction(cue_tok):
                continue  # "the EU condemned the attacks": a reaction, not a report of a particular act
            if incidents and kind == "generic" and _only_a_toll(cue_tok, clause, ctx):
                continue  # "The DPR said one of its fighters was killed": the toll of the act told before
            label = NOTE_LABELS.get(clause.text.split(":", 1)[0].strip().lower()) if ":" in clause.text[:30] \
                else sentence_label
            sentence_label = None
            refined = label or refine_type(kind, clause.text, text_of(sent))
            type_basis = "note_label" if label else ("generic" if refined == "generic" else "weapon"
                                                     if kind == "generic" else "verb" if cue_tok is not None
                                                     and cue_tok.pos_ == "VERB" else "noun")
            kind = refined
            if kind == "armed_clash" and cue_tok is not None and cue_tok.pos_ == "NOUN":
                # "a drone raid", "a missile assault": a remote weapon on the act's noun names how it was done
                # ("a tank assault" stays a battle)
                named = kind_by_weapon(weapons_in(" ".join(c.text for c in cue_tok.children
                                                           if c.dep_ in ("compound", "amod"))))
                kind = named if named in ("drone_strike", "air_strike", "missile_strike") else kind
            if kind == "generic" and not re.search(r"strike|struck|attack|shell|fire|explosion|blast|hit", clause.text,
                                                   re.I):
                continue
            if kind == "generic":
                # "attacked Russian positions", "launched an attack on their lines": a ground attack on the other
                # side's forces is a battle (the codebook's armed clash); other unnamed fire counts as shelling.
                kind = "armed_clash" if ground_attack(cue_tok, clause.text) else "shelling"
            at = clause.start + match.start()  # the claim that holds the act's own word reports it
            claim_ids = [c.id for c in ctx.claims if c.span.start <= clause.start < c.span.end + 1
                         or c.span.start <= at < c.span.end
                         or (c.span.start <= sent.start_char and sent.end_char <= c.span.end + 1)]
            covering = [c for c in ctx.claims if c.id in claim_ids]
            if covering and all(c.stance in ("deny", "reject") for c in covering) \
                    and not (cue_tok is not None and told_as_fact(cue_tok)):
                continue  # "… denied that the village had been captured": a denial reports no event
            who = _actor_and_target(kind, clause, match, ctx, claim_ids, previous)
            kind, actor_party = who.kind, who.actor_party
            if kind == "settlement_captured" and who.target and PEOPLE.search(who.target):
                kind = "armed_clash"  # "captured two Russian soldiers": people taken in a fight, not a place
            if kind == "arrest" and actor_party == "RU":
                kind = "abduction"  # detentions by an occupying force are coded as forced disappearances
            previous = who
            when, date_basis = _time_for(clause, ctx, cue_tok)
            event_type, sub_type = acled_labels(kind, actor_party)
            if kind == "energy_strike":
                weapons = weapons_in(clause.text)
                if weapons & {"attack drone", "FPV drone", "drone", "aircraft", "guided aerial bomb"}:
                    sub_type = "Air/drone strike"
            span = Span(start=clause.start, end=clause.end, text=clause.text)
            incident = Incident(
                id=content_id("inc", ctx.doc_id, clause.start, clause.end, kind),
                doc_id=ctx.doc_id, type=kind, acled_event_type=event_type, acled_sub_event_type=sub_type,
                actor=who.actor, actor_party=actor_party, actor_basis=who.basis, target=who.target,
                target_party=who.target_party,
                count=find_count(clause.text, intercept=kind == "intercept"), weapon=weapon_in(clause.text),
                facility=facility_in(clause.text), place_mention=place_mention(clause.text, text_of(sent), others),
                when=when, historical=when.historical, claim_ids=claim_ids, span=span,
                basis=FieldBasis(type=type_basis, date=date_basis),
            )
            if cue_tok is not None and _refers_back(cue_tok) and _same_act(incidents, incident):
                continue  # "The strike cut power to 20,000 homes": the strike told before, not a second one
            if cue_tok is not None and incidents and any(r.left_edge.i <= cue_tok.i <= r.right_edge.i
                                                         for r in blamed):
                continue  # "Officials blamed Ukrainian drones": who did an act already told, not a new act
            incidents.extend(_one_per_site(incident, who.sites, others))
    incidents = _with_responsibility(doc, incidents)
    claims = infer_speaker_parties(ctx.claims, incidents)
    return _with_claimants(_with_casualties(doc, incidents, ctx.times), claims)


_STRIKE_FAMILY = {"shelling", "missile_strike", "air_strike", "drone_strike", "energy_strike"}


def _refers_back(cue: Token) -> bool:
    """An act named as one already known: a noun with "the", "this" or "that" ("the strike", "this attack")."""
    head = cue.head if cue.dep_ == "compound" else cue
    return head.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these")
                                       for c in head.children)


def _same_act(earlier: list[Incident], incident: Incident) -> bool:
    """Whether an earlier incident of the document is the act a back-reference names: the same kind and time, a
    party that does not differ, and no other place."""
    def family(kind: str) -> str:
        return "strike" if kind in _STRIKE_FAMILY else kind

    return any(family(e.type) == family(incident.type) and e.when == incident.when
               and incident.actor_party in (None, e.actor_party)
               and incident.place_mention in (None, e.place_mention) for e in earlier)


def _with_responsibility(doc: Doc, incidents: list[Incident]) -> list[Incident]:
    """Acts whose own words name no actor take the side a later sentence of the same paragraph holds responsible:
    "stated" when that side claims the act itself ("The SBU later acknowledged responsibility"), else
    "inferred_from_accusation" ("Ukrainian authorities blamed NAF units"). Monitors' counts are left alone."""
    text = doc_text(doc)
    out = list(incidents)
    for sent in doc.sents:
        held = held_responsible(sent)
        parties = {registry().party_of(phrase(t)) for t in held} - {None}
        if len(parties) != 1:
            continue
        party = parties.pop()
        own_claim = "responsibility" in text_of(sent).lower() and any(t.dep_ == "nsubj" for t in held)
        paragraph_start = text.rfind("\n", 0, sent.start_char) + 1
        for i, inc in enumerate(out):
            if paragraph_start <= inc.span.start < sent.end_char and inc.actor_basis != "stated" \
                    and inc.type not in ("intercept", "withdrawal") and inc.basis \
                    and inc.basis.type not in ("observation", "tally"):
                out[i] = inc.model_copy(update={
                    "actor_party": party, "actor_basis": "stated" if own_claim else "inferred_from_accusation",
                    "actor": inc.actor or f"held responsible ({party})"})
    return out


def _one_per_site(incident: Incident, sites: tuple[str, ...], others: tuple[str, ...]) -> list[Incident]:
    """An act on several listed places is one incident per place ("hit A, B and C"; "four sites: the port in A,
    a warehouse in B …"), each named once; a list that names fewer than two places stays one incident."""
    places = [(site, place_mention(site, "", others)) for site in sites]
    named = [(site, mention) for site, mention in places if mention]
    if len({mention for _site, mention in named}) < 2:
        return [incident]
    out = []
    for site, mention in named:
        kind, facility = incident.type, facility_in(site)
        if kind == "energy_strike" and facility is None:  # "a substation in A and a farm in B": only A is energy
            kind = kind_by_weapon(weapons_in(incident.span.text)) or "shelling"
        event_type, sub_type = acled_labels(kind, incident.actor_party)
        out.append(incident.model_copy(update={
            "id": content_id("inc", incident.id, mention), "place_mention": mention, "target": site, "count": None,
            "type": kind, "facility": facility, "acled_event_type": event_type,
            "acled_sub_event_type": incident.acled_sub_event_type if kind == incident.type else sub_type}))
    return out


def _with_claimants(incidents: list[Incident], claims: list[Claim]) -> list[Incident]:
    """The party whose statement reports each incident: the claim that covers it, else the nearest claim before
    it ("It was noted that …" continues the ministry's statement), else the first claim after it in the
    document. A strike a party reports without naming who struck is that party's allegation against the other."""
    parties = [c for c in claims if c.party]
    out = []
    for inc in incidents:
        covering = [c for c in parties if c.id in inc.claim_ids]
        before = [c for c in parties if c.span.start <= inc.span.start]
        after = [c for c in parties if c.span.start > inc.span.start]
        source = (covering or before[-1:] or after[:1] or [None])[0]
        party = source.party if source else None
        update: dict = {"claimant_party": party}
        if inc.actor_party is None and party in ("RU", "UA") and inc.type in _STRIKE_FAMILY:
            update["actor_party"] = "UA" if party == "RU" else "RU"
            update["actor"] = f"unnamed (alleged by {party})"
            update["actor_basis"] = "inferred_from_claimant"
        out.append(inc.model_copy(update=update))
    return out


_ORG_WORDS = re.compile(r"\b(?:Republic|Ministry|Company|Party|Council|Group|Brigade|Battalion|Regiment|Forces|Army|"
                        r"Service|Office|Administration|Agency|Committee|Corporation|Energo|Gas|Oblenergo)\b")
_TITLE_BEFORE = re.compile(r"(?:President|Minister|Mr|Mrs|Ms|Governor|Mayor|General|Gen\.|commander|spokes\w+|"
                           r"head|chief|envoy|ambassador|leader)\.?\s*$", re.IGNORECASE)


def _names_of_others(sent: SpacySpan, ents: list[SpacySpan]) -> tuple[str, ...]:
    """Names of organisations and people in a sentence, which may contain place names but are not places.

    A run of proper nouns may be a village, so only the clear cases count: an organisation whose name says so
    ("Donetsk People's Republic") and a person after a title.
    """
    out = []
    for ent in ents:
        if _ORG_WORDS.search(ent.text):
            out.append(ent.text)
        elif len(ent) >= 2 and _TITLE_BEFORE.search(text_of(sent)[:ent.start_char - sent.start_char][-30:]):
            out.append(ent.text)
    return tuple(out)


def _observed_incident(obs: Observation, sent: SpacySpan, ctx: IncidentContext, others: tuple[str, ...]) -> Incident:
    kind = "shelling" if obs.kind == "indirect" else "armed_clash"
    event_type, sub_type = acled_labels(kind)
    own = [t for t in ctx.times if sent.start_char <= t.start < sent.end_char]
    when = own[0].span if own else default_span(ctx.published)
    return Incident(id=content_id("inc", ctx.doc_id, obs.start, obs.end, kind), doc_id=ctx.doc_id, type=kind,
                    acled_event_type=event_type, acled_sub_event_type=sub_type, actor="undetermined (observed)",
                    count=obs.count, explosions=obs.explosions, weapon=weapon_in(text_of(sent)),
                    place_mention=place_mention(obs.words, text_of(sent), others), when=when, historical=when.historical,
                    span=Span(start=sent.start_char, end=sent.end_char, text=text_of(sent)),
                    basis=FieldBasis(type="observation", date="sentence" if own else "publication"))


def _tally_incident(tally: Tally, sent: SpacySpan, ctx: IncidentContext) -> Incident:
    start, end = sent.start_char + tally.start, sent.start_char + tally.end
    clause = Clause(start, end, ctx.text[start:end], sent)
    own = [t for t in ctx.times if start <= t.start < end]  # "compared with … the previous period" is not its time
    when = own[0].span if own else default_span(ctx.published)
    return Incident(id=content_id("inc", ctx.doc_id, start, end, "tally"), doc_id=ctx.doc_id,
                    type="ceasefire_violation", acled_event_type=None, acled_sub_event_type=None,
                    actor="undetermined", count=tally.count, explosions=tally.explosions,
                    place_mention=f"{tally.region}, region", when=when, historical=when.historical,
                    span=Span(start=start, end=end, text=clause.text),
                    basis=FieldBasis(type="tally", date="clause" if own else "publication"))


_DEAD_WORD = re.compile(r"\b(?:kill\w*|dead|died|deaths?)\b", re.IGNORECASE)
_HURT_WORD = re.compile(r"\b(?:wound\w*|injur\w*|hurt)\b", re.IGNORECASE)


def _casualty_owner(owners: list[int], incidents: list[Incident], sentence: str, words: re.Pattern) -> int:
    """The incident a sentence's casualty figures belong to: when one act hit several listed places, the place
    named right after the casualty words ("killing two people in B"); else the last incident before them."""
    for m in words.finditer(sentence):
        after = sentence[m.end():m.end() + 60]
        named = [i for i in owners if incidents[i].place_mention and incidents[i].place_mention in after]
        if named:
            return named[0]
    return owners[-1]


def _with_casualties(doc: Doc, incidents: list[Incident], times: list[TimeMention]) -> list[Incident]:
    """Attach casualty figures: a sentence's figures go to the last incident at or before it in the same
    paragraph; figures in a sentence about another, past time ("In 2014 …") go nowhere."""
    if not incidents:
        return incidents
    out = list(incidents)
    text = doc_text(doc)
    for sent in doc.sents:
        dead = find_fatalities(text_of(sent))
        hurt = find_injured(text_of(sent))
        dead_word, hurt_word = vague_casualties(text_of(sent))
        if dead is None and hurt is None and dead_word is None and hurt_word is None:
            continue
        paragraph_start = text.rfind("\n", 0, sent.start_char) + 1
        owners = [i for i, inc in enumerate(out) if paragraph_start <= inc.span.start < sent.end_char]
        if not owners:
            continue
        for field, word, exact in (("fatalities_vague", dead_word, dead), ("injured_vague", hurt_word, hurt)):
            if word is not None and not exact:  # "scores of civilians dead": the word is kept, not a number
                idx = owners[-1]
                out[idx] = out[idx].model_copy(update={field: word})
        for field, figure, words in (("fatalities", dead, _DEAD_WORD), ("injured", hurt, _HURT_WORD)):
            if figure is None:
                continue
            idx = _casualty_owner(owners, out, text_of(sent), words)
            if any(sent.start_char <= t.start < sent.end_char and t.span.historical
                   and t.span.start != (out[idx].when.start if out[idx].when else None) for t in times):
                continue  # figures of another, past time are not this incident's
            out[idx] = out[idx].model_copy(update={field: (getattr(out[idx], field) or 0) + figure})
    # ACLED's bracketed split notes apply to the whole text: they override summed sentence figures.
    if re.search(r"fatalit(?:y|ies)\s+(?:split|coded\s+to\s+this)", text, re.IGNORECASE):
        out[0] = out[0].model_copy(update={"fatalities": find_fatalities(text)})
    return out
