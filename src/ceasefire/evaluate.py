"""Scoring on human-coded data: `ceasefire eval acled` and `ceasefire eval geocode`.

The ACLED scores follow ../shared/tools/score_acled.py exactly (same rows, same first-incident rule, same
definitions), so the two agree; see tests/test_evaluate.py.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ceasefire.errors import InputError
from ceasefire.extract import extract_many
from ceasefire.geo.gazetteer import km, region_key
from ceasefire.intake.files import make_document
from ceasefire.records import Extraction, Incident, RawDocument

ACLED_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Strategic developments"}
RU_CODES = {"RU", "DPR", "LPR", "NAF", "RU-BACKED"}


def party_of_acled_actor(actor: str) -> str:
    """ACLED actor name to party, as the reference scorer reads it."""
    a = (actor or "").lower()
    if "russia" in a or a.startswith("naf") or "novorossiya" in a or "wagner" in a or "kadyrov" in a \
            or "donetsk people" in a or "luhansk people" in a:
        return "RU"
    if "ukraine" in a and any(w in a for w in ("military forces", "police forces", "territorial defense",
                                                "government of ukraine", "national guard", "security service")):
        return "UA"
    return "CIVILIANS" if a.startswith("civilians") else "OTHER"


def _norm_party(p: str | None) -> str | None:
    return None if not p else ("RU" if str(p).upper() in RU_CODES else str(p).upper())


def _acled_date(s: str) -> str:
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(s.strip(), fmt).date().isoformat()
        except ValueError:
            pass
    raise InputError(s, "unknown ACLED date format")


def macro_f1(pairs: list[tuple[str, str | None]], min_support: int = 10) -> float:
    gold = Counter(g for g, _ in pairs)
    scores = []
    for label in (lab for lab, n in gold.items() if n >= min_support):
        tp = sum(g == label and p == label for g, p in pairs)
        fp = sum(g != label and p == label for g, p in pairs)
        fn = sum(g == label and p != label for g, p in pairs)
        pr, rc = (tp / (tp + fp) if tp + fp else 0), (tp / (tp + fn) if tp + fn else 0)
        scores.append(2 * pr * rc / (pr + rc) if pr + rc else 0)
    return sum(scores) / len(scores) if scores else 0.0


def avg(xs: list[bool]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


class _Report:
    """Shared behaviour of the score reports: the scores as a dict (errors left out) and as JSON."""

    errors: list[str]

    def scores(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "errors"}

    def to_json(self) -> str:
        return json.dumps(self.scores())


class SplitReport(_Report):
    """A report over a whole file with the same figures for its tuning and check `parts`; `summary()` prints one
    line per part (`_line`)."""

    parts: dict
    _NOT_SCORES = ("errors", "parts", "tune_outcomes")

    def scores(self) -> dict:
        # Fields read directly: asdict would deep-copy every kept outcome and its incident.
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in self._NOT_SCORES}
        out["parts"] = {name: part.scores() for name, part in self.parts.items()}
        return out

    def summary(self) -> str:
        return "\n".join([self._line("all")] + [part._line(name) for name, part in self.parts.items()])

    def _line(self, name: str) -> str:
        raise NotImplementedError


# The check part of an ACLED-format file is read for its scores only, never row by row: rules are tuned on the
# rest. The split is by time (events of 2024 on) so that the check part is weeks the rules were not written on.
CHECK_FROM = dt.date(2024, 1, 1)


@dataclass
class AcledReport(SplitReport):
    rows: int
    sub: float
    f1: float
    party: float
    loc5: float
    date: float
    fatal: float
    parity: float
    rate: float
    oblast: float = 0.0  # ours, beyond the reference scorer: the first incident's region is ACLED's admin1
    # Ours as well: each side's accuracy (sub-event type and party both right) and each side's party accuracy.
    ru_right: float = 0.0
    ua_right: float = 0.0
    ru_party: float = 0.0
    ua_party: float = 0.0
    no_incident: float = 0.0
    parts: dict[str, "AcledReport"] = field(default_factory=dict, repr=False)
    errors: list[str] = field(default_factory=list, repr=False)
    tune_outcomes: list = field(default_factory=list, repr=False)

    def _line(self, name: str) -> str:
        return (f"{name}: rows={self.rows} sub={self.sub:.3f} f1={self.f1:.3f} party={self.party:.3f} "
                f"loc5={self.loc5:.3f} date={self.date:.3f} fatal={self.fatal:.3f} parity={self.parity:.3f} "
                f"rate={self.rate:.0f}/s oblast={self.oblast:.3f} ru_right={self.ru_right:.3f} "
                f"ua_right={self.ua_right:.3f} ru_party={self.ru_party:.3f} ua_party={self.ua_party:.3f} "
                f"no_incident={self.no_incident:.3f}")


@dataclass(frozen=True)
class _AcledOutcome:
    """How the first incident of one row compares with ACLED's coding."""

    gold_sub: str
    predicted_sub: str | None
    gold_party: str
    party_right: bool
    loc5: bool | None  # None: the row is not coded to a settlement
    oblast: bool | None
    date: bool
    fatal: bool
    no_incident: bool
    error: str | None
    incident: Incident | None = None


def _aggregate(outcomes: list[_AcledOutcome], rate: float) -> AcledReport:
    subs = [(o.gold_sub, o.predicted_sub) for o in outcomes]
    side = {p: [o for o in outcomes if o.gold_party == p] for p in ("RU", "UA")}
    right = {p: avg([o.party_right and o.gold_sub == o.predicted_sub for o in rows]) for p, rows in side.items()}
    return AcledReport(
        rows=len(outcomes), sub=avg([g == q for g, q in subs]), f1=macro_f1(subs),
        party=avg([o.party_right for o in outcomes if o.gold_party in side]),
        loc5=avg([o.loc5 for o in outcomes if o.loc5 is not None]), date=avg([o.date for o in outcomes]),
        fatal=avg([o.fatal for o in outcomes]), parity=abs(right["RU"] - right["UA"]), rate=rate,
        oblast=avg([o.oblast for o in outcomes if o.oblast is not None]), ru_right=right["RU"], ua_right=right["UA"],
        ru_party=avg([o.party_right for o in side["RU"]]), ua_party=avg([o.party_right for o in side["UA"]]),
        no_incident=avg([o.no_incident for o in outcomes]), errors=[o.error for o in outcomes if o.error])


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError(str(path), "no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(str(path), f"not a readable UTF-8 CSV ({exc})") from None


def is_check_row(row: dict[str, str]) -> bool:
    """Whether a dev-file row belongs to the check part (see CHECK_FROM)."""
    return dt.date.fromisoformat(_acled_date(row["event_date"])) >= CHECK_FROM


def score_acled(path: Path) -> AcledReport:
    """Score the first incident of each row against ACLED's coding (see module docstring).

    The report covers the whole file, as the reference scorer does, and its `parts` the tuning part and the
    check part (rows from CHECK_FROM on); its `errors` list only rows of the tuning part, so that the check part
    is never read row by row.
    """
    all_rows = _read_csv(path)
    required = {"event_type", "sub_event_type", "notes", "timestamp", "actor1", "event_date", "fatalities",
                "geo_precision", "latitude", "longitude", "event_id_cnty"}
    if all_rows and not required <= set(all_rows[0]):
        raise InputError(str(path), f"not an ACLED export (missing {', '.join(sorted(required - set(all_rows[0])))})")
    rows = [r for r in all_rows if r["event_type"] in ACLED_TYPES]
    docs = []
    for r in rows:
        try:
            published = dt.datetime.fromtimestamp(int(r["timestamp"]), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(str(path), f"row {r['event_id_cnty']}: bad timestamp {r['timestamp']!r}") from None
        docs.append(make_document(r["notes"].encode("utf-8"), r["notes"], published=published,
                                  source=r.get("source")).document)
    t = time.perf_counter()
    results: list[Extraction] = list(extract_many(docs))
    secs = time.perf_counter() - t
    outcomes = [_acled_outcome(r, res) for r, res in zip(rows, results)]
    rate = len(rows) / secs if secs else 0.0
    check = [is_check_row(r) for r in rows]
    report = _aggregate(outcomes, rate)
    report.parts = {"tune": _aggregate([o for o, c in zip(outcomes, check) if not c], rate),
                    "check": _aggregate([o for o, c in zip(outcomes, check) if c], rate)}
    report.errors = report.parts["tune"].errors
    report.parts["check"].errors = []
    report.tune_outcomes = [o for o, c in zip(outcomes, check) if not c]
    return report


def calibrate(paths: list[Path]) -> dict:
    """The confidence calibration tables (extract/confidence.py) from the tuning parts of ACLED-format files
    (incidents: per field and basis, how many first incidents were read that way and how many of those were right)
    and of annotated passages (.jsonl: claims' party and stance)."""
    from ceasefire.evaluate_passages import claim_outcomes
    from ceasefire.extract.confidence import calibration_table

    pairs, claim_pairs = [], []
    for path in (p for p in paths if p.suffix == ".jsonl"):
        claim_pairs.extend(claim_outcomes(path))
    for path in (p for p in paths if p.suffix != ".jsonl"):
        for o in score_acled(path).tune_outcomes:
            if o.incident is None:
                continue
            right = {"type": o.predicted_sub == o.gold_sub, "date": o.date}
            if o.gold_party in ("RU", "UA"):
                right["party"] = o.party_right
            if o.loc5 is not None:
                right["place"] = o.loc5
            pairs.append((o.incident, right))
    return {"_comment": "Written by `ceasefire eval calibrate` from the tuning parts of: "
                        + ", ".join(p.name for p in paths) + ". [right, rows] per field and basis.",
            "table": calibration_table(pairs),
            "claims": {k: v for k, v in calibration_table(claim_pairs).items() if v}}


def _acled_outcome(r: dict[str, str], res: Extraction) -> _AcledOutcome:
    inc: Incident | None = res.incidents[0] if res.incidents else None
    predicted_sub = inc.acled_sub_event_type if inc else None
    gold_party = party_of_acled_actor(r["actor1"])
    wrong = []
    if predicted_sub != r["sub_event_type"]:
        wrong.append(f"sub {predicted_sub!r} != {r['sub_event_type']!r}")
    party_right = _norm_party(inc.actor_party if inc else None) == gold_party
    if gold_party in ("RU", "UA") and not party_right:
        wrong.append(f"party {inc.actor_party if inc else None} != {gold_party}")
    loc5 = None
    if r["geo_precision"] == "1":
        loc5 = bool(inc and inc.place) and km(float(r["latitude"]), float(r["longitude"]),
                                              inc.place.lat, inc.place.lon) <= 5
        if not loc5:
            wrong.append(f"place {inc.place.name if inc and inc.place else None} "
                         f"({inc.place.lat if inc and inc.place else None}, {inc.place.lon if inc and inc.place else None}) "
                         f"!= {r['location']} ({r['latitude']}, {r['longitude']})")
    oblast = bool(inc and inc.place and inc.place.admin1 == _province(r["admin1"])) if r.get("admin1") else None
    day_ok = (str(inc.when.start) if inc and inc.when else "") == _acled_date(r["event_date"])
    if not day_ok:
        wrong.append(f"date {inc.when.start if inc and inc.when else None} != {_acled_date(r['event_date'])}")
    fat_ok = int((inc.fatalities if inc else None) or 0) == int(r["fatalities"] or 0)
    if not fat_ok:
        wrong.append(f"fatalities {inc.fatalities if inc else None} != {r['fatalities']}")
    error = f"{r['event_id_cnty']}: {'; '.join(wrong)}\n    {r['notes'][:300]}" if wrong else None
    return _AcledOutcome(gold_sub=r["sub_event_type"], predicted_sub=predicted_sub, gold_party=gold_party,
                         party_right=party_right, loc5=loc5, oblast=oblast, date=day_ok, fatal=fat_ok,
                         no_incident=inc is None, error=error, incident=inc)


@dataclass
class GeocodeReport(_Report):
    rows: int
    within5: float
    within25: float
    oblast: float
    abstained: float
    answered_within5: float
    rate: float
    errors: list[str] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return (f"rows={self.rows} within5={self.within5:.3f} within25={self.within25:.3f} oblast={self.oblast:.3f} "
                f"abstained={self.abstained:.3f} answered_within5={self.answered_within5:.3f} rate={self.rate:.0f}/s")


def geocode_text(title: str, description: str) -> str:
    """The text a geocoding row is read from: the description, after the title without its date prefix."""
    title = title.split(" ", 1)[1] if title[:2].isdigit() and " " in title else title
    return description if title.strip() in description else f"{title.strip()}. {description}"


def score_geocode(path: Path, limit: int = 0) -> GeocodeReport:
    """Score geocoding of event descriptions (CIR format: title, brief description, lat, lon, province)."""
    from ceasefire.geo import default_geocoder

    rows = _read_csv(path)
    if rows and not {"brief description", "lat", "lon", "province"} <= set(rows[0]):
        raise InputError(str(path), "not a geocoding evaluation file (needs brief description, lat, lon, province)")
    rows = [r for r in rows if r["lat"] and r["lon"] and r.get("country", "Ukraine") in ("Ukraine", "Russia")]
    if limit:
        rows = rows[:limit]
    geocoder = default_geocoder()
    tally = _GeoTally()
    t = time.perf_counter()
    for r in rows:
        text = geocode_text(r.get("title", ""), r["brief description"])
        tally.add(geocoder.locate_text(text, on=_iso_day(r.get("date", ""))), float(r["lat"]), float(r["lon"]),
                  r["province"], f"{r.get('entry')}: gold {r.get('town/city')}, {r['province']}: {text[:200]}")
    secs = time.perf_counter() - t
    return GeocodeReport(rows=len(rows), within5=avg(tally.within5), within25=avg(tally.within25),
                         oblast=avg(tally.oblast), abstained=avg(tally.abstained),
                         answered_within5=avg(tally.answered_within5), rate=len(rows) / secs if secs else 0.0,
                         errors=tally.errors)


@dataclass
class _GeoTally:
    """Per-row outcomes of geocoding against coded coordinates and regions."""

    within5: list[bool] = field(default_factory=list)
    within25: list[bool] = field(default_factory=list)
    oblast: list[bool] = field(default_factory=list)
    abstained: list[bool] = field(default_factory=list)
    answered_within5: list[bool] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, resolution, lat: float, lon: float, region: str, label: str) -> None:
        place = resolution.place
        self.abstained.append(place is None)
        if place is None:
            self.within5.append(False)
            self.within25.append(False)
            self.oblast.append(False)
            self.errors.append(f"abstained ({resolution.reason}) — {label}")
            return
        d = km(lat, lon, place.lat, place.lon)
        self.within5.append(d <= 5)
        self.answered_within5.append(d <= 5)
        self.within25.append(d <= 25)
        self.oblast.append(bool(place.admin1) and region_key(place.admin1) == region_key(_province(region)))
        if d > 5:
            self.errors.append(f"{place.name} ({place.admin1}) is {d:.0f} km off — {label}")


def _province(name: str) -> str:
    from ceasefire.geo.gazetteer import gazetteer

    entry = gazetteer().region(name)
    return entry.admin1 if entry is not None else name


@dataclass
class UcdpReport(_Report):
    rows: int
    loc5: float
    loc25: float
    oblast: float
    abstained: float
    deaths: float
    errors: list[str] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return (f"rows={self.rows} loc5={self.loc5:.3f} loc25={self.loc25:.3f} oblast={self.oblast:.3f} "
                f"abstained={self.abstained:.3f} deaths={self.deaths:.3f}")


def score_ucdp(path: Path) -> UcdpReport:
    """UCDP GED: geocode `where_description` (rows coded to a settlement or near one, where_prec 1-2) against the
    coded coordinates and oblast; and deaths as the headline states them against `best` (all rows)."""
    from ceasefire.geo import default_geocoder
    from ceasefire.intake.datasets import read_ucdp

    rows = list(csv.DictReader(_decoded(path).splitlines()))
    if rows and not {"where_description", "where_prec", "latitude", "longitude", "best"} <= set(rows[0]):
        raise InputError(str(path), "not a UCDP GED export")
    geocoder = default_geocoder()
    tally = _GeoTally()
    deaths = []
    for r in rows:
        if r["where_prec"] not in ("1", "2") or not r["where_description"].strip():
            continue
        tally.add(geocoder.locate_text(r["where_description"], on=_ucdp_day(r["date_start"])), float(r["latitude"]),
                  float(r["longitude"]), r["adm_1"], f"{r['id']}: {r['where_description']!r}")
    docs = [d for d in read_ucdp(path) if isinstance(d, RawDocument)]
    by_id = {json.loads(d.raw)["id"]: d.document for d in docs}
    results = dict(zip(by_id, extract_many(list(by_id.values()))))
    for r in rows:
        res = results.get(r["id"])
        if res is None:
            continue
        stated = sum(i.fatalities or 0 for i in res.incidents if not i.historical)
        deaths.append(stated == int(r["best"] or 0))
    return UcdpReport(rows=len(tally.within5), loc5=avg(tally.within5), loc25=avg(tally.within25),
                      oblast=avg(tally.oblast), abstained=avg(tally.abstained), deaths=avg(deaths),
                      errors=tally.errors)


def _iso_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _ucdp_day(value: str) -> dt.date | None:
    from ceasefire.intake.datasets import _ucdp_date

    return _ucdp_date(value)


def _decoded(path: Path) -> str:
    if not path.exists():
        raise InputError(str(path), "no such file")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@dataclass
class MonitorCountReport(_Report):
    reports: int
    violations: float
    explosions: float
    errors: list[str] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return f"reports={self.reports} violations={self.violations:.3f} explosions={self.explosions:.3f}"


def score_monitor_counts(path: Path) -> MonitorCountReport:
    """OSCE-style tallies: per report and region, the ceasefire violations and explosions counted for the
    current period (not the previous one) against the recorded numbers (`data`: donetsk_ceasefire_violations …)."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [r for r in records if r.get("data")]
    docs = [make_document(r["text"].encode(), r["text"], published=dt.date.fromisoformat(r["date"])).document
            for r in records]
    violations, explosions, errors = [], [], []
    for record, res in zip(records, extract_many(docs)):
        for region in ("donetsk", "luhansk"):
            gold_v = record["data"].get(f"{region}_ceasefire_violations")
            gold_e = record["data"].get(f"{region}_explosions")
            tallies = [i for i in res.incidents if i.type == "ceasefire_violation" and i.place
                       and (i.place.admin1 or "").lower() == region and not i.historical]
            got = tallies[0] if tallies else None
            if gold_v is not None:
                violations.append(got is not None and got.count == gold_v)
            if gold_e is not None:
                explosions.append(got is not None and got.explosions == gold_e)
            if gold_v is not None and (got is None or got.count != gold_v
                                       or (gold_e is not None and got.explosions != gold_e)):
                errors.append(f"{record['id']} {region}: got {got.count if got else None}/"
                              f"{got.explosions if got else None}, want {gold_v}/{gold_e}\n    {record['text']}")
    return MonitorCountReport(reports=len(records), violations=avg(violations), explosions=avg(explosions),
                              errors=errors)


VIOLENT_TYPES = {"Battles", "Explosions/Remote violence"}
# "Violations (battles, shelling, strikes)": the coded sub-event types a ceasefire forbids.
VIOLATION_SUB_TYPES = {"Armed clash", "Shelling/artillery/missile attack", "Air/drone strike",
                       "Government regains territory", "Non-state actor overtakes territory", "Grenade"}


@dataclass
class ReplayReport(_Report):
    agreement: str
    window: str
    gold: dict[str, int]
    found: dict[str, int]
    last_finding: str | None
    findings_on_nonviolent_rows: int
    errors: list[str] = field(default_factory=list, repr=False)

    def relative_errors(self) -> dict[str, float]:
        return {p: abs(self.found.get(p, 0) - n) / n for p, n in self.gold.items() if n}

    def scores(self) -> dict:
        return {"agreement": self.agreement, "window": self.window, "gold": self.gold, "found": self.found,
                "relative_error": self.relative_errors(), "last_finding": self.last_finding,
                "findings_on_nonviolent_rows": self.findings_on_nonviolent_rows}

    def summary(self) -> str:
        parts = ", ".join(f"{p}: {self.found.get(p, 0)} vs {n} coded ({self.relative_errors().get(p, 0):.0%} off)"
                          for p, n in sorted(self.gold.items()))
        return (f"{self.agreement} ({self.window}): violations per party {parts}; last finding {self.last_finding}; "
                f"findings on non-violent rows: {self.findings_on_nonviolent_rows}")


def score_replay(path: Path, agreement_name: str) -> ReplayReport:
    """Replay an ACLED-format file against an agreement: per-party violation totals (events found in force and
    in scope, battles and explosions) against the human-coded rows of the same window and scope."""
    from ceasefire.adjudicate import adjudicate, load_agreement
    from ceasefire.reconcile import reconcile

    agreement = load_agreement(agreement_name)
    rows = _read_csv(path)
    docs, row_of = [], {}
    for r in rows:
        if not r.get("notes", "").strip():
            continue
        published = dt.datetime.fromtimestamp(int(r["timestamp"]), dt.timezone.utc).date()
        doc = make_document(r["notes"].encode("utf-8"), r["notes"], published=published,
                            source=r.get("source") or "ACLED", content_type="application/x-acled-row").document
        docs.append(doc)
        row_of[doc.id] = r
    results = list(extract_many(docs))
    incidents = [i for res in results for i in res.incidents[:1]]  # one coded event per row
    claims = {c.id: c for res in results for c in res.claims}
    contradictions = [c for res in results for c in res.contradictions]
    events = reconcile(incidents, {d.id: d for d in docs}, claims, contradictions)
    findings = [f for f in adjudicate(events, agreement) if f.status != "out_of_scope"]
    event_party = {f.event_id: ("RU" if f.party == "RU" else "UA" if f.party == "UA" else "undetermined")
                   for f in findings}
    found: dict[str, int] = {}
    for party in event_party.values():
        found[party] = found.get(party, 0) + 1
    start, end = agreement.window.start, agreement.window.end or dt.date.max
    gold: dict[str, int] = {}
    for r in rows:
        day = dt.date.fromisoformat(_acled_date(r["event_date"]))
        if r["sub_event_type"] not in VIOLATION_SUB_TYPES or not start <= day <= end:
            continue
        if agreement.scope.admin1 and r["admin1"] not in agreement.scope.admin1:
            continue
        party = party_of_acled_actor(r["actor1"])
        party = party if party in ("RU", "UA") else "undetermined"
        gold[party] = gold.get(party, 0) + 1
    events_by_id = {e.id: e for e in events}
    doc_of = {i.id: i.doc_id for i in incidents}
    nonviolent = 0
    for f in findings:
        for inc_id in events_by_id[f.event_id].incident_ids:
            if row_of[doc_of[inc_id]]["event_type"] not in VIOLENT_TYPES | {"Violence against civilians"}:
                nonviolent += 1
    last = max((f.date for f in findings), default=None)
    return ReplayReport(agreement=agreement.id, window=f"{start}..{agreement.window.end or 'open'}", gold=gold,
                        found=found, last_finding=last.isoformat() if last else None,
                        findings_on_nonviolent_rows=nonviolent)
