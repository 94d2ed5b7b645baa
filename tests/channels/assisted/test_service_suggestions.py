"""Log a call: the officer's description of the call gets the learning router's likeliest
services as one-click choices on the page after the search (server-side: no script needed)."""

import re
from html import unescape

import pytest

from router.models import RouterModel
from router.synthetic import TOPICS
from router.training import train_router
from tests.factories import DepartmentFactory, ResidentFactory, ServiceFactory
from tests.router.helpers import finished_cases

SCREEN = "/staff/contact/"
LIGHT = "the street light outside her house has been out all week"


@pytest.fixture
def trained(world):
    """The generated topics' services (the world's pothole service is one of them), trained."""
    services = {"report-a-pothole": world.pothole}
    for slug, (name, keywords, _phrases) in TOPICS.items():
        if slug not in services:
            services[slug] = ServiceFactory(
                slug=slug,
                name=name,
                keywords=keywords,
                department=DepartmentFactory(name=f"{name} team", slug=f"{slug}-team"),
            )
    finished_cases(services, 400, seed=7)
    assert train_router().state == RouterModel.State.ACTIVE
    return services


def suggestion_links(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    block = re.search(r'id="service-suggestions">(.*?)</div>', html, re.S)
    assert block, "the page shows the suggestions"
    return [
        (unescape(href), name)
        for href, name in re.findall(
            r'<a class="govuk-link[^"]*" href="([^"]+)">Use ([^<]+)</a>', block.group(1)
        )
    ]


@pytest.mark.django_db
def test_the_search_shows_the_routers_suggestions_as_choices(signed_in, world, trained):
    ResidentFactory(full_name="Priya Patel", postcode="LA1 1AA")
    ResidentFactory(full_name="Priya Patel", postcode="PR1 8XJ")
    client = signed_in(world.agent)
    response = client.get(
        SCREEN, {"q": "priya patel", "action": "new", "service": "", "about": LIGHT}
    )
    assert response.status_code == 200
    links = suggestion_links(response)
    assert 1 <= len(links) <= 3
    url, name = links[0]
    assert name == "Report a street light fault"
    assert "service=report-a-street-light-fault" in url and "q=priya+patel" in url
    assert "2 residents found" in response.content.decode()

    chosen = client.get(url)  # the choice: the same screen with the service selected
    html = chosen.content.decode()
    assert re.search(r'<option value="report-a-street-light-fault" selected>', html)
    assert 'id="service-suggestions"' not in html  # a service is chosen: nothing to suggest
    assert "about=the%20street%20light" in html  # the description travels with "Choose"


@pytest.mark.django_db
def test_a_single_match_without_a_service_shows_the_suggestions_for_that_resident(
    signed_in, world, trained
):
    caller = ResidentFactory(full_name="Priya Patel")
    client = signed_in(world.agent)
    response = client.get(SCREEN, {"q": "priya patel", "action": "new", "about": LIGHT})
    url, name = suggestion_links(response)[0]
    assert name == "Report a street light fault"
    assert f"resident={caller.pk}" in url

    recording = client.get(url)
    html = recording.content.decode()
    assert 'id="record-form"' in html
    assert "New case: Report a street light fault" in html
    description = re.search(
        r'<textarea[^>]*id="id_case-description"[^>]*>(.*?)</textarea>', html, re.S
    )
    assert LIGHT in description.group(1)  # typed once: the description starts the notes


@pytest.mark.django_db
def test_without_a_description_or_a_model_nothing_is_suggested(signed_in, world):
    client = signed_in(world.agent)
    plain = client.get(SCREEN, {"q": "nobody", "action": "new"})
    assert 'id="service-suggestions"' not in plain.content.decode()
    untrained = client.get(SCREEN, {"q": "nobody", "action": "new", "about": LIGHT})
    assert "No service suggestions for that description" in untrained.content.decode()


@pytest.mark.django_db
def test_a_description_is_escaped_and_bounded(signed_in, world, trained):
    client = signed_in(world.agent)
    about = "<script>alert(1)</script> street light " + "x" * 2000
    html = client.get(SCREEN, {"q": "nobody", "about": about}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "x" * 600 not in html
