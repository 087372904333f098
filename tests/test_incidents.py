import pytest

from ceasefire.extract import extract_text


def _first(text, published="2025-03-20"):
    result = extract_text(text, published)
    assert result.incidents, f"no incident in {text!r}"
    return result.incidents[0]


@pytest.mark.parametrize("text,sub,party", [
    ("On 3 June 2023, Russian troops shelled near Bilopillia, Sumy region, using artillery. No one was hurt.",
     "Shelling/artillery/missile attack", "RU"),
    ("On 2 May 2024, Russian and Ukrainian troops fought near Robotyne, Zaporizhia.", "Armed clash", "RU"),
    ("Interception: On 7 November 2023, according to Moscow, Russian air defence downed a Ukrainian drone "
     "near Paraskoviivka, Donetsk.", "Disrupted weapons use", "RU"),
    ("On 9 June 2024, Russian aircraft carried out an airstrike on Kurakhove, Donetsk.", "Air/drone strike", "RU"),
    ("On 21 August 2023, Ukrainian troops shelled DPR fighters in Horlivka, Donetsk region.",
     "Shelling/artillery/missile attack", "UA"),
    ("On 3 July 2021, a Ukrainian soldier died when a landmine went off near Zolote.",
     "Remote explosive/landmine/IED", None),
    ("On 5 October 2021, around 300 people protested outside parliament in Kyiv.", "Peaceful protest", None),
])
def test_incidents_acled_style_notes(text, sub, party):
    inc = _first(text)
    assert inc.acled_sub_event_type == sub
    if party:
        assert inc.actor_party == party


def test_incidents_place_and_date_of_acled_note():
    inc = _first("On 3 June 2023, Russian troops shelled near Bilopillia, Sumy region, using artillery.")
    assert inc.when.start.isoformat() == "2023-06-03"
    assert inc.place and inc.place.admin1 == "Sumy" and inc.place.precision == 2


def test_incidents_several_per_sentence():
    result = extract_text("Russian forces shelled Kherson, and Ukrainian drones struck an oil depot in Belgorod.",
                          "2025-03-20")
    assert [i.type for i in result.incidents] == ["shelling", "energy_strike"]
    assert [i.actor_party for i in result.incidents] == ["RU", "UA"]
    assert result.incidents[1].facility == "oil_gas_pipeline_storage"


def test_incidents_briefing_repelled_attacks_counted_and_dated(briefing_extraction):
    repelled = [i for i in briefing_extraction.incidents if i.count == 47]
    assert repelled, [i.model_dump() for i in briefing_extraction.incidents]
    inc = repelled[0]
    assert inc.type == "attack_repelled" and inc.actor_party == "RU"
    assert (inc.when.start.isoformat(), inc.when.end.isoformat()) == ("2025-03-19", "2025-03-20")
    assert inc.claim_ids


def test_incidents_briefing_historical_figure_not_current(briefing_extraction):
    historical = [i for i in briefing_extraction.incidents if i.fatalities == 100]
    assert historical and all(i.historical for i in historical)
    assert all(i.when.start.year == 2015 for i in historical)


def test_incidents_evidence_spans_point_into_text(briefing_extraction):
    text = briefing_extraction.document.text
    for inc in briefing_extraction.incidents:
        assert text[inc.span.start:inc.span.end] == inc.span.text


def test_incidents_energy_strike_facility_and_actor_of_accusation(briefing_extraction):
    strikes = [i for i in briefing_extraction.incidents if i.type == "energy_strike"]
    by_place = {i.place.name if i.place else None: i for i in strikes}
    assert by_place["Krasnodar region"].actor_party == "UA"
    assert by_place["Krasnodar region"].facility == "oil_gas_pipeline_storage"
    assert by_place["Slovyansk"].actor_party == "RU" and by_place["Slovyansk"].facility == "electricity"


@pytest.mark.parametrize("text,region,count,explosions", [
    ("In Donetsk region, the SMM recorded 433 ceasefire violations, including 212 explosions.", "Donetsk", 433, 212),
    ("In Luhansk region, from the evening of 11 March to that of 13 March, the Mission recorded 1,097 ceasefire "
     "violations, including 1,009 explosions.", "Luhansk", 1097, 1009),
    ("The SMM recorded 121 ceasefire violations in Donetsk region.", "Donetsk", 121, None),
    ("In Luhansk region, the SMM recorded six ceasefire violations, all explosions.", "Luhansk", 6, 6),
])
def test_incidents_monitor_tallies(text, region, count, explosions):
    result = extract_text(text + " In the previous reporting period it had recorded 688 ceasefire violations in the "
                          "region.", "2022-02-23")
    current = [i for i in result.incidents if i.type == "ceasefire_violation" and not i.historical]
    assert len(current) == 1
    tally = current[0]
    assert (tally.place.admin1, tally.place.precision, tally.count, tally.explosions) == (region, 3, count, explosions)
    assert tally.actor == "undetermined" and tally.actor_party is None
    assert any(i.historical and i.count == 688 for i in result.incidents)


def test_incidents_person_name_is_not_a_place():
    result = extract_text("President Vladimir Putin said Russian drones struck Sumy.", "2025-03-27")
    assert [i.place.name for i in result.incidents if i.place] == ["Sumy"]


def test_incidents_place_inside_an_organisation_name_is_skipped():
    result = extract_text("Fighters of the Luhansk People's Republic shelled Zolote.", "2021-06-01")
    assert result.incidents[0].place.name == "Zolote"


@pytest.mark.parametrize("text,sub,party,fatalities", [
    ("On 5 March 2022, Russian forces shot at a car with civilians trying to evacuate from Bucha, killing 2.",
     "Attack", "RU", 2),
    ("On 20 February 2022, one Ukrainian soldier was killed by sniper fire near Zaitseve, Donetsk.",
     "Armed clash", "RU", 1),
    ("On 8 March 2022, Ukrainian forces regained control of Chuhuiv (Kharkiv) after clashes with Russian forces.",
     "Government regains territory", "UA", None),
    # ACLED codes a transfer without fighting to the side that gains the place (here inferred: the other side).
    ("On 30 March 2022, Russian forces withdrew from Hostomel, Kyiv region.", "Non-violent transfer of territory",
     "UA", None),
])
def test_incidents_full_scale_war_notes(text, sub, party, fatalities):
    inc = _first(text, "2022-04-05")
    assert (inc.acled_sub_event_type, inc.actor_party, inc.fatalities) == (sub, party, fatalities)
