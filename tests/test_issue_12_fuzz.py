"""Issue 12: every intake format, fed arbitrary bytes, either reads documents or names the problem in one line —
never a traceback (Hypothesis, bounded in examples and time)."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.errors import InputError
from ceasefire.intake import read_jsonl
from ceasefire.intake.datasets import read_dataset

FUZZ = settings(max_examples=int(__import__("os").environ.get("CFM_FUZZ_EXAMPLES", "60")), deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
ROW_VALUE = st.one_of(TEXT, st.integers(), st.none(), st.floats(allow_nan=True), st.lists(TEXT, max_size=3))


def _consume(reader):
    try:
        for item in reader:
            error = getattr(item, "error", None)
            assert error is None or "\n" not in error
    except InputError as exc:
        assert "\n" not in exc.one_line()


@FUZZ
@given(st.binary(max_size=2000))
def test_issue_12_fuzz_dataset_files_of_any_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(data)
    for fmt in ("acled-csv", "ucdp-csv", "telegram-csv", "telegram-json"):
        _consume(read_dataset(path, fmt))


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(["id", "text", "published", "source", "language", "title", "x"]),
                                ROW_VALUE, max_size=7), max_size=5))
def test_issue_12_fuzz_json_lines(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    _consume(read_jsonl(str(path)))


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(["event_id_cnty", "notes", "timestamp", "id", "source_headline",
                                                 "date_start", "date_end", "source_article", "text", "date"]),
                                TEXT, max_size=8), min_size=1, max_size=4))
def test_issue_12_fuzz_csv_rows_with_known_columns(tmp_path_factory, rows):
    import csv

    columns = sorted({k for r in rows for k in r}) or ["notes"]
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    for fmt in ("acled-csv", "ucdp-csv", "telegram-csv"):
        _consume(read_dataset(path, fmt))


TABLES = st.sampled_from(["documents", "claims", "incidents", "events", "findings", "reviews", "subscriptions",
                          "deliveries", "quarantine", "pending_refresh", "nope"])


@pytest.fixture
def fuzz_store(db):
    """One store for all the examples (a new PostgreSQL database for each would cost more than the examples): rows
    an example imports stay for the next, which then imports into a store that is not empty."""
    from ceasefire.store import Store

    store = Store.open(db)
    yield store
    store.close()


@FUZZ
@given(st.lists(st.one_of(
    st.fixed_dictionaries({"table": TABLES, "row": st.dictionaries(st.sampled_from(
        ["id", "doc_id", "sha256", "text", "raw", "data", "published", "at", "seq", "x"]), ROW_VALUE, max_size=6)}),
    ROW_VALUE), max_size=4))
def test_issue_12_fuzz_dump_lines(fuzz_store, lines):
    """`import` of any JSON lines: rows stored or every bad line named, never a traceback; a refused dump leaves
    the store as it was."""
    from ceasefire.publish.exports import load

    store = fuzz_store
    before = store.counts()
    try:
        load(store, [json.dumps(line) for line in lines], "f.jsonl")
    except InputError as exc:
        assert "\n" not in exc.one_line()
        assert store.counts() == before
