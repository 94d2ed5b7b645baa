"""Routing a new case by the configured rules, with the reason on the timeline."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from enquiries import intake, services
from enquiries.choices import Channel, EventKind, Outcome, Status
from enquiries.models import Case, Notification
from enquiries.routing_stats import misrouting_by_rule
from tests.factories import (
    DepartmentFactory,
    NotificationTemplateFactory,
    RoutingRuleFactory,
    ServiceFactory,
    UserFactory,
    submit_web_case,
)
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db


def routed_event(case):
    return case.events.get(kind=EventKind.ROUTED)


def test_the_first_matching_rule_places_the_case_and_the_timeline_says_why():
    service = ServiceFactory(slug="report-flooding")
    drainage = DepartmentFactory(name="Drainage", slug="drainage")
    RoutingRuleFactory(name="Too late", order=50, keywords_any="flood*", department=None)
    rule = RoutingRuleFactory(
        name="Flooding to drainage", order=10, keywords_any="flood*", department=drainage
    )
    rule.services.add(service)
    case = submit_web_case(service=service, description="The road is flooding again")

    assert services.route_case(case_id=case.pk) is True
    case.refresh_from_db()
    assert case.department == drainage
    assert case.routing_rule == rule
    event = routed_event(case)
    assert "Flooding to drainage" in event.message
    assert 'text mentions "flooding" (flood*)' in event.message
    assert event.data["rule_id"] == rule.pk
    assert "service is report-flooding" in event.data["matched_on"]


def test_no_rule_sends_the_case_to_its_service_department():
    service = ServiceFactory()
    case = submit_web_case(service=service)
    services.route_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.department == service.department
    assert "No rule matched" in routed_event(case).message


def test_a_case_without_a_service_waits_in_triage():
    case = submit_web_case(service=None, summary="Question about my neighbour")
    services.route_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.department.slug == "triage"
    assert "triage" in routed_event(case).message


def test_a_case_is_routed_once_however_often_the_task_arrives():
    case = submit_web_case(service=ServiceFactory())
    assert services.route_case(case_id=case.pk) is True
    assert services.route_case(case_id=case.pk) is False
    assert case.events.filter(kind=EventKind.ROUTED).count() == 1


def test_routing_sets_a_due_date_in_working_days():
    service = ServiceFactory(sla_days=2)
    with time_machine.travel("2026-12-24 10:00 +00:00", tick=False):
        case = submit_web_case(service=service)
        services.route_case(case_id=case.pk)
    case.refresh_from_db()
    # Christmas Day, Boxing Day (substitute on Mon 28th) and the weekend are skipped.
    assert case.sla_due_at.date().isoformat() == "2026-12-30"


def test_a_rule_with_a_standard_answer_resolves_the_case_and_tells_the_resident():
    service = ServiceFactory(slug="bin-day")
    rule = RoutingRuleFactory(
        name="Bin day",
        auto_resolve=True,
        standard_answer="Your bins are collected every other Tuesday.",
    )
    rule.services.add(service)
    case = submit_web_case(service=service, email="bins@example.com")
    drain()

    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.outcome == Outcome.ANSWERED_AUTOMATICALLY
    answer = Notification.objects.get(case=case, kind="auto_answer")
    assert answer.state == Notification.State.SENT
    assert "every other Tuesday" in answer.body
    assert "reply within 14 days" in answer.body
    assert [m.to for m in mail.outbox] == [["bins@example.com"]] * 2  # received, answer


def reply(case, key, days_later):
    with time_machine.travel(case.resolved_at + timedelta(days=days_later), tick=False):
        intake.add_contact(
            case=case,
            idempotency_key=key,
            contact=intake.ContactDetails(channel=Channel.EMAIL, body="That did not help."),
        )
    case.refresh_from_db()
    return case


def auto_answered_case():
    service = ServiceFactory()
    rule = RoutingRuleFactory(auto_resolve=True, standard_answer="Try turning it off and on.")
    rule.services.add(service)
    case = submit_web_case(service=service)
    services.route_case(case_id=case.pk)
    case.refresh_from_db()
    return case


def test_a_reply_within_14_days_reopens_an_automatic_answer_for_a_person():
    case = reply(auto_answered_case(), "reply:1", days_later=13)
    assert case.status == Status.REOPENED
    assert case.outcome == ""


def test_a_reply_after_14_days_does_not_reopen_it():
    case = reply(auto_answered_case(), "reply:2", days_later=15)
    assert case.status == Status.RESOLVED


def test_a_rules_acknowledgement_template_is_used_for_the_routed_update():
    service = ServiceFactory()
    NotificationTemplateFactory(
        kind="ack_potholes",
        medium="email",
        subject="We will inspect the pothole",
        body="An inspector will visit within 5 working days.",
    )
    rule = RoutingRuleFactory(ack_template="ack_potholes")
    rule.services.add(service)
    case = submit_web_case(service=service)
    drain()
    routed = Notification.objects.get(case=case, kind="open")
    assert routed.subject == f"We will inspect the pothole [{case.reference}]"
    assert "An inspector will visit" in routed.body


def test_a_staff_transfer_counts_against_the_rule_that_routed_the_case():
    service = ServiceFactory()
    wrong = RoutingRuleFactory(name="Overkeen", keywords_any="light")
    RoutingRuleFactory(name="Never", keywords_any="zzzz")
    cases = [submit_web_case(service=service) for _ in range(4)]
    for case in cases:
        services.route_case(case_id=case.pk)
    elsewhere = DepartmentFactory()
    services.transfer(
        case=Case.objects.get(pk=cases[0].pk),
        to_department=elsewhere,
        reason="Not ours",
        by=UserFactory(),
    )
    transfer = cases[0].events.get(kind=EventKind.TRANSFERRED)
    assert transfer.data["rule_id"] == wrong.pk

    report = {row.rule_name: row for row in misrouting_by_rule()}
    assert (report["Overkeen"].routed, report["Overkeen"].transferred) == (4, 1)
    assert report["Overkeen"].rate == 0.25
    assert "Never" not in report


def test_the_routing_report_command_prints_each_rule(capsys):
    rule = RoutingRuleFactory(name="Streetlights", keywords_any="light")
    case = submit_web_case(service=ServiceFactory())
    services.route_case(case_id=case.pk)
    call_command("routing_report")
    out = capsys.readouterr().out
    assert "Streetlights" in out and "0.0%" in out
    assert rule.cases.count() == 1
