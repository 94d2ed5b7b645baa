"""A small generated postcode directory for the demo county, so `make run` places cases, answers
"not in Northmoor" and shows maps without downloading the ONSPD. Invented, ONSPD-shaped rows:
every demo postcode (enquiries.demo_data.postcode_for) is in it, plus a few outside the county."""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command

from enquiries import demo_data

COUNTY = "E10000099"  # Northmoor (invented code; COUNCIL_AREA_CODES' default)
DISTRICT = "E07000999"
OUTSIDE = [
    # pcds, lat, long, county, district, ward, lsoa21, imd
    ("SW1A 1AA", 51.501009, -0.141588, "E99999999", "E09000033", "E05013806", "E01004736", 17000),
    ("M1 1AE", 53.481183, -2.237097, "E99999999", "E08000003", "E05011368", "E01033658", 9000),
    ("LS1 1UR", 53.799620, -1.549160, "E99999999", "E08000035", "E05011414", "E01033008", 6000),
]  # fmt: skip
OUTSIDE_NAMES = [
    ("E09000033", "Westminster City Council"),
    ("E08000003", "Manchester City Council"),
    ("E08000035", "Leeds City Council"),
    (COUNTY, "Northmoor County Council"),
    (DISTRICT, "Northmoor"),
]
HEADER = ["pcds", "lat", "long", "oscty", "oslaua", "osward", "lsoa21", "imd", "doterm"]
WARD_PARTS = ("North", "Central", "South")


def wards() -> list[tuple[str, str]]:
    return [
        (f"E0509{t:02d}{p}", f"{town['town']} {part}")
        for t, town in enumerate(demo_data.TOWNS)
        for p, part in enumerate(WARD_PARTS)
    ]


def rows() -> Iterator[list]:
    letters = demo_data._INWARD_LETTERS
    seen: set[str] = set()
    for t, town in enumerate(demo_data.TOWNS):
        for district in town["districts"]:
            if district in seen:  # PR2 is both Preston's and Fulwood's: placed by the first
                continue
            seen.add(district)
            for sector in range(1, 10):
                ward = f"E0509{t:02d}{(sector - 1) // 3}"
                lsoa = f"E0109{t:02d}{sector:02d}"
                imd = random.Random(f"{district}{sector}").randint(1, 32_844)
                for a in letters:
                    for b in letters:
                        postcode = f"{district} {sector}{a}{b}"
                        rng = random.Random(postcode)
                        lat = town["lat"] + (sector - 5) * 0.002 + rng.uniform(-0.002, 0.002)
                        lon = town["lon"] + rng.uniform(-0.02, 0.02)
                        yield [
                            postcode, f"{lat:.6f}", f"{lon:.6f}", COUNTY, DISTRICT, ward, lsoa,
                            imd, "",
                        ]  # fmt: skip
    for pcds, lat, lon, county, district, ward, lsoa, imd in OUTSIDE:
        yield [pcds, lat, lon, county, district, ward, lsoa, imd, ""]


def load(stdout=None) -> None:
    """Write the generated directory as ONSPD-format files and load it with import_postcodes."""
    with tempfile.TemporaryDirectory() as folder:
        onspd = Path(folder) / "ONSPD_DEMO.csv"
        names = Path(folder) / "names.csv"
        with onspd.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows())
        with names.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["WD24CD", "WD24NM"])
            writer.writerows([*wards(), *OUTSIDE_NAMES])
        call_command("import_postcodes", str(onspd), "--names", str(names), stdout=stdout)
