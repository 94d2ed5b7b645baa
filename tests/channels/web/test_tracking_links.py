"""Tracking links survive a SECRET_KEY rotation, expire a set time after the case is finished,
and Find my enquiry re-issues a fresh one (the old link stops working)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enquiries import services
from enquiries.choices import Status
from enquiries.models import Case
from enquiries.notifications import optout_url
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db

OLD_KEY = "old-key-" + "x" * 50
NEW_KEY = "new-key-" + "y" * 50


@pytest.fixture
def case(settings):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    case = submit_web_case(service=ServiceFactory(), email="reporter@example.com")
    drain()
    mail.outbox.clear()
    case.refresh_from_db()
    return case


def close(case: Case, days_ago: int) -> None:
    services.case_transition(case=case, to=Status.CLOSED, notify=False)
    finished = timezone.now() - timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(closed_at=finished, resolved_at=finished)
    case.refresh_from_db()


def link_in(message) -> str:
    return re.search(r"/track/[^/\s]+/", message.body).group(0)


def test_rotating_the_secret_key_keeps_tracking_and_opt_out_links_working(client, settings, case):
    tracking_link = case.tracking_path()
    opt_out_link = optout_url(case, case.resident)

    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]

    assert client.get(tracking_link).status_code == 200
    assert case.tracking_path() == tracking_link  # the next email carries the same, working link
    assert client.get(opt_out_link).status_code == 200


def test_secret_key_fallbacks_come_from_the_environment():
    import subprocess
    import sys
    from pathlib import Path

    code = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parents[3],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_ENV": "test",
            "SECRET_KEY_FALLBACKS": "first-old-key,second-old-key",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "['first-old-key', 'second-old-key']", result.stderr


def test_a_link_works_until_the_documented_days_after_closure(client, settings, case):
    settings.TRACKING_LINK_DAYS_AFTER_CLOSURE = 90
    close(case, days_ago=89)
    assert client.get(case.tracking_path()).status_code == 200

    close_again = timezone.now() - timedelta(days=91)
    Case.objects.filter(pk=case.pk).update(closed_at=close_again, resolved_at=close_again)

    expired = client.get(case.tracking_path())

    assert expired.status_code == 410
    page = expired.content.decode()
    assert "This link has expired" in page
    assert reverse("web:find") in page
    assert case.summary not in page  # nothing of the case is shown any more
    stop = client.post(
        reverse("web:stop_updates", args=[case.tracking_token()]), {"contact": "x@example.com"}
    )
    assert stop.status_code == 410


def test_find_my_enquiry_issues_a_fresh_link_and_the_old_one_stops_working(client, case):
    close(case, days_ago=400)
    old_link = case.tracking_path()
    assert client.get(old_link).status_code == 410

    response = client.post(
        reverse("web:find"), {"reference": case.reference, "contact": "reporter@example.com"}
    )
    assert response.status_code == 302
    drain()

    (message,) = mail.outbox
    new_link = link_in(message)
    assert new_link != old_link
    assert client.get(new_link).status_code == 200
    assert client.get(old_link).status_code == 404


def test_a_follower_asking_for_a_link_is_told_why_there_is_none_and_the_reporters_link_stands(
    client, case
):
    from enquiries.models import CaseSubscription
    from tests.factories import ResidentFactory

    follower = ResidentFactory(email="neighbour@example.com")
    CaseSubscription.objects.create(case=case, resident=follower, channel="web")
    reporters_link = case.tracking_path()

    client.post(reverse("web:find"), {"reference": case.reference, "contact": follower.email})
    drain()

    (message,) = mail.outbox
    assert message.to == ["neighbour@example.com"]
    assert "/track/" not in message.body
    assert "only sent to the person who made the report" in message.body
    assert client.get(reporters_link).status_code == 200
