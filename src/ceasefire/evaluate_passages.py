"""Scoring on our own hand-annotated passages (tests/check/passages.jsonl): `ceasefire eval passages`.

The passages were written and annotated for this project, blind to the rules, one or more per error class of
issue 10 (agent against victim, speaker, monitor and interceptor; accusations, denials and contradictions;
negations, hypotheticals, provisions, condemnations, history, repeated mentions; observers' forms; numbers,
places, date ranges; other languages). The file is split by id: odd ids are the tuning part, which may be read
row by row; even ids the check part, scored only. Figures:

- attacker: gold incidents with a party whose matched incident has that party (per side too, and the gap);
- recall / precision: gold incidents matched / predicted current incidents that match a gold one. A predicted
  incident matches a gold one of the same passage with the same ACLED sub-event type (or, failing that, the
  same actor party), each used once;
- non_events: passages whose gold has no incident that yield none (negations, hypotheticals, provisions …);
- stance: gold claims for which a claim of the same speaker party has the gold stance;
- contradictions: gold contradiction pairs found (capped per passage at the gold count);
- fatal / injured: matched incidents whose dead and injured equal the gold (null = 0);
- dates: matched incidents whose start and end equal the gold;
- language: passages in another language reported as that language, with nothing extracted.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ceasefire.errors import InputError
from ceasefire.evaluate import SplitReport, avg
from ceasefire.extract import extract_many
from ceasefire.intake.files import make_document
from ceasefire.records import Claim, Extraction, Incident


def is_check_passage(passage_id: str) -> bool:
    """Even-numbered passages are the check part (never read row by row)."""
    digits = "".join(ch for ch in passage_id if ch.isdigit())
    return bool(digits) and int(digits) % 2 == 0


@dataclass
class PassageReport(SplitReport):
    passages: int
    attacker: float
    attacker_ru: float
    attacker_ua: float
    attacker_gap: float
    recall: float
    precision: float
    non_events: float
    stance: float
    contradictions: float
    fatal: float
    injured: float
    dates: float
    language: float
    parts: dict[str, "PassageReport"] = field(default_factory=dict, repr=False)
    errors: list[str] = field(default_factory=list, repr=False)

    def _line(self, name: str) -> str:
        return (f"{name}: passages={self.passages} attacker={self.attacker:.3f} (RU {self.attacker_ru:.3f}, "
                f"UA {self.attacker_ua:.3f}, gap {self.attacker_gap:.3f}) recall={self.recall:.3f} "
                f"precision={self.precision:.3f} non_events={self.non_events:.3f} stance={self.stance:.3f} "
                f"contradictions={self.contradictions:.3f} fatal={self.fatal:.3f} injured={self.injured:.3f} "
                f"dates={self.dates:.3f} language={self.language:.3f}")


@dataclass
class _Tally:
    attacker: dict[str, list[bool]] = field(default_factory=lambda: {"RU": [], "UA": [], "other": []})
    recall: list[bool] = field(default_factory=list)
    precision: list[bool] = field(default_factory=list)
    non_events: list[bool] = field(default_factory=list)
    stance: list[bool] = field(default_factory=list)
    contradictions: list[bool] = field(default_factory=list)
    fatal: list[bool] = field(default_factory=list)
    injured: list[bool] = field(default_factory=list)
    dates: list[bool] = field(default_factory=list)
    language: list[bool] = field(default_factory=list)
    passages: int = 0
    errors: list[str] = field(default_factory=list)

    def report(self) -> PassageReport:
        ru, ua = avg(self.attacker["RU"]), avg(self.attacker["UA"])
        every = self.attacker["RU"] + self.attacker["UA"] + self.attacker["other"]
        return PassageReport(passages=self.passages, attacker=avg(every), attacker_ru=ru, attacker_ua=ua,
                             attacker_gap=abs(ru - ua), recall=avg(self.recall), precision=avg(self.precision),
                             non_events=avg(self.non_events), stance=avg(self.stance),
                             contradictions=avg(self.contradictions), fatal=avg(self.fatal),
                             injured=avg(self.injured), dates=avg(self.dates), language=avg(self.language),
                             errors=self.errors)


def _match(gold: list[dict], predicted: list[Incident]) -> list[tuple[dict, Incident | None]]:
    """Pair gold incidents with predicted ones: same sub-event type first, then same party, each used once."""
    free = list(predicted)
    pairs: list[tuple[dict, Incident | None]] = []
    for g in gold:
        pick = next((p for p in free if p.acled_sub_event_type == g["sub"]), None)
        if pick is None:
            pick = next((p for p in free if p.actor_party == g["actor_party"]), None)
        if pick is not None:
            free.remove(pick)
        pairs.append((g, pick))
    return pairs


def _score_passage(p: dict, res: Extraction, tally: _Tally) -> None:
    tally.passages += 1
    wrong: list[str] = []
    current = [i for i in res.incidents if not i.historical]
    if p.get("language", "en") != "en":
        ok = res.document.language == p["language"] and not current and not res.claims
        tally.language.append(ok)
        if not ok:
            wrong.append(f"language {res.document.language} with {len(current)} incidents")
    if not p["incidents"]:
        tally.non_events.append(not current)
        if current:
            wrong.append(f"non-event gave {[i.type for i in current]}")
    pairs = _match(p["incidents"], current)
    matched = {id(i) for _g, i in pairs if i is not None}
    tally.precision.extend(id(i) in matched for i in current)
    for g, inc in pairs:
        tally.recall.append(inc is not None)
        if g["actor_party"]:
            ok = inc is not None and inc.actor_party == g["actor_party"]
            tally.attacker[g["actor_party"] if g["actor_party"] in ("RU", "UA") else "other"].append(ok)
            if not ok:
                wrong.append(f"attacker {inc.actor_party if inc else 'missing'} != {g['actor_party']}")
        if inc is None:
            continue
        tally.fatal.append((inc.fatalities or 0) == (g["fatalities"] or 0))
        tally.injured.append((inc.injured or 0) == (g["injured"] or 0))
        when_ok = inc.when is not None and (str(inc.when.start), str(inc.when.end)) == (g["start"], g["end"])
        tally.dates.append(when_ok)
    free_claims = list(res.claims)
    for g in p["claims"]:
        pick = next((c for c in free_claims if c.party == g["speaker_party"] and c.stance == g["stance"]), None)
        tally.stance.append(pick is not None)
        if pick is not None:
            free_claims.remove(pick)
        else:
            wrong.append(f"no {g['stance']} claim by {g['speaker_party']}")
    found = len(res.contradictions)
    tally.contradictions.extend(n < found for n in range(p["contradictions"]))
    if found < p["contradictions"]:
        wrong.append(f"contradictions {found} < {p['contradictions']}")
    if wrong:
        tally.errors.append(f"{p['id']} [{p['class']}]: {'; '.join(wrong)}\n    {p['text'][:300]}")


def read_records(path: Path, required: set[str], what: str) -> list[dict]:
    """The annotated records of a JSON-lines check set, each with its `published` day as a date."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record["published"] = dt.date.fromisoformat(record["published"])
            missing = required - set(record)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}", f"not a {what} record ({exc})") from None
        if missing:
            raise InputError(f"{path}:{n}", f"missing {', '.join(sorted(missing))}")
        out.append(record)
    return out


def read_passages(path: Path) -> list[dict]:
    return read_records(path, {"id", "text", "incidents", "claims", "contradictions"}, "passage")


def claim_outcomes(path: Path) -> list[tuple[Claim, dict[str, bool]]]:
    """For calibration: each predicted claim of the tuning part that shares a word of its speaker with a gold
    claim, with whether its party and its stance ("type") match that gold claim."""
    passages = [p for p in read_passages(path) if not is_check_passage(p["id"])]
    docs = [make_document(p["text"].encode("utf-8"), p["text"], published=p["published"]).document
            for p in passages]
    out = []
    for p, res in zip(passages, extract_many(docs)):
        for claim in res.claims:
            words = set(claim.speaker.lower().split())
            gold = next((g for g in p["claims"] if words & set(g["speaker"].lower().split())), None)
            if gold is not None:
                out.append((claim, {"party": claim.party == gold["speaker_party"], "type": claim.stance == gold["stance"]}))
    return out


def score_passages(path: Path) -> PassageReport:
    """Score extraction on hand-annotated passages; `errors` list the tuning part only."""
    passages = read_passages(path)
    docs = [make_document(p["text"].encode("utf-8"), p["text"], published=p["published"]).document
            for p in passages]
    tallies = {"all": _Tally(), "tune": _Tally(), "check": _Tally()}
    for p, res in zip(passages, extract_many(docs)):
        _score_passage(p, res, tallies["all"])
        _score_passage(p, res, tallies["check" if is_check_passage(p["id"]) else "tune"])
    report = tallies["all"].report()
    report.parts = {"tune": tallies["tune"].report(), "check": tallies["check"].report()}
    report.parts["check"].errors = []
    report.errors = report.parts["tune"].errors
    return report
