"""``manage.py seed_demo``: a realistic Northmoor County Council demo, safe to run twice.

Catalogue, rules, staff and residents are upserted by slug, name, username or email; an
existing account keeps its password (only missing accounts get the demo one), and the command
refuses to run with PORTAL_ENV=production. Cases go
through ``enquiries.intake.submit`` with keys ``demo:case:<n>`` and move through the lifecycle
with ``enquiries.services``, so a re-run adds nothing and every case has a believable timeline.
"""

from __future__ import annotations

import io
import os
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from enquiries import demo_data as data
from enquiries import demo_places, outbox, services
from enquiries.choices import (
    OPEN_STATUSES,
    AssistedDigitalReason,
    Channel,
    Direction,
    EventKind,
    Outcome,
    Status,
)
from enquiries.intake import ContactDetails, NewCase, add_contact, submit
from enquiries.maintenance import history_rewrites_allowed
from enquiries.models import (
    Case,
    CaseEvent,
    CaseSubscription,
    Contact,
    Department,
    OutboxTask,
    Resident,
    RoutingRule,
    Service,
    Topic,
)
from enquiries.normalise import normalise_phone, normalise_postcode, postcode_district
from enquiries.questions import validate_question_schema

DEFAULT_PASSWORD = "demo-password-2026"  # noqa: S105 (a published demo password, by design)
KEY_PREFIX = "demo:case:"
HISTORY_PER_CASE = 2  # generated past cases per demo case, for the insight pages
HISTORY_MIN = 60  # enough for one injected hotspot (16 cases) among ordinary ones
STATUS_CYCLE = [
    Status.RECEIVED,
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.AWAITING_RESIDENT,
    Status.RESOLVED,
    Status.CLOSED,
    Status.REOPENED,
]
CHANNEL_CYCLE = [Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.FACE_TO_FACE, Channel.API]
# After the first 35 cases (every status x channel pair once), a realistic mix.
STATUS_WEIGHTS = [3, 14, 18, 7, 14, 38, 4]
CHANNEL_WEIGHTS = [45, 20, 20, 8, 7]
# How old a case in each status is, in days: finished cases are older than new ones.
AGE_DAYS = {
    Status.RECEIVED: (0.005, 0.2),
    Status.OPEN: (0.1, 8),
    Status.IN_PROGRESS: (1, 20),
    Status.AWAITING_RESIDENT: (2, 20),
    Status.RESOLVED: (2, 45),
    Status.CLOSED: (5, 90),
    Status.REOPENED: (16, 85),
}
AD_REASONS = [
    AssistedDigitalReason.NO_INTERNET,
    AssistedDigitalReason.CONFIDENCE,
    AssistedDigitalReason.DISABILITY,
    AssistedDigitalReason.LANGUAGE,
    AssistedDigitalReason.OTHER,
]


class Command(BaseCommand):
    help = "Load the Northmoor County Council demo (idempotent: running it twice adds nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=300, help="Target number of demo cases.")
        parser.add_argument(
            "--history",
            type=int,
            default=None,
            help="Generated past cases for the insight pages, with one hotspot "
            f"(default: {HISTORY_PER_CASE} per demo case; 0: none). Added once.",
        )

    def handle(self, *args: Any, cases: int, history: int | None = None, **options: Any) -> None:
        if settings.PORTAL_ENV == "production":
            raise CommandError(
                "seed_demo refuses to run with PORTAL_ENV=production: it loads invented "
                "residents and staff accounts with a published password. Use it on a "
                "development or test database only; create real staff with createsuperuser."
            )
        started = time.monotonic()
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        self.new_accounts: set[str] = set()
        self.history_added = 0
        with transaction.atomic():
            departments = self._departments()
            topics = self._topics()
            service_map = self._services(departments, topics)
            self._rules(departments, service_map)
            users = self._staff(password, departments)
            residents = self._residents()
        demo_places.load(stdout=io.StringIO())  # before the cases, so intake places them
        catalogue_seconds = time.monotonic() - started
        seeder = CaseSeeder(service_map, users, residents)
        with history_rewrites_allowed():  # the demo back-dates the history it invents
            created = seeder.run(cases)
        self._history(HISTORY_PER_CASE * cases if history is None else history)
        self._report(cases, created, password, catalogue_seconds, time.monotonic() - started)

    # --- catalogue --------------------------------------------------------------------------

    def _departments(self) -> dict[str, Department]:
        found = {}
        for spec in data.DEPARTMENTS:
            dept, _ = Department.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "email": spec["email"],
                    "is_triage": spec["is_triage"],
                },
            )
            found[dept.slug] = dept
        return found

    def _topics(self) -> dict[str, Topic]:
        found = {}
        for spec in data.TOPICS:
            topic, _ = Topic.objects.update_or_create(
                slug=spec["slug"],
                defaults={k: spec[k] for k in ("name", "description", "order")},
            )
            found[topic.slug] = topic
        return found

    def _services(
        self, departments: dict[str, Department], topics: dict[str, Topic]
    ) -> dict[str, Service]:
        found = {}
        for spec in data.SERVICES:
            questions = spec.get("questions", [])
            validate_question_schema(questions)  # bad demo data should fail loudly, here
            if spec.get("is_simple_query") and not spec.get("standard_answer"):
                raise ValueError(f"{spec['slug']}: a simple query needs a standard answer")
            service, _ = Service.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "topic": topics[spec["topic"]],
                    "department": departments[spec["department"]],
                    "summary": spec["summary"],
                    "description": spec["description"],
                    "what_happens_next": spec.get("what_happens_next", ""),
                    "not_council_note": spec.get("not_council_note", ""),
                    "keywords": spec.get("keywords", ""),
                    "sla_days": spec["sla_days"],
                    "default_priority": spec.get("default_priority", "normal"),
                    "is_simple_query": spec.get("is_simple_query", False),
                    "standard_answer": spec.get("standard_answer", ""),
                    "questions": questions,
                    "is_location_based": spec.get("is_location_based", False),
                    # places: a blue badge for someone moving in accepts an outside address
                    "accepts_outside_area": spec["slug"] in data.ACCEPTS_OUTSIDE_AREA,
                    "is_active": True,
                },
            )
            found[service.slug] = service
        return found

    def _rules(self, departments: dict[str, Department], service_map: dict[str, Service]) -> None:
        for spec in data.ROUTING_RULES:
            rule, _ = RoutingRule.objects.update_or_create(
                name=spec["name"],
                defaults={
                    "order": spec["order"],
                    "enabled": True,
                    "keywords_any": spec.get("keywords_any", ""),
                    "keywords_none": spec.get("keywords_none", ""),
                    "postcode_districts": spec.get("postcode_districts", ""),
                    "channels": spec.get("channels", []),
                    "resident_flags": spec.get("resident_flags", []),
                    "answer_conditions": spec.get("answer_conditions", {}),
                    "department": departments.get(spec.get("department", "")),
                    "priority": spec.get("priority", ""),
                    "auto_resolve": spec.get("auto_resolve", False),
                    "standard_answer": spec.get("standard_answer", ""),
                },
            )
            rule.services.set([service_map[slug] for slug in spec.get("services", [])])

    def _staff(self, password: str, departments: dict[str, Department]) -> dict[str, Any]:
        user_model = get_user_model()
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in data.GROUPS}
        hashed = make_password(password)  # hash once: hashing per user is the slow part
        users = {}
        for spec in data.STAFF:
            details = {
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": spec["email"],
                "is_staff": spec["is_staff"],
                "is_superuser": spec["is_superuser"],
                "is_active": True,
            }
            # an existing account keeps its password: only missing accounts get the demo one
            user, created = user_model.objects.update_or_create(
                username=spec["username"],
                defaults=details,
                create_defaults={**details, "password": hashed},
            )
            if created:
                self.new_accounts.add(user.username)
            user.groups.set([groups[name] for name in spec["groups"]])
            for slug in spec["member_of"]:
                departments[slug].members.add(user)
            for slug in spec["manager_of"]:
                departments[slug].managers.add(user)
            users[user.username] = user
        return users

    def _residents(self) -> list[Resident]:
        now = timezone.now()
        people = []
        for i, spec in enumerate(data.residents()):
            phone = normalise_phone(spec["phone"])
            postcode = normalise_postcode(spec["postcode"])
            lookup = {"email": spec["email"]} if spec["email"] else {"phone": phone, "email": ""}
            details = {
                "full_name": spec["full_name"],
                "email": spec["email"],
                "phone": phone,
                "address": spec["address"],
                "postcode": postcode,
                "postcode_district": postcode_district(postcode),
                "preferred_channel": spec["preferred_channel"],
                "consent_updates": spec["consent_updates"],
                "flags": spec["flags"],
            }
            resident, _ = Resident.objects.update_or_create(
                **lookup,
                defaults=details,
                create_defaults={**details, "created_at": now - timedelta(days=120 + i * 5)},
            )
            resident.demo_town = spec["town"]  # type: ignore[attr-defined]  # not a field: where to put their reports
            people.append(resident)
        return people

    def _history(self, count: int) -> None:
        """A past for the insight pages: generated cases with one hotspot, then the rollups.

        The 300 demo cases go through intake one by one and show no hotspot; the benchmark
        generator shapes a realistic history and injects one. Called by command name: enquiries
        imports nothing from insight. Added once: skipped if generated cases are there already.
        """
        if count <= 0 or Contact.objects.filter(idempotency_key__startswith="generated:").exists():
            return
        count = max(count, HISTORY_MIN)  # room for the injected hotspot's cases
        quiet = io.StringIO()
        call_command(
            "generate_cases", count=count, realistic=True, hotspots=1, seed=2026, stdout=quiet
        )
        call_command("refresh_insight", full=True, stdout=quiet)
        self.history_added = count

    # --- output -----------------------------------------------------------------------------

    def _report(
        self, target: int, created: int, password: str, catalogue_s: float, total_s: float
    ) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Northmoor County Council demo loaded."))
        out.write(
            f"  {Department.objects.count()} departments, {Topic.objects.count()} topics, "
            f"{Service.objects.count()} services, {RoutingRule.objects.count()} routing rules, "
            f"{Resident.objects.count()} residents"
        )
        demo_cases = Contact.objects.filter(idempotency_key__regex=r"^demo:case:[0-9]+$").count()
        out.write(
            f"  {created} cases created this run; {demo_cases} demo cases in total "
            f"(target {target})"
        )
        if self.history_added:
            out.write(
                f"  {self.history_added} generated past cases with a hotspot for the insight "
                "pages; rollups refreshed"
            )
        out.write(f"  catalogue {catalogue_s:.1f}s, total {total_s:.1f}s\n")
        rows = [("Username", "Role", "Groups", "Password")]
        for spec in data.STAFF:
            shown = password if spec["username"] in self.new_accounts else "(unchanged)"
            rows.append((spec["username"], spec["role"], ", ".join(spec["groups"]), shown))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for position, row in enumerate(rows):
            out.write("  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())
            if position == 0:
                out.write("  " + "  ".join("-" * w for w in widths))
        if password == DEFAULT_PASSWORD:
            out.write("\n  Demo password only: set DEMO_PASSWORD to choose another.")


class CaseSeeder:
    """Creates demo cases one by one, each with its own seeded RNG so re-runs agree."""

    def __init__(
        self, service_map: dict[str, Service], users: dict[str, Any], residents: list[Resident]
    ) -> None:
        self.services = service_map
        self.users = users
        self.residents = residents
        self.with_email = [r for r in residents if r.email]
        self.now = timezone.now()
        self.calendar = services.calendar()
        auto = {
            s
            for spec in data.ROUTING_RULES
            if spec.get("auto_resolve")
            for s in spec.get("services", [])
        }
        self.auto_answered = auto
        self.officers = self._officers()

    def _officers(self) -> dict[int, list[Any]]:
        """Who picks up work in each department: caseworkers, then managers, then the agent."""
        found: dict[int, list[Any]] = {}
        for dept in Department.objects.prefetch_related("members", "managers"):
            people = [u for u in dept.members.all() if u.groups.filter(name="caseworker").exists()]
            people = people or list(dept.managers.all()) or list(dept.members.all())
            found[dept.pk] = people or [self.users["agent"]]
        return found

    def run(self, target: int) -> int:
        existing = set(
            Contact.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list(
                "idempotency_key", flat=True
            )
        )
        watermark = OutboxTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        created_ids: list[int] = []
        with outbox.held():
            try:
                for n in range(target):
                    if f"{KEY_PREFIX}{n}" not in existing:
                        created_ids.append(self.seed_case(n))
            finally:
                self._finish(created_ids, watermark)
        return len(created_ids)

    def _finish(self, case_ids: list[int], watermark: int) -> None:
        """Close off the seeded outbox rows and give contacts their historical created_at."""
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            OutboxTask.objects.filter(
                pk__gt=watermark,
                state=OutboxTask.State.PENDING,
                kwargs__case_id__in=chunk,
            ).update(state=OutboxTask.State.DONE, completed_at=self.now)
        Contact.objects.filter(
            idempotency_key__startswith=KEY_PREFIX, created_at__gte=self.now
        ).update(created_at=F("occurred_at"))

    # --- one case ---------------------------------------------------------------------------

    def seed_case(self, n: int) -> int:
        rng = random.Random(f"northmoor-demo-case-{n}")
        if n < len(STATUS_CYCLE) * len(CHANNEL_CYCLE):
            status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
            channel = CHANNEL_CYCLE[n % len(CHANNEL_CYCLE)]
        else:
            status = rng.choices(STATUS_CYCLE, STATUS_WEIGHTS)[0]
            channel = rng.choices(CHANNEL_CYCLE, CHANNEL_WEIGHTS)[0]
        low, high = AGE_DAYS[status]
        t0 = self.now - timedelta(days=rng.uniform(low, high))
        if channel in (Channel.PHONE, Channel.FACE_TO_FACE):
            t0 = self.office_time(t0, rng)
        story = self._story(n, rng, status, channel)
        result = submit(self._new_case(n, rng, story, channel, t0))
        case = result.case
        flow = CaseFlow(self, case, f"{KEY_PREFIX}{n}", story, rng, t0)
        if story["first_contact"]:
            # intake closed it inside submit, stamped "now": put both moments in the past
            CaseEvent.objects.filter(case=case, kind=EventKind.CREATED).update(created_at=t0)
            closed_at = self.office_time(t0 + timedelta(minutes=rng.randint(4, 20)), rng)
            Case.objects.filter(pk=case.pk).update(closed_at=closed_at, resolved_at=closed_at)
            flow.stamp(closed_at)
        else:
            flow.stamp(t0)
            flow.play(status)
        flow.finish()
        return case.pk

    def _story(self, n: int, rng: random.Random, status: str, channel: str) -> dict[str, Any]:
        """What the case is about: service, resident, place and text."""
        resident_pool = self.with_email if channel == Channel.EMAIL else self.residents
        resident = rng.choice(resident_pool)
        unsorted = channel == Channel.EMAIL and rng.random() < 0.25
        service = None if unsorted else self._pick_service(rng, status, channel)
        town_spec = next(t for t in data.TOWNS if t["town"] == resident.demo_town)  # type: ignore[attr-defined]
        if service is not None and service.is_location_based and rng.random() < 0.3:
            town_spec = rng.choice(data.TOWNS)
        road, other = rng.sample(data.STREETS, 2)
        house = rng.randint(1, 160)
        landmark = rng.choice(data.LANDMARKS).format(other=other, house=house)
        ctx = {
            "road": road,
            "other": other,
            "town": town_spec["town"],
            "landmark": landmark,
            "house": house,
            "n4": rng.randint(1000, 9999),
            "name": resident.full_name,
            "soon": (self.now + timedelta(days=rng.randint(7, 40))).date().isoformat(),
        }
        fixed: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        if service is None:
            extra = rng.choice(data.UNSORTED_EMAILS)
            summary, description = extra["summary"], extra["description"]
            spec: dict[str, Any] = {}
        else:
            spec = data.CASE_TEMPLATES[service.slug]
            template = rng.choice(spec["templates"])
            summary, description = template[0], template[1]
            fixed = template[2] if len(template) > 2 else {}
        first_contact = (
            status == Status.CLOSED
            and service is not None
            and channel in (Channel.PHONE, Channel.FACE_TO_FACE)
            and (service.is_simple_query or rng.random() < 0.35)
        )
        return {
            "service": service,
            "resident": resident,
            "spec": spec,
            "extra": extra,
            "ctx": ctx,
            "town": town_spec,
            "fixed": fixed,
            "first_contact": first_contact,
            "summary": summary.format_map(ctx)[:200],
            "description": description.format_map(ctx),
            "channel": channel,
        }

    def _pick_service(self, rng: random.Random, status: str, channel: str) -> Service:
        candidates = [s for s in self.services.values() if s.slug in data.CASE_TEMPLATES]
        if channel == Channel.API:
            candidates = [s for s in candidates if s.is_location_based]
        if status not in (Status.RESOLVED, Status.CLOSED, Status.REOPENED):
            # auto-answered services resolve on routing, so they cannot stay open
            candidates = [s for s in candidates if s.slug not in self.auto_answered]
        weights = [data.CASE_TEMPLATES[s.slug]["weight"] for s in candidates]
        return rng.choices(candidates, weights)[0]

    def _new_case(
        self, n: int, rng: random.Random, story: dict[str, Any], channel: str, t0: datetime
    ) -> NewCase:
        service: Service | None = story["service"]
        resident: Resident = story["resident"]
        ctx = story["ctx"]
        address = postcode = ""
        lat = lon = None
        if service is not None and service.is_location_based:
            town = story["town"]
            address = f"{ctx['road']}, {town['town']}"
            postcode = data.postcode_for(rng.choice(town["districts"]), rng)
            lat = Decimal(str(round(town["lat"] + rng.uniform(-0.012, 0.012), 6)))
            lon = Decimal(str(round(town["lon"] + rng.uniform(-0.02, 0.02), 6)))
        return NewCase(
            idempotency_key=f"{KEY_PREFIX}{n}",
            contact=self._first_contact(n, rng, story, channel, t0),
            resident=resident,
            summary=story["summary"],
            description=story["description"],
            service=service,
            answers=self._answers(rng, story, t0),
            address=address,
            postcode=postcode,
            latitude=lat,
            longitude=lon,
            department=service.department if story["first_contact"] and service else None,
            resolved_outcome=Outcome.RESOLVED_FIRST_CONTACT if story["first_contact"] else "",
        )

    def _first_contact(
        self, n: int, rng: random.Random, story: dict[str, Any], channel: str, t0: datetime
    ) -> ContactDetails:
        resident: Resident = story["resident"]
        body = story["description"]
        common: dict[str, Any] = {
            "channel": channel,
            "occurred_at": t0,
            "subject": story["summary"],
        }
        if channel == Channel.EMAIL:
            return ContactDetails(
                **common,
                body=body,
                sender_name=resident.full_name,
                sender_address=resident.email,
                message_id=f"<demo.{n}.{t0:%Y%m%d%H%M}@mail.example.com>",
            )
        if channel == Channel.API:
            return ContactDetails(**common, body=body, sender_name=data.PARTNER_APP)
        if channel in (Channel.PHONE, Channel.FACE_TO_FACE):
            assisted = rng.random() < (0.35 if channel == Channel.PHONE else 0.5)
            reason = ""
            if assisted:
                needs_language = "needs_interpreter" in resident.flags
                reason = (
                    AssistedDigitalReason.LANGUAGE if needs_language else rng.choice(AD_REASONS)
                )
            if channel == Channel.PHONE:
                return ContactDetails(
                    **common,
                    body=f"Caller says: {body}",
                    recorded_by=self.users["agent"],
                    call_duration_seconds=rng.randint(75, 1100),
                    assisted_digital=assisted,
                    assisted_digital_reason=reason,
                )
            return ContactDetails(
                **common,
                body=f"Resident at the desk says: {body}",
                recorded_by=self.users["frontdesk"],
                office=rng.choice(data.OFFICES),
                assisted_digital=assisted,
                assisted_digital_reason=reason,
            )
        return ContactDetails(**common, body=body)

    def _answers(self, rng: random.Random, story: dict[str, Any], t0: datetime) -> dict[str, Any]:
        service: Service | None = story["service"]
        if service is None:
            return {}
        samples = story["spec"].get("answers", {})
        answers: dict[str, Any] = {}
        for question in service.questions:
            name, kind = question["name"], question["type"]
            if name in story["fixed"]:
                answers[name] = story["fixed"][name]
                continue
            if not question.get("required") and rng.random() < 0.3:
                continue  # residents skip optional questions
            value: Any
            if samples.get(name):
                value = rng.choice(samples[name]).format_map(story["ctx"])
            elif kind == "choice":
                value = rng.choice(question["choices"])
            elif kind == "yes_no":
                value = rng.random() < 0.5
            elif kind == "date":
                value = (t0 - timedelta(days=rng.randint(0, 4))).date().isoformat()
            elif kind == "location":
                value = f"{story['ctx']['road']}, {story['ctx']['town']}"
            else:
                value = ""
            if value != "":
                answers[name] = value
        return answers

    def office_time(self, moment: datetime, rng: random.Random) -> datetime:
        """Staff act in office hours: move a time outside them into the next opening."""
        start = self.calendar.clock_start(moment)
        if start != moment:
            start += timedelta(minutes=rng.randint(3, 150))
        return min(start, self.now - timedelta(minutes=1))


class CaseFlow:
    """Moves one case to its target status through enquiries.services, in past time."""

    def __init__(
        self,
        seeder: CaseSeeder,
        case: Case,
        key: str,
        story: dict[str, Any],
        rng: random.Random,
        t0: datetime,
    ) -> None:
        self.seeder = seeder
        self.case = case
        self.key = key
        self.story = story
        self.rng = rng
        self.t0 = t0
        self.last = t0
        self.span = seeder.now - t0
        self.end = seeder.now  # work steps are spread between t0 and this moment

    # --- helpers ----------------------------------------------------------------------------

    def when(self, fraction: float, office: bool = True) -> datetime:
        """A moment ``fraction`` of the way through the work, after the previous step."""
        return self.at(self.t0 + (self.end - self.t0) * fraction, office)

    def at(self, moment: datetime, office: bool = True) -> datetime:
        """An absolute moment, kept in office hours and in order like :meth:`when`."""
        if office:
            moment = self.seeder.office_time(moment, self.rng)
        moment = max(moment, self.last + timedelta(minutes=1))
        return min(moment, self.seeder.now - timedelta(seconds=30))

    def stamp(self, moment: datetime) -> None:
        """Give the events the last step wrote (stamped "now") their place in the past."""
        CaseEvent.objects.filter(case_id=self.case.pk, created_at__gte=self.seeder.now).update(
            created_at=moment
        )
        self.last = max(self.last, moment)

    def step(self, moment: datetime, action: Callable[[], Any]) -> None:
        action()
        self.stamp(moment)
        self.case.refresh_from_db()

    def fmt(self, text: str) -> str:
        return text.format_map(self.story["ctx"])

    def contact(
        self,
        suffix: str,
        moment: datetime,
        body: str,
        *,
        direction: str = Direction.INBOUND,
        channel: str | None = None,
        chaser: bool = False,
        by: Any = None,
    ) -> None:
        resident: Resident = self.case.resident
        if channel is None:
            channel = Channel.EMAIL if resident.email else Channel.PHONE
        details = ContactDetails(
            channel=channel,
            direction=direction,
            body=body,
            occurred_at=moment,
            is_chaser=chaser,
            recorded_by=by,
            subject=f"Your enquiry {self.case.reference}",
            call_duration_seconds=self.rng.randint(60, 600) if channel == Channel.PHONE else None,
        )
        self.step(
            moment,
            lambda: add_contact(
                case=self.case,
                idempotency_key=f"{self.key}:{suffix}",
                contact=details,
                wake_case=False,
                judge_chaser=False,  # the story says which contacts chase
            ),
        )

    def transition(
        self, to: str, moment: datetime, by: Any, reason: str, outcome: str = ""
    ) -> None:
        self.step(
            moment,
            lambda: services.case_transition(
                case=self.case,
                to=to,
                by=by,
                reason=reason,
                outcome=outcome,
                now=moment,
                notify=False,  # history, not news: nobody should be emailed about it
            ),
        )

    # --- the story --------------------------------------------------------------------------

    def play(self, target: str) -> None:
        if target == Status.RECEIVED:
            return
        routed = self.when(0.0, office=False) + timedelta(minutes=self.rng.randint(1, 25))
        routed = min(routed, self.seeder.now - timedelta(seconds=45))
        self.step(routed, lambda: services.route_case(case_id=self.case.pk, now=routed))
        if target == Status.OPEN:
            self.maybe_chase(0.5)
            return
        officer = None
        if self.case.status != Status.RESOLVED:  # not answered automatically
            if target in (Status.RESOLVED, Status.CLOSED, Status.REOPENED):
                self.end = self.resolution_due(routed)
            officer = self.work(target)
            if officer is None:
                return
        if target == Status.RESOLVED:
            return
        # after the resolution: a few days' quiet, then closed, or the resident comes back
        self.end = self.seeder.now
        after = self.last + timedelta(days=self.rng.uniform(3, 14))
        after = min(after, self.last + (self.seeder.now - self.last) * 0.9)
        if target == Status.CLOSED:
            reason = "Closed: no reply after the resolution"
            self.transition(Status.CLOSED, self.at(after), officer, reason)
            return
        self.contact(
            "reopen", self.at(after, office=False), self.fmt(self.rng.choice(data.REOPEN_REASONS))
        )
        reason = "The resident replied after the case was finished"
        self.transition(Status.REOPENED, self.at(after + timedelta(hours=2)), None, reason)

    def resolution_due(self, routed: datetime) -> datetime:
        """When the team finishes: mostly inside the service level, about one in six late."""
        service: Service | None = self.story["service"]
        sla_days = service.sla_days if service else 10
        share = (
            self.rng.uniform(1.05, 1.8)
            if self.rng.random() < 0.17
            else self.rng.uniform(0.15, 0.95)
        )
        seconds = int(sla_days * share * self.seeder.calendar.hours.nominal_day_seconds)
        finished = self.seeder.calendar.add_working_seconds(routed, max(seconds, 1800))
        return min(finished, self.seeder.now - timedelta(minutes=5))

    def work(self, target: str) -> Any:
        """Triage, pick up, perhaps ask the resident something, then resolve. Returns who."""
        agent = self.seeder.users["agent"]
        extra = self.story["extra"]
        if self.case.department and self.case.department.is_triage and extra.get("transfer_to"):
            dept = Department.objects.get(slug=extra["transfer_to"])
            moment = self.when(0.05)
            self.step(
                moment,
                lambda: services.transfer(
                    case=self.case,
                    to_department=dept,
                    by=agent,
                    reason="Sent to the team that looks after this",
                ),
            )
        officer = self.rng.choice(self.seeder.officers[self.case.department_id])  # type: ignore[index]  # routed
        moment = self.when(0.1)
        self.step(
            moment, lambda: services.case_assign(case=self.case, assignee=officer, by=officer)
        )
        if self.case.status != Status.IN_PROGRESS:  # safety net: case_assign only moves open cases
            self.transition(Status.IN_PROGRESS, moment, officer, "Picked up")
        if target == Status.IN_PROGRESS:
            self.note(officer, 0.3)
            self.maybe_chase(0.6)
            return None
        if target == Status.AWAITING_RESIDENT or self.rng.random() < 0.25:
            moment = self.when(0.3)
            service: Service | None = self.story["service"]
            place = bool(service and service.is_location_based)
            exchange = self.rng.choice([q for q in data.AWAITING_QUESTIONS if q["place"] == place])
            self.contact(
                "ask",
                moment,
                exchange["ask"],
                direction=Direction.OUTBOUND,
                by=officer,
            )
            self.transition(
                Status.AWAITING_RESIDENT, moment, officer, "Asked the resident for more information"
            )
            if target == Status.AWAITING_RESIDENT:
                self.maybe_chase(0.7)
                return None
            moment = self.when(0.45, office=False)
            self.contact("reply", moment, self.fmt(exchange["reply"]))
            self.transition(Status.IN_PROGRESS, self.when(0.47), officer, "The resident replied")
        self.note(officer, 0.6)
        self.resolve(officer)
        return officer

    def note(self, officer: Any, fraction: float) -> None:
        """What the officer did, for colleagues: never shown to the resident."""
        if self.rng.random() < 0.75:
            notes = self.story["spec"].get("notes") or data.DEPARTMENT_NOTES
            body = self.fmt(self.rng.choice(notes))
            moment = self.when(fraction)
            self.step(moment, lambda: services.add_note(case=self.case, body=body, by=officer))

    def resolve(self, officer: Any) -> None:
        service: Service | None = self.story["service"]
        outcome = Outcome.RESOLVED
        if self.story["extra"].get("district_matter") or (
            service and service.not_council_note and service.is_simple_query
        ):
            outcome = Outcome.NOT_COUNCIL
            message = data.DISTRICT_MATTER_REPLY
        else:
            if self.rng.random() < 0.08:
                outcome = Outcome.NO_ACTION
            resolutions = self.story["spec"].get("resolutions") or [
                "We have dealt with your enquiry. Thank you for contacting us."
            ]
            message = self.fmt(self.rng.choice(resolutions))
        moment = self.when(1.0)
        self.contact("resolution", moment, message, direction=Direction.OUTBOUND, by=officer)
        self.transition(Status.RESOLVED, moment, officer, "Resolved", outcome=outcome)

    def maybe_chase(self, fraction: float) -> None:
        """Failure demand: some residents ring or email to ask what is happening."""
        if self.span < timedelta(days=4) or self.rng.random() > 0.35:
            return
        phone = self.rng.random() < 0.6
        self.contact(
            "chaser",
            self.when(fraction),
            self.rng.choice(data.CHASERS),
            chaser=True,
            channel=Channel.PHONE if phone else None,
            by=self.seeder.users["agent"] if phone else None,
        )
        self.maybe_subscribe()

    def maybe_subscribe(self) -> None:
        """Tell us once: a neighbour reporting the same place follows this case instead."""
        service: Service | None = self.story["service"]
        if service and service.is_location_based and self.rng.random() < 0.4:
            neighbour = self.rng.choice(self.seeder.residents)
            moment = self.when(0.8, office=False)
            self.step(
                moment,
                lambda: services.subscribe(case=self.case, resident=neighbour, channel=Channel.WEB),
            )
            CaseSubscription.objects.filter(case=self.case, resident=neighbour).update(
                created_at=moment
            )

    def finish(self) -> None:
        """Back-date the case itself, and record its service-level state as of now."""
        case = Case.objects.select_related("service").get(pk=self.case.pk)
        fields: dict[str, Any] = {"created_at": self.t0, "updated_at": self.last}
        if case.sla_due_at and case.routed_at:
            if case.status in OPEN_STATUSES and case.status != Status.AWAITING_RESIDENT:
                fields["sla_state"] = self.seeder.calendar.sla_state(
                    self.seeder.now, case.sla_due_at, case.routed_at
                )
            elif case.resolved_at and case.resolved_at > case.sla_due_at:
                fields["sla_state"] = "breached"
        Case.objects.filter(pk=case.pk).update(**fields)
