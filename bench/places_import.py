"""The full-UK ONSPD import (~2.7 million rows) on PostgreSQL, against a parse-only floor.

    DATABASE_URL=postgres://…/portal_places python bench/places_import.py --rows 2700000

The real ONSPD cannot be downloaded here, so this writes a file of the same shape first (all of
the ONSPD's columns in its order, unique postcodes, realistic codes; var/bench/, never
committed), then times, in the same run: a csv.reader pass over the file (the floor: reading
it at all), and `manage.py import_postcodes` (streaming, normalising, COPY, in one transaction).
Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PORTAL_ENV", "development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from enquiries.models import PostcodeUnit  # noqa: E402
from tests.factories.places import ONSPD_HEADER  # noqa: E402

AREA_LIST = (
    "AB AL B BA BB BD BH BL BN BR BS CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN "
    "LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM "
    "SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
)
AREAS = AREA_LIST.split()
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
SPARSE = random.Random(7)


def postcodes(count: int):
    made = 0
    for area in AREAS:
        for district in range(1, 100):
            for sector in range(10):
                for a in LETTERS:
                    for b in LETTERS:
                        yield f"{area}{district} {sector}{a}{b}"
                        made += 1
                        if made >= count:
                            return
                if made and made % 400 == 0 and SPARSE.random() < 0.35:
                    break  # sectors are sparse: spread postcodes over all areas


def generate(path: Path, rows: int) -> float:
    started = time.monotonic()
    rng = random.Random(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    index = {name: i for i, name in enumerate(ONSPD_HEADER)}
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ONSPD_HEADER)
        template = [""] * len(ONSPD_HEADER)
        for n, pcds in enumerate(postcodes(rows)):
            row = list(template)
            row[index["pcd"]] = pcds.replace(" ", "").ljust(7)
            row[index["pcd2"]] = pcds.replace(" ", "  ")[:8]
            row[index["pcds"]] = pcds
            row[index["dointr"]] = "198001"
            row[index["doterm"]] = "201906" if n % 9 == 0 else ""
            row[index["oscty"]] = f"E1000{n % 30:04d}" if n % 3 else "E99999999"
            row[index["oslaua"]] = f"E0{6 + n % 3}00{n % 300:04d}"
            row[index["osward"]] = f"E05{n % 9000:06d}"
            row[index["usertype"]] = "0"
            row[index["oseast1m"]] = str(rng.randint(100_000, 650_000))
            row[index["osnrth1m"]] = str(rng.randint(10_000, 1_200_000))
            row[index["osgrdind"]] = "1"
            row[index["ctry"]] = "E92000001"
            row[index["rgn"]] = "E12000002"
            row[index["lsoa11"]] = f"E01{n % 32844:06d}"
            row[index["lsoa21"]] = f"E01{n % 35672:06d}"
            row[index["msoa21"]] = f"E02{n % 7264:06d}"
            row[index["oa21"]] = f"E00{n % 188880:06d}"
            row[index["lat"]] = f"{rng.uniform(49.9, 60.8):.6f}" if n % 50 else "99.999999"
            row[index["long"]] = f"{rng.uniform(-8.1, 1.7):.6f}" if n % 50 else "0.000000"
            row[index["imd"]] = str(rng.randint(1, 32844))
            writer.writerow(row)
    partial.rename(path)  # a killed run never leaves half a file to be reused
    return time.monotonic() - started


def parse_floor(path: Path) -> tuple[float, int]:
    started = time.monotonic()
    with path.open(encoding="utf-8", newline="") as handle:
        count = sum(1 for _ in csv.reader(handle)) - 1
    return time.monotonic() - started, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--file", type=Path, default=Path("var/bench/ONSPD_BENCH_UK.csv"))
    parser.add_argument("--generate-only", action="store_true", help="write the file, no import")
    args = parser.parse_args()
    if args.generate_only:
        print(f"Generated in {generate(args.file, args.rows):.0f} s")
        return
    assert connection.vendor == "postgresql", "the import target is PostgreSQL (COPY)"

    generated = None
    if not args.file.exists():
        generated = generate(args.file, args.rows)
    size_mb = args.file.stat().st_size / 1e6
    floor, rows = parse_floor(args.file)
    runs = []
    for _ in range(2):  # the second run replaces the first (idempotent re-import)
        started = time.monotonic()
        call_command("import_postcodes", str(args.file), stdout=io.StringIO())
        runs.append(time.monotonic() - started)
    loaded = PostcodeUnit.objects.count()

    print(f"File: {rows:,} rows, {len(ONSPD_HEADER)} columns, {size_mb:,.0f} MB", end="")
    print(f" (generated in {generated:.0f} s)" if generated else " (reused)")
    print(f"Loaded: {loaded:,} postcodes\n")
    print("| Step | seconds | × floor | target | met |")
    print("|---|---:|---:|---|---|")
    print(f"| Floor: csv.reader over the file | {floor:.1f} | 1.00 | | |")
    for n, seconds in enumerate(runs, start=1):
        label = "import_postcodes" + (" (re-import, replaces)" if n > 1 else "")
        met = "yes" if seconds < 180 else "no"
        print(f"| {label} | {seconds:.1f} | {seconds / floor:.2f} | < 180 s | {met} |")


if __name__ == "__main__":
    main()
