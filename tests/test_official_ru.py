"""Russian- and Ukrainian-language official statements (texts written for these tests in the ministries' style)."""
import pytest

from ceasefire.extract import extract_many
from ceasefire.intake import make_document


def _extract(text, published="2025-03-28", source=None, language="ru"):
    import datetime as dt

    doc = make_document(text.encode(), text, published=dt.date.fromisoformat(published), source=source,
                        language=language).document
    return next(extract_many([doc]))


def test_official_ru_interceptions_per_region():
    result = _extract("⚡️ Этой ночью средствами ПВО **сбиты 41 украинский беспилотный летательный аппарат**: "
                      "▪️ 30 – над территорией **Брянской** области; ▪️ ещё 10 БпЛА уничтожены над территорией Курской "
                      "области; ▪️ ещё один – над территорией Республики Крым. 🔹 [Ведомство](https://example.org/x)")
    got = [(i.type, i.count, i.place.admin1 if i.place else None, i.actor_party) for i in result.incidents]
    # The statement's total (no place: it covers several regions) and each region's count.
    assert got == [("intercept", 41, None, "RU"), ("intercept", 30, "Bryansk", "RU"), ("intercept", 10, "Kursk", "RU"),
                   ("intercept", 1, "Crimea", "RU")]
    assert all(i.when.start.isoformat() == "2025-03-27" for i in result.incidents)
    assert all(result.document.text[i.span.start:i.span.end] == i.span.text for i in result.incidents)


def test_official_ru_energy_strike_allegation():
    result = _extract("Минобороны России сообщает. 27 марта ВСУ атаковали ударным беспилотником электроподстанцию "
                      "в Брянской области, в результате чего нарушено электроснабжение. "
                      "Киевский режим продолжает удары по объектам энергетики.")
    strikes = [i for i in result.incidents if i.type == "energy_strike"]
    first = strikes[0]
    assert (first.actor_party, first.facility, first.place.admin1, first.weapon) == ("UA", "electricity", "Bryansk",
                                                                                    "drone")
    assert first.when.start.isoformat() == "2025-03-27" and first.claimant_party == "RU"
    claim = next(c for c in result.claims if c.id in first.claim_ids)
    assert (claim.party, claim.stance) == ("RU", "accuse")


def test_official_uk_ukrainian_statement():
    result = _extract("Генеральний штаб ЗСУ: вночі російські окупанти атакували енергетичну інфраструктуру "
                      "Херсонської області, пошкоджено підстанцію.", language="uk")
    strike = next(i for i in result.incidents if i.type == "energy_strike")
    assert (strike.actor_party, strike.facility, strike.place.admin1, strike.claimant_party) == \
        ("RU", "electricity", "Kherson", "UA")


@pytest.mark.parametrize("name,admin1", [("Курской", "Kursk"), ("Брянська", "Bryansk"), ("Запорожской", "Zaporizhia")])
def test_official_ru_region_case_forms(name, admin1):
    from ceasefire.geo import gazetteer

    assert gazetteer().region(name).admin1 == admin1
