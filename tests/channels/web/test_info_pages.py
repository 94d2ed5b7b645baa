"""The footer's accessibility statement, privacy notice and cookies page exist on every page and
say what they must, with the council's own details from settings."""

import re

import pytest
from django.urls import reverse

from tests.channels.web.conftest import walk_pothole
from tests.channels.web.test_tracking import file_case

pytestmark = pytest.mark.django_db


def footer_links(page: str) -> list[str]:
    footer = page[page.index('<footer class="govuk-footer">') :]
    return [href for href in re.findall(r'href="([^"]+)"', footer) if href.startswith("/")]


def test_every_footer_link_works_from_several_pages(client, pothole):
    case = file_case(pothole)
    pages = [
        reverse("web:home"),
        pothole.get_absolute_url(),
        reverse("web:find"),
        case.tracking_path(),
        reverse("web:privacy"),
    ]
    for url in pages:
        links = footer_links(client.get(url).content.decode())
        assert {"/accessibility/", "/privacy/", "/cookies/"} <= set(links), url
        for link in links:
            assert client.get(link).status_code == 200, (url, link)


def test_the_accessibility_statement_follows_the_model_with_the_councils_details(client, settings):
    settings.COUNCIL_NAME = "Fenwick District Council"
    settings.ACCESSIBILITY_EMAIL = "access@fenwick.example"
    settings.ACCESSIBILITY_STATEMENT_PREPARED = "1 March 2026"
    settings.ACCESSIBILITY_KNOWN_ISSUES = ["The map has no text alternative."]

    page = client.get(reverse("web:accessibility")).content.decode()

    for heading in (
        "Accessibility statement for Fenwick District Council",
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in page, heading
    assert "partially compliant" in page
    assert "The map has no text alternative." in page
    assert "access@fenwick.example" in page
    assert "This statement was prepared on 1 March 2026" in page


def test_with_no_known_issues_the_statement_says_fully_compliant(client, settings):
    settings.ACCESSIBILITY_KNOWN_ISSUES = []
    page = client.get(reverse("web:accessibility")).content.decode()
    assert "fully compliant" in page and "Non-accessible content" not in page


def test_the_privacy_notice_says_what_why_how_long_and_the_residents_rights(client, settings):
    settings.COUNCIL_DPO_EMAIL = "dpo@fenwick.example"
    settings.PRIVACY_RETENTION = "3 years after your enquiry is closed"
    settings.COUNCIL_ADDRESS = "Town Hall, Fenwick, FE1 2AB"

    page = client.get(reverse("web:privacy")).content.decode()

    for section in (
        "What we collect",
        "Why we collect it, and our lawful basis",
        "Article 6(1)(e)",
        "How long we keep it",
        "3 years after your enquiry is closed",
        "Your rights",
        "How to use your rights",
        "dpo@fenwick.example",
        "Town Hall, Fenwick, FE1 2AB",
        "ico.org.uk",
    ):
        assert section in page, section


def test_the_cookies_page_names_every_cookie_the_portal_sets(client, walker):
    walk_pothole(walker)
    walker.submit()
    set_cookies = set(client.cookies.keys())
    assert set_cookies  # the journey does set cookies

    page = client.get(reverse("web:cookies")).content.decode()

    for name in set_cookies:
        assert f"<code>{name}</code>" in page, name


def test_the_privacy_notice_lists_services_that_keep_records_for_a_different_time(client):
    from tests.factories import ServiceFactory

    ServiceFactory(name="Adult social care enquiry", retention_days=8 * 365)
    ServiceFactory(name="Report a pothole")  # the default: not listed

    page = client.get(reverse("web:privacy")).content.decode()

    assert "Adult social care enquiry" in page and "8 years after the enquiry is closed" in page
    assert "Report a pothole" not in page
