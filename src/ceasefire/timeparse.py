"""Time expressions to date spans, resolved against the publication date with news conventions.

Conventions (as wire services write):
1. A bare weekday ("on Thursday") is the latest such day on or before publication.
2. "yesterday", "overnight", "last night", "in the past 24 hours" look back from publication.
3. "last week" / "last month" are whole calendar ranges; "this week" runs up to publication.
4. A date without a year takes the publication year, or the year before if that would be in the future.
5. An explicit past year ("in 2015", "since 2014") marks the expression historical: not current; so does a
   monitor's "in the previous reporting period".
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ceasefire.errors import InputError
from ceasefire.records import TimeSpan

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                         "sunday"])}
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

# Ordered: the first pattern to match at a position wins, longer forms first.
_PATTERNS: list[tuple[str, re.Pattern]] = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in [
    ("iso", r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    ("dmy_dots", r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>(?:19|20)\d{2})\b"),
    # "from 18 March to 16 April", "between 28 February and 2 March 2022": a range across months
    ("range_dmdm", r"\b(?:between|from)\s+(?:the\s+\w+\s+of\s+)?(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+"
                   r"(?P<m1>January|February|March|April|May|June|July|August|September|October|November|December)"
                   r"(?:,?\s+(?P<y1>(?:19|20)\d{2}))?\s*(?:-|–|to|and|until|till)\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+"
                   + _MONTH + r"(?:,?\s+" + _YEAR + r")?"),
    # "between Friday and Sunday", "from Monday to Wednesday": the latest such days on or before publication
    ("range_wd", r"\b(?:between|from)\s+(?P<wd1>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+"
                 r"(?:and|to|until|till)\s+(?P<wd2>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    # "between the evenings of 15 and 17 January" (the monitors' reporting periods), "from 2 to 5 September"
    ("range_dm", r"\b(?:(?:between|from)\s+(?:the\s+(?:evenings?|nights?|mornings?|days?)\s+of\s+)?|night\s+of\s+)?"
                 r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|and|into)\s*"
                 r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?"),
    ("dm", r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+" + _YEAR + r")?"),
    ("md", r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:km|kilomet|miles|people|%))"
           r"(?:,?\s+" + _YEAR + r")?"),
    ("month_year", r"\b(?:in\s+|since\s+|of\s+|early\s+|late\s+|mid-?)?" + _MONTH + r",?\s+" + _YEAR + r"\b"),
    ("previous_period", r"\b(?:in\s+|during\s+)?the\s+previous\s+(?:reporting\s+)?period\b"),
    ("past24", r"\b(?:in\s+|over\s+|during\s+)?the\s+(?:past|last)\s+(?:24|twenty-four)\s+hours\b|"
               r"\b(?:in\s+|over\s+|during\s+)?the\s+(?:past|last)\s+day\b|\bovernight\b|"
               r"\blast\s+night\b|\bduring\s+the\s+night\b|\bat\s+night\b"),
    ("yesterday", r"\byesterday\b"),
    ("today", r"\btoday\b|\bthis\s+morning\b|\bthis\s+afternoon\b|\bthis\s+evening\b|\btonight\b"),
    ("weekday", r"\b(?:(?P<which>last|this|on|early|late)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|"
                r"Saturday|Sunday)(?:\s+(?P<part>morning|afternoon|evening|night))?\b"),
    ("last_week", r"\b(?:last|past|previous)\s+week\b"),
    ("this_week", r"\b(?:this|earlier\s+this)\s+week\b"),
    ("last_month", r"\b(?:last|past|previous)\s+month\b"),
    ("this_month", r"\b(?:this|earlier\s+this)\s+month\b"),
    ("month", r"\b(?:in|since|during|throughout|early|late|mid-?)\s+" + _MONTH + r"\b(?!\s+\d)"),
    ("year", r"\b(?:in|since|during|throughout|of|from)\s+" + _YEAR + r"\b"),
]]


@dataclass(frozen=True)
class TimeMention:
    """A time expression found in text: its character offsets and the span it resolves to."""

    start: int
    end: int
    span: TimeSpan


def parse_iso_date(value: str, source: str) -> dt.date:
    """Parse YYYY-MM-DD (a time part is allowed and ignored).

    Raises:
        InputError: the value is not an ISO date.
    """
    text = str(value).strip()
    try:
        if len(text) > 10:  # a time part must be a time: "2025-03-20T08:00:00Z", not "2025-03-20junk"
            if text[10] not in "T " or not _TIME_PART.fullmatch(text[11:]):
                raise ValueError(text)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(source, f"unknown date format {text!r}, expected YYYY-MM-DD") from None


_TIME_PART = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, published: dt.date) -> int:
    """Without a year, a date is in the publication year unless that puts it after publication."""
    candidate = _safe_date(published.year, month, day)
    if candidate and candidate > published + dt.timedelta(days=2):
        return published.year - 1
    return published.year


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _resolve(kind: str, m: re.Match, published: dt.date) -> TimeSpan | None:
    text = m.group(0)
    g = m.groupdict()
    historical = False
    if g.get("year"):
        historical = int(g["year"]) < published.year - 1 or (int(g["year"]) < published.year and kind == "year")
    if kind in ("iso", "dmy_dots"):
        day = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return day and TimeSpan(start=day, end=day, precision="day", text=text,
                                historical=day.year < published.year - 1)
    if kind == "range_wd":
        end = published - dt.timedelta(days=(published.weekday() - WEEKDAYS[g["wd2"].lower()]) % 7)
        start = end - dt.timedelta(days=(WEEKDAYS[g["wd2"].lower()] - WEEKDAYS[g["wd1"].lower()]) % 7)
        return TimeSpan(start=start, end=end, precision="range", text=text)
    if kind == "range_dmdm":
        m1, m2 = MONTHS[g["m1"].lower()], MONTHS[g["month"].lower().rstrip(".")]
        if g.get("year"):
            y2 = int(g["year"])
        elif g.get("y1"):  # "from 18 March 2022 to 16 April": the end is in the start's year (or the next)
            y2 = int(g["y1"]) + (m2 < m1)
        else:
            y2 = _year_for(m2, int(g["d2"]), published)
        y1 = int(g["y1"]) if g.get("y1") else (y2 if m1 <= m2 else y2 - 1)
        start, end = _safe_date(y1, m1, int(g["d1"])), _safe_date(y2, m2, int(g["d2"]))
        if not start or not end or end < start:
            return None
        return TimeSpan(start=start, end=end, precision="range", text=text, historical=historical)
    if kind in ("dm", "md", "range_dm"):
        month = MONTHS[g["month"].lower().rstrip(".")]
        if kind == "range_dm":
            d1, d2 = int(g["d1"]), int(g["d2"])
            year = int(g["year"]) if g.get("year") else _year_for(month, d2, published)
            start, end = _safe_date(year, month, d1), _safe_date(year, month, d2)
            if not start or not end or end < start:
                return None
            return TimeSpan(start=start, end=end, precision="range", text=text, historical=historical)
        year = int(g["year"]) if g.get("year") else _year_for(month, int(g["d"]), published)
        day = _safe_date(year, month, int(g["d"]))
        return day and TimeSpan(start=day, end=day, precision="day", text=text, historical=historical)
    if kind in ("month_year", "month"):
        month = MONTHS[g["month"].lower().rstrip(".")]
        year = int(g["year"]) if g.get("year") else (published.year if month <= published.month
                                                      else published.year - 1)
        start, end = _month_range(year, month)
        return TimeSpan(start=start, end=end, precision="month", text=text, historical=historical)
    if kind == "previous_period":
        # A monitor's daily report covers the day before publication; the previous period is the day before that.
        day = published - dt.timedelta(days=2)
        return TimeSpan(start=day, end=day, precision="day", text=text, historical=True)
    if kind == "past24":
        return TimeSpan(start=published - dt.timedelta(days=1), end=published, precision="range", text=text)
    if kind == "yesterday":
        day = published - dt.timedelta(days=1)
        return TimeSpan(start=day, end=day, precision="day", text=text)
    if kind == "today":
        return TimeSpan(start=published, end=published, precision="day", text=text)
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS[g["wd"].lower()]) % 7
        if (g.get("which") or "").lower() == "last" and back == 0:
            back = 7
        day = published - dt.timedelta(days=back)
        return TimeSpan(start=day, end=day, precision="day", text=text)
    if kind in ("last_week", "this_week"):
        monday = published - dt.timedelta(days=published.weekday())
        if kind == "last_week":
            return TimeSpan(start=monday - dt.timedelta(days=7), end=monday - dt.timedelta(days=1),
                            precision="week", text=text)
        return TimeSpan(start=monday, end=published, precision="week", text=text)
    if kind in ("last_month", "this_month"):
        if kind == "this_month":
            return TimeSpan(start=published.replace(day=1), end=published, precision="month", text=text)
        prev_end = published.replace(day=1) - dt.timedelta(days=1)
        return TimeSpan(start=prev_end.replace(day=1), end=prev_end, precision="month", text=text)
    if kind == "year":
        year = int(g["year"])
        if year > published.year:
            return None
        end = min(dt.date(year, 12, 31), published)
        return TimeSpan(start=dt.date(year, 1, 1), end=end, precision="year", text=text,
                        historical=year < published.year)
    return None


def find_times(text: str, published: dt.date) -> list[TimeMention]:
    """All time expressions in `text`, left to right, without overlaps."""
    found: list[TimeMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            span = _resolve(kind, m, published)
            if span is not None:
                found.append(TimeMention(m.start(), m.end(), span))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda t: t.start)


def default_span(published: dt.date) -> TimeSpan:
    """Without a time expression, news reports the publication day (or the day before it)."""
    return TimeSpan(start=published, end=published, precision="day", text=None)
