"""The automation in a real browser: a manager finds per-rule matches and misroutes from the
staff home; a caseworker corrects a chaser on the case page; a resident says "This is not
sorted" on the tracking page without JavaScript. Zero axe violations on each page."""

import os
import uuid

import pytest
from playwright.sync_api import expect

from enquiries import intake, services
from enquiries.choices import Channel, Status
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from tests.browser.test_staff_maps import sign_in
from tests.enquiries.staff.helpers import World, world  # noqa: F401
from tests.factories import ContactFactory, RoutingRuleFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_sees_matches_and_misroutes_per_rule(
    live_server,
    browser_page,
    assert_accessible,
    world: World,  # noqa: F811
):
    page = browser_page
    case = world.highways_case
    case.routing_rule = RoutingRuleFactory(name="Potholes to highways")
    case.transfer_count = 1
    case.save()
    RoutingRuleFactory(name="Flooding into a home")
    ContactFactory(case=case, is_chaser=True)

    sign_in(page, live_server.url, world.manager, "/staff/")
    page.wait_for_url(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Routing rules: matches, misroutes and chasers").click()

    rule_row = page.locator("#rule-stats tr", has_text="Potholes to highways")
    expect(rule_row.locator("td")).to_have_text(["1", "1", "100%", "1"])
    expect(
        page.locator("#rule-stats tr", has_text="Flooding into a home").locator("td")
    ).to_have_text(["0", "0", "0%", "0"])
    expect(
        page.locator("#service-chasers tr", has_text="Report a pothole").locator("td")
    ).to_have_text(["1", "1"])
    assert_accessible(page, "routing page")


def test_a_caseworker_corrects_an_automatic_chaser(
    live_server,
    browser_page,
    assert_accessible,
    world: World,  # noqa: F811
):
    page = browser_page
    case = world.highways_case
    ContactFactory(case=case, is_chaser=True, channel=Channel.PHONE)

    sign_in(page, live_server.url, world.highways_officer, f"/staff/cases/{case.reference}/")
    page.wait_for_url(f"**/staff/cases/{case.reference}/")
    expect(page.get_by_test_id("chaser-count")).to_have_text(
        "The resident chased this case 1 time."
    )
    assert_accessible(page, "case page with the chasing panel")

    page.locator("#chasers").get_by_role("button", name="Not a chaser").click()

    expect(page.get_by_test_id("chaser-count")).to_have_text(
        "The resident has not chased this case."
    )
    expect(page.get_by_text("marked as not chasing progress by staff")).to_be_visible()


def test_a_resident_says_this_is_not_sorted_without_javascript(
    live_server, no_js_page, browser_page, assert_accessible, service
):
    case = intake.submit(
        NewCase(
            idempotency_key=f"test:{uuid.uuid4()}",
            contact=ContactDetails(channel=Channel.WEB, body="Pothole by the bus stop."),
            resident=ResidentDetails(full_name="Siân Evans", email="sian@example.com"),
            summary="Pothole",
            service=service,
        )
    ).case
    services.route_case(case_id=case.pk)
    services.case_transition(case=case, to=Status.RESOLVED, reason="Repaired")
    url = f"{live_server.url}{case.tracking_path()}"

    browser_page.goto(url)
    assert_accessible(browser_page, "tracking page of a resolved case")

    page = no_js_page
    page.goto(url)
    page.get_by_role("button", name="Send message").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether your enquiry is not sorted or you want to send a message"
    )
    page.get_by_label("This is not sorted").check()
    page.get_by_label("Your message").fill("The hole is still there.")
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_text("We have reopened it.")).to_be_visible()
    case.refresh_from_db()
    assert case.status == Status.REOPENED
