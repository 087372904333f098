"""The daily briefing: what was reported on one reporting day, who says so, and which clauses it may break.

Every figure is computed from stored events, findings and claims, and every item cites its document and
span, so a reader can trace each number back to the words it came from. The lede is extractive and
template-based (no external service).

A reporting day is the publication date of the reports it covers; its cut-off time in a time zone (as the OSCE
monitors' 19:30 Eastern European Time) closes it for analysts' reviews: a review made after the cut-off shows in the
next day's briefing, so a re-issued briefing reads as it did.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader

from ceasefire.adjudicate import load_agreement
from ceasefire.errors import InputError
from ceasefire.publish.charts import map_svg, trend_svg
from ceasefire.reconcile import published_day, reliability_of
from ceasefire.records import Agreement, Claim, Contradiction, Document, Event, Finding
from ceasefire.store import Store, shown

DEFAULT_CUTOFF = dt.time(19, 30)
DEFAULT_TIMEZONE = "Europe/Kyiv"
TREND_DAYS = 30
LOOKBACK_DAYS = 60  # reports published on a day may tell of events this far back
FRONT_LINE = {"shelling", "missile_strike", "air_strike", "drone_strike", "armed_clash", "ground_assault",
              "attack_repelled", "settlement_captured", "ceasefire_violation", "intercept", "grenade",
              "remote_explosive", "civilian_harm"}
INFRASTRUCTURE = {"energy_strike"}
PARTY_NAMES = {"RU": "Russia and the forces it backs", "UA": "Ukraine", "US": "United States", "NATO": "NATO",
               "EU": "European Union", "UN": "United Nations", "OTHER": "others", "undetermined": "undetermined"}


@dataclass(frozen=True)
class ReportingDay:
    day: dt.date
    cutoff: dt.time = DEFAULT_CUTOFF
    timezone: str = DEFAULT_TIMEZONE

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        tz = ZoneInfo(self.timezone)
        end = dt.datetime.combine(self.day, self.cutoff, tzinfo=tz)
        return end - dt.timedelta(days=1), end

    def describe(self) -> str:
        start, end = self.window()
        return (f"{start:%H:%M %Z %d %B %Y} – {end:%H:%M %Z %d %B %Y}").replace(" 0", " ")


@dataclass
class SideBySide:
    """What each side says on one topic, with contradictions marked."""

    topic: str
    by_party: dict[str, list[Claim]]
    contradicted: bool


@dataclass
class Briefing:
    when: ReportingDay
    agreement: Agreement | None
    lede: list[str]
    events: list[Event]
    findings: list[Finding]
    party_tallies: list[tuple[str, int, int]]          # party, today, change from the previous day
    clause_tallies: list[tuple[str, int, int]]
    region_counts: list[tuple[str, int, int | None, str]]  # region, violations, explosions, document
    sides: list[SideBySide]
    front_line: list[Event]
    infrastructure: list[Event]
    other_events: list[Event]
    statements: list[Claim]
    sources: list[tuple[Document, str, bool]]          # document, grade, new in this reporting period
    aggregates: list[Claim] = field(default_factory=list)  # the sides' counts of acts, as counts
    inferred_tallies: dict[str, int] = field(default_factory=dict)  # party -> how many of today's are inferred
    map_svg: str = ""
    trend_svg: str = ""
    claims_by_id: dict[str, Claim] = field(default_factory=dict)
    # claim id -> English lines made from the fields of the acts a Russian or Ukrainian statement tells
    glosses: dict[str, list[str]] = field(default_factory=dict)


def _tallies(today: list[Finding], yesterday: list[Finding], key) -> list[tuple[str, int, int]]:
    now = Counter(key(f) for f in today)
    before = Counter(key(f) for f in yesterday)
    return [(k, now[k], now[k] - before[k]) for k in sorted(set(now) | set(before), key=lambda k: (-now[k], k))]


def _violations(findings: list[Finding]) -> list[Finding]:
    """Findings that count as alleged violations: all but those an analyst judged not to be one (there is one
    finding per event and clause, whatever the readings of the start date)."""
    return [f for f in findings if f.status not in ("out_of_scope", "not_a_violation")]


def _sides(claims: list[Claim], contradictions: list[Contradiction]) -> list[SideBySide]:
    by_id = {c.id: c for c in claims}
    out, used = [], set()
    for con in contradictions:
        members = [by_id[i] for i in con.claim_ids if i in by_id]
        if len(members) < 2:
            continue
        grouped: dict[str, list[Claim]] = {}
        for c in members:
            grouped.setdefault(c.party or "OTHER", []).append(c)
            used.add(c.id)
        # Headed by what is in dispute, in the words of the side that asserts it.
        asserted = next((c for c in members if c.stance in ("assert", "accuse")), members[0])
        out.append(SideBySide(topic=f"{asserted.speaker}: “{_short(asserted.text, 100)}”", by_party=grouped,
                              contradicted=True))
    rest: dict[str, list[Claim]] = {}
    for c in claims:
        if c.id not in used and c.party in ("RU", "UA"):
            rest.setdefault(c.party, []).append(c)
    if rest:
        out.append(SideBySide(topic="other statements of the parties", by_party=rest, contradicted=False))
    return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _lede(day: dt.date, events: list[Event], violations: list[Finding], agreement: Agreement | None,
          sides: list[SideBySide], aggregates: list[Claim]) -> list[str]:
    """Whole sentences from the day's tallies (the same numbers as the tables), and the day's main dispute."""
    sentences = []
    if events:
        new = sum(e.first_reported == day for e in events)
        kinds = Counter(e.type.replace("_", " ") for e in events)
        regions = Counter(e.place.admin1 for e in events if e.place and e.place.admin1)
        (top, top_n), = kinds.most_common(1)
        where = f", most often in {regions.most_common(1)[0][0]} region" if regions else ""
        earlier = f" and new reports on {_plural(len(events) - new, 'earlier event', 'earlier events')}" \
            if len(events) > new else ""
        kind = f"; {top} was the most frequent{where}" if top_n >= 2 else ""
        sentences.append(f"Reports published on {day:%d %B %Y} told of {_plural(new, 'new event', 'new events')}"
                         f"{earlier}{kind}.")
    else:
        sentences.append(f"No events were reported on {day:%d %B %Y}.")
    if agreement is not None:
        by_party = Counter(f.party for f in violations)
        inferred = sum(f.actor_basis not in (None, "stated") for f in violations)
        parts = ", ".join(f"{n} attributed to {PARTY_NAMES.get(p, p)}" for p, n in by_party.most_common())
        if violations:
            sentences.append(f"Under the {agreement.title}, they amount to "
                             f"{_plural(len(violations), 'alleged violation', 'alleged violations')}: {parts}"
                             + (f" ({inferred} of them attributed by inference)" if inferred else "") + ".")
        else:
            sentences.append(f"No alleged violation of the {agreement.title} was reported.")
    for c in aggregates[:2]:
        t = c.tally
        against = f" by {PARTY_NAMES.get(t.against, t.against)}" if t.against else ""
        sentences.append(f"{c.speaker} counted {t.qualifier + ' ' if t.qualifier else ''}{t.count} {t.noun}{against} "
                         f"(a count, not events told one by one).")
    disputed = next((s for s in sides if s.contradicted), None)
    if disputed is not None:
        claims_in = [c for cs in disputed.by_party.values() for c in cs]
        asserting = next((c for c in claims_in if c.stance in ("assert", "accuse")), None)
        denying = next((c for c in claims_in if c.stance in ("deny", "reject")), None)
        if asserting is not None and denying is not None and _is_clause(asserting.text):
            sentences.append(f"{asserting.speaker} said {_short(asserting.text)}; {denying.speaker} denied it.")
    return [x[0].upper() + x[1:] for x in sentences]


def _is_clause(text: str) -> bool:
    """Whether a claim's words read as a sentence of their own after "X said" (not "to share information …",
    not a noun phrase): a that-clause or words with a finite verb form of the usual kinds."""
    words = text.split()
    return len(words) >= 4 and words[0].lower() != "to" and (words[0].lower() == "that" or any(
        w.lower() in _FINITE or w.lower().endswith("ed") for w in words[1:6]))


_FINITE = {"is", "was", "were", "are", "had", "has", "have", "did", "would", "will", "could", "struck", "hit",
           "shot", "took", "fought", "began", "left", "held"}


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).removeprefix("that ").rstrip(".")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _as_of(store: Store, when: ReportingDay, agreement: Agreement | None):
    """What was known at the end of `day`: events reconciled from the reports published by then (so that
    re-issuing a past day's briefing gives the same text), the events reported that day, and their findings with
    the reviews made by then."""
    from ceasefire.adjudicate import adjudicate, apply_reviews
    from ceasefire.pipeline import keep_event_ids
    from ceasefire.reconcile import reconcile

    day, cutoff = when.day, when.window()[1]

    known = {d.id: d for d in store.documents() if (published_day(d) or day) <= day}
    claims = {c.id: c for c in store.claims() if c.doc_id in known}
    contradictions = [c for c in store.contradictions() if all(i in claims for i in c.claim_ids)]
    incidents = [i for i in store.incidents(day - dt.timedelta(days=LOOKBACK_DAYS), day) if i.doc_id in known]
    events = keep_event_ids(reconcile(incidents, known, claims, contradictions), store.event_links(), store.reviewed_events())
    reported = [e for e in events if day in e.reported_on]
    findings: list[Finding] = []
    if agreement is not None:
        reviews: dict[str, list] = {}  # the reviews made by the day's cut-off
        for review in store.reviews():
            if review.at.replace(tzinfo=review.at.tzinfo or dt.timezone.utc) < cutoff:
                reviews.setdefault(review.finding_id, []).append(review)
        # Counted on the day an event is first reported: a new report on it later shows it again, not twice.
        new = [e for e in reported if e.first_reported == day]
        findings = _violations([apply_reviews(f, reviews.get(f.id, [])) for f in adjudicate(new, agreement)])
    return known, events, reported, findings


def build_briefing(store: Store, when: ReportingDay, agreement_name: str | None = None) -> Briefing:
    """Gather everything the day's briefing shows: what the reports published that day say (new events and
    new reports on earlier ones, each with the day it occurred), as it was known that day."""
    day = when.day
    agreement = load_agreement(agreement_name, store.agreements()) if agreement_name else None
    known, all_events, events, today = _as_of(store, when, agreement)
    _, _, _, previous = _as_of(store, ReportingDay(day - dt.timedelta(days=1), when.cutoff, when.timezone), agreement)
    published_today = {d.id for d in known.values() if published_day(d) == day}
    claims = [c for c in store.claims() if c.doc_id in published_today]
    claim_ids = {c.id for c in claims}
    contradictions = [c for c in store.contradictions() if claim_ids.intersection(c.claim_ids)]
    sides = _sides(claims, contradictions)
    tallies_by_region: dict[str, tuple[str, int, int | None, str]] = {}
    glosses: dict[str, list[str]] = {}
    for inc in store.incidents(day - dt.timedelta(days=LOOKBACK_DAYS), day):
        for claim_id in inc.claim_ids if inc.gloss and inc.doc_id in published_today else ():
            glosses.setdefault(claim_id, []).append(inc.gloss)
        if inc.doc_id in published_today and inc.type == "ceasefire_violation" and inc.place \
                and inc.place.precision == 3 and inc.count is not None and not inc.historical:
            tallies_by_region.setdefault(inc.place.admin1, (inc.place.admin1, inc.count, inc.explosions, inc.doc_id))
    about_events = {cid for e in events for cid in e.claim_ids}
    doc_ids = {ev.doc_id for e in events for ev in e.evidence if ev.doc_id in published_today} | \
        {c.doc_id for c in claims}
    sources = [(known[d], reliability_of(known[d]), True) for d in sorted(doc_ids)]
    first = day - dt.timedelta(days=TREND_DAYS - 1)
    daily: dict[dt.date, dict[str, int]] = {first + dt.timedelta(days=i): {} for i in range(TREND_DAYS)}
    for e in all_events:
        if first <= e.when.start <= day:
            bucket = daily[e.when.start]
            party = e.actor_party if e.actor_party in ("RU", "UA") else "undetermined"
            bucket[party] = bucket.get(party, 0) + 1
    infrastructure = [e for e in events if e.type in INFRASTRUCTURE or e.facility]
    aggregates, counted = [], set()
    for c in claims:  # one line per side's count in a document ("Ukraine reported …, according to its ministry")
        if c.tally is not None and (c.doc_id, c.party, c.tally.count, c.tally.noun) not in counted:
            counted.add((c.doc_id, c.party, c.tally.count, c.tally.noun))
            aggregates.append(c)
    return Briefing(
        when=when, agreement=agreement, lede=_lede(day, events, today, agreement, sides, aggregates), events=events,
        aggregates=aggregates,
        findings=today, party_tallies=_tallies(today, previous, lambda f: f.party),
        inferred_tallies=dict(Counter(f.party for f in today if f.actor_basis not in (None, "stated"))),
        clause_tallies=_tallies(today, previous, lambda f: f.clause),
        region_counts=sorted(tallies_by_region.values()), sides=sides,
        front_line=[e for e in events if e.type in FRONT_LINE and e not in infrastructure],
        infrastructure=infrastructure,
        other_events=[e for e in events if e.type not in FRONT_LINE and e not in infrastructure],
        statements=[c for c in claims if c.party not in ("RU", "UA") or c.id not in about_events],
        sources=sources, map_svg=map_svg(events, title=f"Events reported on {day}"),
        trend_svg=trend_svg(daily, title=f"Events per day (as known on {day}), {first} to {day}"),
        claims_by_id={c.id: c for c in claims}, glosses=glosses)


def latest_day(store: Store) -> dt.date | None:
    """The last day on which a published report told of an event."""
    days = [d for e in store.events() for d in e.reported_on] or [e.when.start for e in store.events()]
    return max(days) if days else None


# Reports come from parties at war and from the open web: every value that reaches a briefing is text, never
# markup. Bidirectional controls (which can make a line read other than it is: "Trojan Source", CVE-2021-42574) are
# dropped everywhere; the HTML environment escapes every value of every template it loads (autoescape=True, not a
# choice by file name, which would miss the .j2 ending); the Markdown environment escapes whatever a Markdown viewer
# would render as live: raw HTML (< > &), links and images ([ ] — no link can form without them, so a value's
# "(javascript:…)" stays text), code spans (`), the escape character itself (\), and line breaks, which would
# let a value start a heading, a list or a link definition of its own. No value from a document becomes a link in
# either format; a briefing cites documents by id.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_DROP_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))
_MARKDOWN_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\\"): "\\\\", ord("`"): "\\`",
                     ord("["): "\\[", ord("]"): "\\]", ord("\n"): " ", ord("\r"): " ", ord("\u2028"): " ",
                     ord("\u2029"): " "}


def plain(value):
    """A value with its bidirectional controls dropped (anything that is not a string is returned as it is)."""
    return value.translate(_DROP_BIDI) if isinstance(value, str) else value


def _markdown_safe(value):
    value = plain(value)
    return value.translate(_MARKDOWN_ESCAPES) if isinstance(value, str) else value


def _environment(html: bool) -> Environment:
    env = Environment(loader=PackageLoader("ceasefire", "templates"), autoescape=html, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=plain if html else _markdown_safe)
    env.globals["party_name"] = lambda p: PARTY_NAMES.get(p, p)
    return env


_ENVIRONMENTS = {"html": _environment(html=True), "md": _environment(html=False)}


def render_page(template: str, **context) -> str:
    """An HTML page from `templates/`, every value escaped (the dashboard uses it as the briefing does)."""
    return _ENVIRONMENTS["html"].get_template(template).render(**context)


def render(briefing: Briefing, fmt: str) -> str:
    return _ENVIRONMENTS[fmt].get_template(f"briefing.{fmt}.j2").render(b=briefing)


def _write_pdf(markdown: str, path: Path) -> None:
    try:
        from fpdf import FPDF
    except ImportError:
        raise InputError("--format pdf", "PDF output needs the optional 'pdf' extra: pip install "
                         "'ceasefire-monitor[pdf]'") from None
    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for line in markdown.splitlines():
        text = line.encode("latin-1", "replace").decode("latin-1")  # core PDF fonts are Latin-1
        if line.startswith("# "):
            pdf.set_font("Helvetica", "B", 15)
            pdf.multi_cell(0, 8, text[2:], new_x="LMARGIN", new_y="NEXT")
        elif line.startswith("## "):
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, text[3:], new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 5, text or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def write_briefing(store: Store, when: ReportingDay | dt.date | None, out_dir: Path, formats: tuple[str, ...],
                   agreement_name: str | None = None) -> list[Path]:
    """Write the briefing (default: the latest day with events) and return the files written."""
    if when is None or isinstance(when, dt.date):
        day = when or latest_day(store)
        if day is None:
            raise InputError(shown(store.url), "the store holds no events yet; ingest documents first")
        when = ReportingDay(day)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(out_dir), f"cannot create folder ({exc.strerror})") from None
    briefing = build_briefing(store, when, agreement_name)
    written = []
    for fmt in formats:
        path = out_dir / f"briefing-{when.day.isoformat()}.{fmt}"
        if fmt == "pdf":
            _write_pdf(render(briefing, "md"), path)
        else:
            path.write_text(render(briefing, fmt), encoding="utf-8")
        written.append(path)
    return written
