"""Error pages are the council's own, with a way to contact the council, served by a real HTTP
server with DEBUG off; the 500 page renders with no context processors and no database."""

import re
import urllib.error
import urllib.request

import pytest
from django.test import RequestFactory

from portal import views

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def footer_links(page: str) -> list[str]:
    """The portal's own pages the error page's footer links to."""
    footer = page[page.index("<footer") :]
    return [href for href in re.findall(r'href="(/[^"]*)"', footer)]


@pytest.fixture
def branded(settings):
    settings.DEBUG = False
    settings.COUNCIL_NAME = "Fenwick District Council"
    settings.COUNCIL_PHONE = "01234 567890"
    settings.ROOT_URLCONF = "tests.portal.error_urls"


def test_a_missing_page_is_the_councils_own_with_its_phone_number(live_server, branded):
    status, page = fetch(f"{live_server.url}/no-such-page/")

    assert status == 404
    assert "Page not found" in page
    assert "Fenwick District Council" in page
    assert 'href="tel:01234567890"' in page
    assert "The requested resource was not found" not in page  # Django's bare page


@pytest.mark.parametrize("path", ["/no-such-page/", "/boom/"])
def test_an_error_pages_footer_leads_to_pages_that_work(live_server, branded, path):
    """A resident who lands on an error page can still reach the council's own pages from it."""
    status, page = fetch(f"{live_server.url}{path}")
    assert status in (404, 500)

    links = footer_links(page)

    assert links, "the error page has a footer with links"
    for link in links:
        assert fetch(f"{live_server.url}{link}")[0] == 200, link


def test_a_server_error_is_the_councils_own_page_with_its_phone_number(live_server, branded):
    status, page = fetch(f"{live_server.url}/boom/")

    assert status == 500
    assert "Sorry, there is a problem with the service" in page
    assert "Fenwick District Council" in page
    assert 'href="tel:01234567890"' in page
    assert "a bug" not in page


def test_the_500_page_needs_no_database_and_no_context_processors(
    branded, django_assert_num_queries, settings
):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"]}}
    ]
    settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = ["tests.portal.test_error_pages.fail"]
    request = RequestFactory().get("/anything/")

    with django_assert_num_queries(0):
        response = views.server_error(request)

    assert response.status_code == 500
    assert "Fenwick District Council" in response.content.decode()


def fail(request):
    raise AssertionError("the 500 page ran a context processor")


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        ("bad_request", 400, "Sorry, there is a problem with your request"),
        ("permission_denied", 403, "You cannot see this page"),
        ("page_not_found", 404, "Page not found"),
    ],
)
def test_client_error_pages_are_branded_with_a_way_to_contact_us(branded, handler, status, heading):
    request = RequestFactory().get("/somewhere/")

    response = getattr(views, handler)(request, Exception("secret detail"))

    page = response.content.decode()
    assert response.status_code == status
    assert heading in page
    assert "Fenwick District Council" in page and 'href="tel:01234567890"' in page
    assert "secret detail" not in page
