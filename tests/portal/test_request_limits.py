"""Request bodies are small everywhere (DATA_UPLOAD_MAX_MEMORY_SIZE) except where files or raw
messages arrive: the journey's upload step, the tracking page's reply, the Mailgun webhook."""

import pytest
from django.urls import reverse

from enquiries.models import Attachment
from tests.channels.web import conftest as web
from tests.channels.web.conftest import PNG, upload, walk_pothole

pothole = web.pothole
walker = web.walker
_generous_rate_limits = web._generous_rate_limits

MB = 1024 * 1024


def test_the_default_limit_is_small(settings):
    assert settings.REQUEST_BODY_MAX_BYTES <= 1 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= settings.ATTACHMENT_MAX_BYTES


def test_a_two_megabyte_form_post_is_refused_with_413(client, db):
    response = client.post(reverse("web:find"), {"reference": "x" * (2 * MB)})
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_the_upload_step_still_takes_a_nine_megabyte_photo(walker):
    walk_pothole(walker)
    walker.get("files")
    photo = upload("big-pothole.png", PNG + b"\x00" * (9 * MB))
    response = walker.post("files", {"action": "continue", "files": [photo]})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = walker.submit()
    assert response.status_code == 302
    assert Attachment.objects.get().size > 9 * MB


def test_the_mailgun_webhook_may_receive_a_large_message(client, db, settings):
    """A raw message of several MB is not refused for its size (the signature check refuses it)."""
    body = {"body-mime": "x" * (5 * MB), "signature": "bad", "timestamp": "1", "token": "t"}
    response = client.post(reverse("inbound_email:mailgun_inbound"), body)
    assert response.status_code != 413


@pytest.mark.parametrize("name", ["web:step/files", "web:track", "inbound_email:mailgun_inbound"])
def test_larger_bodies_are_allowed_only_where_named(settings, name):
    assert settings.REQUEST_BODY_LIMITS[name] > settings.REQUEST_BODY_MAX_BYTES
