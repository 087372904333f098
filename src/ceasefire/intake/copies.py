"""Republished copies: one text carried by several outlets (a wire story, a statement reposted by other channels).

Each copy is stored, with its own source and raw bytes, but linked to the first stored document of the text
(`Document.copy_of`) and not read again: its events count the text once, so that corroboration counts
independent origins, not copies.

Finding them across a store of any size: each text's words are normalised (case, URLs and handles dropped) and cut
into overlapping 5-word shingles; a MinHash signature of the shingles (datasketch, NUM_PERM permutations) is cut
into BANDS bands of ROWS values, and each band hashed to one key. Two texts share at least one key with probability
1 - (1 - J^ROWS)^BANDS for shingle similarity J: 0.96 at J = 0.5, 0.83 at 0.4, 0.02 at 0.1. The keys are kept in the
store (`document_bands`), so a candidate is one indexed lookup away; each candidate is then compared word by word
(`is_copy`), which decides.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from difflib import SequenceMatcher

from datasketch import MinHash

from ceasefire.records import Document

NUM_PERM, BANDS, ROWS = 72, 24, 3
SHINGLE_WORDS = 5
# A shorter text is never a copy: one-line alerts and templated posts ("Air raid alert in Kyiv region") repeat by
# nature and each is news of its own.
MIN_WORDS = 30
# Of the shorter text's words, this share must lie in runs of at least SHINGLE_WORDS words that the other text has
# in the same order ...
MIN_SHARED = 0.8
# ... and it must be at least this share of the longer one: a long article that quotes a short statement in full
# is not a copy of it, nor the statement of the article.
MIN_LENGTH_RATIO = 0.5
# Copies appear within days of the original; the same long text weeks apart is a template or a re-run, not a copy.
COPY_DAYS = 3
COMPARED_WORDS = 3000  # the word-by-word comparison reads this far into both texts
# Rows of event datasets and the team's field reports are codings of one event each, never republished news.
NOT_COMPARED = {"application/x-acled-row", "application/x-ucdp-row", "application/x-field-report"}

_WORD = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    """The words of the text, links, addresses and handles left out (whole whitespace-separated pieces: one pass)."""
    pieces = unicodedata.normalize("NFKC", text).split()
    kept = " ".join(p for p in pieces if "@" not in p and "://" not in p and not p.lower().startswith("www."))
    return _WORD.findall(kept)


def words(text: str) -> list[str]:
    """The text's words, normalised: compatibility forms folded, lower case, links, addresses and handles dropped."""
    return [t.lower() for t in _tokens(text)]


def _fact(token: str) -> bool:
    """A word that carries a fact another report would change: a figure or a name (capitalised)."""
    return token[0].isupper() or any(c.isdigit() for c in token)


def compared(document: Document) -> bool:
    """Whether the document takes part in finding copies (news and statements of enough words)."""
    return document.content_type not in NOT_COMPARED and len(words(document.text[:20_000])) >= MIN_WORDS


def band_keys(text: str) -> list[int]:
    """The text's BANDS locality-sensitive keys, as signed 64-bit integers (a database's BIGINT)."""
    tokens = words(text)
    shingles = {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))}
    signature = MinHash(num_perm=NUM_PERM)
    signature.update_batch([s.encode("utf-8") for s in shingles])
    values = signature.hashvalues
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(bytes([band]) + values[band * ROWS:(band + 1) * ROWS].tobytes(), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "big", signed=True))
    return keys


def is_copy(text: Document, of: Document) -> bool:
    """Whether `text` republishes `of`: published within COPY_DAYS of it, of a similar length, most of the shorter
    one's words in long runs the other has in the same order, and no fact changed where the two run side by side:
    where a few words of one stand in the place of a few of the other, a figure or a name on both sides (the same
    sentence with another toll, day or town is another report: a later update, the next day's tally, a template)."""
    if text.external_id and text.external_id == of.external_id:
        return False  # versions of one document (an edited message), not copies
    if text.published and of.published and abs((text.published - of.published).days) > COPY_DAYS:
        return False
    ta, tb = _tokens(text.text)[:COMPARED_WORDS], _tokens(of.text)[:COMPARED_WORDS]
    shorter, longer = sorted((len(ta), len(tb)))
    if shorter < MIN_WORDS or shorter < MIN_LENGTH_RATIO * longer:
        return False
    matcher = SequenceMatcher(None, [t.lower() for t in ta], [t.lower() for t in tb], autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks() if block.size >= SHINGLE_WORDS)
    if shared < MIN_SHARED * shorter:
        return False
    return not any(tag == "replace" and i2 - i1 <= SHINGLE_WORDS and j2 - j1 <= SHINGLE_WORDS
                   and any(map(_fact, ta[i1:i2])) and any(map(_fact, tb[j1:j2]))
                   for tag, i1, i2, j1, j2 in matcher.get_opcodes())
