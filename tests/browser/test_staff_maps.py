"""Staff maps in a real browser: the case page's small map and the worklist map (pins that open
their case), both with zero axe violations and no request to any tile server."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.enquiries.staff.helpers import World, open_case, world  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, user, next_path: str) -> None:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base}{next_path}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("correct-horse-battery-staple")
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/two-factor/**")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.locator("#id_token").fill(f"{code:06d}")
    page.locator("#id_token").press("Enter")


def test_case_page_and_worklist_maps(live_server, browser_page, assert_accessible, world: World):  # noqa: F811
    page = browser_page
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    case = open_case(
        world.pothole,
        latitude="53.763200",
        longitude="-2.703100",
        ward_name="Ribbleton",
        ward_code="E05099001",
    )
    other = open_case(world.pothole, latitude="53.764500", longitude="-2.701000")

    sign_in(page, live_server.url, world.highways_officer, f"/staff/cases/{case.reference}/")
    page.wait_for_url(f"**/staff/cases/{case.reference}/")
    expect(page.locator("[data-map-canvas]")).to_be_visible()
    expect(page.locator("path.leaflet-interactive")).to_have_count(1)
    assert_accessible(page, "case page with its map")

    page.goto(f"{live_server.url}/staff/worklist/?queue=highways")
    page.get_by_role("link", name="Show open cases on a map").click()
    expect(page.locator("path.leaflet-interactive")).to_have_count(2)
    assert_accessible(page, "worklist map")
    page.locator("path.leaflet-interactive").last.click(force=True)
    page.wait_for_url("**/staff/cases/**")
    assert page.url.rstrip("/").rsplit("/", 1)[-1] in {case.reference, other.reference}
    assert outside == []
