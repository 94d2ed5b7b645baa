"""End to end in a real browser: a resident files a report with extra questions and a photo,
changes an answer from Check your answers, sends it, follows the tracking link, replies and sees
the timeline. axe-core checks every resident page on the way, including its error states."""

import os
import re
import struct
import time
import zlib

import pytest
from playwright.sync_api import expect

from enquiries.choices import Status
from enquiries.models import Attachment, Case, Contact
from tests.channels.web.conftest import QUESTIONS
from tests.factories import CaseFactory, ServiceFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_photo(width: int = 64, height: int = 48) -> bytes:
    """A small valid PNG made here: a gradient, so it is a real image and not a fixture file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 120)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def catalogue(transactional_db):
    pothole = ServiceFactory(
        name="Report a pothole",
        slug="report-a-pothole",
        summary="Tell us about a pothole in a road or pavement.",
        is_location_based=True,
        questions=QUESTIONS,
        sla_days=5,
        what_happens_next="An inspector visits within 5 working days.",
        not_council_note="If someone is in immediate danger, call 999.",
        keywords="hole road surface",
    )
    simple = ServiceFactory(
        name="Recycling centre opening times",
        slug="recycling-centre-hours",
        topic=pothole.topic,
        is_simple_query=True,
        standard_answer="Recycling centres open 8am to 6pm every day.",
    )
    return {"pothole": pothole, "simple": simple}


def test_the_accessibility_check_can_fail(browser_page):
    """axe really runs: a page with an unlabelled field and an image without alt text fails."""
    from tests.browser.conftest import axe_violations

    browser_page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:,"><input type="text"></main></body></html>'
    )
    rules = {v["id"] for v in axe_violations(browser_page)}
    assert {"image-alt", "label"} <= rules


def click_continue(page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_resident_files_a_report_follows_it_and_replies(
    live_server, browser_page, assert_accessible, catalogue, tmp_path
):
    page = browser_page
    base = live_server.url
    photo = tmp_path / "pothole.png"
    photo.write_bytes(png_photo())
    wrong = tmp_path / "notes.png"
    wrong.write_bytes(b"this is text pretending to be a picture")

    # Start page, search, service page.
    page.goto(base + "/")
    expect(page).to_have_title(re.compile("Northmoor County Council"))
    expect(page.get_by_text("If someone is in immediate danger, call 999").first).to_be_visible()
    assert_accessible(page, "start page")
    page.get_by_label("Search for a service").fill("potholes")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, "search results")
    page.get_by_role("link", name="Report a pothole").click()
    assert_accessible(page, "service page")
    page.get_by_role("button", name="Start now").click()

    # Where: an error first, then the answer.
    assert_accessible(page, "where")
    click_continue(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "where (error)")
    page.get_by_label("Street name or place").fill("Ribble Lane, Northmoor")
    page.get_by_label("Postcode").fill("pr1 8xj")
    click_continue(page)

    # The service's extra questions.
    assert_accessible(page, "question: location")
    page.get_by_label("Exactly where is it?").fill("Outside number 12")
    click_continue(page)
    assert_accessible(page, "question: choice")
    click_continue(page)  # no depth chosen
    expect(page.get_by_text("Select your answer to ‘How deep is it’").first).to_be_visible()
    assert_accessible(page, "question: choice (error)")
    page.get_by_label("Shallower than 4cm").check()
    click_continue(page)
    assert_accessible(page, "question: yes/no")
    page.get_by_label("Yes").check()
    click_continue(page)
    assert_accessible(page, "question: date")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    click_continue(page)
    assert_accessible(page, "question: date (error)")
    page.get_by_label("Day").fill("3")
    click_continue(page)

    # Description, with an error first.
    assert_accessible(page, "describe")
    click_continue(page)
    assert_accessible(page, "describe (error)")
    page.get_by_label("Tell us about the problem").fill("A deep pothole by the bus stop. <b>x</b>")
    click_continue(page)

    # Files: a wrong type is refused with the reason, then a real photo.
    assert_accessible(page, "files")
    page.set_input_files("#id_files", str(wrong))
    click_continue(page)
    expect(page.get_by_text("must be a JPG, PNG, GIF, WEBP, HEIC or PDF").first).to_be_visible()
    assert_accessible(page, "files (error)")
    page.set_input_files("#id_files", str(photo))
    page.get_by_role("button", name="Upload and add another").click()
    expect(page.get_by_text("pothole.png").first).to_be_visible()
    assert_accessible(page, "files (one added)")
    click_continue(page)

    # Contact details, with an error first.
    assert_accessible(page, "contact")
    page.get_by_label("Full name").fill("Siân O'Brien-Ng")
    page.get_by_label("By email").check()
    click_continue(page)
    assert_accessible(page, "contact (error)")
    page.get_by_label("Email address").fill("sian@example.com")
    click_continue(page)

    # Check your answers; change one answer and come back.
    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    assert_accessible(page, "check your answers")
    page.get_by_role("link", name="Change how deep is it").click()
    page.get_by_label("Deeper than 4cm").check()
    click_continue(page)
    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    expect(page.get_by_text("Deeper than 4cm")).to_be_visible()
    page.get_by_role("button", name="Send").click()

    # Confirmation.
    expect(page.get_by_role("heading", name="Enquiry sent")).to_be_visible()
    assert_accessible(page, "confirmation")
    case = Case.objects.get()
    assert case.answers["depth"] == "Deeper than 4cm"
    assert case.answers["noticed_on"] == "2026-02-03"
    assert Attachment.objects.get(contact__case=case).original_name == "pothole.png"
    expect(page.get_by_text(case.reference)).to_be_visible()

    # Tracking: reply (an error first), then see it on the timeline.
    Case.objects.filter(pk=case.pk).update(status=Status.AWAITING_RESIDENT)
    page.get_by_role("link", name="Follow your enquiry, add information or reply").click()
    expect(page.get_by_role("heading", name=f"Enquiry {case.reference}")).to_be_visible()
    assert_accessible(page, "tracking page")
    page.get_by_role("button", name="Send message").click()
    assert_accessible(page, "tracking page (reply error)")
    page.get_by_label("Add information or reply").fill("It is about 10cm deep now.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been added to your enquiry.")).to_be_visible()
    timeline = page.locator(".ncc-timeline")
    expect(timeline.get_by_text("It is about 10cm deep now.")).to_be_visible()
    expect(timeline.get_by_text("A deep pothole by the bus stop. <b>x</b>")).to_be_visible()
    assert_accessible(page, "tracking page (replied)")
    assert Contact.objects.filter(case=case, body="It is about 10cm deep now.").exists()
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS

    # Stop updates, with an error first.
    page.get_by_role("link", name="Stop getting updates about this enquiry").click()
    assert_accessible(page, "stop updates")
    page.get_by_role("button", name="Stop updates").click()
    assert_accessible(page, "stop updates (error)")
    page.get_by_label("Email address or phone number we send updates to").fill("sian@example.com")
    page.get_by_role("button", name="Stop updates").click()
    expect(page.get_by_role("heading", name="We have stopped sending you updates")).to_be_visible()
    assert_accessible(page, "updates stopped")
    case.resident.refresh_from_db()
    assert case.resident.consent_updates is False
    assert len(assert_accessible.checked) == 26


def test_other_resident_pages_are_accessible(
    live_server, browser_page, assert_accessible, catalogue
):
    page = browser_page
    base = live_server.url
    pothole = catalogue["pothole"]

    # Find my enquiry, its error state and its answer.
    page.goto(base + "/find/")
    assert_accessible(page, "find my enquiry")
    page.get_by_role("button", name="Send me the link").click()
    assert_accessible(page, "find my enquiry (error)")
    page.get_by_label("Reference").fill("ABC-DEF-GHJ")
    page.get_by_label("Email address or phone number").fill("sian@example.com")
    page.get_by_role("button", name="Send me the link").click()
    assert_accessible(page, "find my enquiry (reference error)")
    page.get_by_label("Reference").fill(CaseFactory(service=pothole).reference)
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your email or phone")).to_be_visible()
    assert_accessible(page, "find my enquiry sent")

    # A simple query: the answer first, an error, then "yes".
    page.goto(base + "/services/recycling-centre-hours/")
    assert_accessible(page, "simple query")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, "simple query (error)")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="We are glad that helped")).to_be_visible()
    assert_accessible(page, "self-service answered")

    # Tell us once: an open report nearby is offered.
    CaseFactory(service=pothole, address="Ribble Lane", postcode_district="PR1")
    page.goto(base + "/services/report-a-pothole/start/")
    page.get_by_label("Postcode").fill("PR1 3AA")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Ribble Lane: reported")).to_be_visible()
    assert_accessible(page, "tell us once")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, "tell us once (error)")

    # An empty search.
    page.goto(base + "/search/?q=zzzz")
    assert_accessible(page, "search without results")


def test_a_resident_can_report_without_javascript(live_server, no_js_page, catalogue):
    page = no_js_page
    page.goto(live_server.url + "/services/report-a-pothole/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("PR1 8XJ")
    click_continue(page)
    page.get_by_label("Exactly where is it?").fill("By the school")
    click_continue(page)
    page.get_by_label("Deeper than 4cm").check()
    click_continue(page)
    click_continue(page)  # optional yes/no
    click_continue(page)  # optional date
    page.get_by_label("Tell us about the problem").fill("Deep pothole.")
    click_continue(page)
    click_continue(page)  # no files
    page.get_by_label("I do not want updates").check()
    click_continue(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Enquiry sent")).to_be_visible()
    reference = re.search(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", page.content()).group(0)
    assert Case.objects.get().reference == reference


def test_the_csp_check_can_fail(live_server, csp_page):
    """The CSP fixture really sees violations: a page whose inline script its policy refuses."""
    page = csp_page
    page.route(
        "**/csp-probe/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'"},
            body="<html><body><script>document.title = 'ran'</script></body></html>",
        ),
    )
    page.goto(live_server.url + "/csp-probe/")
    expect(page).not_to_have_title("ran")
    deadline = time.monotonic() + 10
    while not page.csp_violations and time.monotonic() < deadline:
        page.evaluate("0")  # a round trip lets Playwright deliver the reports
    assert any("script-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # expected here: the teardown check is for real pages


def test_a_resident_reports_with_the_content_security_policy_enforced(
    live_server, csp_page, catalogue, tmp_path
):
    """The journey with JavaScript on and the real CSP header obeyed: any script, style or
    image the policy refuses fails the test (csp_page), so a page that works only without CSP
    cannot pass."""
    page = csp_page
    photo = tmp_path / "pothole.png"
    photo.write_bytes(png_photo())

    response = page.goto(live_server.url + "/")
    assert "script-src" in response.headers["content-security-policy"]
    page.get_by_label("Search for a service").fill("pothole")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Report a pothole").click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("PR1 8XJ")
    click_continue(page)
    page.get_by_label("Exactly where is it?").fill("By the school")
    click_continue(page)
    page.get_by_label("Deeper than 4cm").check()
    click_continue(page)
    click_continue(page)  # optional yes/no
    click_continue(page)  # optional date
    page.get_by_label("Tell us about the problem").fill("Deep pothole.")
    click_continue(page)
    page.set_input_files("#id_files", str(photo))
    page.get_by_role("button", name="Upload and add another").click()
    expect(page.get_by_text("pothole.png").first).to_be_visible()
    click_continue(page)
    page.get_by_label("Full name").fill("Siân O'Brien-Ng")
    page.get_by_label("By email").check()
    expect(page.get_by_label("Email address")).to_be_visible()  # revealed by the page's script
    page.get_by_label("Email address").fill("sian@example.com")
    click_continue(page)
    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Enquiry sent")).to_be_visible()
    case = Case.objects.get()
    expect(page.get_by_text(case.reference)).to_be_visible()
