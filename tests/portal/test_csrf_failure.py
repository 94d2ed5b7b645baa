"""The stale-form page gives typed answers back, but never a password or anything secret."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_stale_sign_in_form_never_echoes_the_password():
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("staff:login"),
        {"username": "officer1", "password": "Hunter2-Very-Secret", "otp_token": "123456"},
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "Sorry, your form could not be sent" in page
    assert "Hunter2-Very-Secret" not in page
    assert "123456" not in page


def test_secret_looking_fields_are_dropped_and_answers_kept(rf):
    from portal.views import csrf_failure

    request = rf.post(
        "/services/x/report/where/",
        {
            "address": "12 Ribble Lane",
            "postcode": "PR1 8XJ",
            "new_password1": "pw-one",
            "api_key": "k-123",
            "client_secret": "s-456",
            "code": "654321",
        },
    )

    page = csrf_failure(request).content.decode()

    assert "12 Ribble Lane" in page and "PR1 8XJ" in page
    for secret in ("pw-one", "k-123", "s-456", "654321"):
        assert secret not in page
