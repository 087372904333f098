import pytest

from ceasefire.geo import default_geocoder, gazetteer
from ceasefire.geo.gazetteer import normal, skeleton


@pytest.mark.parametrize("a,b", [("Sivers'k", "Siversk"), ("Zaporizhzhia", "Zaporizhia"), ("Kupyansk", "Kupiansk"),
                                 ("Avdiyivka", "Avdiivka")])
def test_geo_spelling_variants_share_a_skeleton(a, b):
    assert skeleton(a) == skeleton(b)


def test_geo_normal_folds_apostrophes_and_soft_signs():
    assert normal("Слов'янськ") == normal("Словянськ")
    assert normal("Kostiantynivka") == "kostiantynivka"


@pytest.mark.parametrize("name,admin1", [
    ("Kharkov", "Kharkiv"), ("Zaporozhye", "Zaporizhia"), ("Avdeevka", "Donetsk"), ("Artemivsk", "Donetsk"),
    ("Sudzha", "Kursk"), ("Plekhovo", "Kursk"), ("Robotyne", "Zaporizhia"), ("Krynky", "Kherson"),
    ("Покровську", "Donetsk"),
])
def test_geo_lookup_variants(name, admin1):
    entries, how = gazetteer().lookup(name)
    assert entries, name
    assert admin1 in {e.admin1 for e in entries}


def test_geo_override_drops_wrong_alias_of_nikopol():
    entries, _ = gazetteer().lookup("Slov'iansk")
    assert all(e.name != "Nikopol" for e in entries)


@pytest.mark.parametrize("text,name,admin1,precision", [
    ("Russian forces shelled near Vodyane, Donetsk.", "Vodiane", "Donetsk", 2),
    ("A drone hit a house in Sumy.", "Sumy", "Sumy", 1),
    ("Shelling was reported in the Kherson region.", None, "Kherson", 3),
])
def test_geo_locate_text(text, name, admin1, precision):
    resolution = default_geocoder().locate_text(text)
    assert resolution.place is not None, resolution.reason
    assert resolution.place.admin1 == admin1 and resolution.place.precision == precision
    if name:
        assert resolution.place.name == name


def test_geo_abstains_without_a_place():
    resolution = default_geocoder().locate_text("Forces exchanged fire overnight.")
    assert resolution.place is None and resolution.reason


def test_geo_names_in_skips_possessive_actor():
    names = [n for _s, _e, n in gazetteer().names_in("Kyiv's general staff said troops fought near Sudzha.")]
    assert names == ["Sudzha"]


@pytest.mark.parametrize("text,name", [
    ("Heavy fighting near Donetsk airport", "Donetsk International Airport"),
    ("Shelling damaged a building at the Zaporizhzhia NPP", "Zaporizhzhia Nuclear Power Plant"),
])
def test_geo_landmarks_before_towns(text, name):
    assert default_geocoder().locate_text(text).place.name == name


def test_geo_front_line_of_the_time_decides_homonyms():
    import datetime as dt

    # Pisky by Donetsk airport was on the 2014-2022 line of contact; a Pisky in Mykolaiv oblast was not.
    place = default_geocoder().locate_text("Shelling in Pisky village", on=dt.date(2018, 5, 1)).place
    assert place.admin1 == "Donetsk"


def test_geo_nearby_town_hint():
    place = default_geocoder().locate_text("near the village of Granitne (Volnovakha district)").place
    assert place.admin1 == "Donetsk"


def test_geo_capital_over_small_homonym():
    assert default_geocoder().locate_text("A missile hit Kyiv.").place.admin1 == "Kyiv City"


def test_geo_city_district_spelt_another_way():
    place = default_geocoder().locate_text("Artillery hit houses in Donetsk - Kuibyshivskyi, Donetsk, on Monday.").place
    assert place.name == "Donetsk - Kuibyshivskyi" and place.admin1 == "Donetsk"
    assert abs(place.lat - 48.014) < 0.01 and abs(place.lon - 37.736) < 0.01
