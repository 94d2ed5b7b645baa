"""The rollups equal the figures counted from the raw case tables, whatever happened."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enquiries import intake, outbox, retention, services
from enquiries.choices import (
    AssistedDigitalReason,
    Channel,
    Direction,
    EventKind,
    Outcome,
    SlaState,
    Status,
)
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case, Contact, SelfServiceOutcome
from insight import rollups
from insight.models import METRICS, CaseRollup, PlaceKind, RuleRollup, SelfServiceRollup
from tests.factories import CaseFactory, DepartmentFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WARDS = [("E05000001", "Riverside", 2), ("E05000002", "Hilltop", 7), ("", "", None)]
CHANNELS = [Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.FACE_TO_FACE, Channel.API]


def raw_counts() -> dict[tuple, dict[str, int]]:
    """The oracle: every figure counted case by case from the raw tables, in plain Python."""
    expected: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in Case.objects.all():
        contacts = list(Contact.objects.filter(case=case).order_by("pk"))
        chasers = sum(1 for c in contacts if c.is_chaser)
        assisted = [c for c in contacts if c.assisted_digital]
        figures = {
            "cases": 1,
            "chasers": chasers,
            "chased_cases": int(chasers > 0),
            "repeat_cases": int(case.follows_id is not None or case.merged_into_id is not None),
            "reopened": int(
                case.events.filter(kind=EventKind.STATUS, to_status=Status.REOPENED).exists()
            ),
            "transferred": int(case.transfer_count > 0),
            "transfers": case.transfer_count,
            "breached": int(case.sla_state == SlaState.BREACHED),
            "auto_answered": int(case.outcome == Outcome.ANSWERED_AUTOMATICALLY),
            "first_contact": int(case.outcome == Outcome.RESOLVED_FIRST_CONTACT),
            "assisted": int(bool(assisted)),
            "online_then_phoned": int(
                case.channel in (Channel.WEB, Channel.EMAIL, Channel.API)
                and any(
                    c.channel == Channel.PHONE and c.direction == Direction.INBOUND
                    for c in contacts
                )
            ),
        }
        if assisted:
            figures[f"assisted_{assisted[0].assisted_digital_reason or 'other'}"] = 1
        if case.resolved_at:
            figures["resolved"] = 1
            figures["resolved_in_sla"] = int(
                case.sla_due_at is None or case.resolved_at <= case.sla_due_at
            )
            days = rollups.working_days_between(
                timezone.localtime(case.created_at, rollups.UK).date(),
                timezone.localtime(case.resolved_at, rollups.UK).date(),
            )
            figures[rollups.resolve_field(days)] = 1
        week = rollups.week_of(case.created_at)
        decile = str(case.imd_decile) if case.imd_decile else ""
        for kind, code in (
            (PlaceKind.ALL, ""),
            (PlaceKind.DISTRICT, case.postcode_district),
            (PlaceKind.WARD, case.ward_code),
            (PlaceKind.DECILE, decile),
        ):
            key = (week, kind.value, code, case.service_id or 0, case.department_id or 0)
            key += (case.channel,)
            for name, value in figures.items():
                expected[key][name] += value
    return {key: {m: v for m, v in counts.items() if v} for key, counts in expected.items()}


def rolled_counts() -> dict[tuple, dict[str, int]]:
    found = {}
    for row in CaseRollup.objects.all():
        key = (row.week, row.place_kind, row.place_code, row.service_id, row.department_id)
        key += (row.channel,)
        found[key] = {m: getattr(row, m) for m in METRICS if getattr(row, m)}
    return found


class World:
    def __init__(self) -> None:
        self.departments = [DepartmentFactory(), DepartmentFactory()]
        self.services = [ServiceFactory(department=d) for d in self.departments]
        self.officer = UserFactory()
        self.serial = 0

    def key(self) -> str:
        self.serial += 1
        return f"prop:{self.serial}:{random.random()}"

    def cases(self) -> list[Case]:
        return list(Case.objects.order_by("pk"))


def do_intake(world: World, rng: random.Random) -> None:
    channel = rng.choice([Channel.WEB, Channel.EMAIL, Channel.PHONE])
    reason = rng.choice(["", *AssistedDigitalReason.values]) if channel == Channel.PHONE else ""
    intake.submit(
        NewCase(
            idempotency_key=world.key(),
            contact=ContactDetails(
                channel=channel,
                body="The bin was not collected.",
                recorded_by=world.officer if channel == Channel.PHONE else None,
                assisted_digital=bool(reason),
                assisted_digital_reason=reason,
            ),
            resident=ResidentDetails(full_name="A Resident", email="a@example.com"),
            summary="Missed bin",
            service=rng.choice(world.services),
            resolved_outcome=rng.choice(["", "", Outcome.RESOLVED_FIRST_CONTACT]),
        )
    )


def do_import_old(world: World, rng: random.Random) -> None:
    """A case from earlier weeks, in some place, possibly already resolved."""
    ward, name, decile = rng.choice(WARDS)
    created = timezone.now() - timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
    resolved = created + timedelta(days=rng.randint(0, 40)) if rng.random() < 0.5 else None
    service = rng.choice(world.services)
    CaseFactory(
        service=service,
        department=service.department,
        channel=rng.choice(CHANNELS),
        created_at=created,
        resolved_at=resolved,
        status=Status.RESOLVED if resolved else Status.OPEN,
        sla_due_at=created + timedelta(days=14),
        sla_state=rng.choice(SlaState.values),
        outcome=rng.choice(["", Outcome.ANSWERED_AUTOMATICALLY, Outcome.RESOLVED]),
        ward_code=ward,
        ward_name=name,
        imd_decile=decile,
        postcode_district=rng.choice(["PR1", "PR2", ""]),
    )


def do_chase(world: World, rng: random.Random) -> None:
    cases = world.cases()
    if cases:
        channel = rng.choice([Channel.PHONE, Channel.EMAIL, Channel.FACE_TO_FACE])
        intake.add_contact(
            case=rng.choice(cases),
            idempotency_key=world.key(),
            contact=ContactDetails(
                channel=channel,
                body="Any news?",
                is_chaser=True,
                recorded_by=world.officer if channel != Channel.EMAIL else None,
                assisted_digital=channel == Channel.FACE_TO_FACE,
                assisted_digital_reason=AssistedDigitalReason.CONFIDENCE
                if channel == Channel.FACE_TO_FACE
                else "",
            ),
        )


def do_transfer(world: World, rng: random.Random) -> None:
    cases = world.cases()
    if cases:
        case = rng.choice(cases)
        others = [d for d in world.departments if d.pk != case.department_id]
        services.transfer(case=case, to_department=others[0], reason="Wrong team", by=None)


def do_merge(world: World, rng: random.Random) -> None:
    live = [c for c in world.cases() if c.merged_into_id is None and c.is_open]
    if len(live) >= 2:
        into, duplicate = rng.sample(live, 2)
        services.merge(duplicate=duplicate, into=into, by=world.officer)


def do_resolve_and_reopen(world: World, rng: random.Random) -> None:
    live = [c for c in world.cases() if c.is_open and c.merged_into_id is None]
    if live:
        case = services.case_transition(
            case=rng.choice(live), to=Status.RESOLVED, outcome=Outcome.RESOLVED, notify=False
        )
        if rng.random() < 0.7:
            services.case_transition(case=case, to=Status.REOPENED, notify=False)


def do_retention(world: World, rng: random.Random) -> None:
    cases = world.cases()
    if cases:
        case = rng.choice(cases)
        if rng.random() < 0.5:
            retention.remove_case_personal_data(case.pk)
        else:
            retention.erase_resident(
                resident=case.resident, reason="Asked", legal_basis="art17_1b", by=world.officer
            )


def do_self_service(world: World, rng: random.Random) -> None:
    services.record_self_service(service=rng.choice(world.services), answered=rng.random() < 0.6)


OPERATIONS = [
    do_intake,
    do_import_old,
    do_chase,
    do_transfer,
    do_merge,
    do_resolve_and_reopen,
    do_retention,
    do_self_service,
]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.sampled_from(range(len(OPERATIONS))), min_size=1, max_size=12),
    seed=st.integers(0, 10_000),
)
def test_rollups_equal_counts_from_the_raw_tables_after_any_mix_of_changes(
    transactional_db, steps, seed
):
    rng = random.Random(seed)
    world = World()
    with outbox.held():
        for _ in range(3):
            do_import_old(world, rng)
        rollups.refresh()
        for step in steps:
            OPERATIONS[step](world, rng)
        rollups.refresh()

    assert rolled_counts() == raw_counts()
    rules = defaultdict(int)
    for case in Case.objects.all():
        rules[case.routing_rule_id or 0] += 1
    assert {r: n for r, n in rules.items()} == {
        row["rule_id"]: row["n"]
        for row in RuleRollup.objects.values("rule_id").annotate(n=Sum("cases")).order_by()
    }
    clicks = SelfServiceOutcome.objects.count()
    assert sum(SelfServiceRollup.objects.values_list("shown", flat=True)) == clicks


def test_an_unchanged_week_is_not_recomputed(transactional_db):
    world = World()
    rng = random.Random(1)
    with outbox.held():
        for _ in range(5):
            do_import_old(world, rng)
        Case.objects.update(updated_at=timezone.now() - timedelta(hours=1))  # changed long ago
        assert rollups.refresh() >= 1
        assert rollups.refresh() == 0
        do_intake(world, rng)
        assert rollups.refresh() == 1
