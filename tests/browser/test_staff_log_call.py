"""A contact-centre agent signs in (with two-factor) and logs a call using only the keyboard."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from enquiries.choices import Channel
from enquiries.models import Case
from tests.enquiries.staff.helpers import World, world  # noqa: F401
from tests.factories import ResidentFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, element_id: str) -> None:
    """One Tab press must land on the next field: the tab order is the reading order."""
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_id(element_id)


def tab_until(page, predicate_js: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"never reached {predicate_js}")


def test_logging_a_call_with_the_keyboard_only(live_server, browser_page, world: World):  # noqa: F811
    page = browser_page
    resident = ResidentFactory(full_name="Priya Patel", postcode="LA1 1AA")
    device = TOTPDevice.objects.create(user=world.agent, name="phone", confirmed=True)

    # sign in: user name has focus, Tab to the password, Enter submits
    page.goto(f"{live_server.url}/staff/contact/")
    expect(page.locator(":focus")).to_have_id("id_username")
    page.keyboard.type("agent")
    tab_to(page, "id_password")
    page.keyboard.type("correct-horse-battery-staple")
    page.keyboard.press("Enter")
    page.wait_for_url("**/two-factor/**")
    expect(page.locator(":focus")).to_have_id("id_token")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.keyboard.type(f"{code:06d}")
    page.keyboard.press("Enter")

    # step 1: the search box has focus
    page.wait_for_url("**/staff/contact/")
    expect(page.locator(":focus")).to_have_id("id_q")
    page.keyboard.type("priya patel")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=1 resident found")
    tab_until(page, "document.activeElement.textContent.trim().startsWith('Choose')")
    page.keyboard.press("Enter")

    # step 2: the first choice has focus; Space picks it, Tab reaches the service list
    page.wait_for_url(f"**resident={resident.pk}")
    expect(page.locator(":focus")).to_have_id("action-new")
    page.keyboard.press("Space")
    tab_to(page, "id_service")
    page.keyboard.type("Report a pothole")
    tab_until(page, "document.activeElement.textContent.trim() === 'Continue'", limit=3)
    page.keyboard.press("Enter")

    # step 3: the summary has focus, then the fields in reading order
    page.wait_for_selector("#record-form")
    expect(page.locator(":focus")).to_have_id("id_case-summary")
    page.keyboard.type("Pothole outside the school")
    tab_to(page, "id_case-description")
    page.keyboard.type("Deep hole by the zebra crossing")
    tab_to(page, "id_case-address")
    page.keyboard.type("School Lane, Lancaster")
    tab_to(page, "id_case-postcode")
    page.keyboard.type("LA1 2AB")
    tab_to(page, "id_q-hazard_type_1")
    page.keyboard.press("Space")
    tab_to(page, "id_q-accident_happened_1")
    tab_to(page, "id_q-noticed_on_0")
    tab_to(page, "id_q-noticed_on_1")
    tab_to(page, "id_q-noticed_on_2")
    tab_to(page, "id_contact-channel_1")  # phone, already chosen for a contact-centre agent
    tab_to(page, "id_contact-duration")
    page.keyboard.type("3:15")
    tab_to(page, "id_contact-office")
    tab_to(page, "id_contact-assisted_digital")
    page.keyboard.press("Space")
    tab_to(page, "id_contact-assisted_digital_reason")
    page.keyboard.type("Language")
    tab_to(page, "id_contact-body")
    page.keyboard.type("Caller was worried about children crossing.")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Open case")
    page.keyboard.press("Enter")

    page.wait_for_selector("text=Give the resident this reference")
    case = Case.objects.get(resident=resident)
    assert case.reference in page.url
    assert case.service == world.pothole and case.channel == Channel.PHONE
    assert case.answers == {"hazard_type": "Deep pothole"}
    contact = case.contacts.get()
    assert contact.call_duration_seconds == 195
    assert contact.assisted_digital and contact.assisted_digital_reason == "language"
    assert contact.recorded_by == world.agent


def test_staff_pages_pass_axe(live_server, browser_page, world: World, assert_accessible):  # noqa: F811
    from tests.enquiries.staff.helpers import sign_in  # noqa: F401

    page = browser_page
    page.goto(f"{live_server.url}/staff/sign-in/")
    assert_accessible(page, "sign in")
    page.fill("#id_username", "highways.officer")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("main button[type=submit]")
    page.wait_for_url("**/two-factor/set-up/**")
    assert_accessible(page, "two-factor set-up")
    device = TOTPDevice.objects.get(user=world.highways_officer)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_token", f"{code:06d}")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/staff/")
    assert_accessible(page, "home")
    for path in [
        "/staff/worklist/?queue=highways",
        f"/staff/cases/{world.highways_case.reference}/",
        f"/staff/residents/{world.highways_case.resident_id}/",
        "/staff/residents/?q=PR1",
        "/staff/contact/",
        f"/staff/contact/?resident={world.highways_case.resident_id}&action=new&service=report-a-pothole",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page, path)
