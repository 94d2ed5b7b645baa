"""The staff workspace on a wide screen: the worklist uses the width, one line per case, new work
on the first page; the case page's labels focus their own boxes and emails fold to their first
lines. Real Chromium at 1600x900, zero axe violations."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from enquiries import services
from enquiries.choices import Status
from enquiries.models import CaseEvent, Contact
from tests.browser.test_staff_maps import sign_in
from tests.enquiries.staff.helpers import World, open_case, world  # noqa: F401
from tests.factories import ResidentFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1600, "height": 900}
ROW_MAX_PX = 48  # one line of 16px text with its padding and a tag


@pytest.fixture
def wide_page(browser):
    context = browser.new_context(bypass_csp=True, locale="en-GB", viewport=WIDE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_the_worklist_uses_the_width_one_line_per_case_new_work_first(
    live_server,
    wide_page,
    assert_accessible,
    world: World,  # noqa: F811
):
    page = wide_page
    now = timezone.now()
    for n in range(30):  # a full page and more of assigned work, all due before the new case
        open_case(
            world.pothole,
            assignee=world.highways_officer,
            status=Status.IN_PROGRESS,
            created_at=now - timedelta(days=10),
            sla_due_at=now + timedelta(days=2, hours=n),
            summary=f"Pothole number {n} on a long road name that goes on and on and on "
            "and would wrap onto several lines in a narrow column",
        )
    new = open_case(world.pothole, summary="Brand new pothole", sla_due_at=now + timedelta(days=10))

    sign_in(page, live_server.url, world.highways_officer, "/staff/worklist/")
    page.wait_for_url("**/staff/worklist/")
    expect(page.get_by_role("link", name=new.reference)).to_be_visible()
    expect(page.locator(".ncc-queue-tabs")).to_contain_text("Highways")
    expect(page.locator(".ncc-queue-tabs")).to_contain_text("32 open")

    table = page.locator("table.ncc-worklist").bounding_box()
    assert table["width"] > 1400, table  # not the 960px column
    rows = page.locator("table.ncc-worklist tbody tr")
    expect(rows).to_have_count(25)
    heights = [rows.nth(i).bounding_box()["height"] for i in range(25)]
    assert max(heights) <= ROW_MAX_PX, heights
    assert page.evaluate("document.documentElement.scrollHeight") < 2200
    assert_accessible(page, "worklist at 1600x900")


def test_the_case_page_note_label_emails_folded_and_question_text(
    live_server,
    wide_page,
    assert_accessible,
    world: World,  # noqa: F811
):
    page = wide_page
    resident = ResidentFactory(email="edith@example.com", preferred_channel="email")
    case = open_case(
        world.pothole,
        resident=resident,
        answers={"hazard_type": "Deep pothole", "location_detail": "By the bus stop"},
    )
    services.reply_to_resident(
        case=case,
        body="We will repair it on Monday.\nThe crew starts at 8.\nSECOND PART of the email.\n",
        by=world.highways_officer,
    )

    sign_in(page, live_server.url, world.highways_officer, f"/staff/cases/{case.reference}/")
    page.wait_for_url(f"**/staff/cases/{case.reference}/")
    expect(page.get_by_text("What is the danger?")).to_be_visible()
    expect(page.get_by_text("Location detail")).to_be_visible()

    # the email: first lines shown, the rest on demand
    expect(page.get_by_text("SECOND PART of the email.")).to_be_hidden()
    page.get_by_text("Show the full message").first.click()
    expect(page.get_by_text("SECOND PART of the email.")).to_be_visible()

    # the "Internal note" label focuses the note box, in the note form
    page.locator("label", has_text="Internal note").click()
    focused_form = page.evaluate("document.activeElement.closest('form').getAttribute('action')")
    assert focused_form.endswith("/note/"), focused_form
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type("Neighbour is difficult")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Neighbour is difficult")).to_be_visible()
    assert CaseEvent.objects.filter(case=case, kind="note").count() == 1
    assert not Contact.objects.filter(case=case, body__contains="Neighbour").exists()

    # the reasons are labelled: their labels focus their own inputs
    page.get_by_text("Transfer to another team").click()
    page.get_by_label("Reason for the transfer").focus()
    assert page.evaluate("document.activeElement.closest('form').getAttribute('action')").endswith(
        "/transfer/"
    )
    assert_accessible(page, "case page")
