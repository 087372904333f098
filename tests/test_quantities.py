import pytest

from ceasefire.extract.quantities import find_count, find_fatalities, find_injured, parse_number


@pytest.mark.parametrize("text,value", [("five", 5), ("1,200", 1200), ("twenty-five", 25), ("dozens", 12),
                                        ("tens", 10), ("hundreds", 100), ("one hundred", 100), ("banana", None)])
def test_quantities_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,value", [
    ("five Russian attacks had been repelled", 5),
    ("the enemy shelled the town at least 25 times", 25),
    ("dozens of drones were launched", 12),
    ("Russian forces shelled the village", None),
])
def test_quantities_count(text, value):
    assert find_count(text) == value


@pytest.mark.parametrize("text,dead,hurt", [
    ("Two Ukrainian soldiers and one fighter of the armed formations were killed in the fighting.", 3, None),
    ("Russian forces shelled Kherson, killing two civilians and wounding five others.", 2, 5),
    ("Casualties unknown.", None, None),
    ("Two soldiers were wounded and, as the army put it, one fighter was killed and five wounded.", 1, 7),
    ("The death toll rose to 14.", 14, None),
])
def test_quantities_casualties(text, dead, hurt):
    assert find_fatalities(text) == dead
    assert find_injured(text) == hurt


@pytest.mark.parametrize("text,dead", [
    ("Two fighters died in the shelling [2 fatalities split among 6 events].", 0),
    ("Many soldiers died, a ministry said [its figure: 90 deaths; 3 fatalities coded to this event after a "
     "split of 8 across 4].", 3),
])
def test_quantities_follow_acled_split_notes(text, dead):
    assert find_fatalities(text) == dead


@pytest.mark.parametrize("text,dead", [("Russian forces shot at a car, killing 2.", 2),
                                       ("The strike hit a market, killing 4 and injuring 9.", 4)])
def test_quantities_killing_a_bare_number(text, dead):
    assert find_fatalities(text) == dead
