import datetime as dt

import pytest

from ceasefire.errors import InputError
from ceasefire.timeparse import find_times, parse_iso_date

PUB = dt.date(2025, 3, 20)  # a Thursday


@pytest.mark.parametrize("text,start,end,precision", [
    ("On 15 March 2024, forces clashed", "2024-03-15", "2024-03-15", "day"),
    ("on Thursday", "2025-03-20", "2025-03-20", "day"),
    ("on Monday", "2025-03-17", "2025-03-17", "day"),
    ("last Thursday", "2025-03-13", "2025-03-13", "day"),
    ("yesterday", "2025-03-19", "2025-03-19", "day"),
    ("in the past 24 hours", "2025-03-19", "2025-03-20", "range"),
    ("overnight", "2025-03-19", "2025-03-20", "range"),
    ("last week", "2025-03-10", "2025-03-16", "week"),
    ("March 18", "2025-03-18", "2025-03-18", "day"),
    ("on 28 December", "2024-12-28", "2024-12-28", "day"),
    ("between 12 and 14 March", "2025-03-12", "2025-03-14", "range"),
    ("in February", "2025-02-01", "2025-02-28", "month"),
    ("2025-03-11", "2025-03-11", "2025-03-11", "day"),
])
def test_timeparse_resolves_news_conventions(text, start, end, precision):
    times = find_times(text, PUB)
    assert len(times) == 1
    span = times[0].span
    assert (span.start.isoformat(), span.end.isoformat(), span.precision) == (start, end, precision)
    assert not span.historical


@pytest.mark.parametrize("text", ["In 2015, more than 100 soldiers were killed", "since 2014", "on 3 May 2016"])
def test_timeparse_marks_past_years_historical(text):
    assert find_times(text, PUB)[0].span.historical


def test_timeparse_rejects_unknown_date_format():
    with pytest.raises(InputError, match="unknown date format"):
        parse_iso_date("20/03/2025", "--published")
