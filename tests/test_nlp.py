"""The pipeline's own components give spaCy's annotation, faster."""
import csv
import json
from pathlib import Path

import pytest
import spacy

from ceasefire.extract.nlp import MODEL_PACKAGE, AttributeTable, LemmaTable, english

CHECK = Path(__file__).parent / "check"


def _texts() -> list[str]:
    texts = [row["notes"] for row in csv.DictReader((CHECK / "acled_style_2.csv").open(encoding="utf-8"))]
    texts += [json.loads(line)["text"] for line in (CHECK / "passages.jsonl").open(encoding="utf-8")]
    # The ruler's rarer patterns: contractions, expletive "there", "but" as an adverb, spaces, "I"/"it" by role.
    texts.append("I ain't gonna do it, y'all. Let's go! There are  two\n\n spaces. Nothin' but you. "
                 "Do you have it? I did it, but it was all but over. She gave it to me, not to them.")
    return texts


def _annotation(doc) -> list[tuple]:
    return [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_tables_give_the_attribute_rulers_and_lemmatizers_annotation():
    ours = english()
    assert isinstance(ours.get_pipe("attribute_ruler"), AttributeTable)
    assert isinstance(ours.get_pipe("lemmatizer"), LemmaTable)
    reference = spacy.load(MODEL_PACKAGE, exclude=["ner"])
    reference.add_pipe("line_breaks_end_sentences", before="parser")
    texts = _texts()
    differences = [(text, a, b) for text, a, b in zip(texts, map(_annotation, ours.pipe(texts)),
                                                     map(_annotation, reference.pipe(texts))) if a != b]
    assert not differences, differences[:3]


def test_attribute_table_refuses_a_pattern_it_cannot_read():
    with pytest.raises(ValueError, match="other fields"):
        AttributeTable(english().vocab, [{"patterns": [[{"ENT_TYPE": "GPE"}]], "attrs": {"POS": "PROPN"}}])
