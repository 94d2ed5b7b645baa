"""Start page, browsing by topic, search and service pages."""

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse

from channels.web.search import search_services, search_words
from channels.web.views.pages import service_url_maker
from tests.factories import ServiceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_start_page_lists_services_by_topic_and_says_call_999(client, pothole):
    ServiceFactory(name="Hidden", slug="hidden", is_active=False, topic=pothole.topic)
    page = client.get(reverse("web:home")).content.decode()
    assert "If someone is in immediate danger, call 999" in page
    assert pothole.topic.name in page
    assert pothole.get_absolute_url() in page
    assert "Hidden" not in page
    assert "Northmoor County Council" in page


@pytest.mark.parametrize("slug", ["report-a-pothole", "slug", "0slug0", "a_b-c9"])
def test_the_home_pages_links_are_the_services_own_urls(slug):
    service = ServiceFactory.build(slug=slug)

    assert service_url_maker()(slug) == service.get_absolute_url()


def test_every_active_service_is_linked_from_the_start_page(client, pothole):
    other = ServiceFactory(name="Bins", slug="missed-bin", topic=pothole.topic)

    page = client.get(reverse("web:home")).content.decode()

    assert f'href="{other.get_absolute_url()}">Bins</a>' in page
    assert f'href="{pothole.get_absolute_url()}">{pothole.name}</a>' in page


def test_service_page_says_what_it_is_for_what_happens_next_and_how_long(client, pothole):
    pothole.not_council_note = "If someone is in immediate danger, call 999."
    pothole.save()
    page = client.get(pothole.get_absolute_url()).content.decode()
    assert pothole.description in page
    assert "An inspector visits within 5 working days." in page
    assert "5 working days" in page
    assert "If someone is in immediate danger, call 999." in page
    assert reverse("web:start", args=[pothole.slug]) in page


def test_search_ranks_name_matches_first():
    roads = TopicFactory(name="Roads")
    ServiceFactory(name="Report a street light fault", slug="lights", topic=roads)
    ServiceFactory(name="Report a dangerous road", slug="danger", topic=roads, keywords="pothole")
    ServiceFactory(name="Report a pothole", slug="pothole", topic=roads)
    results = [s.slug for s in search_services("Potholes")]
    assert results == ["pothole", "danger"]


def test_search_words_drop_plurals_and_stop_words():
    assert search_words("The potholes on my road") == ["pothole", "road"]
    assert search_words("x" * 500) == ["x" * 100]


def test_search_page_escapes_the_query(client, pothole):
    page = client.get(reverse("web:search"), {"q": "<script>pothole"}).content.decode()
    assert "<script>pothole" not in page
    assert "&lt;script&gt;pothole" in page


def test_search_finds_by_keyword(client, pothole):
    page = client.get(reverse("web:search"), {"q": "road surface"}).content.decode()
    assert pothole.get_absolute_url() in page


def test_an_inactive_service_is_not_found(client, pothole):
    pothole.is_active = False
    pothole.save()
    assert client.get(pothole.get_absolute_url()).status_code == 404


def test_a_new_or_withdrawn_service_shows_on_the_start_page_once_its_shared_list_expires(
    client, pothole
):
    client.get(reverse("web:home"))
    ServiceFactory(name="Bins", slug="missed-bin", topic=pothole.topic)
    pothole.is_active = False
    pothole.save()

    shared = client.get(reverse("web:home")).content.decode()
    cache.delete(make_template_fragment_key("web_home_catalogue"))  # as CATALOGUE_SECONDS pass
    fresh = client.get(reverse("web:home")).content.decode()

    assert ">Bins</a>" not in shared and pothole.name in shared  # within CATALOGUE_SECONDS
    assert ">Bins</a>" in fresh and pothole.name not in fresh
