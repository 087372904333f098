"""Scoring on our own annotated official statements in Ukrainian and Russian (tests/check/statements_uk.jsonl):
`ceasefire eval statements`.

The statements were written and annotated for this project, blind to the rules, in the styles the parties publish
(General Staff summaries, Air Force tallies, regional administrations, the Russian Ministry of Defence). Odd ids are
the tuning part, read row by row; even ids the check part, scored only. A gold incident is `{type, party, count,
oblast, settlements, quote}`; a predicted incident matches it when it has the same type (each used once; pairs with
the same count first). Figures:

- counts: gold incidents matched by an incident of the same type, party and count (per party too, and the gap);
- party: matched incidents with the gold party;
- oblast: matched incidents, of gold ones with an oblast, whose place lies in it;
- precision: predicted incidents that match a gold one;
- language: statements detected in their language;
- by language: counts for the Ukrainian and for the Russian statements;
- intercepts: counts for interception tallies alone (totals and per region);
- energy: gold strikes on energy facilities with a category, found with the same party and category (the
  moratorium's clauses are by category), whatever their count.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ceasefire.evaluate import SplitReport, avg
from ceasefire.evaluate_passages import is_check_passage, read_records
from ceasefire.extract import extract_many
from ceasefire.intake.files import make_document
from ceasefire.records import Extraction, Incident


@dataclass
class StatementReport(SplitReport):
    statements: int
    counts: float
    counts_ru: float
    counts_ua: float
    counts_gap: float
    counts_uk_text: float | None  # None where the set has no text in that language
    counts_ru_text: float | None
    party: float
    oblast: float
    precision: float
    language: float
    energy: float | None = None  # None where the set has no such gold
    intercepts: float | None = None
    parts: dict[str, "StatementReport"] = field(default_factory=dict, repr=False)
    errors: list[str] = field(default_factory=list, repr=False)

    def _line(self, name: str) -> str:
        return (f"{name}: statements={self.statements} counts={self.counts:.3f} (by RU {self.counts_ru:.3f}, "
                f"by UA {self.counts_ua:.3f}, gap {self.counts_gap:.3f}; uk texts {_shown(self.counts_uk_text)}, "
                f"ru texts {_shown(self.counts_ru_text)}) party={self.party:.3f} oblast={self.oblast:.3f} "
                f"precision={self.precision:.3f} language={self.language:.3f}" + "".join(
                    f" {name}={value:.3f}" for name, value in (("intercepts", self.intercepts), ("energy", self.energy))
                    if value is not None))


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@dataclass
class _Tally:
    counts: dict[str, list[bool]] = field(default_factory=lambda: {"RU": [], "UA": []})
    by_text: dict[str, list[bool]] = field(default_factory=lambda: {"uk": [], "ru": []})
    party: list[bool] = field(default_factory=list)
    oblast: list[bool] = field(default_factory=list)
    precision: list[bool] = field(default_factory=list)
    language: list[bool] = field(default_factory=list)
    energy: list[bool] = field(default_factory=list)
    intercepts: list[bool] = field(default_factory=list)
    statements: int = 0
    errors: list[str] = field(default_factory=list)

    def report(self) -> StatementReport:
        ru, ua = avg(self.counts["RU"]), avg(self.counts["UA"])
        return StatementReport(statements=self.statements, counts=avg(self.counts["RU"] + self.counts["UA"]),
                               counts_ru=ru, counts_ua=ua, counts_gap=abs(ru - ua),
                               counts_uk_text=avg(self.by_text["uk"]) if self.by_text["uk"] else None,
                               counts_ru_text=avg(self.by_text["ru"]) if self.by_text["ru"] else None,
                               party=avg(self.party), oblast=avg(self.oblast), precision=avg(self.precision),
                               language=avg(self.language), energy=avg(self.energy) if self.energy else None,
                               intercepts=avg(self.intercepts) if self.intercepts else None, errors=self.errors)


def _match(gold: list[dict], predicted: list[Incident]) -> list[tuple[dict, Incident | None]]:
    """Pair gold incidents with predicted ones of the same type, each used once: pairs with the same count and
    oblast first, then the same count, then any, so that one miss does not shift the others (three hits named in
    one sentence pair by their regions)."""
    free = list(predicted)
    picks: dict[int, Incident] = {}
    for same_count, same_oblast in ((True, True), (True, False), (False, False)):
        for n, g in enumerate(gold):
            if n in picks:
                continue
            pick = next((p for p in free if p.type == g["type"] and (not same_count or p.count == g.get("count"))
                         and (not same_oblast or (p.place.admin1 if p.place else None) == _oblast_key(g.get("oblast")))),
                        None)
            if pick is not None:
                free.remove(pick)
                picks[n] = pick
    return [(g, picks.get(n)) for n, g in enumerate(gold)]


def _oblast_key(name: str | None) -> str | None:
    from ceasefire.geo import default_geocoder

    entry = default_geocoder().gaz.region(name) if name else None
    return entry.admin1 if entry is not None else name


def _score(statement: dict, result: Extraction, tally: _Tally) -> None:
    tally.statements += 1
    tally.language.append(result.document.language == statement["language"])
    pairs = _match(statement["incidents"], result.incidents)
    for gold, got in pairs:
        right = got is not None and got.actor_party == gold["party"] and got.count == gold.get("count")
        tally.counts.setdefault(gold["party"], []).append(right)
        tally.by_text.setdefault(statement["language"], []).append(right)
        if gold["type"] == "intercept":
            tally.intercepts.append(right)
        if got is not None:
            tally.party.append(got.actor_party == gold["party"])
            if gold.get("oblast"):
                tally.oblast.append(got.place is not None and got.place.admin1 == _oblast_key(gold["oblast"]))
        if not right:
            tally.errors.append(f"{statement['id']}: {gold['type']} by {gold['party']} x{gold.get('count')} "
                                f"{gold.get('quote', '')!r} -> " + (f"{got.type} by {got.actor_party} x{got.count}"
                                                                    if got else "nothing"))
    strikes = [i for i in result.incidents if i.type == "energy_strike"]
    for gold in statement["incidents"]:
        if gold["type"] == "energy_strike" and gold.get("facility"):
            found = next((i for i in strikes if i.actor_party == gold["party"] and i.facility == gold["facility"]), None)
            tally.energy.append(found is not None)
            if found is not None:
                strikes.remove(found)
    matched = {id(got) for _, got in pairs if got is not None}
    tally.precision.extend(id(i) in matched for i in result.incidents)
    tally.errors.extend(f"{statement['id']}: extra {i.type} by {i.actor_party} x{i.count} {i.span.text!r}"
                        for i in result.incidents if id(i) not in matched)


def read_statements(path: Path) -> list[dict]:
    return read_records(path, {"id", "text", "language", "incidents"}, "statement")


def score_statements(path: Path) -> StatementReport:
    """Score the reading of official statements; `errors` list the tuning part only."""
    statements = read_statements(path)
    documents = [make_document(s["text"].encode("utf-8"), s["text"], published=s["published"]).document
                 for s in statements]
    tallies = {"all": _Tally(), "tune": _Tally(), "check": _Tally()}
    for statement, result in zip(statements, extract_many(documents)):
        _score(statement, result, tallies["all"])
        _score(statement, result, tallies["check" if is_check_passage(statement["id"]) else "tune"])
    report = tallies["all"].report()
    report.parts = {"tune": tallies["tune"].report(), "check": tallies["check"].report()}
    report.errors = report.parts["tune"].errors
    return report
