"""Monitors' tallies: "In Donetsk region, the SMM recorded N ceasefire violations, including M explosions."

A tally is one incident of type ceasefire_violation per region with its count and explosions; the party
responsible is undetermined, as the OSCE monitors reported it. Counts for "the previous reporting period"
are not the day's and are left out (the briefing computes changes from stored days).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ceasefire.extract.quantities import NUMBER, parse_number

_REGION = r"(?:the\s+)?(?P<region>[A-Z][a-z]+)\s+(?:region|oblast|Oblast|Region)"
_COUNT = r"(?:at\s+least\s+|about\s+|more\s+than\s+|in\s+total\s+|a\s+total\s+of\s+)?(?P<n>" + NUMBER + r"|no|none)"
_EXPLOSIONS = (r"(?:,?\s*(?:including|\()\s*(?:about\s+|more\s+than\s+)?(?P<e>" + NUMBER + r")\s+(?:\w+\s+)?explosions"
               r"|,\s+all\s+(?P<all>explosions))?")
_PATTERNS = [re.compile(rx, re.IGNORECASE) for rx in [
    # In <Region> region, [between the evenings of …,] the SMM recorded N ceasefire violations, including M explosions
    r"\bIn\s+" + _REGION + r",?\s+(?:[^.;]{0,80}?,\s+)?(?:the\s+)?(?:SMM|Mission|monitors?)\s+(?:has\s+)?"
    r"(?:so\s+far\s+)?(?:recorded|observed|registered)\s+" + _COUNT + r"\s+(?:\w+\s+)?ceasefire\s+violations?" + _EXPLOSIONS,
    # the Mission recorded N ceasefire violations in X region
    r"(?:SMM|Mission|monitors?)\s+(?:recorded|observed|registered)\s+" + _COUNT + r"\s+ceasefire\s+violations?"
    + _EXPLOSIONS + r"\s+in\s+" + _REGION,
    # Donetsk region 152 ceasefire violations (38 explosions)  |  Luhansk region 791 (213 explosions)
    r"\b" + _REGION + r",?\s+(?:[^:;]{0,40}:\s+)?" + _COUNT + r"(?:\s+ceasefire\s+violations?)?" + _EXPLOSIONS,
]]
_PREVIOUS = re.compile(r"previous\s+(?:reporting\s+period|period|24\s+hours|day)", re.IGNORECASE)


@dataclass(frozen=True)
class Tally:
    start: int
    end: int
    region: str
    count: int
    explosions: int | None


def find_tallies(text: str, document_mentions_violations: bool) -> list[Tally]:
    """Region tallies of ceasefire violations in a sentence (character offsets relative to `text`)."""
    out: list[Tally] = []
    for part in re.finditer(r"[^;]+", text):
        chunk = part.group(0)
        if not (document_mentions_violations or "ceasefire violation" in chunk):
            continue
        for pattern in _PATTERNS:
            m = pattern.search(chunk)
            if not m:
                continue
            if _PREVIOUS.search(chunk[:m.start()]):  # "… the previous reporting period …": a figure from before
                break
            n_text = m.group("n").lower()
            count = 0 if n_text in ("no", "none") else parse_number(n_text)
            if count is None:
                break
            explosions = count if m.group("all") else (parse_number(m.group("e")) if m.group("e") else None)
            out.append(Tally(part.start() + m.start(), part.start() + m.end(), m.group("region"), count, explosions))
            break
    return out
