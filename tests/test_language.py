"""Language detection (language.py): the languages the project reads and the ones it must not read as English."""
import pytest

from ceasefire.language import detect_language


@pytest.mark.parametrize("text, code", [
    ("On 5 March 2023, Russian forces shelled Kupiansk, Kharkiv. Casualties unknown.", "en"),
    ("Zolotyi Kolodiaz;Zolotoy Kolodets", "en"),  # a list of names is too short to tell: read as English
    ("Минулої доби зафіксовано 120 бойових зіткнень, противник завдав ударів по позиціях", "uk"),
    ("В районе населенного пункта Степовое сбиты три беспилотника противника", "ru"),
    ("Ryska styrkor besköt Cherson på måndagen och två personer skadades svårt.", "sv"),
    ("Die Ukraine meldete am Montag, dass russische Raketen ein Umspannwerk getroffen hätten.", "de"),
    ("Ukraińska artyleria ostrzelała w poniedziałek przedmieścia Doniecka, poinformowały władze.", "pl"),
])
def test_language_detected(text, code):
    assert detect_language(text) == code
