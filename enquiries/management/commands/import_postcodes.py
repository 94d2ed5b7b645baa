"""Load the ONS Postcode Directory (ONSPD) CSV, and its names-and-codes lookup files.

Streams the file row by row (never the whole file in memory), replaces the whole directory in one
transaction (a re-import is idempotent and readers never see half a directory), and on PostgreSQL
loads with COPY. See README "Places: postcodes, boundary and maps".
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, connection, transaction

from enquiries.models import AreaName, PostcodeUnit
from enquiries.normalise import normalise_postcode

REQUIRED = ("pcds", "lat", "long", "oscty", "oslaua", "osward", "imd", "doterm")
LSOA_COLUMNS = ("lsoa21", "lsoa11")
PROGRESS_EVERY = 250_000
BATCH = 5_000
# ONSPD marks postcodes without a grid reference with latitude 99.999999.
NO_LATITUDE = 99.0


class Command(BaseCommand):
    help = "Load the ONS Postcode Directory CSV (and optional names files); replaces what is there."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="ONSPD CSV (e.g. Data/ONSPD_FEB_2025_UK.csv), or - for stdin"
        )
        parser.add_argument(
            "--names",
            action="append",
            default=[],
            metavar="FILE",
            help="A names-and-codes CSV from the ONSPD 'Documents' folder (wards, LA_UA, "
            "counties): its ..CD and ..NM columns. Repeat for several.",
        )
        parser.add_argument(
            "--only",
            default="",
            metavar="CODES",
            help="Keep only postcodes whose county or district is one of these comma-separated "
            "GSS codes; 'council' means COUNCIL_AREA_CODES. Postcodes left out count as unknown "
            "(kept and flagged), not as outside the area.",
        )

    def handle(self, *args, **options) -> None:
        only = self._only(options["only"])
        started = time.monotonic()
        for names_file in options["names"]:
            count = load_names(Path(names_file))
            self.stdout.write(f"Names: {count:,} codes from {names_file}")
        source = options["file"]
        handle = (
            io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
            if source == "-"
            else _open(source)
        )
        with handle:
            reader = csv.reader(handle)
            try:
                header = [h.strip().lower() for h in next(reader)]
            except StopIteration:
                raise CommandError(f"{source} is empty: expected the ONSPD CSV header.") from None
            columns = _columns(header, source)
            counts = {"read": 0, "kept": 0, "bad": 0}
            rows = self._rows(reader, columns, only, counts, started)
            try:
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        _copy_postgres(rows)
                    else:
                        _insert_batches(rows)
            except IntegrityError as exc:  # nothing changed: the old directory stays
                raise CommandError(
                    f"{source} lists a postcode twice ({exc}); the directory was not changed."
                ) from exc
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['kept']:,} postcodes ({counts['read']:,} read, "
                f"{counts['bad']:,} skipped as malformed) in {seconds:.1f} s."
            )
        )

    def _only(self, value: str) -> set[str]:
        if value.strip().lower() == "council":
            codes = set(settings.COUNCIL_AREA_CODES)
            if not codes:
                raise CommandError("--only council needs COUNCIL_AREA_CODES to be set.")
            return codes
        return {c.strip().upper() for c in value.split(",") if c.strip()}

    def _rows(self, reader, columns, only, counts, started) -> Iterator[tuple]:
        pcds, lat, lon, cty, lad, ward, lsoa, imd, doterm = columns
        for record in reader:
            counts["read"] += 1
            if counts["read"] % PROGRESS_EVERY == 0:
                self.stdout.write(
                    f"  {counts['read']:,} rows read, {counts['kept']:,} kept "
                    f"({time.monotonic() - started:.0f} s)"
                )
                self.stdout.flush()
            try:
                county, district = record[cty], record[lad]
                if only and county not in only and district not in only:
                    continue
                postcode = normalise_postcode(record[pcds])
                latitude = float(record[lat]) if record[lat] else None
                longitude = float(record[lon]) if record[lon] else None
                rank = int(record[imd]) if record[imd].strip() else None
            except (IndexError, ValueError, ValidationError):  # one malformed row
                counts["bad"] += 1
                continue
            if latitude is None or latitude > NO_LATITUDE:
                latitude = longitude = None
            counts["kept"] += 1
            yield (
                postcode,
                latitude,
                longitude,
                county,
                district,
                record[ward],
                record[lsoa],
                rank,
                record[doterm].strip(),
            )


def _open(path: str):
    try:
        return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by caller
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc


def _columns(header: list[str], source: str) -> tuple[int, ...]:
    missing = [name for name in REQUIRED if name not in header]
    lsoa = next((name for name in LSOA_COLUMNS if name in header), None)
    if lsoa is None:
        missing.append("lsoa21 (or lsoa11)")
    if missing:
        raise CommandError(
            f"{source} is not an ONSPD CSV: missing column(s) {', '.join(missing)}. "
            "Use the file in the ONSPD download's Data/ folder."
        )
    return tuple(header.index(name) for name in (*REQUIRED[:6], lsoa, "imd", "doterm"))  # type: ignore[arg-type]  # lsoa found


FIELDS = (
    "postcode",
    "latitude",
    "longitude",
    "county_code",
    "district_code",
    "ward_code",
    "lsoa_code",
    "imd_rank",
    "terminated",
)


def _copy_postgres(rows: Iterator[tuple]) -> None:
    table = PostcodeUnit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        with connection.wrap_database_errors:  # a duplicate is Django's IntegrityError
            cursor.copy_expert(
                f"COPY {table} ({', '.join(FIELDS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                _CsvStream(rows),
                1 << 16,  # positional: Django's debug cursor wrapper takes no keywords
            )
        cursor.execute(f"ANALYZE {table}")


class _CsvStream:
    """A file-like view of the rows as CSV, so COPY streams them without building the file."""

    def __init__(self, rows: Iterator[tuple]) -> None:
        self._rows = rows
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        self._pending = ""

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self._pending) < size:
            chunk = list(islice(self._rows, 2_000))
            if not chunk:
                break
            self._writer.writerows(tuple("\\N" if v is None else v for v in row) for row in chunk)
            self._pending += self._buffer.getvalue()
            self._buffer.seek(0)
            self._buffer.truncate()
        if size < 0:
            size = len(self._pending)
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    readline = read


def _insert_batches(rows: Iterator[tuple]) -> None:
    PostcodeUnit.objects.all().delete()
    batch: list[PostcodeUnit] = []
    for row in rows:
        batch.append(PostcodeUnit(**dict(zip(FIELDS, row, strict=True))))
        if len(batch) >= BATCH:
            PostcodeUnit.objects.bulk_create(batch)
            batch = []
    if batch:
        PostcodeUnit.objects.bulk_create(batch)


def load_names(path: Path) -> int:
    """Upsert code -> name from a names-and-codes CSV (e.g. WD24CD,WD24NM)."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
    with handle:
        reader = csv.reader(handle)
        header = [h.strip().upper() for h in next(reader, [])]
        code_col = next((i for i, h in enumerate(header) if h.endswith("CD")), None)
        name_col = next((i for i, h in enumerate(header) if h.endswith("NM")), None)
        if code_col is None or name_col is None:
            raise CommandError(
                f"{path} is not a names-and-codes file: expected a ..CD and a ..NM column "
                f"(found {', '.join(header) or 'no header'})."
            )
        count = 0
        batch: list[AreaName] = []
        for record in reader:
            if len(record) <= max(code_col, name_col) or not record[code_col].strip():
                continue
            batch.append(AreaName(code=record[code_col].strip(), name=record[name_col].strip()))
            count += 1
            if len(batch) >= BATCH:
                _upsert_names(batch)
                batch = []
        if batch:
            _upsert_names(batch)
    return count


def _upsert_names(batch: list[AreaName]) -> None:
    AreaName.objects.bulk_create(
        batch, update_conflicts=True, unique_fields=["code"], update_fields=["name"]
    )
