""" "Is it sorted?": asked once when a case is resolved, on the resident's channel and on the
tracking page; "no" reopens with the reason, "yes" closes; counted for the insight pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries import services
from enquiries.choices import Status
from enquiries.models import Notification
from router import outcomes
from router.models import CaseOutcome
from router.selectors import outcome_counts
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db


def resolved_case(**kwargs):
    case = submit_web_case(service=ServiceFactory(name="Report a pothole"), **kwargs)
    drain()
    services.case_transition(case=case, to=Status.RESOLVED)
    drain()
    case.refresh_from_db()
    return case


def test_resolving_asks_once_in_the_resolved_update(settings):
    case = resolved_case()
    update = Notification.objects.get(case=case, kind=Status.RESOLVED)
    assert "Is it sorted?" in update.body
    assert f"{case.tracking_path()}sorted/?sorted=no" in update.body
    assert CaseOutcome.objects.get(case=case).answered_at is None

    services.case_transition(case=case, to=Status.REOPENED)
    services.case_transition(case=case, to=Status.RESOLVED)
    drain()
    second = Notification.objects.filter(case=case, kind=Status.RESOLVED).order_by("-id")[0]
    assert "Is it sorted?" not in second.body  # asked once
    assert CaseOutcome.objects.filter(case=case).count() == 1


def test_the_tracking_page_asks_and_no_reopens_with_the_reason(client):
    case = resolved_case()
    track = client.get(case.tracking_path()).content.decode()
    assert "Is it sorted?" in track
    response = client.post(
        reverse("router:is_it_sorted", args=[case.tracking_token()]),
        {"is_sorted": "no", "satisfaction": "2", "reason": "The hole is still there."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    reopened = case.events.filter(to_status=Status.REOPENED).get()
    assert reopened.message == "The resident said it is not sorted: The hole is still there."
    answer = CaseOutcome.objects.get(case=case)
    assert (answer.sorted, answer.satisfaction, answer.reopened) == (False, 2, True)
    assert "Is it sorted?" not in client.get(case.tracking_path()).content.decode()


def test_yes_closes_the_case():
    case = resolved_case()
    outcomes.answer(case=case, is_sorted=True, satisfaction=5)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert outcomes.answer(case=case, is_sorted=False) is None  # answered once only


def test_no_after_the_reopen_window_is_recorded_without_reopening(settings):
    case = resolved_case()
    later = timezone.now() + timedelta(days=settings.REOPEN_WINDOW_DAYS + 1)
    outcomes.answer(case=case, is_sorted=False, reason="Still broken", now=later)
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.events.filter(message__contains="after the reopen window").exists()


def test_a_resident_who_opted_out_is_not_sent_the_question_but_can_answer_online(client):
    case = resolved_case(preferred_channel="none")
    update = Notification.objects.get(case=case, kind=Status.RESOLVED)
    assert update.state == Notification.State.SUPPRESSED
    assert "Is it sorted?" in client.get(case.tracking_path()).content.decode()


def test_an_empty_answer_is_a_clear_error(client):
    case = resolved_case()
    response = client.post(reverse("router:is_it_sorted", args=[case.tracking_token()]), {})
    assert response.status_code == 400
    assert "Select yes if your enquiry is sorted" in response.content.decode()


def test_answers_are_counted_per_service_channel_and_place():
    first = resolved_case()
    second = resolved_case()
    outcomes.answer(case=first, is_sorted=True, satisfaction=4)
    outcomes.answer(case=second, is_sorted=False, satisfaction=2)
    by_channel = {row["channel"]: row for row in outcome_counts("channel")}
    assert by_channel["web"]["said_sorted"] == 1 and by_channel["web"]["said_not_sorted"] == 1
    assert by_channel["web"]["mean_satisfaction"] == 3
    assert len(outcome_counts("service")) == 2
    assert outcome_counts("place").count() >= 1
