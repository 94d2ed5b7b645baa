"""Chasers are recorded automatically: the resident contacts us about an open case unasked."""

import uuid

import pytest
from django.core.management import call_command

from enquiries import chasers, intake, services
from enquiries.choices import Channel, Direction, EventKind, Status
from enquiries.intake import ContactDetails
from enquiries.models import AccessLog, Contact
from enquiries.routing_stats import misrouting_by_rule
from tests.factories import RoutingRuleFactory, ServiceFactory, UserFactory, submit_web_case

pytestmark = pytest.mark.django_db


def routed_case(service=None):
    case = submit_web_case(service=service or ServiceFactory(name="Report a pothole"))
    services.route_case(case_id=case.pk)
    case.refresh_from_db()
    return case


def contact(case, channel=Channel.PHONE, direction=Direction.INBOUND, **kwargs) -> Contact:
    return intake.add_contact(
        case=case,
        idempotency_key=f"test:{uuid.uuid4()}",
        contact=ContactDetails(channel=channel, direction=direction, body="Any news?"),
        **kwargs,
    ).contact


def test_a_resident_contact_on_an_open_case_is_a_chaser_without_anyone_ticking_a_box():
    case = routed_case()

    row = contact(case)

    assert row.is_chaser
    event = case.events.filter(kind=EventKind.CONTACT).latest("id")
    assert event.data["chaser"] is True and "(chasing progress)" in event.message


def test_an_answer_to_our_request_for_information_is_not_a_chaser():
    case = routed_case()
    services.case_transition(case=case, to=Status.AWAITING_RESIDENT, reason="Which side?")

    assert not contact(case).is_chaser


def test_a_message_on_a_finished_case_is_not_a_chaser():
    case = routed_case()
    services.case_transition(case=case, to=Status.RESOLVED)

    assert not contact(case, channel=Channel.EMAIL).is_chaser


def test_our_own_messages_and_automatic_replies_are_not_chasers():
    case = routed_case()

    assert not contact(case, direction=Direction.OUTBOUND).is_chaser
    assert not contact(case, channel=Channel.EMAIL, wake_case=False, judge_chaser=False).is_chaser


def test_staff_correct_the_flag_and_it_is_logged():
    case = routed_case()
    row = contact(case)
    officer = UserFactory()

    assert chasers.correct_chaser(contact=row, is_chaser=False, by=officer, path="/x/")
    assert not chasers.correct_chaser(contact=row, is_chaser=False, by=officer, path="/x/")

    row.refresh_from_db()
    assert not row.is_chaser
    event = case.events.filter(data__corrected=True).get()
    assert event.actor == officer and "marked as not chasing progress" in event.message
    assert AccessLog.objects.filter(user=officer, case=case, action="chaser_unmarked").exists()


def test_chasers_are_counted_per_case_service_and_rule(capsys):
    pothole, bins = ServiceFactory(name="Report a pothole"), ServiceFactory(name="Missed bin")
    rule = RoutingRuleFactory(name="Potholes", keywords_any="light")  # the factory case's words
    rule.services.add(pothole)
    first, second, other = routed_case(pothole), routed_case(pothole), routed_case(bins)
    for case in (first, first, second, other):
        contact(case)

    assert chasers.chasers_on_case(first) == 2
    counts = {
        row.service_name: (row.chasers, row.cases_chased) for row in chasers.chasers_by_service()
    }
    assert counts == {"Report a pothole": (3, 2), "Missed bin": (1, 1)}
    by_rule = {row.rule_name: row for row in misrouting_by_rule()}
    assert by_rule["Potholes"].routed == 2 and by_rule["Potholes"].chasers == 3

    call_command("routing_report")
    out = capsys.readouterr().out
    assert "Chasers" in out and "Potholes" in out
