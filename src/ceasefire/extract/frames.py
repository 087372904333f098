"""Frames: who did a violent act and to whom, read from the dependency parse of the word that names the act.

An act is named by a verb ("Russian forces shelled Kherson", "Kherson was shelled by Russian forces") or by a
noun ("a Russian drone attack on Odesa", "Russia's shelling of Kherson", "Kyiv came under missile attack from
Russia", "Russian forces launched a drone attack on Odesa"). The agent is read from the structure that belongs
to the act, never from a verb that only reports, records or judges it: in "Secretary X condemned today's Russian
missile attack on Sumy" the agent is "Russian", not the Secretary; in "the Mission recorded eight explosions"
there is none.

Order for a noun: its possessor ("Russia's"), a party modifier ("Russian"), a "by"/"from" phrase on it or, for
"came under attack from X", on the verb; the subject of a light verb whose object it is ("launched an attack").
Order for a verb: the passive agent ("by X") or the active subject, following conjunctions and open clausal
complements up to the shared subject; the object, or a phrase with "at/on/upon/against", is the patient.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from ceasefire.actors import registry
from ceasefire.extract.lexicon import lexicon
from ceasefire.extract.nlp import text_of

_TIME_WORDS = {"DATE", "TIME"}


@dataclass(frozen=True)
class Roles:
    """The agent and patient of an act, as parse tokens (heads of their phrases), and how the agent was found."""

    agent: Token | None
    patient: Token | None
    basis: str  # subject | passive_agent | possessor | modifier | from_phrase | light_verb_subject | none
    passive: bool = False


def phrase(tok: Token) -> str:
    """The words a token heads."""
    return "".join(t.text_with_ws for t in tok.subtree).strip()


def roles_of(cue: Token) -> Roles:
    """The roles of the act that `cue` names (a verb, a noun, or a modifier of one)."""
    head = _act_head(cue)  # "missile" in "missile attack": the act is the attack
    if head.pos_ in ("NOUN", "PROPN"):
        return _nominal_roles(head)
    return _verbal_roles(verb_of(head))


def verb_of(tok: Token) -> Token:
    """The nearest verb at or above a token (at most six steps), else the last token reached."""
    cur = tok
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX") or cur.dep_ == "ROOT":
            return cur
        cur = cur.head
    return cur


def _pobj(prep: Token) -> Token | None:
    return next((c for c in prep.children if c.dep_ == "pobj"), None)


def _prep_object(tok: Token, words: set[str]) -> Token | None:
    for child in tok.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in words:
            found = _pobj(child)
            if found is not None:
                return found
    return None


def _nominal_roles(noun: Token) -> Roles:
    lex = lexicon()
    if noun.lemma_.lower() not in lex.act_nouns and noun.dep_ in ("dobj", "nsubjpass", "pobj"):
        # A weapon named as what was hit or used ("destroyed a Russian tank", "struck X with HIMARS"): the verb's
        # subject acted, whatever the weapon's own modifiers say.
        verb = verb_of(noun)
        transitive = noun.dep_ != "pobj" or any(c.dep_ in ("dobj", "obj") for c in verb.children)
        if verb != noun and transitive and not lex.only_reports(verb.lemma_.lower()):
            roles = _verbal_roles(verb)  # not "troops died in a Ukrainian counter-attack": dying is not acting
            if roles.agent is not None and roles.agent != noun:
                return roles
    patient = _prep_object(noun, {"on", "against", "of", "at", "upon"}) or _patient_of_governing_verb(noun)
    for child in noun.children:
        if child.dep_ == "poss" and child.ent_type_ not in _TIME_WORDS and child.lower_ not in lex.time_nouns:
            return Roles(child, patient, "possessor")
    # A weapon's maker is not its user: "British Storm Shadow missiles" were fired by Ukraine's forces, so on a weapon
    # only a warring side's word names the agent; on an act ("a NATO strike") any party's does.
    sides = None if noun.lemma_.lower() in lex.act_nouns else ("RU", "UA")
    for child in noun.children:
        party = registry().party_of(child.text) if child.dep_ in ("amod", "compound", "nmod") else None
        if party and (sides is None or party in sides):
            return Roles(child, patient, "modifier")
    by = _prep_object(noun, {"by", "from"})
    if by is not None:
        return Roles(by, patient, "from_phrase")
    governor = noun.head
    if noun.dep_ == "pobj" and governor.lower_ == "under":
        # "Kyiv came under missile attack from Russia": the source hangs on the verb, the subject was hit.
        verb = governor.head
        source = _prep_object(verb, {"from", "by"})
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return Roles(source, patient or subject, "from_phrase" if source is not None else "none")
    if noun.dep_ in ("dobj", "obj") and governor.lemma_.lower() in lex.light_verbs:
        subject, _patient, passive = _subject_and_object(governor)
        return Roles(subject, patient, "light_verb_subject" if subject is not None else "none", passive)
    verb = verb_of(noun)
    if verb != noun and noun.dep_ not in ("nsubj", "nsubjpass") and not lex.only_reports(verb.lemma_.lower()):
        # The weapon or label of an act the verb names ("struck a depot with HIMARS", "Interception: … downed").
        roles = _verbal_roles(verb)
        if roles.agent is not None and roles.agent != noun:
            return roles
        if roles.agent == noun:  # "a soldier was killed by sniper fire": the act's victim, no agent
            return Roles(None, patient or roles.patient, "none")
    return Roles(None, patient, "none")


def _patient_of_governing_verb(noun: Token) -> Token | None:
    """What was hit when the act is named as the subject, the agent or the instrument of a verb that carries it
    out ("Russian glide bombs hit A", "A was hit by Ukrainian drones", "struck A with HIMARS")."""
    if noun.dep_ not in ("nsubj", "pobj", "dep", "npadvmod"):
        return None
    verb = verb_of(noun)
    if verb == noun or lexicon().only_reports(verb.lemma_.lower()) or verb.lemma_.lower() in lexicon().light_verbs:
        return None
    _agent, patient, _passive = _subject_and_object(verb)
    return patient if patient is not None and patient != noun else None


def _verbal_roles(verb: Token) -> Roles:
    subject, obj, passive = _subject_and_object(verb)
    if passive:
        return Roles(subject, obj, "passive_agent" if subject is not None else "none", True)
    return Roles(subject, obj, "subject" if subject is not None else "none")


def _subject_and_object(verb: Token) -> tuple[Token | None, Token | None, bool]:
    """(agent, patient, passive?) of a verb, following conjunctions up to the shared subject."""
    lex = lexicon()
    cur = verb
    subj: list[Token] = []
    for _ in range(3):
        kids = list(cur.children) + [g for c in cur.children if c.dep_ in ("aux", "auxpass") for g in c.children]
        subj = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass", "csubj") and c.lower_ not in lex.reflexives]
        if subj:
            break
        if cur.dep_ in ("conj", "xcomp", "advcl", "relcl") and cur.head != cur \
                and cur.head.lemma_.lower() not in lex.speech_verbs:
            cur = cur.head
        else:
            break
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) \
        or any(c.dep_ == "nsubjpass" for c in cur.children)
    subject = subj[0] if subj else None
    if subject is not None and verb.dep_ == "relcl" and subject.lower_ in ("which", "that", "who"):
        subject = verb.head  # "Russian troops, who shelled …": the antecedent
    agent = next((gc for c in verb.children if c.dep_ == "agent" for gc in c.children if gc.dep_ == "pobj"), None)
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
    if obj is None:
        obj = _prep_object(verb, {"at", "on", "upon", "against"})
    if passive:
        return agent, subject, True
    return subject, obj, False


_MODALS = {"will", "would", "could", "might", "may", "shall", "should", "must", "'ll", "can"}
_CONDITIONS = {"if", "unless", "whether", "lest"}
_NOBODY = {"nobody", "none", "neither", "noone"}
_NOT_PARTICULAR = {"any", "all", "future", "further", "possible", "potential", "such"}
_DETERMINED = {"a", "an", "the", "this", "that", "these", "those", "another"}


# Subordinators that present their clause as a fact, whatever the main clause plans or threatens.
_FACTUAL_MARKS = {"after", "since", "because", "as"}


def mood_of(cue: Token) -> str:
    """Whether the act `cue` names is reported as done ("realis"), denied or absent ("negated"), or only
    possible, planned, threatened, conditional or forbidden ("irrealis").

    Read from the clause: a negation or "no" on the act or its verb; a modal or an "if" on the verbs above it up to
    the verb that reports it; a verb or noun above it that plans, threatens, bans or ends acts ("threatened to
    strike", "a moratorium on strikes", "agreed to halt strikes"). A verb of ending with a particular act as its
    object reports that act ("stopped a Russian attack"), so it counts only over bare plurals and gerunds.
    """
    lex = lexicon()
    head = _act_head(cue)
    if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ in ("no", "neither")) for c in head.children):
        return "negated"
    if head.dep_ == "pobj" and (head.head.lower_ == "than" and head.head.head.lower_ == "rather"
                                or head.head.lower_ == "of" and head.head.head.lower_ == "instead"):
        return "negated"  # "assessed as training rather than a ceasefire violation"
    verb = verb_of(head)
    if any(c.dep_ in ("nsubj", "nsubjpass") and (c.lower_ in _NOBODY or any(d.dep_ == "det" and d.lower_ in
                                                                           ("no", "neither") for d in c.children))
           for c in verb.children):
        return "negated"  # "neither side fired a shell", "nobody attacked"
    if head.pos_ == "NOUN" and any(c.dep_ in ("det", "amod") and c.lower_ in _NOT_PARTICULAR for c in head.children):
        return "irrealis"  # "condemned any attacks", "future strikes": acts in general, none in particular
    cur, below = head, None
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX"):
            kids = list(cur.children)
            if cur != head and below is not None and below.dep_ in ("dobj", "xcomp", "ccomp", "pcomp", "prep") \
                    and any(c.dep_ == "neg" for c in kids) and cur.lemma_.lower() not in lex.speech_verbs:
                return "negated"
            if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in kids):
                return "irrealis"
            if any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in kids):
                return "irrealis"
        if cur != head and cur.lemma_.lower() in lex.irrealis_words:
            bare = not any(c.dep_ in ("det", "nummod") and (c.lower_ in _DETERMINED or c.like_num)
                           for c in head.children)
            if cur.lemma_.lower() not in lex.cessation_verbs or bare or cur.dep_ in ("xcomp", "pcomp"):
                return "irrealis"
        if cur != head and cur.lemma_.lower() in lex.speech_verbs or cur.dep_ == "ROOT" or cur.head == cur:
            break
        if _factual_clause(cur):
            break  # "After Ukrainian drones sank a corvette, Medvedev threatened …": told as done
        below, cur = cur, cur.head
    return "realis"


def told_as_fact(cue: Token) -> bool:
    """Whether the act sits in a clause that presents it as a fact whatever the sentence says about the rest
    ("denied that radiation had risen after air defences shot down a drone")."""
    return any(_factual_clause(a) for a in [cue, *cue.ancestors])


def _factual_clause(tok: Token) -> bool:
    return tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _FACTUAL_MARKS for c in tok.children)


def _act_head(cue: Token) -> Token:
    head = cue
    while head.dep_ in ("compound", "amod", "nmod") and head.head.pos_ in ("NOUN", "PROPN") and head.head != head:
        head = head.head
    return head


def sites_of(patient: Token | None) -> list[Token]:
    """The several things an act hit, when the text lists them: "hit A, B and C", "A and B were hit",
    "attacked four sites: the port in A, a warehouse in B …". One token per site; [] for a single one."""
    if patient is None:
        return []
    for modifier in patient.children:  # "the Saratov and Volgograd refineries": one site per named modifier
        if modifier.dep_ in ("compound", "amod", "nmod") and modifier.pos_ == "PROPN":
            named = [t for t in modifier.conjuncts if t.pos_ == "PROPN"]
            if named:
                return sorted([modifier, *named], key=lambda t: t.i)
    listed = [t for t in patient.subtree if t != patient and t.dep_ in ("conj", "appos")
              and t.pos_ in ("NOUN", "PROPN") and _coordination_root(t) == patient]
    if not listed:
        return []
    has_appos = any(t.dep_ == "appos" for t in listed)
    return listed if has_appos else [patient, *listed]  # "four sites: the port …": the sites are the list


def _coordination_root(tok: Token) -> Token:
    """Climb conj/appos links and the prepositional phrases inside list items ("the port in A, a warehouse in B")
    up to the head of the whole list. The heads found are remembered on the parse for every token climbed through:
    a list of thousands of items costs linear time."""
    roots: dict[int, Token] = tok.doc.user_data.setdefault("coordination_roots", {})
    climbed, cur = [], tok
    while cur.i not in roots:
        climbed.append(cur)
        if cur.dep_ in ("conj", "appos"):
            cur = cur.head
        elif cur.dep_ == "pobj" and cur.head.dep_ == "prep" and cur.head.head.dep_ in ("appos", "conj"):
            cur = cur.head.head
        else:
            roots[cur.i] = cur
    for t in climbed:
        roots[t.i] = roots[cur.i]
    return roots[cur.i]


def agent_words(tok: Token) -> str:
    """The words that name an agent, without the clauses and remarks hung on them: "troops who had crossed …",
    "its forces recaptured X, a claim the ministry rejected" (the parser may hang the remark on the agent)."""
    speech = lexicon().speech_nouns
    hung = {t.i for c in tok.children if c.dep_ in ("relcl", "acl") or c.dep_ == "appos" and c.lemma_.lower() in speech
            for t in c.subtree}
    return "".join(t.text_with_ws for t in tok.subtree if t.i not in hung).strip(" ,;:")


def site_words(site: Token, patient: Token) -> str:
    """The words of one site: a named modifier keeps the thing it names ("the Saratov and Volgograd refineries"
    -> "Saratov refineries", "Volgograd refineries"), a list item its own words."""
    if site != patient and _coordination_root(site).head == patient and site.dep_ in ("compound", "amod", "nmod", "conj"):
        return f"{site.text} {patient.text}"
    return own_words(site)


def own_words(tok: Token) -> str:
    """The words of a list item without the items listed after it."""
    # Its subtree without the items hung under it: "in A, a warehouse in B" (B's item hangs under A). Walked once,
    # not pruned subtree by subtree, so that a list of thousands of items costs linear time.
    words, stack = [], [tok]
    while stack:
        cur = stack.pop()
        words.append(cur)
        stack.extend(c for c in cur.children
                     if c.dep_ not in ("conj", "appos") and not (cur == tok and c.dep_ in ("cc", "punct")))
    return "".join(t.text_with_ws for t in sorted(words, key=lambda t: t.i)).strip(" ,;:")


_RESPONSIBILITY_WORDS = re.compile(r"responsib|attribut|blam|accus", re.IGNORECASE)
_RESPONSIBILITY_VERBS = {"claim", "acknowledge", "admit", "take", "accept", "assume", "bear"}


def held_responsible(sent) -> list[Token]:
    """Who a sentence says is behind an act told elsewhere in the text: "X claimed responsibility", "attributed
    the blast to X", "blamed X", "accused X of mining the road", "X was responsible". Heads of the phrases."""
    out: list[Token] = []
    if not _RESPONSIBILITY_WORDS.search(text_of(sent)):  # cheap first pass: most sentences hold no such statement
        return out
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "AUX", "ADJ"):
            continue
        if lemma in _RESPONSIBILITY_VERBS and any(c.dep_ == "dobj" and c.lemma_.lower() == "responsibility"
                                                  for c in tok.children):
            subject, _patient, _passive = _subject_and_object(tok)
            out.extend([subject] if subject is not None else [])
        elif lemma == "attribute":
            out.extend(x for x in [_prep_object(tok, {"to"})] if x is not None)
        elif lemma in ("blame", "accuse"):
            out.extend(c for c in tok.children if c.dep_ in ("dobj", "obj"))
        elif lemma == "responsible" and tok.dep_ == "acomp":
            out.extend(c for c in tok.head.children if c.dep_ == "nsubj")
    return out


def placed_by(noun: Token) -> Token | None:
    """Who placed an explosive, where the text says: "a mine laid by rebel forces", "a bomb planted by agents"."""
    head = _act_head(noun)
    for child in head.children:
        if child.dep_ in ("acl", "relcl"):
            found = _prep_object(child, {"by"})
            if found is not None:
                return found
    return None
