"""Claims on our own news-briefing fixture (data/demo/texts/daily-briefing-2025-03-20.txt)."""
import pytest

from ceasefire.extract import extract_text


def _claim(extraction, speaker_part, text_part):
    for c in extraction.claims:
        if speaker_part in c.speaker and text_part in c.text:
            return c
    raise AssertionError(f"no claim by {speaker_part!r} about {text_part!r}: "
                         f"{[(c.speaker, c.text) for c in extraction.claims]}")


@pytest.mark.parametrize("speaker,text,party,stance", [
    ("general staff", "47 Russian attacks had been repelled", "UA", "assert"),
    ("defence ministry", "taken control of the village of Hornal", "RU", "assert"),
    ("general staff", "taken control of Hornal", "UA", "deny"),
    ("Prokudin", "shelled Kherson", "UA", "assert"),
    ("air force", "shot down 56 of 117 drones", "UA", "assert"),
    ("defence ministry", "oil pumping station", "RU", "accuse"),
    ("foreign ministry", "substation in Sloviansk", "UA", "assert"),
    ("Dmitry Peskov", "committed to the 30-day moratorium", "RU", "assert"),
    ("Volodymyr Zelensky", "could not be trusted", "UA", "assert"),
])
def test_claims_briefing_speakers_parties_stances(briefing_extraction, speaker, text, party, stance):
    claim = _claim(briefing_extraction, speaker, text)
    assert (claim.party, claim.stance) == (party, stance)
    assert briefing_extraction.document.text[claim.span.start:claim.span.end] == claim.span.text


def test_claims_indirect_speech_keeps_both_halves():
    result = extract_text("The general staff said on Thursday that five Russian attacks had been repelled, "
                          "and clashes were ongoing in four locations.", "2025-03-20")
    claim = result.claims[0]
    assert "five Russian attacks" in claim.text and "four locations" in claim.text
    assert claim.when.start.isoformat() == "2025-03-20"


def test_claims_role_resolves_to_named_person():
    result = extract_text("Vladimir Putin met envoys in Moscow. The Russian leader said the truce would hold.",
                          "2025-03-20")
    claim = result.claims[0]
    assert claim.speaker == "Vladimir Putin" and claim.party == "RU"


def test_claims_pronoun_takes_previous_speaker():
    result = extract_text("Ukrainian President Volodymyr Zelensky said Russia had attacked Sumy. "
                          "He added that the strikes had to stop.", "2025-03-20")
    assert [c.speaker for c in result.claims] == ["Volodymyr Zelensky", "Volodymyr Zelensky"]


def test_claims_according_to():
    result = extract_text("According to the Russian Defence Ministry, 40 drones were shot down over Kursk.",
                          "2025-03-20")
    assert result.claims[0].party == "RU"
    assert "40 drones" in result.claims[0].text


def test_claims_contradiction_between_parties(briefing_extraction):
    ids = {c.id: c for c in briefing_extraction.claims}
    assert briefing_extraction.contradictions
    found = briefing_extraction.contradictions[0]
    assert set(found.parties) == {"RU", "UA"}
    assert {ids[i].stance for i in found.claim_ids} >= {"deny"}


def test_claims_venue_social_post(briefing_extraction):
    claim = _claim(briefing_extraction, "Prokudin", "shelled Kherson")
    assert claim.venue == "social post"
