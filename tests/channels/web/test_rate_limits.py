"""Per-IP rate limits through Django's cache, with a clear message for people."""

import pytest
from django.urls import reverse

from channels.web.ratelimit import parse_rate
from enquiries.models import Case
from enquiries.references import generate_reference
from tests.channels.web.conftest import Walker, random_ip, walk_pothole
from tests.channels.web.test_tracking import file_case

pytestmark = pytest.mark.django_db


def test_rates_are_read_as_count_per_period():
    assert parse_rate("10/h") == (10, 3600)
    assert parse_rate("5/15m") == (5, 900)
    with pytest.raises(ValueError):
        parse_rate("lots")


def test_find_my_enquiry_is_limited_per_ip(client, settings):
    settings.WEB_RATE_LIMITS = {**settings.WEB_RATE_LIMITS, "find": "2/h"}
    ip = random_ip()
    data = {"reference": generate_reference(), "contact": "a@example.com"}
    for _ in range(2):
        assert client.post(reverse("web:find"), data, REMOTE_ADDR=ip).status_code == 302

    blocked = client.post(reverse("web:find"), data, REMOTE_ADDR=ip)

    assert blocked.status_code == 429
    assert "we cannot accept more forms from your connection" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0
    other = client.post(reverse("web:find"), data, REMOTE_ADDR=random_ip())
    assert other.status_code == 302


def test_submitting_enquiries_is_limited_and_the_answers_are_kept(client, pothole, settings):
    settings.WEB_RATE_LIMITS = {**settings.WEB_RATE_LIMITS, "submit": "1/h"}
    ip = random_ip()
    walker = Walker(client, pothole)
    walk_pothole(walker)
    assert walker.submit(REMOTE_ADDR=ip).status_code == 302
    walk_pothole(walker)

    blocked = walker.submit(REMOTE_ADDR=ip)

    assert blocked.status_code == 429
    assert "Your answers are saved" in blocked.content.decode()
    assert Case.objects.count() == 1
    assert walker.get("check").status_code == 200


def test_replies_are_limited(client, pothole, settings):
    settings.WEB_RATE_LIMITS = {**settings.WEB_RATE_LIMITS, "reply": "1/h"}
    case = file_case(pothole)
    ip = random_ip()
    ok = client.post(case.tracking_path(), {"reply_key": "1", "body": "a"}, REMOTE_ADDR=ip)
    blocked = client.post(case.tracking_path(), {"reply_key": "2", "body": "b"}, REMOTE_ADDR=ip)
    assert ok.status_code == 302
    assert blocked.status_code == 429
