"""Issue 13: Russian and Ukrainian official statements read with the same rigour as English (our own sentences in
the parties' styles)."""
import datetime as dt

import pytest

from ceasefire.extract import extract_text
from ceasefire.extract.numerals import count_of

GENERAL_STAFF = ("Оперативна інформація станом на 08:00 14.03.2025 щодо російського вторгнення. Загалом минулої доби "
                 "зафіксовано 132 бойових зіткнення. Противник завдав трьох ракетних та 77 авіаційних ударів, "
                 "застосувавши 4 ракети та скинувши 128 керованих авіабомб. Крім цього, залучив для ураження 1 650 "
                 "дронів-камікадзе та здійснив 5 173 обстріли. На Покровському напрямку Сили оборони відбили 36 атак в "
                 "районі населених пунктів Котлине, Удачне та Ширяєве. У ніч на 14 березня противник атакував "
                 "Сумщину 42 ударними БпЛА, постраждали двоє цивільних.")
AIR_FORCE = ("У ніч на 5 квітня противник атакував 120 ударними БпЛА типу Shahed з напрямків Курськ та Орел. "
             "Станом на 09:00 збито 80 ударних БпЛА, ще 30 – локаційно втрачені.")
MINISTRY = ("Министерство обороны Российской Федерации: в результате активных действий подразделений группировки "
            "войск «Центр» освобожден населенный пункт Андреевка Донецкой Народной Республики. За сутки отражено "
            "пять контратак штурмовых групп ВСУ. Потери ВСУ составили до 190 военнослужащих.")


@pytest.mark.parametrize("phrase,value", [("двадцять п'ять", 25), ("1 650", 1650), ("трьох", 3), ("двоє", 2),
                                          ("сім", 7), ("пятью", 5), ("дві тисячі триста", 2300), ("семи", 7),
                                          ("п’ятьох", 5), ("сто двадцять сім", 127), ("сторона", None)])
def test_issue_13_numbers_in_words_in_both_languages(phrase, value):
    assert count_of(phrase) == value


def _acts(result):
    return sorted((i.type, i.actor_party, i.count) for i in result.incidents)


def test_issue_13_a_general_staff_summary_gives_the_enemys_counts_with_its_party_and_places():
    result = extract_text(GENERAL_STAFF, "2025-03-14")
    assert result.document.language == "uk"
    # Every count the text gives, munitions too ("77 air strikes … 128 guided bombs"), as the check set is annotated.
    assert _acts(result) == sorted([("armed_clash", "RU", 132), ("missile_strike", "RU", 3), ("air_strike", "RU", 77),
                                    ("missile_strike", "RU", 4), ("air_strike", "RU", 128),
                                    ("drone_strike", "RU", 1650), ("shelling", "RU", 5173),
                                    ("armed_clash", "RU", 36), ("drone_strike", "RU", 42)])
    assaults = next(i for i in result.incidents if i.count == 36)
    assert assaults.place.admin1 == "Donetsk" and "Котлине" in assaults.place_mention
    night = next(i for i in result.incidents if i.count == 42)
    assert night.place.admin1 == "Sumy" and night.injured == 2
    assert (night.when.start, night.when.end) == (dt.date(2025, 3, 13), dt.date(2025, 3, 14))
    assert all(GENERAL_STAFF[i.span.start:i.span.end] == i.span.text for i in result.incidents)
    assert result.claims and all(c.party == "UA" and c.stance == "accuse" for c in result.claims)


def test_issue_13_an_air_force_tally_separates_launched_shot_down_and_lost_from_radar():
    result = extract_text(AIR_FORCE, "2025-04-05")
    assert _acts(result) == sorted([("drone_strike", "RU", 120), ("intercept", "UA", 80), ("intercept", "UA", 30)])


def test_issue_13_ministry_captures_and_repelled_attacks_but_losses_stay_claims():
    result = extract_text(MINISTRY, "2025-03-14")
    assert result.document.language == "ru"
    assert _acts(result) == sorted([("settlement_captured", "RU", None), ("armed_clash", "UA", 5)])
    capture = next(i for i in result.incidents if i.type == "settlement_captured")
    assert capture.place.admin1 == "Donetsk" and capture.claimant_party == "RU"
    assert not any(i.count == 190 for i in result.incidents)


def test_issue_13_ministry_strikes_on_the_other_sides_forces_take_their_kind_from_the_weapon():
    result = extract_text("Оперативно-тактической авиацией, ударными беспилотниками и артиллерией нанесено поражение "
                          "подразделениям ВСУ в районе Сумы.", "2025-03-20")
    assert [(i.type, i.actor_party, i.claimant_party) for i in result.incidents] == [("drone_strike", "RU", "RU")]
    uk = extract_text("Ворог атакував Нікополь з артилерії, поранено двох чоловіків.", "2025-03-20")
    assert [(i.type, i.actor_party, i.injured, i.place.admin1) for i in uk.incidents] == \
        [("shelling", "RU", 2, "Dnipropetrovsk")]


@pytest.mark.parametrize("text,acts", [
    ("Вночі рф випустила по Україні 212 дронів типу Shahed. Нашими силами ППО знешкоджено 150 з них, ще 47 "
     "локаційно втрачено.", [("drone_strike", "RU", 212), ("intercept", "UA", 150), ("intercept", "UA", 47)]),
    ("ВСУ предприняли четыре попытки атаковать позиции российских войск у Работино. Все атаки отражены.",
     [("armed_clash", "UA", 4)]),
    ("Минулої доби окупанти сорок сім разів штурмували наші позиції на Лиманському напрямку.",
     [("armed_clash", "RU", 47)]),
    ("Українські сили знищили до 1 200 окупантів.", []),  # a losses claim is no act
])
def test_issue_13_forms_written_after_the_rules(text, acts):
    result = extract_text(text, "2025-04-10")
    assert _acts(result) == sorted(acts)
    assert all(i.place is None or i.place.name not in ("Ukraine", "Russia") for i in result.incidents)


def test_issue_13_language_is_read_per_paragraph():
    text = ("Ukraine's General Staff published its morning summary on Friday.\n"
            "Сили оборони відбили 36 атак в районі населених пунктів Котлине, Удачне та Ширяєве на Покровському "
            "напрямку.\n"
            "Russian forces shelled Kherson on Thursday, killing two civilians, the regional governor said.")
    result = extract_text(text, "2025-03-14")
    assert result.document.language == "en"
    assert ("armed_clash", "RU", 36) in _acts(result)  # the Ukrainian paragraph, by the Ukrainian frames
    shelling = next(i for i in result.incidents if i.type == "shelling")
    assert shelling.place.name == "Kherson" and shelling.fatalities == 2  # the English ones, by the English parse
    assert all(text[i.span.start:i.span.end] == i.span.text for i in result.incidents)


def test_issue_13_each_russian_or_ukrainian_incident_has_an_english_gloss_from_its_fields():
    result = extract_text(GENERAL_STAFF, "2025-03-14")
    assaults = next(i for i in result.incidents if i.count == 36)
    assert assaults.gloss == ("Russian forces: 36 assaults or clashes near Kotlyne (Donetsk), 2025-03-14 — as the "
                              "Ukrainian side states")
    assert all(i.gloss and not any("\u0400" <= c <= "\u04ff" for c in i.gloss) for i in result.incidents)
    assert extract_text("Russian forces shelled Kherson on Monday.", "2025-03-14").incidents[0].gloss is None
