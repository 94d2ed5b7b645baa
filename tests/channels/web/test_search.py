"""Search: relevance on the real demo catalogue, and signposts for what a district council does."""

import json

import pytest

from channels.web import signposts
from channels.web.search import search_services
from enquiries import demo_data
from tests.factories import DepartmentFactory, ServiceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """The demo county's services, with their real names, keywords and summaries."""
    topics = {t["slug"]: TopicFactory(slug=t["slug"], name=t["name"]) for t in demo_data.TOPICS}
    department = DepartmentFactory()
    for spec in demo_data.SERVICES:
        ServiceFactory(
            slug=spec["slug"],
            name=spec["name"],
            summary=spec["summary"],
            keywords=spec.get("keywords", ""),
            topic=topics[spec["topic"]],
            department=department,
        )


def names(query: str) -> list[str]:
    return [service.name for service in search_services(query)]


def test_council_tax_finds_no_pothole_form(catalogue):
    assert names("council tax") == []


def test_the_best_match_comes_first(catalogue):
    assert names("pothole")[0] == "Report a pothole"
    assert names("potholes on my road")[0] == "Report a pothole"
    assert names("street light not working")[0] == "Report a street light fault"
    assert names("blue badge")[0] == "Apply for a Blue Badge"
    assert names("fly tipping")[0] == "Report fly-tipping on a public road"


def test_whole_words_only(catalogue):
    assert "Apply for a van or trailer permit for a recycling centre" not in names("tax")


def test_council_tax_is_signposted_to_the_district_council(client, catalogue):
    page = client.get("/search/", {"q": "How do I pay my council tax?"})
    html = page.content.decode()
    assert "Council Tax: contact your district, borough or city council" in html
    assert 'href="https://www.gov.uk/find-local-council"' in html
    assert "0 results" in html
    assert "Report a pothole" not in html


def test_a_missed_bin_is_signposted_and_the_county_page_still_found(client, catalogue):
    html = client.get("/search/", {"q": "missed bin"}).content.decode()
    assert "Bin collections: contact your district" in html
    assert "Missed bin collection" in html


def test_county_topics_are_not_signposted(client, catalogue):
    html = client.get("/search/", {"q": "pothole"}).content.decode()
    assert "ncc-signpost" not in html


def test_the_list_is_the_councils_own(settings, tmp_path, client, catalogue):
    own = [
        {
            "topic": "Council Tax",
            "phrases": ["council tax"],
            "who": "Moorside Borough Council",
            "url": "https://www.moorside.example/council-tax",
            "detail": "Moorside bills and collects it.",
        }
    ]
    path = tmp_path / "signposts.json"
    path.write_text(json.dumps(own))
    settings.SIGNPOSTS_FILE = str(path)
    signposts._load.cache_clear()
    html = client.get("/search/", {"q": "council tax band"}).content.decode()
    assert "Council Tax: contact Moorside Borough Council" in html
    assert 'href="https://www.moorside.example/council-tax"' in html
    signposts._load.cache_clear()


def test_searches_share_one_read_of_the_catalogue(catalogue, django_assert_num_queries):
    assert names("pothole")[0] == "Report a pothole"

    with django_assert_num_queries(0):
        assert names("street light")[0] == "Report a street light fault"


def test_a_new_or_withdrawn_service_is_found_once_the_shared_catalogue_expires(catalogue):
    from django.core.cache import cache

    from channels.web.search import CATALOGUE_KEY
    from enquiries.models import Service

    names("pothole")  # shared from here on, for CATALOGUE_SECONDS
    ServiceFactory(name="Report a sinkhole", slug="sinkhole", summary="A hole in the road.")
    Service.objects.filter(slug="report-a-pothole").update(is_active=False)
    assert "Report a sinkhole" not in names("sinkhole")

    cache.delete(CATALOGUE_KEY)  # as CATALOGUE_SECONDS pass

    assert names("sinkhole")[0] == "Report a sinkhole"
    assert "Report a pothole" not in names("pothole")


def test_results_carry_what_the_page_shows(client, catalogue):
    page = client.get("/search/?q=pothole").content.decode()

    assert 'href="/services/report-a-pothole/">Report a pothole</a>' in page
    assert "Roads and travel" in page  # the topic's name
