"""A partner registers, lists and removes its webhook endpoints through the API."""

import pytest
from rest_framework.test import APIClient

from enquiries.api.partners import issue_token
from enquiries.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def client_for(name: str) -> APIClient:
    _, token = issue_token(name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_partner_registers_an_https_endpoint_and_gets_its_secret_once():
    client = client_for("Housing Trust")
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.trust.example/ncc", "events": ["case.status_changed"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks/").json()["webhooks"]
    assert [w["url"] for w in listed] == ["https://hooks.trust.example/ncc"]
    assert "secret" not in listed[0]


def test_plain_http_and_unknown_events_are_refused(settings):
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    client = client_for("Police")
    insecure = client.post("/api/v1/webhooks/", {"url": "http://p.example/x"}, format="json")
    assert insecure.status_code == 400 and "https" in str(insecure.json())
    unknown = client.post(
        "/api/v1/webhooks/",
        {"url": "https://p.example/x", "events": ["case.deleted"]},
        format="json",
    )
    assert unknown.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_a_partner_removes_only_its_own_endpoint():
    mine, theirs = client_for("Mine"), client_for("Theirs")
    made = mine.post("/api/v1/webhooks/", {"url": "https://m.example/h"}, format="json").json()
    assert theirs.delete(f"/api/v1/webhooks/{made['id']}/").status_code == 404
    assert mine.delete(f"/api/v1/webhooks/{made['id']}/").status_code == 204
    assert mine.get("/api/v1/webhooks/").json()["webhooks"] == []


def test_a_malformed_endpoint_id_gets_the_apis_json_404():
    response = client_for("Fuzzer").delete("/api/v1/webhooks/null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
