"""Places written in Russian or Ukrainian, in any grammatical case: regions ("Курской области", "на Сумщині",
"над Брянщиной"), raions ("в Шосткинському районі"), fronts ("на Покровському напрямку") and settlements ("у Кривому
Розі", "по Запоріжжю"), a settlement only within the region its sentence names where it names one.

Both readers of Cyrillic statements (extract/ru.py and the frames of extract/statements.py) resolve through this one
class and the geocoder behind it, the same gazetteer and rules as English mentions: which capitalised word is a
place decides how a sentence splits into acts, so they ask while reading.
"""
from __future__ import annotations

import datetime as dt
from itertools import product
from typing import TYPE_CHECKING

from ceasefire.extract.morph import name_forms
from ceasefire.geo.geocode import Evidence
from ceasefire.records import Place

if TYPE_CHECKING:
    from ceasefire.geo import Geocoder


class CyrillicPlaces:
    """Resolve Russian and Ukrainian place mentions on a day (`on`, for places whose control changed)."""

    def __init__(self, geocoder: "Geocoder", on: dt.date) -> None:
        self.geocoder, self.gaz, self.on = geocoder, geocoder.gaz, on

    def region(self, word: str) -> Place | None:
        """The region a word names in any case ("Курской", "Сумщині", "Харківщина", "Крыму"), at precision 3."""
        for form in name_forms(word):
            entry = self.gaz.region(form)
            if entry is not None and len(form) > 3:
                return entry.to_place(3, word)
        return None

    def front(self, direction_key: str | None, mention: str) -> Place | None:
        """The region of a front (its oblast's English name, from the lexicon's directions)."""
        entry = self.gaz.region(direction_key) if direction_key else None
        return entry.to_place(3, mention) if entry is not None else None

    def settlement(self, name: str, within: Place | None = None) -> Place | None:
        """A settlement (or raion) a name means, as written or in its nominative ("Кривому Розі" -> Кривий Ріг,
        "Херсона" -> Херсон; "Шосткинський район"), only inside `within` when a region is given."""
        if name.endswith(" район"):
            raion = next((r for r in self.gaz.raions(name) if within is None or r.admin1 == within.admin1), None)
            return raion.to_place(2, name) if raion is not None else None
        evidence = Evidence(regions={within.admin1} if within and within.admin1 else set(), on=self.on)
        words = name.split()[:2]
        limit = None if len(words) == 1 else 3  # two-word names: their words' three likeliest forms each
        spellings = dict.fromkeys([name] + [" ".join(forms) for forms in product(
            *(name_forms(word)[:limit] for word in words))])
        for spelling in spellings:
            place = self.geocoder.resolve(spelling, spelling, evidence).place
            if place is not None and (within is None or place.admin1 == within.admin1):
                return place.model_copy(update={"mention": name})
        return None

    def place(self, name: str, is_region: bool) -> Place | None:
        """A mention a reader found: a region ("Курской"), else a settlement or raion."""
        if is_region:
            entry = self.gaz.region(name)
            return entry.to_place(3, name) if entry is not None else None
        return self.settlement(name)

