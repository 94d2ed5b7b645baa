"""The postcode directory for tests: small ONSPD-format files the tests write, and rows."""

import csv
from pathlib import Path

from enquiries.models import AreaName, PostcodeUnit

NORTHMOOR = "E10000099"  # the demo county (COUNCIL_AREA_CODES' default)
NM_DISTRICT = "E07000999"
WESTMINSTER = "E09000033"
NO_COUNTY = "E99999999"

ONSPD_HEADER = [
    "pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "ced", "oslaua", "osward", "parish",
    "usertype", "oseast1m", "osnrth1m", "osgrdind", "oshlthau", "nhser", "ctry", "rgn", "streg",
    "pcon", "eer", "teclec", "ttwa", "pct", "itl", "statsward", "oa01", "casward", "npark",
    "lsoa01", "msoa01", "ur01ind", "oac01", "oa11", "lsoa11", "msoa11", "wz11", "sicbl", "bua24",
    "ru11ind", "oac11", "lat", "long", "lep1", "lep2", "pfa", "imd", "calncv", "icb", "oa21",
    "lsoa21", "msoa21",
]  # fmt: skip

# A few real-shaped places: (pcds, lat, long, county, district, ward, lsoa21, imd, doterm)
PLACES = [
    ("PR1 8XJ", 53.7632, -2.7031, NORTHMOOR, NM_DISTRICT, "E05099001", "E01099001", 1200, ""),
    ("PR1 1AA", 53.7600, -2.7000, NORTHMOOR, NM_DISTRICT, "E05099002", "E01099002", 30000, ""),
    ("PR2 9ZZ", 53.786, -2.704, NORTHMOOR, NM_DISTRICT, "E05099002", "E01099003", 16422, "201906"),
    ("SW1A 1AA", 51.501009, -0.141588, NO_COUNTY, WESTMINSTER, "E05013806", "E01004736", 17000, ""),
]  # fmt: skip
NAMES = [
    ("E05099001", "Ribbleton"),
    ("E05099002", "Fishwick"),
    ("E10000099", "Northmoor"),
    ("E09000033", "Westminster City Council"),
]


def write_onspd(path: Path, places=PLACES, *, lsoa_column: str = "lsoa21") -> Path:
    header = [lsoa_column if h == "lsoa21" else h for h in ONSPD_HEADER]
    if lsoa_column != "lsoa11":
        header = [h for h in header if h != "lsoa11"] + ["lsoa11"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for pcds, lat, lon, county, district, ward, lsoa, imd, doterm in places:
            row = dict.fromkeys(header, "")
            row.update(
                pcd=pcds.replace(" ", "").ljust(7), pcds=pcds, lat=lat, long=lon, oscty=county,
                oslaua=district, osward=ward, imd=imd, doterm=doterm, ctry="E92000001",
            )  # fmt: skip
            row[lsoa_column] = lsoa
            writer.writerow([row[h] for h in header])
    return path


def write_names(path: Path, names=NAMES, *, prefix: str = "WD24") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"{prefix}CD", f"{prefix}NM", f"{prefix}NMW"])
        for code, name in names:
            writer.writerow([code, name, ""])
    return path


def load_directory(places=PLACES, names=NAMES) -> None:
    """Rows straight into the tables, for tests of what uses the directory."""
    for pcds, lat, lon, county, district, ward, lsoa, imd, doterm in places:
        PostcodeUnit.objects.update_or_create(
            postcode=pcds,
            defaults=dict(
                latitude=lat, longitude=lon, county_code=county, district_code=district,
                ward_code=ward, lsoa_code=lsoa, imd_rank=imd, terminated=doterm,
            ),
        )  # fmt: skip
    for code, name in names:
        AreaName.objects.update_or_create(code=code, defaults={"name": name})
