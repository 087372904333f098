"""The bundled gazetteer in memory: names in Latin and Cyrillic, normalised four ways for lookup.

Keys, strictest first:
1. exact: the name as written;
2. normal: case, diacritics, apostrophes and soft signs, hyphens folded ("Sivers'k" = "Siversk");
3. skeleton: Latin transliteration variants folded (y/i/j, kh/h, doubled letters, zhzh):
   "Zaporizhia" = "Zaporizhzhia", "Kupyansk" = "Kupiansk";
4. folded: Russian romanisation folded into Ukrainian (g/h, e/i, -ovka/-ivka, -oye/-e): "Kalinovoe" = "Kalynove".
Cyrillic mentions with case endings ("у Покровську", "в Курской области") are tried with the ending cut.
Near misses inside a named region ("Tsukurune" for Tsukuryne) are found by `near_spellings`.
"""
from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import io
import math
import os
import pickle
import re
import sys
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple
from pathlib import Path

from ceasefire.records import Place


class Entry(NamedTuple):
    """One GeoNames entry (a named tuple: 40,000 of them load from the cache several times faster than objects)."""

    geonameid: str
    name: str
    lat: float
    lon: float
    fclass: str
    fcode: str
    country: str
    admin1: str
    population: int
    admin2: str = ""  # GeoNames code of the raion (the 2020 raions); historical raions are ADM2H entries

    @property
    def is_region(self) -> bool:
        return self.fcode in ("ADM1", "ADM2", "ADM2H", "ADM3", "RGN", "AREA", "PCLI")

    def to_place(self, precision: int, mention: str | None = None) -> Place:
        name = f"{self.admin1} region" if self.fcode == "ADM1" and self.admin1 else self.name
        return Place(name=name, lat=self.lat, lon=self.lon, admin1=self.admin1 or None, country=self.country,
                     geonameid=int(self.geonameid) if self.geonameid.isdigit() else None, precision=precision,
                     mention=mention)


_APOSTROPHES = re.compile(r"[\'’ʼ`ʹ\"”“ьъЬЪ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Ukrainian and Russian case endings, longest first (locative, genitive, dative, instrumental).
_CYR_ENDINGS = ("ській", "ськом", "ского", "ської", "ською", "ской", "ском", "ському", "ьску", "ську", "ові", "ого",
                "ому", "ій", "ої", "ою", "ом", "ах", "ях", "ов", "ев", "ки", "ці", "і", "и", "у", "ю", "е", "а", "я")


@lru_cache(maxsize=65536)  # pure, and the same names recur in every document
def normal(name: str) -> str:
    """Lower case, no diacritics (й and ї keep their base letter), no apostrophes or soft signs."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = _APOSTROPHES.sub("", s.lower())
    s = re.sub(r"[-‐–—_.]+", " ", s)
    return " ".join(s.split())


@lru_cache(maxsize=65536)  # pure, and the same names recur in every document
def skeleton(name: str) -> str:
    """Fold Latin transliteration variants; Cyrillic is left as normal() leaves it."""
    return _skeleton_of(normal(name))


def _skeleton_of(s: str) -> str:
    if _CYRILLIC.search(s):
        return s
    s = s.replace("zhzh", "zh").replace("shch", "sch").replace("kh", "h").replace("yi", "i").replace("iy", "i")
    s = re.sub(r"[yj]", "i", s)
    s = re.sub(r"(.)\1+", r"\1", s)
    return s.replace(" ", "")


FOLDED_MIN_LENGTH = 7  # shorter names fold into too many others ("Many" and Manne)


def folded(name: str) -> str:
    """A looser key that also folds Russian into Ukrainian romanisation, for names no stricter key finds:
    "Andreevka" = "Andriivka", "Kalinovoe" = "Kalynove", "Blagodatne" = "Blahodatne", "Svetloye" = "Svitle"."""
    return _folded_of(skeleton(name))


def _folded_of(s: str) -> str:
    if _CYRILLIC.search(s):
        return s
    s = re.sub(r"(?:oie|oye|oe|ye|ie)$", "e", s)
    s = re.sub(r"(?:aia|aya|ai)$", "a", s)
    s = s.replace("g", "h").replace("e", "i").replace("ov", "iv").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", s)


def keys(name: str) -> tuple[str, str, str]:
    """The normal, skeleton and folded keys of a name, each computed from the one before."""
    n = normal(name)
    sk = _skeleton_of(n)
    return n, sk, _folded_of(sk)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


class Gazetteer:
    """Name lookup over the bundled GeoNames subset (see geo/build.py)."""

    def __init__(self, entries: list[Entry], names: list[list[str]]):
        self.entries = entries
        self.names_of = names
        self._automaton = None
        self.exact: dict[str, list[int]] = {}
        self.normal: dict[str, list[int]] = {}
        self.skeleton: dict[str, list[int]] = {}
        self.folded: dict[str, list[int]] = {}
        for i, alts in enumerate(names):
            for n in alts:
                normal_key, skeleton_key, folded_key = keys(n)
                for index, key in ((self.exact, n), (self.normal, normal_key), (self.skeleton, skeleton_key),
                                   (self.folded, folded_key)):
                    bucket = index.setdefault(key, [])
                    if not bucket or bucket[-1] != i:
                        bucket.append(i)

    @property
    def automaton(self):
        """Aho-Corasick automaton over capitalised names (4+ letters), case-sensitive, built on first use."""
        if self._automaton is None:
            import ahocorasick

            auto = ahocorasick.Automaton()
            for name in self.exact:
                if len(name) >= 4 and name[0].isupper() and name not in NOT_PLACES:
                    auto.add_word(name, name)
            auto.make_automaton()
            self._automaton = auto
        return self._automaton

    def names_in(self, text: str) -> list[tuple[int, int, str]]:
        """Gazetteer names written in `text` as whole words, longest first where they overlap, left to right.

        A name followed by a possessive ("Kyiv's general staff") names an actor, not a place, and is skipped.
        """
        hits = []
        for end, name in self.automaton.iter(text):
            start = end - len(name) + 1
            before = text[start - 1] if start > 0 else " "
            after = text[end + 1] if end + 1 < len(text) else " "
            if before.isalnum() or after.isalnum() or before in "-'’" or after == "-":
                continue
            if text[end + 1:end + 3] in ("'s", "’s"):
                continue
            hits.append((start, end + 1, name))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[tuple[int, int, str]] = []
        for h in hits:
            if out and h[0] < out[-1][1]:
                continue
            out.append(h)
        return out

    def lookup(self, name: str) -> tuple[list[Entry], str]:
        """Entries for a name and how they matched ("exact", "normal", "skeleton", "stem" or "none")."""
        for kind, index, key in (("exact", self.exact, name), ("normal", self.normal, normal(name)),
                                 ("skeleton", self.skeleton, skeleton(name))):
            hits = index.get(key)
            if hits:
                return [self.entries[i] for i in hits], kind
        if _CYRILLIC.search(name):
            for stem in _cyrillic_stems(normal(name)):
                hits = self.normal.get(stem)
                if hits:
                    return [self.entries[i] for i in hits], "stem"
        return [], "none"

    def candidates(self, name: str) -> list[tuple[Entry, str]]:
        """Every entry a name may mean, in any spelling tier, each with its strictest match.

        Unlike `lookup`, a looser tier still adds entries when a stricter one matched: "Vysokopillia" is written
        exactly so for a village in Kharkiv oblast but only as a variant for the town in Kherson oblast; and the
        loosest tier folds Russian romanisation into Ukrainian ("Andreevka" finds every Andriivka).
        """
        seen: dict[int, str] = {}
        normal_key, skeleton_key, folded_key = keys(name)
        for kind, index, key in (("exact", self.exact, name), ("normal", self.normal, normal_key),
                                 ("skeleton", self.skeleton, skeleton_key),
                                 ("folded", self.folded if len(name) >= FOLDED_MIN_LENGTH else {}, folded_key)):
            for i in index.get(key, ()):
                seen.setdefault(i, kind)
        out = [(self.entries[i], kind) for i, kind in seen.items()]
        if _CYRILLIC.search(name):  # "в Харькове" is Kharkiv, though the village Харкове is spelt so exactly
            for stem in _cyrillic_stems(normal(name)):
                out.extend((self.entries[i], "stem") for i in self.normal.get(stem, ()) if i not in seen)
                seen.update(dict.fromkeys(self.normal.get(stem, ()), "stem"))
        return out

    def near_spellings(self, name: str, admin1: str) -> list[Entry]:
        """Settlements of one region spelt one letter off the name ("Tsukurune" for Tsukuryne, "Horinka" for
        Horenka): transliterations of the same Cyrillic name that the skeleton does not fold. Names of five
        letters or more only, so that short names do not match each other."""
        want = skeleton(name)
        if len(want) < 5 or _CYRILLIC.search(want):
            return []
        by_length = self._settlement_keys_by_region().get(admin1, {})
        # One edit apart, two keys share their first or their last letter (a cheap test before the real one).
        hits = {i for n in (len(want) - 1, len(want), len(want) + 1) for key, i in by_length.get(n, ())
                if (key[0] == want[0] or key[-1] == want[-1]) and _one_edit(key, want)}
        return [self.entries[i] for i in sorted(hits)]

    def _settlement_keys_by_region(self) -> dict[str, dict[int, list[tuple[str, int]]]]:
        """Skeleton keys of every settlement, by region and key length (for near_spellings); built once and kept
        with the gazetteer (so in its cache file too)."""
        if getattr(self, "_keys_by_region", None) is None:
            self._keys_by_region = self._build_keys_by_region()
        return self._keys_by_region

    def _build_keys_by_region(self) -> dict[str, dict[int, list[tuple[str, int]]]]:
        out: dict[str, dict[int, list[tuple[str, int]]]] = {}
        for key, indices in self.skeleton.items():
            for i in indices:
                e = self.entries[i]
                if e.fclass == "P" and e.admin1:
                    out.setdefault(e.admin1, {}).setdefault(len(key), []).append((key, i))
        return out

    @lru_cache(maxsize=1)  # noqa: B019 - one gazetteer per process
    def typical_village_population(self) -> int:
        """The median population of the Ukrainian villages whose population GeoNames knows (about 400). Most
        villages' population is unknown (0): scoring them as empty would make any village of known size win.
        (Russia's rows come from cities500, which has no village under 500, so they would bias the median.)"""
        known = sorted(e.population for e in self.entries
                       if e.fcode == "PPL" and e.country == "Ukraine" and e.population > 0)
        return known[len(known) // 2] if known else 0

    def region(self, name: str) -> Entry | None:
        """The oblast (or Russian region) a name refers to ("Donetsk", "Zaporizhia region", "Курской области")."""
        key = region_key(name)
        return self._regions().get(key)

    @lru_cache(maxsize=1)  # noqa: B019 - one gazetteer per process
    def _regions(self) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        oblasts = {e.admin1: e for e in self.entries if e.fcode == "ADM1" and e.admin1}
        for admin1, e in oblasts.items():
            out[region_key(admin1)] = e
        for alias, admin1 in REGION_ALIASES.items():
            out[region_key(alias)] = oblasts[admin1]
        largest: dict[str, Entry] = {}  # a Russian region's point: its largest city, found in one pass
        for e in self.entries:
            if e.country == "Russia" and e.admin1 and e.population > getattr(largest.get(e.admin1), "population", -1):
                largest[e.admin1] = e
        for region in russia_regions():
            capital = largest.get(region["admin1"])
            if capital is None:
                continue
            centre = Entry(capital.geonameid, f"{region['admin1']} region", capital.lat, capital.lon, "A", "ADM1",
                           "Russia", region["admin1"], 0)
            for alias in (region["admin1"], *region["names"].split("|")):
                out.setdefault(region_key(alias), centre)
        return out

    def raions(self, name: str) -> list[Entry]:
        """Raions, current (ADM2) or before the 2020 reform (ADM2H), a name may mean ("Beryslavskyi district",
        "Pereval'skiy district", "Volnovakha raion")."""
        return [self.entries[i] for i in self._raion_index().get(raion_key(name), ())]

    @lru_cache(maxsize=1)  # noqa: B019 - one gazetteer per process
    def _raion_index(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, e in enumerate(self.entries):
            if e.fcode in ("ADM2", "ADM2H") or (e.fcode == "ADM3" and re.search(r"ra[iy]on|район", e.name, re.I)):
                for n in self.names_of[i]:
                    if not re.search(r"mis.?krada|city|misto|міськрада", n, re.I):
                        bucket = index.setdefault(raion_key(n), [])
                        if i not in bucket:
                            bucket.append(i)
        return index

    def admin1_names(self) -> set[str]:
        return {e.admin1 for e in self.entries if e.admin1}


# Capitalised words that GeoNames also lists as places but that in English text almost never are.
NOT_PLACES = {"Russia", "Ukraine", "Ukrainian", "Russian", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
              "Saturday", "Sunday", "January", "February", "March", "April", "June", "July", "August",
              "September", "October", "November", "December", "Casualties", "Interception", "Military", "Forces",
              "Armed", "Government", "Ministry", "General", "Staff", "President", "Army", "Police", "State",
              "National", "Guard", "Service", "Security", "Defence", "Defense", "Navy", "Force", "Air", "Victory",
              "Peace", "Mission", "Radio", "Free", "Europe", "Prime", "Minister", "Mayor", "Governor", "Head",
              "Chief", "Center", "Centre", "Press", "News", "Post", "Times", "Union", "Zelensky", "Putin",
              "Orban", "Trump", "Biden", "Church", "Brigade", "Battalion", "Regiment", "Division", "Corps",
              "Group", "Sector", "Front", "Line", "North", "South", "East", "West", "Central", "Great", "Little",
              "Soviet", "Crimean", "Azov", "Black", "Dnipro River", "River", "Lake", "Bridge", "Station", "Port"}

# Ways the press writes each region of Ukraine, mapped to the gazetteer's admin1 name (Russia's: russia_regions()).
REGION_ALIASES = {
    "Zaporizhzhia": "Zaporizhia", "Zaporizhzhya": "Zaporizhia", "Zaporozhye": "Zaporizhia",
    "Zaporozhzhia": "Zaporizhia", "Запорізька": "Zaporizhia", "Запорожская": "Zaporizhia",
    "Dnipro": "Dnipropetrovsk", "Dnepropetrovsk": "Dnipropetrovsk", "Дніпропетровська": "Dnipropetrovsk",
    "Днепропетровская": "Dnipropetrovsk", "Донецька": "Donetsk", "Донецкая": "Donetsk",
    "Lugansk": "Luhansk", "Луганська": "Luhansk", "Луганская": "Luhansk", "Kharkov": "Kharkiv",
    "Харківська": "Kharkiv", "Харьковская": "Kharkiv", "Херсонська": "Kherson", "Херсонская": "Kherson",
    "Mykolayiv": "Mykolaiv", "Nikolaev": "Mykolaiv", "Nikolayev": "Mykolaiv", "Миколаївська": "Mykolaiv",
    "Николаевская": "Mykolaiv", "Odessa": "Odesa", "Одеська": "Odesa", "Одесская": "Odesa",
    "Сумська": "Sumy", "Сумская": "Sumy", "Чернігівська": "Chernihiv", "Черниговская": "Chernihiv",
    "Chernigov": "Chernihiv", "Kiev": "Kyiv", "Київська": "Kyiv", "Киевская": "Kyiv",
    "Полтавська": "Poltava", "Полтавская": "Poltava", "Kirovograd": "Kirovohrad", "Kropyvnytskyi": "Kirovohrad",
    "Кіровоградська": "Kirovohrad", "Vinnytsya": "Vinnytsia", "Vinnitsa": "Vinnytsia", "Вінницька": "Vinnytsia",
    "Khmelnytskyy": "Khmelnytskyi", "Khmelnytsky": "Khmelnytskyi", "Lvov": "Lviv", "Львівська": "Lviv",
    "Rovno": "Rivne", "Ternopol": "Ternopil", "Zhitomir": "Zhytomyr", "Житомирська": "Zhytomyr",
    "Volhynia": "Volyn", "Transcarpathia": "Zakarpattia", "Zakarpattya": "Zakarpattia", "Cherkasy": "Cherkasy",
    "Cherkassy": "Cherkasy", "Черкаська": "Cherkasy", "Chernovtsy": "Chernivtsi", "Crimea": "Crimea",
    "Republic of Crimea": "Crimea", "Autonomous Republic of Crimea": "Crimea", "Крим": "Crimea", "Крым": "Crimea",
    "Sevastopol": "Sevastopol", "Donbas": "Donetsk", "Donbass": "Donetsk", "DPR": "Donetsk", "LPR": "Luhansk",
    "Kyiv City": "Kyiv City", "Волинська": "Volyn", "Закарпатська": "Zakarpattia",
    "Івано-Франківська": "Ivano-Frankivsk", "Рівненська": "Rivne", "Тернопільська": "Ternopil", "Хмельницька": "Khmelnytskyi", "Чернівецька": "Chernivtsi",
    "Донецкая Народная Республика": "Donetsk",
    # Ukrainian names of a region as a land ("на Донеччині", "Харківщина"), every case ending cut by region_key
    "Донеччина": "Donetsk", "Луганщина": "Luhansk", "Харківщина": "Kharkiv", "Херсонщина": "Kherson",
    "Запоріжжя": "Zaporizhia", "Дніпропетровщина": "Dnipropetrovsk", "Сумщина": "Sumy", "Чернігівщина": "Chernihiv",
    "Миколаївщина": "Mykolaiv", "Одещина": "Odesa", "Київщина": "Kyiv", "Полтавщина": "Poltava",
    "Луганская Народная Республика": "Luhansk", "ДНР": "Donetsk", "ЛНР": "Luhansk", "Севастополь": "Sevastopol",
    "Вінниччина": "Vinnytsia", "Волинь": "Volyn", "Житомирщина": "Zhytomyr", "Закарпаття": "Zakarpattia",
    "Прикарпаття": "Ivano-Frankivsk", "Івано-Франківщина": "Ivano-Frankivsk", "Кіровоградщина": "Kirovohrad",
    "Кропивниччина": "Kirovohrad", "Львівщина": "Lviv", "Рівненщина": "Rivne", "Тернопільщина": "Ternopil",
    "Хмельниччина": "Khmelnytskyi", "Черкащина": "Cherkasy", "Буковина": "Chernivtsi", "Чернівеччина": "Chernivtsi",
    "Дніпровщина": "Dnipropetrovsk",
    # Russian spellings of the oblasts and of their lands
    "Винницкая": "Vinnytsia", "Волынская": "Volyn", "Житомирская": "Zhytomyr", "Закарпатская": "Zakarpattia",
    "Ивано-Франковская": "Ivano-Frankivsk", "Кировоградская": "Kirovohrad", "Львовская": "Lviv",
    "Ровенская": "Rivne", "Тернопольская": "Ternopil", "Хмельницкая": "Khmelnytskyi", "Черкасская": "Cherkasy",
    "Черновицкая": "Chernivtsi", "Харьковщина": "Kharkiv", "Черниговщина": "Chernihiv", "Николаевщина": "Mykolaiv",
    "Днепропетровщина": "Dnipropetrovsk", "Киевщина": "Kyiv", "Одесщина": "Odesa", "Винничина": "Vinnytsia",
    "Львовщина": "Lviv", "Черкасщина": "Cherkasy", "Запорожье": "Zaporizhia", "Донетчина": "Donetsk",
}


@lru_cache(maxsize=1)
def russia_regions() -> list[dict[str, str]]:
    """Russia's federal subjects: admin1, centres, names (data/russia_regions.csv)."""
    text = resources.files("ceasefire").joinpath("data/russia_regions.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))


@lru_cache(maxsize=65536)  # pure, and the same names recur in every document
def region_key(name: str) -> str:
    s = normal(name)
    s = re.sub(r"\b(?:oblast|region|province|obl|raion|district|область|области|області|областю|областью|облась|обл|"
               r"регион|региона|регионе|регионом|регіон|регіону|регіоні|"
               r"республика|республики|"
               r"республіка|край|крае|края|people s republic|peoples republic)\b", "", s).strip()
    if _CYRILLIC.search(s):
        # Adjectival case endings: Курская, Курской, Курська, Курської -> курск
        # and the endings of names in -ия/-ія (Чувашия, Чувашии, Бурятією -> чуваш, бурят)
        # and adjectives' instrumental and Ukrainian locative (Московским, Донецким, Сумській -> московск, донецк, сумск).
        return re.sub(r"(?:иеи|ією|ия|ию|ія|ію|(?<=[кцн])(?:им|ым|ом|іи)|ого|ому|ои|ая|ую|ые|ых|ии|еи|оі|ою|ей|ем|а|і|и|у|е|я)$",
                      "", s)
    s = re.sub(r"(?:ska|skaya|ska ia|s ka)$", "", s)
    return skeleton(s)


def _one_edit(a: str, b: str) -> bool:
    """Whether two different strings are one substitution, insertion or deletion apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


@lru_cache(maxsize=65536)  # pure, and the same names recur in every document
def raion_key(name: str) -> str:
    """Fold the ways a raion is written to one key: "Beryslavskyi district", "Beryslav Raion", "Бериславський район"
    -> "berislav"; Russian g and Ukrainian h are folded too ("Stanichno-Lugansky" = "Stanychno-Luhanskyi")."""
    s = normal(name)
    s = re.sub(r"\b(?:raion|rayon|rajon|district|raionu|район|районі|району)\b", "", s).strip()
    if _CYRILLIC.search(s):
        return re.sub(r"(?:ський|ский|ського|ского|ському|ськ|ск)$", "", s.replace(" ", ""))
    s = skeleton(s).replace("g", "h")
    return re.sub(r"s?k(?:ii|i|oho|a|e|o)?$", "", s)


def _cyrillic_stems(word: str) -> list[str]:
    """Nominative guesses for an inflected Cyrillic place name ("покровську" -> "покровськ", "курской" -> "курск")."""
    stems = []
    last = word.split()[-1] if word.split() else word
    head = word[: len(word) - len(last)]
    for ending in _CYR_ENDINGS:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            base = last[: -len(ending)]
            stems.extend([head + base, head + base + "а", head + base + "е", head + base + "и", head + base + "ка",
                          head + base + "ок", head + base + "ськ" if base.endswith("с") else head + base])
    return stems


def _cache_dir() -> Path:
    return Path(os.environ.get("CEASEFIRE_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                / "ceasefire")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded on first use.

    Building its name indexes takes about four seconds, so the built gazetteer is kept in a cache file named by
    the sha256 of the bundled data, of this module and of the versions it depends on ($CEASEFIRE_CACHE, else
    ~/.cache/ceasefire) and read back in a fraction of that; a cache that cannot be read is removed and rebuilt,
    one that cannot be written is skipped. (Old files stay: another checkout may share the folder.)
    """
    raw = resources.files("ceasefire").joinpath("data/gazetteer.tsv.gz").read_bytes()
    # Named by the data, this module's code and the versions of Python and pyahocorasick (whose automaton it
    # holds), so that a change to any of them never reads a stale or foreign index.
    import ahocorasick

    key = raw + Path(__file__).read_bytes() + f"{sys.version}|{getattr(ahocorasick, '__version__', '')}".encode()
    cache = _cache_dir() / f"gazetteer-{hashlib.sha256(key).hexdigest()[:16]}.pickle"
    gc.disable()  # the collector would walk the half-built object graph again and again (0.4 s instead of 1.1 s)
    try:
        with cache.open("rb") as fh:
            found = pickle.load(fh)
        if isinstance(found, Gazetteer):
            return found
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged or foreign cache of any kind is dropped and rebuilt
        cache.unlink(missing_ok=True)
    finally:
        gc.enable()
    built = _build_gazetteer(raw)
    _ = built.automaton, built._settlement_keys_by_region()  # built before caching: loading beats building
    partial = cache.with_suffix(f".{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(cache)  # atomic: a reader never sees half a file
    except OSError:
        partial.unlink(missing_ok=True)
    return built


def _build_gazetteer(raw: bytes) -> Gazetteer:
    entries, names = [], []
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            entries.append(Entry(row["geonameid"], row["name"], float(row["lat"]), float(row["lon"]), row["fclass"],
                                 row["fcode"], row["country"], row["admin1"], int(row["population"] or 0),
                                 row.get("admin2") or ""))
            names.append([row["name"], *[n for n in row["names"].split("|") if n]])
    return Gazetteer(entries, names)
