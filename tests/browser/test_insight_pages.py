"""Insight in a real browser: a manager reads charts beside their tables and follows a figure to
the cases; without JavaScript the tables are all there; the public page passes axe."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from enquiries.choices import Channel
from insight import rollups
from tests.browser.test_data_protection_pages import sign_in
from tests.factories import CaseFactory, ServiceFactory, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures():
    service = ServiceFactory(name="Report a pothole")
    week = timezone.now() - timedelta(days=8)
    for i in range(9):
        CaseFactory(
            service=service,
            created_at=week,
            channel=Channel.PHONE if i % 3 == 0 else Channel.WEB,
            ward_code="E05000001",
            ward_name="Riverside",
            imd_decile=2,
        )
    rollups.refresh()
    return service


def test_a_manager_reads_charts_and_tables_and_drills_down(
    live_server, browser_page, assert_accessible, figures
):
    manager = UserFactory(username="boss", groups=["manager"])
    figures.department.managers.add(manager)
    page = browser_page
    sign_in(page, live_server, manager, "/staff/insight/")
    page.get_by_role("heading", name="Demand", level=1).wait_for()
    expect(page.locator("[data-insight-chart] canvas").first).to_be_visible()
    assert_accessible(page, "insight demand")
    for name in ("Channel shift", "Failure demand", "Automation", "Timeliness", "Hotspots"):
        page.get_by_role("navigation", name="Insight pages").get_by_role("link", name=name).click()
        page.get_by_role("heading", name=name, level=1).wait_for()
        assert_accessible(page, f"insight {name}")
    page.get_by_role("link", name="Demand").first.click()
    page.get_by_role("table").filter(has_text="Enquiries by service").get_by_role(
        "link", name="Report a pothole"
    ).click()
    page.get_by_role("heading", name="Cases behind the figure").wait_for()
    expect(page.get_by_text("9 cases received")).to_be_visible()
    assert_accessible(page, "insight cases")


def test_without_javascript_every_figure_is_a_table(live_server, browser, figures):
    analyst = UserFactory(username="numbers", groups=["analyst"])
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server, analyst, "/staff/insight/channel-shift/")
    page.get_by_role("heading", name="Channel shift", level=1).wait_for()
    expect(page.locator("[data-insight-chart]").first).to_be_hidden()
    expect(page.get_by_role("table").first).to_be_visible()
    expect(page.get_by_text("fewer than 5").first).to_be_visible()  # 3 phone calls, for analysts
    context.close()


def test_the_public_performance_page(live_server, browser_page, assert_accessible):
    service = ServiceFactory()
    for _ in range(6):
        CaseFactory(service=service, created_at=timezone.now() - timedelta(days=40))
    rollups.refresh()
    browser_page.goto(f"{live_server.url}/performance/")
    browser_page.get_by_role("heading", name="How we are doing").wait_for()
    expect(browser_page.get_by_role("table")).to_be_visible()
    assert_accessible(browser_page, "performance")
