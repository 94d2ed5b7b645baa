"""A contact-centre agent signs in (with two-factor) and logs a call using only the keyboard,
counting key presses and page loads (issue 11: at most 3 for an existing resident's report)."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from enquiries.choices import Channel
from enquiries.models import Case
from tests.enquiries.staff.helpers import World, open_case, world  # noqa: F401
from tests.factories import ResidentFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Effort:
    """Counts what the agent does from the moment the call screen opens: key presses (a typed
    string counts one per character) and page loads (document loads of the tab)."""

    def __init__(self, page):
        self.keys = 0
        self.loads = 0
        self.typed: list[str] = []
        self.counting = False
        keyboard = page.keyboard
        press, type_ = keyboard.press, keyboard.type

        def counted_press(key, **kwargs):
            self.keys += self.counting
            return press(key, **kwargs)

        def counted_type(text, **kwargs):
            if self.counting:
                self.keys += len(text)
                self.typed.append(text)
            return type_(text, **kwargs)

        keyboard.press, keyboard.type = counted_press, counted_type
        page.on("load", lambda *_: setattr(self, "loads", self.loads + self.counting))


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def tab_to(page, element_id: str) -> None:
    """One Tab press must land on the next field: the tab order is the reading order."""
    page.keyboard.press("Tab")
    assert focused_id(page) == element_id


def sign_in_with_the_keyboard(page, live_server, user, effort: Effort) -> None:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/staff/contact/")
    assert focused_id(page) == "id_username"
    page.keyboard.type(user.username)
    tab_to(page, "id_password")
    page.keyboard.type("correct-horse-battery-staple")
    page.keyboard.press("Enter")
    page.wait_for_url("**/two-factor/**")
    assert focused_id(page) == "id_token"
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.keyboard.type(f"{code:06d}")
    effort.counting = True  # from here: the call screen opening is the first page load
    effort.loads = 0
    page.keyboard.press("Enter")
    effort.keys = 0  # that Enter belongs to signing in
    page.wait_for_url("**/staff/contact/")


def search_for_a_new_pothole(page) -> None:
    """The call screen: the search box has focus; "new report" is already chosen; pick the
    service and search. One match goes straight to recording."""
    assert focused_id(page) == "id_q"
    page.keyboard.type("priya patel")
    tab_to(page, "action-new")
    assert page.is_checked("#action-new")
    tab_to(page, "id_service")
    page.keyboard.type("Report a pothole")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Search"
    page.keyboard.press("Enter")
    page.wait_for_selector("#record-form")


def describe_the_pothole(page, postcode: str) -> None:
    """Step 3: the one description has focus, then the fields in reading order."""
    assert focused_id(page) == "id_case-description"
    # the baseline's summary, description and notes said this in three boxes; now it is one
    page.keyboard.type(
        "Deep hole by the zebra crossing. Caller was worried about children crossing."
    )
    tab_to(page, "id_case-address")
    page.keyboard.type("School Lane, Lancaster")
    tab_to(page, "id_case-postcode")
    page.keyboard.type(postcode)
    tab_to(page, "id_q-hazard_type_1")
    page.keyboard.press("Space")
    tab_to(page, "id_q-accident_happened_1")
    tab_to(page, "id_q-noticed_on_0")
    tab_to(page, "id_q-noticed_on_1")
    tab_to(page, "id_q-noticed_on_2")
    tab_to(page, "id_contact-channel_1")  # phone, already chosen for a contact-centre agent
    tab_to(page, "id_contact-duration")  # left blank: the call timer fills it
    tab_to(page, "id_contact-office")
    tab_to(page, "id_contact-assisted_digital")
    page.keyboard.press("Space")
    tab_to(page, "id_contact-assisted_digital_reason")
    page.keyboard.type("Language")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Open case"


def test_logging_a_call_with_the_keyboard_only(live_server, browser_page, world: World):  # noqa: F811
    """An existing resident's new report: at most 3 page loads, nothing typed twice
    (figures in bench/RESULTS.md: before, 5 loads and 195 keys)."""
    page = browser_page
    effort = Effort(page)
    resident = ResidentFactory(full_name="Priya Patel", postcode="LA1 1AA")
    sign_in_with_the_keyboard(page, live_server, world.agent, effort)
    search_for_a_new_pothole(page)
    describe_the_pothole(page, "LA1 2AB")
    page.keyboard.press("Enter")

    page.wait_for_selector("text=Give the resident this reference")
    case = Case.objects.get(resident=resident)
    assert case.reference in page.url
    assert case.service == world.pothole and case.channel == Channel.PHONE
    assert case.summary == "Deep hole by the zebra crossing"
    assert case.answers == {"hazard_type": "Deep pothole"}
    contact = case.contacts.get()
    assert contact.body == case.description  # typed once, used for both
    assert contact.call_duration_seconds is not None  # the call timer
    assert contact.assisted_digital and contact.assisted_digital_reason == "language"
    assert contact.recorded_by == world.agent
    print(f"\nlog a call, existing resident: {effort.loads} page loads, {effort.keys} keys")
    assert effort.loads <= 3
    assert len(effort.typed) == len(set(effort.typed))  # no text typed twice
    assert effort.keys < 195  # the same call took 195 keys before (5 loads, 3 text boxes)


def test_already_reported_enter_opens_a_new_case_not_someone_elses(
    live_server,
    browser_page,
    world: World,  # noqa: F811
):
    page = browser_page
    effort = Effort(page)
    resident = ResidentFactory(full_name="Priya Patel", postcode="LA1 1AA")
    nearby = open_case(world.pothole, postcode="LA1 9ZZ", postcode_district="LA1")
    sign_in_with_the_keyboard(page, live_server, world.agent, effort)
    search_for_a_new_pothole(page)
    describe_the_pothole(page, "LA1 2AB")
    page.keyboard.press("Enter")

    page.wait_for_selector("text=Already reported?")
    page.wait_for_function("document.activeElement.textContent.trim() !== ''")
    assert focused_text(page) == "No, open a new case"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Give the resident this reference")
    case = Case.objects.get(resident=resident)
    assert case.reference in page.url
    assert resident not in nearby.subscribers.all()
    assert not nearby.contacts.filter(resident=resident).exists()


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
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/staff/", page.inner_text("main")
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
