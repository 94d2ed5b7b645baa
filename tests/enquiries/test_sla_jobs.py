"""The SLA beat job: due soon, breached, escalated once, and told before anyone chases."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from enquiries import services, sla_jobs
from enquiries.choices import EventKind, SlaState, Status
from enquiries.models import Case, Notification
from tests.factories import DepartmentFactory, ServiceFactory, UserFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)


def at(day: int, hour: int = 10):
    return time_machine.travel(datetime(2026, 11, day, hour, 0, tzinfo=LONDON), tick=False)


@pytest.fixture
def manager():
    return UserFactory(email="roads.manager@northmoor.example")


@pytest.fixture
def case(manager):
    department = DepartmentFactory(name="Highways")
    department.managers.add(manager)
    with time_machine.travel(MONDAY_10AM, tick=False):
        case = submit_web_case(service=ServiceFactory(department=department, sla_days=4))
        drain()
    case.refresh_from_db()
    assert case.sla_due_at == datetime(2026, 11, 20, 17, 0, tzinfo=LONDON)  # Friday close
    return case


def run(day, hour=10):
    with at(day, hour):
        summary = sla_jobs.run()
        drain()
    return summary


def test_a_case_is_marked_due_soon_then_breached(case):
    run(17)
    assert Case.objects.get(pk=case.pk).sla_state == SlaState.ON_TRACK
    run(20, 10)  # under one office day left
    assert Case.objects.get(pk=case.pk).sla_state == SlaState.DUE_SOON
    run(23)
    case.refresh_from_db()
    assert case.sla_state == SlaState.BREACHED
    messages = list(case.events.filter(kind=EventKind.SLA).values_list("message", flat=True))
    assert any(m.startswith("Due soon") for m in messages)
    assert any(m.startswith("Breached") for m in messages)


def test_a_breached_case_is_escalated_to_its_managers_once(case, manager):
    first = run(23)
    second = run(23, 11)
    run(24)
    assert (first.escalated, second.escalated) == (1, 0)
    case.refresh_from_db()
    assert case.escalated_at is not None
    assert case.events.filter(kind=EventKind.ESCALATED).count() == 1
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    assert case.reference in to_manager[0].subject
    escalation = Notification.objects.get(case=case, kind="escalation")
    assert escalation.contact is None  # never on the resident's timeline


def test_on_breach_the_resident_gets_a_new_date_and_the_reason(case):
    run(23)
    case.refresh_from_db()
    assert case.expected_at.date().isoformat() == "2026-11-26"  # 3 working days on
    assert case.expected_by == case.expected_at
    assert case.sla_due_at.date().isoformat() == "2026-11-20"  # the target itself stays
    update = Notification.objects.get(case=case, kind="expected_date_changed")
    assert "because it is taking us longer than we planned" in update.body
    assert "Thursday 26 November 2026" in update.body
    event = case.events.get(kind=EventKind.EXPECTED_DATE)
    assert "because it is taking us longer" in event.public_message


def test_staff_changing_the_expected_date_tell_the_resident_why(case):
    services.change_expected_date(
        case=case,
        expected_at=datetime(2026, 12, 4, 17, 0, tzinfo=LONDON),
        reason="we are waiting for a contractor to inspect the site",
        by=UserFactory(),
    )
    drain()
    update = Notification.objects.get(case=case, kind="expected_date_changed")
    assert "Friday 4 December 2026" in update.body
    assert "instead of Friday 20 November 2026" in update.body
    assert "because we are waiting for a contractor" in update.body


def test_halfway_with_no_visible_progress_the_resident_hears_it_is_on_track(case):
    assert run(17).proactive == 0  # before halfway (Wed 18th 13:30)
    assert run(18, 14).proactive == 1
    assert run(19).proactive == 0  # once
    update = Notification.objects.get(case=case, kind="still_on_track")
    assert "still on track" in update.body
    assert Case.objects.get(pk=case.pk).progress_update_sent_at is not None


def test_no_proactive_update_when_the_resident_has_seen_progress(case):
    with at(17):
        services.case_transition(case=case, to=Status.IN_PROGRESS, by=UserFactory())
    assert run(18, 14).proactive == 0


def test_the_clock_stops_while_the_case_waits_for_the_resident(case):
    officer = UserFactory()
    with at(17):
        services.case_transition(case=case, to=Status.AWAITING_RESIDENT, by=officer)
    assert run(25).escalated == 0  # paused: not breached
    with at(25):
        services.case_transition(case=case, to=Status.IN_PROGRESS, by=officer)
        drain()
    case.refresh_from_db()
    # paused Tue 17th 10:00 to Wed 25th 10:00 = 6 working days; due moves by them
    assert case.sla_due_at == datetime(2026, 11, 30, 17, 0, tzinfo=LONDON)
    assert case.sla_state == SlaState.ON_TRACK or run(25).breached == 0
    moved = case.events.get(kind=EventKind.EXPECTED_DATE)
    assert "waiting for your reply" in moved.public_message
    update = Notification.objects.get(case=case, kind="in_progress")
    assert "Monday 30 November 2026" in update.body


def test_a_reopened_case_gets_a_fresh_clock_and_can_be_escalated_again(case):
    run(23)
    officer = UserFactory()
    with at(24):
        services.case_transition(case=case, to=Status.RESOLVED, by=officer)
        services.case_transition(case=case, to=Status.REOPENED, by=officer)
    case.refresh_from_db()
    assert case.escalated_at is None and case.sla_state == SlaState.ON_TRACK
    assert case.sla_due_at.date().isoformat() == "2026-11-30"


# --- "delayed" as soon as the case cannot make its date (issue 11) -------------------------------


def test_due_soon_with_no_progress_tells_the_resident_of_the_delay_at_once(case):
    run(20, 10)  # under one working day left and nobody has touched it
    case.refresh_from_db()
    assert case.sla_state == SlaState.DUE_SOON
    assert case.expected_at.date().isoformat() == "2026-11-25"  # 3 working days on
    assert case.sla_due_at.date().isoformat() == "2026-11-20"  # the target itself stays
    update = Notification.objects.get(case=case, kind="expected_date_changed")
    assert "Wednesday 25 November 2026" in update.body
    assert "instead of Friday 20 November 2026" in update.body
    event = case.events.get(kind=EventKind.EXPECTED_DATE)
    assert "longer than we planned" in event.public_message
    run(20, 11)
    run(23)  # breached: the new promise has not passed, so no second move
    assert Notification.objects.filter(case=case, kind="expected_date_changed").count() == 1
    assert case.events.filter(kind=EventKind.EXPECTED_DATE).count() == 1


def test_due_soon_after_visible_progress_sends_no_delay(case):
    with at(17):
        services.case_transition(case=case, to=Status.IN_PROGRESS, by=UserFactory())
    run(20, 10)
    assert Case.objects.get(pk=case.pk).sla_state == SlaState.DUE_SOON
    assert not Notification.objects.filter(case=case, kind="expected_date_changed").exists()


def test_the_delay_respects_a_resident_who_asked_for_no_updates(case):
    case.resident.consent_updates = False
    case.resident.save(update_fields=["consent_updates"])
    sent_before = len(mail.outbox)
    run(20, 10)
    case.refresh_from_db()
    assert case.expected_at is not None  # the date still moves on the tracking page
    update = Notification.objects.get(case=case, kind="expected_date_changed")
    assert update.state == Notification.State.SUPPRESSED
    assert len(mail.outbox) == sent_before


def test_the_delay_counts_against_the_daily_update_budget(case, settings):
    settings.NOTIFICATION_DAILY_BUDGET = 0
    run(20, 10)
    update = Notification.objects.get(case=case, kind="expected_date_changed")
    assert update.state == Notification.State.DEFERRED  # held for the evening digest
