"""Loading a legacy CRM's history (CSV): columns chosen by the caller, categories mapped to
services by a mapping file; a row whose category has no mapping is reported, never guessed."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enquiries.choices import Channel
from enquiries.models import Service
from enquiries.normalise import normalise_postcode, postcode_district
from router.models import ImportedCase

DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class Columns:
    text: str = "text"
    category: str = "category"
    date: str = "date"
    channel: str = ""
    postcode: str = ""


@dataclass
class ImportReport:
    imported: int = 0
    already_imported: int = 0
    unmapped: Counter = field(default_factory=Counter)  # category -> rows
    problems: list[str] = field(default_factory=list)  # "row 12: no date"


def read_mapping(path: Path) -> dict[str, str]:
    """A two-column CSV: category, service slug (a header row ``category,service`` is fine)."""
    mapping: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            if len(row) < 2 or not row[0].strip() or row[0].strip().lower() == "category":
                continue
            mapping[row[0].strip().casefold()] = row[1].strip()
    return mapping


def _date(value: str) -> datetime | None:
    value = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(value, fmt))
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _channel(value: str) -> str:
    value = value.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {
        "telephone": "phone",
        "call": "phone",
        "e_mail": "email",
        "online": "web",
        "visit": "face_to_face",
        "walk_in": "face_to_face",
    }
    value = aliases.get(value, value)
    return value if value in Channel.values else ""


def import_cases(
    csv_path: Path, mapping: dict[str, str], *, columns: Columns, batch: str | None = None
) -> ImportReport:
    """Import every mapped row (idempotent per file name and row number)."""
    batch = batch or csv_path.name
    services = {s.slug: s for s in Service.objects.filter(slug__in=set(mapping.values()))}
    missing = sorted(set(mapping.values()) - set(services))
    report = ImportReport()
    if missing:
        report.problems.append(
            "The mapping names services that do not exist: " + ", ".join(missing)
        )
        return report
    rows: list[ImportedCase] = []
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        wanted = [
            c
            for c in (
                columns.text,
                columns.category,
                columns.date,
                columns.channel,
                columns.postcode,
            )
            if c
        ]
        absent = [c for c in wanted if c not in (reader.fieldnames or [])]
        if absent:
            report.problems.append("The file has no column named: " + ", ".join(absent))
            return report
        for number, row in enumerate(reader, start=2):  # row 1 is the header
            category = (row.get(columns.category) or "").strip()
            slug = mapping.get(category.casefold())
            if slug is None:
                report.unmapped[category or "(blank)"] += 1
                continue
            text = (row.get(columns.text) or "").strip()
            when = _date(row.get(columns.date) or "")
            if not text or when is None:
                report.problems.append(f"row {number}: " + ("no text" if not text else "no date"))
                continue
            district = ""
            if columns.postcode and row.get(columns.postcode):
                try:
                    district = postcode_district(normalise_postcode(row[columns.postcode]))
                except ValidationError:  # a bad postcode keeps the row, without a place
                    district = ""
            rows.append(
                ImportedCase(
                    batch=batch,
                    row_number=number,
                    text=text[:20_000],
                    category=category[:200],
                    service=services[slug],
                    received_at=when,
                    channel=_channel(row.get(columns.channel, "")) if columns.channel else "",
                    postcode_district=district[:4],
                )
            )
    with transaction.atomic():
        before = ImportedCase.objects.filter(batch=batch).count()
        ImportedCase.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        report.imported = ImportedCase.objects.filter(batch=batch).count() - before
    report.already_imported = len(rows) - report.imported
    return report
