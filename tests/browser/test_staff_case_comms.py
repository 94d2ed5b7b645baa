"""A caseworker asks the resident a question and moves the expected date from the case page, in a
real browser; the resident's tracking page then shows both (issue 11)."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from enquiries.choices import EventKind, Status
from enquiries.models import Case, CaseEvent
from tests.browser.test_staff_maps import sign_in
from tests.enquiries.staff.helpers import World, world  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_question_and_new_date_reach_the_tracking_page(
    live_server,
    browser_page,
    assert_accessible,
    world: World,  # noqa: F811
):
    page = browser_page
    case = world.highways_case
    path = f"/staff/cases/{case.reference}/"
    sign_in(page, live_server.url, world.highways_officer, path)
    page.wait_for_url(f"**{path}")

    # a new date, with the reason the resident will read
    page.get_by_text("Change the expected date").click()
    day = timezone.localdate() + timedelta(days=40)
    page.fill("#id_expected-expected_on_0", str(day.day))
    page.fill("#id_expected-expected_on_1", str(day.month))
    page.fill("#id_expected-expected_on_2", str(day.year))
    page.fill("#id_expected-reason", "the contractor needs a road closure")
    page.get_by_role("button", name="Change the date").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Expected date changed")

    # an empty question: the error summary names the field and links to it
    page.get_by_text("Ask the resident for information").click()
    page.get_by_role("button", name="Send the question").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the question for the resident")
    assert_accessible(page, "case page with a question error")
    summary.get_by_role("link", name="Enter the question for the resident").click()
    expect(page.locator("#id_rfi-question")).to_be_focused()
    page.keyboard.type("Which side of the road is the hole on?")
    page.get_by_role("button", name="Send the question").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Question sent to the resident"
    )

    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.AWAITING_RESIDENT
    assert timezone.localtime(case.expected_at).date() == day
    assert CaseEvent.objects.filter(case=case, kind=EventKind.EXPECTED_DATE).count() == 1

    page.goto(f"{live_server.url}{case.tracking_path()}")
    inset = page.locator(".govuk-inset-text")
    expect(inset).to_contain_text("Our question: Which side of the road is the hole on?")
    expect(page.locator("main")).to_contain_text("because the contractor needs a road closure")
    expect(page.locator("main")).to_contain_text(f"{day.day} {day:%B %Y}")
