""" "Is it sorted?" and "Did this answer your question?" in a real browser: without JavaScript,
by keyboard, and with no axe (WCAG 2.2 AA) violations."""

import pytest

from enquiries import services
from enquiries.choices import Status
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def resolved(transactional_db):
    case = submit_web_case(service=ServiceFactory(name="Report a pothole"))
    drain()
    services.case_transition(case=case, to=Status.RESOLVED)
    case.refresh_from_db()
    return case


def test_a_resident_says_it_is_not_sorted_without_javascript(live_server, no_js_page, resolved):
    page = no_js_page
    page.goto(live_server.url + resolved.tracking_path())
    page.get_by_role("heading", name="Is it sorted?").wait_for()
    page.get_by_label("No, it is not sorted").focus()
    page.keyboard.press("Space")
    page.get_by_label("Tell us why (optional)").fill("The hole is back after the rain.")
    page.get_by_role("button", name="Send your answer").click()
    page.get_by_text("Thank you for telling us.").wait_for()
    resolved.refresh_from_db()
    assert resolved.status == Status.REOPENED


def test_the_question_pages_pass_axe(live_server, browser_page, resolved, assert_accessible):
    browser_page.goto(live_server.url + resolved.tracking_path())
    browser_page.get_by_role("heading", name="Is it sorted?").wait_for()
    assert_accessible(browser_page, "tracking page with Is it sorted?")
    browser_page.goto(live_server.url + resolved.tracking_path() + "sorted/?sorted=yes")
    assert browser_page.get_by_label("Yes, it is sorted").is_checked()
    assert_accessible(browser_page, "Is it sorted? page")
    browser_page.get_by_role("button", name="Send your answer").click()
    browser_page.get_by_text("Thank you for telling us.").wait_for()
    assert_accessible(browser_page, "after answering")


def test_did_this_answer_your_question_works_without_javascript_and_passes_axe(
    live_server, no_js_page, browser_page, assert_accessible, transactional_db
):
    from router.answers import answer_hash
    from router.models import AutomaticAnswer

    answer = "Libraries are open 9am to 5pm, Monday to Saturday."
    service = ServiceFactory(name="Library hours", is_simple_query=True, standard_answer=answer)
    case = submit_web_case(service=service)
    drain()
    services.case_transition(case=case, to=Status.AWAITING_RESIDENT, notify=False)
    AutomaticAnswer.objects.create(case=case, service=service, answer_hash=answer_hash(answer))
    url = live_server.url + case.tracking_path() + "answer/?helped=yes"

    browser_page.goto(url)
    browser_page.get_by_text(answer).wait_for()
    assert_accessible(browser_page, "Did this answer your question?")

    no_js_page.goto(url)
    no_js_page.get_by_role("button", name="Send").click()
    no_js_page.get_by_role("heading", name=f"Enquiry {case.reference}").wait_for()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
