import pytest

from ceasefire.actors import registry


@pytest.mark.parametrize("phrase,party", [
    ("Kyiv's general staff", "UA"), ("the Russian Ministry of Defence", "RU"), ("NAF rebel forces", "RU"),
    ("Russian and Ukrainian forces", "RU"), ("the NATO Secretary General", "NATO"), ("Dmitry Peskov", "RU"),
    ("the White House", "US"), ("the UN", "UN"), ("Donetsk People's Republic", "RU"), ("the weather", None),
])
def test_actors_party_of(phrase, party):
    assert registry().party_of(phrase) == party


def test_actors_roles_refer_to_people():
    hits = registry().find("The Russian leader spoke")
    assert hits and hits[0].actor.id == "putin" and hits[0].by_role


def test_actors_short_codes_match_case_sensitively():
    assert registry().party_of("us forces") is None
    assert registry().party_of("US forces") == "US"
