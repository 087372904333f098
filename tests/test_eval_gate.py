"""The eval gate: dev-set scores must not fall below the floors in eval_floors.json (as trafilatura keeps one).

Needs ../shared/data (internal-use human-coded data, never committed); skips with a message where it is absent.
"""
import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import ROOT, needs_shared
from ceasefire.evaluate import score_acled, score_geocode

FLOORS = json.loads((Path(__file__).with_name("eval_floors.json")).read_text())


@pytest.fixture(scope="module")
def acled_report():
    return score_acled(needs_shared("acled-dev", "acled-ukraine-dev.csv"))


@pytest.mark.parametrize("metric", sorted(FLOORS["acled"]))
def test_eval_gate_acled_floor(acled_report, metric):
    """Floors apply to the check part, which the rules were not tuned on."""
    score = acled_report.parts["check"].scores()[metric]
    assert round(score, 3) >= FLOORS["acled"][metric], f"acled check {metric} fell to {score:.3f}"


def test_eval_gate_acled_parity(acled_report):
    assert acled_report.parts["check"].parity <= FLOORS["acled_max"]["parity"]


OWN = Path(__file__).parent / "check"


# Our own ACLED-style notes (tests/check/, written for the project, always present), by the key of their floors:
# set 1 covers every sub-event type evenly; set 2 follows ACLED's proportions; set 3 is 2024-2025 only, so all of
# it is check part, never read row by row.
OWN_SETS = {"acled_own": "acled_style.csv", "acled_own_2": "acled_style_2.csv", "acled_own_3": "acled_style_3.csv"}


@lru_cache(maxsize=None)  # each set scored once per test run
def _own_report(key):
    return score_acled(OWN / OWN_SETS[key])


@pytest.mark.parametrize("key, metric", [(key, m) for key in OWN_SETS for m in sorted(FLOORS[key])])
def test_eval_gate_own_notes_floor(key, metric):
    score = _own_report(key).parts["check"].scores()[metric]
    assert round(score, 3) >= FLOORS[key][metric], f"{OWN_SETS[key]} check {metric} fell to {score:.3f}"


@pytest.mark.parametrize("key", sorted(OWN_SETS))
def test_eval_gate_own_notes_parity(key):
    assert _own_report(key).parts["check"].parity <= FLOORS[f"{key}_max"]["parity"]


def test_eval_gate_own_notes_3_is_all_check_part():
    report = _own_report("acled_own_3")
    assert report.parts["check"].rows == report.rows


PASSAGE_SETS = {"passages": "passages.jsonl", "passages_2": "passages_2.jsonl", "passages_3": "passages_3.jsonl"}


@lru_cache(maxsize=None)
def _passage_report(key):
    from ceasefire.evaluate_passages import score_passages

    return score_passages(OWN / PASSAGE_SETS[key])


@pytest.mark.parametrize("key, metric", [(k, m) for k in sorted(PASSAGE_SETS) for m in sorted(FLOORS[k])])
def test_eval_gate_passages_floor(key, metric):
    score = _passage_report(key).parts["check"].scores()[metric]
    assert round(score, 3) >= FLOORS[key][metric], f"{key} check {metric} fell to {score:.3f}"


@pytest.mark.parametrize("key", sorted(PASSAGE_SETS))
def test_eval_gate_passages_side_gap(key):
    assert _passage_report(key).parts["check"].attacker_gap <= FLOORS[f"{key}_max"]["attacker_gap"]


def test_eval_acled_check_part_is_not_listed_row_by_row(acled_report):
    assert acled_report.parts["check"].errors == []
    assert len(acled_report.errors) == len(acled_report.parts["tune"].errors)


@pytest.mark.parametrize("metric", sorted(FLOORS["geocode"]))
def test_eval_gate_geocode_floor(metric):
    report = _geocode_report()
    score = report.scores()[metric]
    assert round(score, 3) >= FLOORS["geocode"][metric], f"geocode {metric} fell to {score:.3f}"


_GEOCODE = {}


def _geocode_report():
    if "report" not in _GEOCODE:
        _GEOCODE["report"] = score_geocode(needs_shared("geocoding-dev", "events.csv"))
    return _GEOCODE["report"]


def test_eval_agrees_with_reference_scorer(acled_report):
    """`ceasefire eval acled` and ../shared/tools/score_acled.py print the same scores."""
    scorer = needs_shared("..", "tools", "score_acled.py")
    data = needs_shared("acled-dev", "acled-ukraine-dev.csv")
    cli = Path(sys.executable).with_name("ceasefire")
    out = subprocess.run([sys.executable, str(scorer), str(data), "--cli", str(cli)], capture_output=True,
                         text=True, cwd=ROOT, check=True).stdout
    reference = dict(re.findall(r"(\w+)=([\d.]+)", out))
    ours = acled_report.summary().splitlines()[0]  # the whole file; the parts follow
    ours_scores = dict(re.findall(r"(\w+)=([\d.]+)", ours))
    for key in ("rows", "sub", "f1", "party", "loc5", "date", "fatal", "parity"):
        assert reference[key] == ours_scores[key], (key, out, ours)


@pytest.mark.parametrize("metric", sorted(FLOORS["ucdp"]))
def test_eval_gate_ucdp_floor(metric):
    from ceasefire.evaluate import score_ucdp

    if "ucdp" not in _GEOCODE:
        _GEOCODE["ucdp"] = score_ucdp(needs_shared("ucdp", "UCDP-Ukraine_db049a9c.csv"))
    score = _GEOCODE["ucdp"].scores()[metric]
    assert round(score, 3) >= FLOORS["ucdp"][metric], f"ucdp {metric} fell to {score:.3f}"


@pytest.mark.parametrize("metric", sorted(FLOORS["monitor"]))
def test_eval_gate_monitor_counts_floor(metric):
    from ceasefire.evaluate import score_monitor_counts

    report = score_monitor_counts(needs_shared("osce-smm", "osce_smm_2022_daily_counts.jsonl"))
    assert round(report.scores()[metric], 3) >= FLOORS["monitor"][metric]


STATEMENT_SETS = {"statements_uk": "statements_uk.jsonl", "statements_uk_2": "statements_uk_2.jsonl",
                  "statements_ru_3": "statements_ru_3.jsonl", "statements_4a": "statements_4a.jsonl",
                  "statements_4b": "statements_4b.jsonl"}


@lru_cache(maxsize=None)
def _statements_check(key):
    from ceasefire.evaluate_statements import score_statements

    return score_statements(OWN / STATEMENT_SETS[key]).parts["check"]


@pytest.mark.parametrize("key, metric", [(k, m) for k in sorted(STATEMENT_SETS) for m in sorted(FLOORS[k])])
def test_eval_gate_statements_floor(key, metric):
    assert getattr(_statements_check(key), metric) >= FLOORS[key][metric], (key, metric)


@pytest.mark.parametrize("key", sorted(STATEMENT_SETS))
def test_eval_gate_statements_side_gap(key):
    cap = FLOORS.get(f"{key}_max", FLOORS["statements_max"])["counts_gap"]  # a set's own cap is explained there
    assert _statements_check(key).counts_gap <= cap
