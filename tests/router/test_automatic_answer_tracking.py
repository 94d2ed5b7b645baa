"""While an automatic answer waits for "Did this answer your question?", the tracking page and
its timeline say so: the resident is not asked for "more information" they were never asked."""

import pytest

from enquiries import services
from enquiries.choices import EventKind, Status
from router.answers import WAITING_FOR_VERDICT
from tests.router.test_automatic_answers import ask_library, trained  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_tracking_page_says_an_answer_was_sent_not_that_more_is_needed(trained, client):  # noqa: F811
    case = ask_library()
    assert case.status == Status.AWAITING_RESIDENT
    html = client.get(case.tracking_path()).content.decode()
    assert WAITING_FOR_VERDICT in html
    assert "We have sent you an answer: tell us if it helped." in html
    assert "We need more information from you" not in html
    event = case.events.get(kind=EventKind.STATUS, to_status=Status.AWAITING_RESIDENT)
    assert event.public_message == WAITING_FOR_VERDICT


def test_a_real_question_from_staff_still_asks_for_more_information(trained, client):  # noqa: F811
    case = ask_library()
    services.case_transition(case=case, to=Status.IN_PROGRESS)
    services.request_information(case=case, question="Which library?", by=None)
    html = client.get(case.tracking_path()).content.decode()
    assert "We need more information from you: Which library?" in html
