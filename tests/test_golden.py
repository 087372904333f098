"""Golden news reports: what a monitoring analyst must get from each (tests/golden/*.txt + .expected.json).

The bar is the issue's: at least 8 of 10 attributed claims right (speaker, party, content), the key
incidents typed, counted, dated and placed.
"""
import json
from pathlib import Path

import pytest

from ceasefire.extract import extract_text

CASES = sorted(Path(__file__).parent.joinpath("golden").glob("*.txt"))


@pytest.fixture(scope="module", params=CASES, ids=[c.stem for c in CASES])
def case(request):
    expected = json.loads(request.param.with_suffix(".expected.json").read_text())
    return extract_text(request.param.read_text(), expected["published"]), expected


def _claim_matches(claim, want) -> bool:
    return (want["speaker"].lower() in claim.speaker.lower() and claim.party == want["party"]
            and want["text"].lower() in claim.text.lower() and claim.stance == want.get("stance", claim.stance))


def test_golden_claims_at_least_8_of_10(case):
    result, expected = case
    right = [w for w in expected["claims"] if any(_claim_matches(c, w) for c in result.claims)]
    missing = [w for w in expected["claims"] if w not in right]
    assert len(right) >= 0.8 * len(expected["claims"]), f"missing: {missing}"


def test_golden_incidents(case):
    result, expected = case
    for want in expected["incidents"]:
        found = [i for i in result.incidents if i.type == want["type"] and i.actor_party == want["actor_party"]
                 and (want.get("count") is None or i.count == want["count"])
                 and (want.get("start") is None or i.when.start.isoformat() == want["start"])
                 and (want.get("place") is None or (i.place and i.place.name == want["place"]))
                 and (want.get("facility") is None or i.facility == want["facility"])]
        assert found, f"no incident like {want}: {[i.model_dump(include={'type', 'actor_party', 'count'}) for i in result.incidents]}"


def test_golden_contradiction_between_the_parties(case):
    result, _ = case
    assert any(set(c.parties) == {"RU", "UA"} for c in result.contradictions)


def test_golden_historical_items_are_not_current(case):
    result, _ = case
    for inc in result.incidents:
        if inc.when and inc.when.start.year < 2024:
            assert inc.historical
