"""The identity pages in a real browser: a resident changes their details without JavaScript,
and an agent decides a possible match and changes stored details; every page passes axe."""

import os
import re
import uuid

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from enquiries import intake
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import PossibleMatch, ResidentChange
from tests.enquiries.staff.helpers import World, world  # noqa: F401
from tests.factories import ServiceFactory
from tests.integration.outbox_runner import drain

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def file_case(service, **resident):
    return intake.submit(
        NewCase(
            idempotency_key=f"test:{uuid.uuid4()}",
            contact=ContactDetails(channel=Channel.WEB, body="Deep pothole."),
            resident=ResidentDetails(**resident),
            summary="Pothole on Moor Road",
            service=service,
        )
    ).case


def test_a_resident_changes_their_details_without_javascript(
    live_server, no_js_page, browser_page, assert_accessible
):
    case = file_case(ServiceFactory(), full_name="Siân O'Brien-Ng", email="sian@example.com")
    page = no_js_page
    page.goto(f"{live_server.url}{case.tracking_path()}")
    page.get_by_role("link", name="Change your contact details for this enquiry").click()
    page.get_by_label("Email address").fill("sian.new@example.com")
    page.get_by_role("button", name="Save your details").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    drain()  # the worker's part: the code goes to the new address
    (message,) = [m for m in mail.outbox if m.to == ["sian.new@example.com"]]
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", message.body).group(1))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Your contact details have been changed").wait_for()
    case.resident.refresh_from_db()
    assert case.resident.email == "sian.new@example.com"

    check = browser_page
    url = f"{live_server.url}{case.tracking_path()}details/"
    check.goto(url)
    assert_accessible(check, "change details")
    check.get_by_label("Email address").fill("sian.other@example.com")
    check.get_by_role("button", name="Save your details").click()
    check.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(check, "confirm new details")
    check.get_by_label("Code").fill("000000")
    check.get_by_role("button", name="Confirm").click()
    check.locator(".govuk-error-summary").wait_for()
    assert_accessible(check, "confirm new details (error)")
    check.goto(url)
    check.get_by_label("Email address").fill("")
    check.get_by_label("By email").check()
    check.get_by_role("button", name="Save your details").click()
    check.locator(".govuk-error-summary").wait_for()
    assert_accessible(check, "change details (error)")


def test_an_agent_decides_a_possible_match_and_changes_details(
    live_server,
    browser_page,
    assert_accessible,
    world: World,  # noqa: F811
):
    service = ServiceFactory(department=world.highways)
    alice = file_case(service, full_name="Alice Ambler", email="alice@example.com").resident
    theirs = file_case(service, full_name="Mallory", email="alice@example.com").resident
    device = TOTPDevice.objects.create(user=world.agent, name="phone", confirmed=True)
    page = browser_page
    page.goto(f"{live_server.url}/staff/residents/{theirs.pk}/")
    page.get_by_label("User name").fill("agent")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Possible matches").wait_for()
    assert_accessible(page, "resident page with a possible match")

    page.get_by_role("button", name="Different people").click()
    page.get_by_text("Recorded: different people.").wait_for()
    assert PossibleMatch.objects.get(resident=theirs, other=alice).state == "rejected"
    assert_accessible(page, "resident page after deciding")

    page.get_by_role("link", name="Change stored details").click()
    assert_accessible(page, "change stored details")
    page.get_by_label("Full name").fill("Mallory Smith")
    page.get_by_label("Why are you correcting these details?").fill("Surname added on the phone")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("heading", name="Changes to stored details").wait_for()
    change = ResidentChange.objects.get(resident=theirs)
    assert (change.old_value, change.new_value, change.by) == (
        "Mallory",
        "Mallory Smith",
        world.agent,
    )
    assert change.reason == "Surname added on the phone"
    page.get_by_text("Surname added on the phone").wait_for()
    assert_accessible(page, "resident page with history")
