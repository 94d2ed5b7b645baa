"""Issue 9 in a real browser: the tracking page reflows at 375 px (WCAG 1.4.10) with a long link
and a long word in its messages, and every new or changed resident page passes axe."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from enquiries import services
from enquiries.models import Case
from tests.factories import ServiceFactory, UserFactory, submit_web_case
from tests.integration.outbox_runner import drain

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_URL = "https://www.example.com/" + "very-long-path-segment/" * 12 + "?ref=" + "x" * 80
LONG_WORD = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" * 3


@pytest.fixture
def wordy_case(transactional_db):
    case = submit_web_case(
        service=ServiceFactory(name="Report a pothole"),
        email="reporter@example.com",
        summary=LONG_WORD[:200],
        description=f"See {LONG_URL} and the sign that says {LONG_WORD}.",
    )
    drain()
    services.reply_to_resident(case=case, body=f"Please read {LONG_URL}", by=UserFactory())
    drain()
    case.refresh_from_db()
    return case


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_tracking_page_reflows_at_375px_with_long_links_and_words(
    live_server, browser, wordy_case, assert_accessible
):
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + wordy_case.tracking_path())
        expect(page.get_by_text("Please read", exact=False)).to_be_visible()

        assert page_width(page) <= 375
        assert_accessible(page, "tracking page at 375px")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/accessibility/", "/privacy/", "/cookies/", "/no-such-page/", "/boom/"]
)
def test_the_information_and_error_pages_reflow_and_pass_axe(
    live_server, browser, path, assert_accessible, settings
):
    settings.ROOT_URLCONF = "tests.portal.error_urls"  # the portal's URLs and a failing view
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + path)
        assert page_width(page) <= 375
        assert_accessible(page, path)
    finally:
        context.close()


def test_the_expired_link_page_passes_axe(live_server, browser_page, wordy_case, assert_accessible):
    finished = timezone.now() - timedelta(days=400)
    Case.objects.filter(pk=wordy_case.pk).update(
        status="closed", closed_at=finished, resolved_at=finished
    )

    response = browser_page.goto(live_server.url + wordy_case.tracking_path())

    assert response.status == 410
    expect(browser_page.get_by_role("heading", name="This link has expired")).to_be_visible()
    assert_accessible(browser_page, "expired link")
