"""The "Keep my answers" request behind the time-limit warning (WCAG 2.2.1)."""

import pytest
from django.test import Client

from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_keeping_answers_restarts_their_clock():
    client = Client(enforce_csrf_checks=True)
    service = ServiceFactory(questions=[])
    page = client.get(f"/services/{service.slug}/start/", follow=True)
    token = page.context["csrf_token"]
    kept = client.post("/keep-my-answers/", HTTP_X_CSRFTOKEN=str(token))
    assert kept.status_code == 200
    assert kept.json() == {"kept": True, "seconds": 30 * 60}


def test_answers_already_cleared_cannot_be_kept(client):
    response = client.post("/keep-my-answers/")
    assert response.status_code == 410
    assert response.json() == {"kept": False}


def test_keeping_answers_needs_the_form_token():
    client = Client(enforce_csrf_checks=True)
    service = ServiceFactory(questions=[])
    client.get(f"/services/{service.slug}/start/", follow=True)
    assert client.post("/keep-my-answers/").status_code == 403
    assert client.get("/keep-my-answers/").status_code == 405
