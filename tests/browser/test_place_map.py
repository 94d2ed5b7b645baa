"""The location map in a real browser: a resident drops a pin by keyboard and by mouse and files
the report; without JavaScript, or when the tiles fail, the street and postcode path still works.
No test ever requests a tile server (tiles are off in tests, or every tile request is aborted)."""

import os

import pytest
from playwright.sync_api import expect

from enquiries.choices import Status
from enquiries.models import Case
from tests.channels.web.conftest import QUESTIONS
from tests.factories import CaseFactory, ServiceFactory
from tests.factories.places import load_directory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pothole(transactional_db, settings):
    settings.COUNCIL_AREA_CODES = ["E10000099"]
    settings.COUNCIL_AREA_NAME = "Northmoor"
    load_directory()
    return ServiceFactory(
        name="Report a pothole",
        slug="report-a-pothole",
        is_location_based=True,
        questions=QUESTIONS,
        nearby_radius_metres=50,
    )


@pytest.fixture
def outside_requests(browser_page, live_server):
    """Every request the page makes that is not to the portal itself."""
    seen: list[str] = []
    browser_page.on(
        "request",
        lambda r: seen.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    return seen


def continue_(page) -> None:
    page.get_by_role("button", name="Continue").click()


def finish_report(page) -> None:
    page.get_by_label("Exactly where is it?").fill("By the drain")
    continue_(page)
    page.get_by_label("Deeper than 4cm").check()
    continue_(page)
    continue_(page)  # bus route: optional
    continue_(page)  # date noticed: optional
    page.get_by_label("Tell us about the problem").fill("A deep pothole.")
    continue_(page)
    continue_(page)  # no files
    page.get_by_label("Full name").fill("Siân O'Brien-Ng")
    page.get_by_label("By email").check()
    page.get_by_label("Email address").fill("sian@example.com")
    continue_(page)


def pin(page) -> tuple[float, float]:
    lat = page.locator("input[name=latitude]").input_value()
    lng = page.locator("input[name=longitude]").input_value()
    return float(lat), float(lng)


def test_a_pin_dropped_by_keyboard_then_moved_by_mouse_files_the_report(
    live_server, browser_page, assert_accessible, pothole, outside_requests
):
    page = browser_page
    page.goto(f"{live_server.url}/services/report-a-pothole/start/")
    canvas = page.locator("[data-map-canvas]")
    expect(canvas).to_be_visible()
    assert_accessible(page, "where, with the map")

    # Keyboard: search a postcode, then pan north with the arrow keys and press Enter.
    page.get_by_label("Search the map").fill("PR1 8XJ")
    page.get_by_label("Search the map").press("Enter")
    expect(page.locator("[data-map-status]")).to_contain_text("The map shows PR1 8XJ")
    canvas.focus()
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("[data-map-status]")).to_contain_text("Pin placed")
    by_keyboard = pin(page)
    assert by_keyboard[0] > 53.7632  # panned north of the postcode's centre
    assert abs(by_keyboard[1] - -2.7031) < 0.0005
    assert_accessible(page, "where, pin placed")

    # Mouse: a click south-west of the cross moves the pin there.
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.8)
    expect(page.locator("input[name=latitude]")).not_to_have_value(str(by_keyboard[0]))
    by_mouse = pin(page)
    assert by_mouse[0] < by_keyboard[0] and by_mouse[1] < by_keyboard[1]

    continue_(page)
    finish_report(page)
    expect(page.get_by_text("Marked on the map")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Enquiry sent")).to_be_visible()

    case = Case.objects.get()
    assert (float(case.latitude), float(case.longitude)) == pytest.approx(by_mouse, abs=1e-6)
    assert case.postcode == "" and case.place_note == ""
    assert outside_requests == []


def test_known_reports_nearby_show_as_pins_and_a_list(
    live_server, browser_page, assert_accessible, pothole, outside_requests
):
    CaseFactory(
        service=pothole,
        address="Ribble Lane",
        status=Status.OPEN,
        latitude="53.763300",
        longitude="-2.703100",
        answers={"depth": "Deeper than 4cm"},
    )
    page = browser_page
    page.goto(f"{live_server.url}/services/report-a-pothole/start/")
    page.get_by_label("Postcode", exact=True).fill("PR1 8XJ")
    continue_(page)

    expect(page.get_by_text("Ribble Lane: reported")).to_be_visible()
    expect(page.locator("path.leaflet-interactive")).to_have_count(1)
    page.locator("path.leaflet-interactive").click()
    expect(page.get_by_label("Ribble Lane: reported", exact=False)).to_be_checked()
    assert_accessible(page, "nearby, pins and list")
    assert outside_requests == []


def test_when_tiles_fail_the_postcode_path_still_works(
    live_server, browser_page, pothole, settings
):
    settings.MAP_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    page = browser_page
    page.route("https://tiles.example.invalid/**", lambda route: route.abort())
    page.goto(f"{live_server.url}/services/report-a-pothole/start/")

    expect(page.locator("[data-map-status]")).to_contain_text("could not be loaded")
    page.get_by_label("Street name or place").fill("Ribble Lane")
    page.get_by_label("Postcode", exact=True).fill("PR1 8XJ")
    continue_(page)
    finish_report(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Enquiry sent")).to_be_visible()

    assert Case.objects.get().ward_name == "Ribbleton"


def test_without_javascript_there_is_no_map_and_outside_places_are_answered(
    live_server, no_js_page, pothole
):
    page = no_js_page
    page.goto(f"{live_server.url}/services/report-a-pothole/start/")

    expect(page.locator("[data-map-canvas]")).to_be_hidden()
    page.get_by_label("Postcode", exact=True).fill("SW1A 1AA")
    continue_(page)

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "SW1A 1AA is not in Northmoor: contact Westminster City Council"
    )


def test_use_my_location_drops_the_pin_where_the_device_is(live_server, browser, pothole):
    context = browser.new_context(
        bypass_csp=True,
        locale="en-GB",
        geolocation={"latitude": 53.7651, "longitude": -2.7012},
        permissions=["geolocation"],
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/services/report-a-pothole/start/")
        page.get_by_role("button", name="Use my location").click()
        expect(page.locator("[data-map-status]")).to_contain_text("Pin placed")
        assert pin(page) == (53.7651, -2.7012)
    finally:
        context.close()


def shared_report_with_photo(pothole):
    """An open report whose resident agreed to share, with a phone photo (EXIF GPS included)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from enquiries.models import Attachment
    from tests.factories import ContactFactory

    case = CaseFactory(
        service=pothole,
        address="Ribble Lane",
        status=Status.OPEN,
        latitude="53.763300",
        longitude="-2.703100",
        description="Hole by the drain cover, call 07700 900123 if you need more.",
        shared_publicly=True,
    )
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (53.0, 45.0, 47.5)})
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 90, 90)).save(out, format="JPEG", exif=exif)
    photo = Attachment(
        contact=ContactFactory(case=case),
        original_name="IMG_0001.jpg",
        content_type="image/jpeg",
        sha256="12" * 32,
    )
    photo.file.save("IMG_0001.jpg", ContentFile(out.getvalue()), save=True)
    return case


def test_a_shared_reports_snippet_and_photo_show_in_the_list_and_the_pins_tooltip(
    live_server, browser_page, assert_accessible, pothole, outside_requests
):
    shared_report_with_photo(pothole)
    page = browser_page
    page.goto(f"{live_server.url}/services/report-a-pothole/start/")
    page.get_by_label("Postcode", exact=True).fill("PR1 8XJ")
    continue_(page)

    listed = page.locator(".nearby-reports")
    expect(listed).to_contain_text("Hole by the drain cover, call [phone number removed]")
    photo = listed.get_by_role("img", name="Photo of the reported problem")
    expect(photo).to_be_visible()
    page.wait_for_function("document.querySelector('.nearby-reports img').naturalWidth > 0")
    assert photo.evaluate("img => img.naturalWidth") <= 320

    page.locator("path.leaflet-interactive").hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("Hole by the drain cover")
    expect(tooltip.get_by_role("img", name="Photo of the reported problem")).to_be_visible()
    assert_accessible(page, "nearby, shared snippet and photo")
    assert outside_requests == []


def test_without_javascript_the_shared_snippet_and_photo_are_in_the_list(
    live_server, no_js_page, pothole
):
    shared_report_with_photo(pothole)
    page = no_js_page
    page.goto(f"{live_server.url}/services/report-a-pothole/start/")
    page.get_by_label("Postcode", exact=True).fill("PR1 8XJ")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".nearby-reports")).to_contain_text("Hole by the drain cover")
    expect(page.get_by_role("img", name="Photo of the reported problem")).to_be_visible()
    expect(page.locator("[data-place-map]")).to_be_hidden()
