"""An email the router places in a simple-query service gets the approved answer at once, with
"Did this answer your question?"; yes resolves, no or silence puts it in front of staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries.choices import Outcome, Status
from enquiries.models import Notification
from router.answers import expire_unanswered
from router.models import AutomaticAnswer, DeclinedAnswer
from router.selectors import automatic_resolutions
from router.training import train_router
from tests.factories import DepartmentFactory
from tests.integration.outbox_runner import drain
from tests.router.helpers import email_case, finished_cases, topic_services

pytestmark = pytest.mark.django_db

ANSWER = "Anyone who lives, works or studies in the county can join: bring proof of address."


@pytest.fixture
def trained(db, settings):
    settings.ROUTER_DEFAULT_THRESHOLD = 0.7  # few held-out library cases: the default applies
    services = topic_services(
        **{"library-membership": {"is_simple_query": True, "standard_answer": ANSWER}}
    )
    DepartmentFactory(name="Triage", slug="triage", is_triage=True)
    finished_cases(services, 400, seed=11)
    train_router()
    return services


def ask_library(email="reader@example.com"):
    case = email_case("Hello, how do I join the library? Thanks.", email=email)
    drain()
    case.refresh_from_db()
    return case


def test_the_answer_goes_at_once_with_yes_and_no_links(trained):
    case = ask_library()
    assert case.service.slug == "library-membership"
    assert case.status == Status.AWAITING_RESIDENT
    sent = Notification.objects.get(case=case, kind="auto_answer")
    assert ANSWER in sent.body
    assert f"{case.tracking_path()}answer/?helped=yes" in sent.body
    assert f"{case.tracking_path()}answer/?helped=no" in sent.body
    assert AutomaticAnswer.objects.get(case=case).response == ""


def test_yes_resolves_and_is_counted_as_an_automatic_resolution(trained, client):
    case = ask_library()
    url = reverse("router:answer_helped", args=[case.tracking_token()])
    page = client.get(url + "?helped=yes")
    assert page.status_code == 200 and ANSWER in page.content.decode()
    case.refresh_from_db()
    assert case.status == Status.AWAITING_RESIDENT  # a GET changes nothing

    assert client.post(url, {"helped": "yes"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.outcome == Outcome.ANSWERED_AUTOMATICALLY
    [row] = automatic_resolutions()
    assert (row["service__slug"], row["sent"], row["resolved"]) == ("library-membership", 1, 1)


def test_no_puts_it_in_front_of_staff_and_the_answer_is_never_sent_again(trained, client):
    case = ask_library()
    url = reverse("router:answer_helped", args=[case.tracking_token()])
    client.post(url, {"helped": "no"})
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.department == trained["library-membership"].department
    assert DeclinedAnswer.objects.filter(resident=case.resident).exists()
    assert client.post(url, {"helped": "yes"}).status_code == 302  # a second click: no change
    case.refresh_from_db()
    assert case.status == Status.OPEN

    again = email_case("How do I join the library?", resident=case.resident)
    drain()
    again.refresh_from_db()
    assert again.service.slug == "library-membership"
    assert again.status == Status.OPEN
    assert not Notification.objects.filter(case=again, kind="auto_answer").exists()
    assert again.events.filter(message__contains="already said the standard answer").exists()


def test_silence_puts_it_in_front_of_staff_after_the_wait(trained, settings):
    settings.ROUTER_ANSWER_WAIT_HOURS = 48
    case = ask_library()
    assert expire_unanswered(now=timezone.now() + timedelta(hours=47)) == 0
    assert expire_unanswered(now=timezone.now() + timedelta(hours=49)) == 1
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert AutomaticAnswer.objects.get(case=case).response == "timeout"


def test_an_empty_choice_is_a_clear_error(trained, client):
    case = ask_library()
    url = reverse("router:answer_helped", args=[case.tracking_token()])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Select yes if the answer answered your question" in response.content.decode()


def test_the_tracking_page_links_to_the_question(trained, client):
    case = ask_library()
    html = client.get(case.tracking_path()).content.decode()
    assert reverse("router:answer_helped", args=[case.tracking_token()]) in html
