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


def test_issue_13_russias_interior_regions_and_republics_are_places_in_any_case():
    text = ("В течение прошедшей ночи дежурными средствами ПВО перехвачены и уничтожены 23 украинских беспилотных "
            "летательных аппарата самолетного типа: девять – над территорией Рязанской области, шесть – над "
            "Московским регионом, четыре – над территорией Республики Татарстан, три – над территорией Чувашской "
            "Республики, один – над территорией Калужской области.")
    regions = {(i.count, i.place.admin1 if i.place else None) for i in extract_text(text, "2025-04-02").incidents}
    assert regions == {(23, None), (9, "Ryazan"), (6, "Moscow"), (4, "Tatarstan"), (3, "Chuvashia"), (1, "Kaluga")}


def test_issue_13_a_single_count_takes_the_region_however_it_is_introduced():
    for text, region in [("Около 22.30 мск дежурными средствами ПВО уничтожены три украинских беспилотных "
                          "летательных аппарата в Липецкой области.", "Lipetsk"),
                         ("С 7.30 до 8.00 мск дежурными средствами ПВО уничтожен украинский беспилотный летательный "
                          "аппарат над Республикой Марий Эл.", "Mari El")]:
        (incident,) = extract_text(text, "2025-04-02").incidents
        assert (incident.count, incident.place.admin1 if incident.place else None) == (
            3 if region == "Lipetsk" else 1, region)


def test_issue_13_a_russian_citys_region_comes_from_its_geonames_code():
    from ceasefire.geo.gazetteer import gazetteer

    # Tolyatti was once called Stavropol: each region's centre claims its own code, so neither city is misfiled.
    places = {e.name: e.admin1 for e in gazetteer().entries if e.country == "Russia"}
    assert (places["Tolyatti"], places["Stavropol"], places["Kstovo"], places["Engels"]) == (
        "Samara", "Stavropol", "Nizhny Novgorod", "Saratov")


def test_issue_13_a_list_of_alleged_energy_strikes_is_one_act_per_facility_with_its_category_and_place():
    text = ("В течение суток вооруженные формирования Украины трижды нанесли удары по объектам энергетики: в 09.15 мск "
            "артиллерийским огнем повреждена подстанция в Брянской области, в 13.40 мск атакована беспилотником "
            "нефтеперекачивающая станция в Краснодарском крае, около 22.00 мск в результате атаки дрона возник пожар "
            "на Саратовском НПЗ.")
    strikes = [(i.actor_party, i.facility, i.place.admin1 if i.place else None)
               for i in extract_text(text, "2025-04-07").incidents]
    # The heading's "трижды" is the total, placed nowhere and of no one category; then each act listed.
    assert strikes == [("UA", None, None), ("UA", "electricity", "Bryansk"),
                       ("UA", "oil_gas_pipeline_storage", "Krasnodar"), ("UA", "oil_refinery", "Saratov")]


def test_issue_13_habits_tallies_and_consequences_are_not_new_strikes():
    text = ("Киевский режим продолжает наносить удары по объектам энергетической инфраструктуры. 28 марта около "
            "17.00 мск ВСУ атаковали ударным беспилотником электроподстанцию в Курской области, в результате чего без "
            "электроснабжения остались более 1500 домохозяйств. В результате падения обломков повреждена линия "
            "электропередачи. С 18 марта это уже пятый удар по энергетике.")
    result = extract_text(text, "2025-03-29")
    assert [(i.type, i.actor_party, i.place.admin1 if i.place else None, i.when.start.isoformat())
            for i in result.incidents] == [("energy_strike", "UA", "Kursk", "2025-03-28")]
    uk = ("Вночі російські окупанти атакували енергетичну інфраструктуру Херсонщини трьома ударними дронами. "
          "Пошкоджено підстанцію, без світла залишилися понад 4 тисячі абонентів.")
    assert [(i.actor_party, i.count, i.place.admin1) for i in extract_text(uk, "2025-04-03").incidents] == [
        ("RU", 3, "Kherson")]


def test_issue_13_an_energy_strike_on_two_regions_is_one_act_in_each():
    text = "Уражень на Чернігівщині та Сумщині зазнали об'єкти енергетики, повідомляє Міненерго."
    assert sorted((i.place.admin1, i.actor_party) for i in extract_text(text, "2025-04-03").incidents) == [
        ("Chernihiv", "RU"), ("Sumy", "RU")]


def test_issue_13_the_briefing_gives_each_sides_statement_in_its_words_with_an_english_line_from_its_fields(db,
                                                                                                            tmp_path):
    import json

    from ceasefire.pipeline import IngestRequest, ingest
    from ceasefire.publish.brief import ReportingDay, build_briefing, render
    from ceasefire.store import Store

    store = Store.open(db)
    statements = [("ru", "28 марта около 17.00 мск ВСУ атаковали ударным беспилотником электроподстанцию в Курской "
                         "области. Минобороны России"),
                  ("uk", "Вночі російські окупанти атакували енергетичну інфраструктуру Херсонщини трьома ударними "
                         "дронами, повідомляє Херсонська обласна військова адміністрація.")]
    for name, text in statements:
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps({"id": name, "text": text, "published": "2025-03-28", "source": name}))
        ingest(store, IngestRequest(jsonl=str(path)))
    page = render(build_briefing(store, ReportingDay(dt.date(2025, 3, 28)), "energy-moratorium-2025"), "md")
    assert "ВСУ атаковали ударным беспилотником" in page and "Вночі російські окупанти" in page
    assert "Ukrainian forces: strike on an energy facility (electricity) in Kursk region, 2025-03-28 at 17:00 " \
           "(UTC+03:00) — as the Russian side states" in page
    assert "Russian forces: strike on an energy facility (electricity) with 3 drones in Kherson region" in page


def test_issue_13_launch_areas_listed_after_a_direction_are_never_where_the_strikes_fell():
    text = ("У ніч на 5 квітня противник атакував 2 балістичними ракетами Іскандер-М з Курської області та 145 "
            "ударними БпЛА типу Shahed з напрямків Курськ, Міллерово, Приморсько-Ахтарськ.")
    strikes = extract_text(text, "2025-04-05").incidents
    assert sorted((i.type, i.count, i.place) for i in strikes) == [("drone_strike", 145, None),
                                                                   ("missile_strike", 2, None)]
    shelled = extract_text("Ворог обстріляв з мінометів Середину-Буду та Есмань.", "2025-04-05").incidents
    assert {i.place.admin1 for i in shelled if i.place} == {"Sumy"}  # a weapon after "з" is no launch area


def test_issue_13_all_of_them_intercepted_takes_the_count_the_sentence_before_gave():
    text = ("В ночь на 12 апреля киевский режим предпринял попытку атаки объектов на территории России с помощью 35 "
            "беспилотников. Все они были перехвачены и уничтожены дежурными средствами ПВО.")
    assert [(i.type, i.actor_party, i.count, i.when.end.isoformat()) for i in extract_text(text, "2025-04-12").incidents] \
        == [("intercept", "RU", 35, "2025-04-12")]


@pytest.mark.parametrize("text,expected", [
    ("Дежурными средствами ПВО перехвачены и уничтожены 17 украинских беспилотников: 10 – в Брянской области, 7 – в "
     "Курской области.", {(17, None), (10, "Bryansk"), (7, "Kursk")}),
    ("Ночью силами ПВО сбиты 12 украинских БПЛА: в Белгородской области — 8, в Воронежской — 4.",
     {(12, None), (8, "Belgorod"), (4, "Voronezh")}),
    ("Средствами ПВО уничтожены 6 беспилотников над Брянской (4) и Смоленской (2) областями.",
     {(6, None), (4, "Bryansk"), (2, "Smolensk")}),
    ("За ночь над регионами России сбито 23 дрона ВСУ, в том числе 9 над Подмосковьем.", {(23, None), (9, "Moscow")}),
    ("Дежурные средства ПВО уничтожили девять украинских беспилотников над территорией Орловской области.",
     {(9, "Oryol")}),
    ("Перехвачены и уничтожены 9 украинских БПЛА:\n▪️ четыре – над территорией Тверской области,\n▪️ пять – над "
     "территорией Новгородской области.", {(9, None), (4, "Tver"), (5, "Novgorod")}),
])
def test_issue_13_interception_tallies_in_the_forms_the_ministry_varies(text, expected):
    assert {(i.count, i.place.admin1 if i.place else None) for i in extract_text(text, "2025-04-05").incidents
            if i.type == "intercept"} == expected


@pytest.mark.parametrize("text,expected", [
    ("Несмотря на мораторий, объявленный Верховным Главнокомандующим Вооруженными Силами Российской Федерации, "
     "украинские формирования атаковали подстанцию в Брянской области.", ("UA", None, "Bryansk")),
    ("Окупанти тричі атакували енергооб'єкти Херсона протягом доби.", ("RU", 3, "Kherson")),
    ("Росія вдарила по енергетиці Сумщини 12 шахедами, знеструмлено 3 тисячі споживачів.", ("RU", 12, "Sumy")),
    ("Противник ударным беспилотником атаковал ТЭЦ в Курске. Минобороны России", ("UA", None, "Kursk")),
])
def test_issue_13_who_struck_which_energy_facility_and_how_many_munitions(text, expected):
    (strike,) = [i for i in extract_text(text, "2025-04-05").incidents if i.type == "energy_strike"]
    assert (strike.actor_party, strike.count, strike.place.admin1 if strike.place else None) == expected


@pytest.mark.parametrize("text,expected", [
    # the strike told, then what it hit: one act, its count, town and day from the first sentence
    ("Дніпропетровська ОВА: увечері 30 березня рф атакувала об'єкт інфраструктури в Павлограді двома дронами. "
     "Пошкоджено лінію електропередачі.", [("RU", 2, "Dnipropetrovsk", "2025-03-30")]),
    # a clock time's colon splits nothing; a running count is no new act
    ("Окупанти знову вдарили по енергетиці: близько 03:00 дроном пошкоджено підстанцію в Херсоні. Це вже четвертий "
     "удар по енергооб'єктах Херсонщини за тиждень.", [("RU", None, "Kherson", "2025-04-02")]),
    # "ЛНР", "Луганской Народной Республики": the oblast of Ukraine it is
    ("ВСУ ударным беспилотником атаковали подстанцию в Луганской Народной Республике. Минобороны России",
     [("UA", None, "Luhansk", "2025-04-02")]),
])
def test_issue_13_energy_strikes_told_over_two_sentences_or_around_clock_times(text, expected):
    assert [(i.actor_party, i.count, i.place.admin1 if i.place else None, i.when.start.isoformat())
            for i in extract_text(text, "2025-04-02").incidents if i.type == "energy_strike"] == expected


def test_issue_13_the_forces_that_shot_down_are_no_place():
    text = "Силами ППО збито 45 ударних БпЛА, ще 17 локаційно втрачені."
    assert {(i.count, i.place) for i in extract_text(text, "2025-04-02").incidents} == {(45, None), (17, None)}


@pytest.mark.parametrize("text,expected", [
    ("Над территориями Ставропольского края и Республики Мордовия дежурными средствами ПВО сбиты 11 и 4 украинских "
     "беспилотника соответственно.", {(11, "Stavropol"), (4, "Mordovia")}),
    ("Ночью над Калужской областью перехвачено 12 беспилотников, над Тамбовской — 9.", {(12, "Kaluga"), (9, "Tambov")}),
])
def test_issue_13_counts_paired_with_regions_named_before_them(text, expected):
    assert {(i.count, i.place.admin1 if i.place else None) for i in extract_text(text, "2025-04-02").incidents} == expected


def test_issue_13_ukrainian_names_of_facilities_and_a_town_after_its_preposition():
    text = ("Зранку Дніпропетровщина зазнала атаки: газорозподільна станція в Марганці пошкоджена влучанням FPV-дрона.")
    (strike,) = extract_text(text, "2025-04-02").incidents
    assert (strike.actor_party, strike.facility, strike.place.name) == ("RU", "oil_gas_pipeline_storage", "Marhanets")


def test_issue_13_a_stated_local_time_is_kept_with_its_zone_and_shown_in_the_gloss():
    moscow = extract_text("28 марта около 17.00 мск ВСУ атаковали ударным беспилотником электроподстанцию в Курской "
                          "области. Минобороны России", "2025-03-29").incidents[0]
    assert (moscow.when.start.isoformat(), moscow.when.clock) == ("2025-03-28", "17:00+03:00")
    assert "2025-03-28 at 17:00 (UTC+03:00)" in moscow.gloss
    # Kyiv keeps summer time; a night's small hours fall on its second day
    kyiv = extract_text("У ніч на 14 січня близько 02:10 за київським часом росіяни вдарили по підстанції в Херсоні.",
                        "2025-01-14").incidents[0]
    assert (kyiv.when.start.isoformat(), kyiv.when.clock) == ("2025-01-13", "02:10+02:00")
    assert extract_text("ВСУ атаковали подстанцию в Курской области. Минобороны России",
                        "2025-03-29").incidents[0].when.clock is None


@pytest.mark.parametrize("text,expected", [
    ("Над областю збито 5 шахедів, ще два влучили в об'єкт енергетики.", {("intercept", 5), ("energy_strike", None)}),
    ("Сили протиповітряної оборони знешкодили вісім із десяти ворожих дронів, що летіли на Одесу; два влучили в "
     "енергетичний об'єкт.", {("intercept", 8), ("energy_strike", None)}),
])
def test_issue_13_an_interception_and_a_hit_on_energy_in_one_sentence_are_two_acts(text, expected):
    assert {(i.type, i.count) for i in extract_text(text, "2025-04-02").incidents} == expected


@pytest.mark.parametrize("text,speaker,basis", [
    ("Харківська ОВА: ввечері 31 березня рф завдала удару трьома дронами по підстанції в Харкові.",
     "Kharkiv regional military administration", "stated"),
    ("Повітряні сили: у ніч на 2 квітня ворог атакував 40 ударними БпЛА, збито 31.", "Air Force of Ukraine", "stated"),
    ("Росіяни атакували підстанцію в Херсоні.", "Armed Forces of Ukraine", "inferred_from_wording"),
])
def test_issue_13_a_statement_is_the_named_bodys_and_says_when_its_publisher_is_inferred(text, speaker, basis):
    claims = extract_text(text, "2025-04-02").claims
    assert claims and {(c.speaker, c.party, c.party_basis) for c in claims} == {(speaker, "UA", basis)}


def test_issue_13_each_listed_act_keeps_its_own_time_on_the_lists_day():
    text = ("28 марта ВСУ трижды атаковали объекты энергетики: в 09.15 мск повреждена подстанция в Брянской области, в "
            "13.40 мск атакована нефтеперекачивающая станция в Краснодарском крае. Минобороны России")
    assert [(i.facility, i.when.start.isoformat(), i.when.clock) for i in extract_text(text, "2025-03-29").incidents] == [
        (None, "2025-03-28", None), ("electricity", "2025-03-28", "09:15+03:00"),
        ("oil_gas_pipeline_storage", "2025-03-28", "13:40+03:00")]


def test_issue_13_a_raion_in_any_case_is_the_place_and_primorsky_is_not_a_far_eastern_krai():
    (strike,) = extract_text("Під удар потрапили об'єкти енергетичної інфраструктури в Ізмаїльському районі, повідомляє "
                             "Одеська ОВА.", "2025-04-02").incidents
    assert (strike.actor_party, strike.place.name, strike.place.admin1) == ("RU", "Izmail Raion", "Odesa")
    from ceasefire.geo.gazetteer import gazetteer

    assert gazetteer().region("Приморского") is None and gazetteer().region("Приморье").admin1 == "Primorsky"


@pytest.mark.parametrize("text,expected", [
    ("Над Калужской областью средства ПВО сбили семь беспилотников, ещё три уничтожены над Тверской областью.",
     [("Kaluga", 7), ("Tver", 3)]),
    ("Над Курской областью перехвачены 12 беспилотников; ещё 4 — над Брянской областью.", [("Bryansk", 4), ("Kursk", 12)]),
])
def test_issue_13_each_further_clause_of_a_tally_is_its_own_regions_count(text, expected):
    result = extract_text(text, "2025-03-21")
    assert sorted((i.place.admin1 if i.place else None, i.count) for i in result.incidents) == expected


def test_issue_13_a_clause_without_an_interception_adds_none():
    result = extract_text("Над Курской областью сбиты 5 беспилотников; ещё 2 человека ранены.", "2025-03-21")
    assert [(i.type, i.count) for i in result.incidents if i.type == "intercept"] == [("intercept", 5)]


@pytest.mark.parametrize("word,nominative", [("Рогу", "Ріг"), ("Кременя", "Кремінь"), ("Харкова", "Харків")])
def test_issue_13_ukrainian_closed_syllable_alternation_gives_the_nominative(word, nominative):
    from ceasefire.extract.morph import name_forms

    assert nominative in name_forms(word)


def test_issue_13_a_strike_on_a_town_after_po_is_placed_in_it():
    result = extract_text("У ніч на 25 березня ворог завдав удару по Кривому Рогу двома балістичними ракетами. "
                          "Пошкоджено підстанцію.", "2025-03-25")
    [strike] = result.incidents
    assert (strike.type, strike.actor_party, strike.count, strike.place.name) == ("energy_strike", "RU", 2, "Kryvyy Rih")


def _energy(text, published="2025-04-01"):
    result = extract_text(text, published)
    return [(i.actor_party, i.count, i.facility, i.place.admin1 if i.place else None)
            for i in result.incidents if i.type == "energy_strike"]


def test_issue_13_a_regions_power_system_is_electricity_in_that_region_and_a_dropped_charge_is_a_strike():
    assert _energy("Минобороны России: украинская армия в течение суток трижды атаковала объекты Курской "
                   "энергосистемы. Около 06.40 мск беспилотник сбросил взрывное устройство на подстанцию «Суджа», в "
                   "результате чего нарушено энергоснабжение.") == [("UA", 3, "electricity", "Kursk"),
                                                                    ("UA", None, "electricity", None)]


def test_issue_13_a_sentence_opening_on_the_attack_follows_up_the_act_before():
    assert _energy("Минобороны России: в 21.10 мск ВСУ атаковали беспилотниками газоизмерительную станцию в Курской "
                   "области. Атака отражена, но в результате падения обломков повреждено оборудование.") == [
        ("UA", None, "oil_gas_pipeline_storage", "Kursk")]


def test_issue_13_energy_in_general_heading_the_acts_told_next_is_no_act_of_its_own():
    text = ("У ніч на 19 березня росія знову вдарила по енергетиці. На Донеччині ворожі дрони пошкодили підстанцію в "
            "Слов'янську. У Сумській області через атаку ударного БпЛА пошкоджено лінію електропередачі поблизу Шостки.")
    result = extract_text(text, "2025-03-19")
    assert sorted((i.type, i.actor_party, i.place.name if i.place else None) for i in result.incidents) == [
        ("energy_strike", "RU", "Shostka"), ("energy_strike", "RU", "Slovyansk")]


def test_issue_13_a_count_of_attacks_over_several_regions_is_placed_in_none():
    assert _energy("Минобороны России: ВСУ совершили 14 атак беспилотниками на объекты энергетической "
                   "инфраструктуры Брянской, Белгородской и Смоленской областей.") == [("UA", 14, "electricity", None)]


def test_issue_13_hits_recorded_in_named_places_are_one_act_each_of_the_weapons_kind():
    text = ("У ніч на 9 березня противник атакував 176 ударними БпЛА з напрямків: Курськ, Орел, Брянськ. Збито 130 "
            "ударних БпЛА. Влучання ударних БпЛА зафіксовано на Хмельниччині, Львівщині та Волині. Ракетних ударів "
            "зазнали Луцьк і Тернопіль.")
    result = extract_text(text, "2025-03-09")
    hits = sorted((i.type, i.actor_party, i.place.admin1 if i.place else None) for i in result.incidents
                  if i.count is None)
    assert hits == [("drone_strike", "RU", "Khmelnytskyi"), ("drone_strike", "RU", "Lviv"),
                    ("drone_strike", "RU", "Volyn"), ("missile_strike", "RU", "Ternopil"),
                    ("missile_strike", "RU", "Volyn")]
    launched = next(i for i in result.incidents if i.count == 176)
    assert launched.place is None  # "з напрямків: Курськ, …" are launch areas, not where the drones struck


def test_issue_13_units_named_by_adjectives_are_not_places_hit():
    result = extract_text("Минулої доби росіяни здійснили 43 обстріли Сумщини. Обстрілів зазнали Білопільська та "
                          "Хотінська громади.", "2025-03-09")
    assert [(i.type, i.count) for i in result.incidents] == [("shelling", 43)]


@pytest.mark.parametrize("word,admin1", [("Хмельниччині", "Khmelnytskyi"), ("Вінниччині", "Vinnytsia"),
                                         ("Буковині", "Chernivtsi"), ("Закарпатті", "Zakarpattia"),
                                         ("Львовской", "Lviv"), ("Харьковщине", "Kharkiv"),
                                         ("Кропивниччині", "Kirovohrad"), ("Черкащині", "Cherkasy")])
def test_issue_13_every_oblast_resolves_by_its_land_name_and_russian_spelling(word, admin1):
    from ceasefire.geo import default_geocoder
    from ceasefire.geo.cyrillic import CyrillicPlaces

    assert CyrillicPlaces(default_geocoder(), dt.date(2025, 3, 1)).region(word).admin1 == admin1


def test_issue_13_tries_to_advance_counts_as_assaults_in_every_gender():
    result = extract_text("На Новопавлівському напрямку ворог 19 разів намагався просунутися поблизу Богатиря. "
                          "Окупанти тричі намагалися прорвати оборону біля Андріївки.", "2025-06-19")
    assert sorted((i.type, i.actor_party, i.count) for i in result.incidents) == [
        ("armed_clash", "RU", 3), ("armed_clash", "RU", 19)]


def test_issue_13_the_defence_forces_hitting_a_facility_is_ukraines_act_but_their_interception_before_a_hit_is_not():
    assert _energy("Крім того, Сили оборони уразили нафтоперекачувальну станцію «Унеча» у Брянській області.",
                   "2025-06-19") == [("UA", None, "oil_gas_pipeline_storage", "Bryansk")]
    assert _energy("Сили оборони знешкодили шість дронів, але один влучив у підстанцію на Сумщині.",
                   "2025-06-19") == [("RU", None, "electricity", "Sumy")]


@pytest.mark.parametrize("text,expected", [
    # a drone is an "аппарат" in these posts, and drones destroyed are downed without a word for air defence
    ("Над Тульской областью уничтожены три аппарата. Всего уничтожено десять украинских аппаратов.",
     [("intercept", 3), ("intercept", 10)]),
    # one verb, two counted weapons
    ("Над территорией Курской области сбиты четыре тактические ракеты «Точка-У», а также одиннадцать украинских "
     "беспилотных летательных аппаратов.", [("intercept", 4), ("intercept", 11)]),
])
def test_issue_13_ministry_interception_forms(text, expected):
    result = extract_text("Минобороны России: " + text, "2025-03-21")
    assert sorted((i.type, i.count) for i in result.incidents) == sorted(expected)


def test_issue_13_a_salvo_at_a_facility_is_a_strike_and_the_closing_moratorium_sentence_no_act():
    assert _energy("Минобороны России: около 17.00 мск украинские вооруженные формирования выпустили шесть "
                   "реактивных снарядов по трансформаторной подстанции в городе Шебекино Белгородской области. "
                   "Повреждено оборудование подстанции. Тем самым киевский режим в очередной раз нарушил мораторий на "
                   "удары по объектам энергетики.") == [("UA", 6, "electricity", "Belgorod")]


def test_issue_13_a_town_ending_in_grad_is_no_grad_rocket_launcher():
    result = extract_text("На Покровському напрямку загарбники 47 разів намагалися прорвати оборону поблизу Мирнограда. "
                          "На Лиманському напрямку окупанти 11 разів пробували потіснити наші підрозділи біля Ямполівки.",
                          "2025-06-04")
    assert sorted((i.type, i.count) for i in result.incidents) == [("armed_clash", 11), ("armed_clash", 47)]


def test_issue_13_a_set_without_ukrainian_texts_says_na_for_them(tmp_path):
    import json

    from ceasefire.evaluate_statements import score_statements

    record = {"id": "z01", "style": "mod_ru", "language": "ru", "published": "2025-03-21", "speaker_party": "RU",
              "text": "Минобороны России: над Курской областью сбиты 5 беспилотников.",
              "incidents": [{"type": "intercept", "party": "RU", "count": 5, "oblast": "Kursk", "settlements": [],
                             "quote": "сбиты 5 беспилотников"}]}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = score_statements(path)
    assert (report.counts_uk_text, report.counts_ru_text) == (None, 1.0)
    assert "uk texts n/a" in report.summary()
