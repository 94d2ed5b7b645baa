"""Generate many realistic cases quickly, for scale tests and benchmarks.

    python manage.py generate_cases --count 1000000

Rows are built in memory in batches and written with PostgreSQL ``COPY`` (``bulk_create`` on
SQLite), with explicit ids, so a million cases with their residents, first contacts and
"created" events load in minutes. This deliberately bypasses ``intake`` (which is one
transaction per case, with routing and notifications): the data is for measuring reads only,
never for a live system. The catalogue comes from ``seed_demo`` (run first if there is none).
"""

from __future__ import annotations

import csv
import io
import json
import random
import secrets
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from enquiries import demo_data
from enquiries.choices import (
    OPEN_STATUSES,
    AssistedDigitalReason,
    Channel,
    Direction,
    EventKind,
    Outcome,
    Priority,
    Status,
)
from enquiries.models import (
    Case,
    CaseEvent,
    Contact,
    Department,
    Resident,
    Service,
    hash_tracking_token,
    make_tracking_token,
)
from enquiries.references import ALPHABET, check_character, format_reference

BATCH = 50_000
STATUSES = [
    (Status.CLOSED, 62),
    (Status.RESOLVED, 20),
    (Status.OPEN, 7),
    (Status.IN_PROGRESS, 7),
    (Status.AWAITING_RESIDENT, 2),
    (Status.REOPENED, 1),
    (Status.RECEIVED, 1),
]
CHANNELS = [
    (Channel.WEB, 55),
    (Channel.EMAIL, 20),
    (Channel.PHONE, 17),
    (Channel.FACE_TO_FACE, 5),
    (Channel.API, 3),
]
PRIORITIES = [(Priority.LOW, 10), (Priority.NORMAL, 70), (Priority.HIGH, 15), (Priority.URGENT, 5)]
SURNAMES = [
    "Thornber", "Cowell", "Patel", "Begum", "Iqbal", "Hargreaves", "Whittaker", "Nowak",
    "Okafor", "Kowalczyk", "Murphy", "Martinez", "Dubois", "Mensah", "Sharma", "Mistry", "Kaur",
    "Singh", "Khan", "Hussain", "Ahmed", "Chen", "Wong", "Nguyen", "Tanaka", "Pilkington",
    "Haworth", "Sutcliffe", "Ashworth", "Entwistle", "Crompton", "McKenzie", "MacLeod",
    "Fraser", "Pritchard", "Evans", "Morgan", "Hughes", "O'Connor", "Byrne", "Doyle", "Kelly",
    "Holden", "Rigby", "Lund", "Gornall", "Sharples", "Okoro", "Rees", "Singleton", "Smith",
    "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Robinson", "Thompson", "White",
]  # fmt: skip
FORENAMES = [
    "Margaret", "John", "Priya", "Fatima", "Mohammed", "Amelia", "Oliver", "Lukasz", "Chidi",
    "Zoe", "Grainne", "Jose", "Renee", "Kwame", "Rajesh", "Anjali", "Harpreet", "Ayesha",
    "Imran", "Wei", "Thanh", "Hiroshi", "Eleanor", "George", "Jack", "Emily", "Sophie",
    "Harry", "Isla", "Callum", "Rhys", "Ffion", "Cerys", "Dylan", "Niamh", "Patrick", "Dorothy",
    "Owen", "Heather", "Ruth", "Elaine", "Marcus", "Bethan", "Carol", "Tom", "Nadia", "Grace",
]  # fmt: skip


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]], k: int) -> list[Any]:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs], k=k)


def _reference(rng: random.Random, seen: set[str]) -> str:
    while True:
        payload = "".join(rng.choices(ALPHABET, k=8))
        check = check_character(payload)
        if check is not None:
            ref = format_reference(payload + check)
            if ref not in seen:
                seen.add(ref)
                return ref


class Command(BaseCommand):
    help = "Create N realistic cases fast (COPY on PostgreSQL), for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="How many cases to add.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--residents-per-case",
            type=float,
            default=0.35,
            help="Residents created per case (people come back): 0.35 by default.",
        )
        parser.add_argument(
            "--realistic",
            action="store_true",
            help="Seasonality, wards and deprivation, chasers by service (insight.generation).",
        )
        parser.add_argument(
            "--hotspots", type=int, default=0, help="With --realistic: inject N hotspots."
        )

    def handle(self, *args: Any, count: int, seed: int, residents_per_case: float, **opts: Any):
        self.shaper = None
        started = time.monotonic()
        if not Service.objects.filter(is_active=True).exists():
            call_command("seed_demo", cases=0, stdout=io.StringIO())
        rng = random.Random(seed)
        services = list(Service.objects.filter(is_active=True).select_related("department"))
        staff = {
            d.pk: list(d.members.values_list("pk", flat=True))
            for d in Department.objects.prefetch_related("members")
        }
        existing_refs = set(Case.objects.values_list("reference", flat=True))
        now = timezone.now()
        resident_count = max(1, int(count * residents_per_case))
        resident_ids = self._residents(rng, resident_count)
        ids = {m: self._next_id(m) for m in (Case, Contact, CaseEvent)}
        if opts.get("realistic"):
            from insight.generation import Shaper

            self.shaper = Shaper(rng, now, services, count, opts.get("hotspots") or 0)
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            self._batch(rng, size, ids, services, staff, resident_ids, existing_refs, now)
            done += size
            self.stdout.write(f"  {done:,} cases ({time.monotonic() - started:.0f}s)")
        for model in (Resident, Case, Contact, CaseEvent):
            self._reset_sequence(model)
        if connection.vendor == "postgresql":
            # statistics, and the visibility map that lets worklist counts read only the index
            # (VACUUM cannot run in a transaction, e.g. inside a test: then ANALYZE only)
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(command)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count:,} cases and {resident_count:,} residents "
                f"in {time.monotonic() - started:.1f}s"
            )
        )

    # --- residents -------------------------------------------------------------------------

    def _residents(self, rng: random.Random, n: int) -> list[int]:
        first_id = self._next_id(Resident)
        rows = []
        now = timezone.now()
        for i in range(n):
            forename, surname = rng.choice(FORENAMES), rng.choice(SURNAMES)
            town = rng.choice(demo_data.TOWNS)
            district = rng.choice(town["districts"])
            postcode = demo_data.postcode_for(district, rng)
            rows.append(
                Resident(
                    id=first_id + i,
                    full_name=f"{forename} {surname}",
                    email=f"{forename}.{surname}.{first_id + i}@example.com".lower().replace(
                        "'", ""
                    )
                    if rng.random() < 0.8
                    else "",
                    phone=f"+447700{rng.randint(0, 999_999):06d}" if rng.random() < 0.7 else "",
                    address=f"{rng.randint(1, 200)} {rng.choice(demo_data.STREETS)}, "
                    f"{town['town']}",
                    postcode=postcode,
                    postcode_district=district,
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(rows) >= BATCH:
                self._write(Resident, rows)
                rows = []
        self._write(Resident, rows)
        return list(range(first_id, first_id + n))

    # --- cases -----------------------------------------------------------------------------

    def _batch(
        self,
        rng: random.Random,
        size: int,
        ids: dict,
        services: list[Service],
        staff: dict[int, list[int]],
        resident_ids: list[int],
        seen: set[str],
        now: datetime,
    ) -> None:
        statuses = _weighted(rng, STATUSES, size)
        channels = _weighted(rng, CHANNELS, size)
        priorities = _weighted(rng, PRIORITIES, size)
        cases, contacts, events = [], [], []
        for i in range(size):
            service = rng.choice(services)
            status, channel = statuses[i], channels[i]
            is_open = status in OPEN_STATUSES
            age = rng.uniform(0, 30) if is_open else rng.uniform(5, 3 * 365)
            created = now - timedelta(days=age)
            reference = _reference(rng, seen)
            salt = secrets.token_hex(8)
            members = staff.get(service.department_id) or []
            assignee = rng.choice(members) if members and status != Status.RECEIVED else None
            if status in (Status.OPEN, Status.RECEIVED) and rng.random() < 0.6:
                assignee = None
            district = rng.choice(rng.choice(demo_data.TOWNS)["districts"])
            case_id = ids[Case]
            ids[Case] += 1
            finished = None if is_open else created + timedelta(days=rng.uniform(0.1, 20))
            cases.append(
                Case(
                    id=case_id,
                    reference=reference,
                    tracking_salt=salt,
                    tracking_token_hash=hash_tracking_token(make_tracking_token(reference, salt)),
                    service_id=service.pk,
                    department_id=None if status == Status.RECEIVED else service.department_id,
                    channel=channel,
                    resident_id=rng.choice(resident_ids),
                    summary=f"{service.name} near {rng.choice(demo_data.STREETS)}"[:200],
                    description=f"Generated case {reference} for scale testing.",
                    postcode=demo_data.postcode_for(district, rng),
                    postcode_district=district,
                    **_place(service, district, case_id),
                    status=status,
                    priority=priorities[i],
                    outcome=Outcome.RESOLVED if finished else "",
                    sla_due_at=None
                    if status == Status.RECEIVED
                    else created + timedelta(days=service.sla_days * 1.4),
                    assignee_id=assignee,
                    created_at=created,
                    updated_at=finished or created,
                    routed_at=None if status == Status.RECEIVED else created,
                    resolved_at=finished,
                    closed_at=finished if status == Status.CLOSED else None,
                )
            )
            phone_or_desk = channel in (Channel.PHONE, Channel.FACE_TO_FACE)
            contacts.append(
                Contact(
                    id=ids[Contact],
                    case_id=case_id,
                    resident_id=cases[-1].resident_id,
                    channel=channel,
                    direction=Direction.INBOUND,
                    body=cases[-1].description,
                    occurred_at=created,
                    created_at=created,
                    call_duration_seconds=rng.randint(60, 900)
                    if channel == Channel.PHONE
                    else None,
                    office=rng.choice(demo_data.OFFICES) if channel == Channel.FACE_TO_FACE else "",
                    assisted_digital=phone_or_desk and rng.random() < 0.3,
                    assisted_digital_reason=rng.choice(AssistedDigitalReason.values)
                    if phone_or_desk
                    else "",
                    idempotency_key=f"generated:{reference}",
                )
            )
            if not contacts[-1].assisted_digital:
                contacts[-1].assisted_digital_reason = ""
            ids[Contact] += 1
            events.append(
                CaseEvent(
                    id=ids[CaseEvent],
                    case_id=case_id,
                    kind=EventKind.CREATED,
                    message="Case created (generated)",
                    to_status=Status.RECEIVED,
                    created_at=created,
                )
            )
            ids[CaseEvent] += 1
            if self.shaper is not None:
                for extra in self.shaper.shape(cases[-1], contacts[-1], events[-1]):
                    extra.id = ids[Contact]
                    ids[Contact] += 1
                    contacts.append(extra)
        with transaction.atomic():
            self._write(Case, cases)
            self._write(Contact, contacts)
            self._write(CaseEvent, events)

    # --- writing ---------------------------------------------------------------------------

    def _next_id(self, model: type[models.Model]) -> int:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()  # type: ignore[attr-defined]  # our models have .objects
        return (last or 0) + 1

    def _write(self, model: type[models.Model], rows: Sequence[models.Model]) -> None:
        if not rows:
            return
        if connection.vendor != "postgresql":
            model.objects.bulk_create(rows, batch_size=2000)  # type: ignore[attr-defined]  # our models have .objects
            return
        fields = [f for f in model._meta.concrete_fields]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_csv_value(f, getattr(row, f.attname)) for f in fields])
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)  # type: ignore[arg-type]  # concrete: a column
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {model._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )

    def _reset_sequence(self, model: type[models.Model]) -> None:
        if connection.vendor != "postgresql":
            return
        table = model._meta.db_table
        with connection.cursor() as cursor:
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: E501, S608 - our own table name
            cursor.execute(sql)


def _csv_value(field: models.Field, value: Any) -> Any:
    if value is None:
        return "\\N"
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return value


_TOWN_OF = {d: town for town in reversed(demo_data.TOWNS) for d in town["districts"]}


def _place(service: Service, district: str, case_id: int) -> dict:
    """Coordinates around the district's town for reports about a place (the nearby bench).

    A separate generator per case keeps the main random sequence, so other benches'
    data are unchanged."""
    if not service.is_location_based:
        return {}
    town, rng = _TOWN_OF[district], random.Random(case_id)
    return {
        "latitude": Decimal(f"{town['lat'] + rng.uniform(-0.03, 0.03):.6f}"),
        "longitude": Decimal(f"{town['lon'] + rng.uniform(-0.05, 0.05):.6f}"),
    }
