"""A missing or stale CSRF token: a friendly page that gives the answers back."""

import pytest
from django.test import Client

from tests.channels.web.conftest import Walker

pytestmark = pytest.mark.django_db


def test_a_stale_form_keeps_what_was_typed(pothole):
    client = Client(enforce_csrf_checks=True)
    walker = Walker(client, pothole)
    walker.start()

    response = walker.post("where", {"address": "Łąka <b>Lane</b>", "postcode": "PR1 8XJ"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "Sorry, your form could not be sent" in page
    assert "Łąka &lt;b&gt;Lane&lt;/b&gt;" in page
    assert walker.key not in page
