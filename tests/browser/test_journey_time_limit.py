"""WCAG 2.2.1 on the question pages: a resident is warned before their answers are cleared, can
ask for more time without leaving the page, and keeps what they typed."""

import os
import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.factories import ServiceFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_time_limit(settings):
    settings.SESSION_COOKIE_AGE = 12  # answers kept 12 s after the last action
    settings.JOURNEY_TIME_WARNING_SECONDS = 8  # so the warning opens about 4 s after a page loads


def _expiry(page) -> float:
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    return Session.objects.get(session_key=cookie["value"]).expire_date.timestamp()


def test_warned_before_answers_are_cleared_and_more_time_keeps_what_was_typed(
    live_server, browser_page, assert_accessible, short_time_limit
):
    service = ServiceFactory(name="Ask about winter gritting", slug="gritting", questions=[])
    page = browser_page
    page.goto(f"{live_server.url}/services/{service.slug}/start/")
    expect(page.get_by_text("We keep your answers for")).to_be_visible()
    box = page.get_by_role("textbox").first
    box.fill("The grit bin on Moor Lane has been empty since the first frost")

    dialog = page.get_by_role("dialog", name="Do you need more time?")
    expect(dialog).to_be_visible(timeout=20_000)
    expect(dialog).to_contain_text("We will clear your answers in")
    assert_accessible(page, "time-limit warning")
    before = _expiry(page)

    dialog.get_by_role("button", name="Keep my answers").click()
    expect(dialog).to_be_hidden()
    expect(box).to_have_value("The grit bin on Moor Lane has been empty since the first frost")
    expect(box).to_be_focused()  # back where they were typing

    assert _expiry(page) > before  # the dialog closes only once the server has kept the answers

    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/report/files/$"))


def test_without_javascript_the_page_says_until_when_answers_are_kept(live_server, no_js_page):
    service = ServiceFactory(name="Ask about winter gritting", slug="gritting", questions=[])
    page = no_js_page
    page.goto(f"{live_server.url}/services/{service.slug}/start/")
    notice = page.get_by_text("We keep your answers for 30 minutes")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(re.compile(r"until \d{1,2}:\d{2} [ap]\.?m\.?"))
    expect(page.get_by_role("dialog")).to_have_count(0)  # a closed <dialog> is not shown
