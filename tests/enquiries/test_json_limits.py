"""Deeply nested or oversized JSON gets a clear 400/413, never a 500: the partner API and the
Notify delivery-receipt callback, at unit level and through a real HTTP server."""

import pytest
import requests
from rest_framework.test import APIClient

from enquiries import json_limits
from enquiries.api.partners import issue_token

DEEP = "[" * 20_000 + "]" * 20_000
DEEP_OBJECT = '{"id": ' + '{"a": ' * 20_000 + "1" + "}" * 20_000 + ', "status": "delivered"}'
NOTIFY_TOKEN = "notify-callback-secret-for-tests"


@pytest.fixture
def partner_token(db):
    return issue_token(name="Northmoor Housing Trust", contact_email="cases@nht.example")[1]


@pytest.fixture
def notify_token(settings):
    settings.NOTIFY_CALLBACK_TOKEN = NOTIFY_TOKEN
    return NOTIFY_TOKEN


# --- the shared guard ----------------------------------------------------------------------------


def test_ordinary_json_is_parsed():
    assert json_limits.loads(b'{"a": [1, {"b": [2, 3]}], "c": "[[[["}') == {
        "a": [1, {"b": [2, 3]}],
        "c": "[[[[",
    }


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, "[" * 40 + "]" * 40])
def test_json_nested_too_deep_is_refused_with_a_clear_reason(body):
    with pytest.raises(json_limits.JSONTooDeep, match=f"more than {json_limits.MAX_DEPTH} levels"):
        json_limits.loads(body)


def test_the_limit_is_exact():
    depth = json_limits.MAX_DEPTH
    assert json_limits.loads("[" * depth + "]" * depth) is not None
    with pytest.raises(json_limits.JSONTooDeep):
        json_limits.loads("[" * (depth + 1) + "]" * (depth + 1))


# --- the endpoints (Django's test client) --------------------------------------------------------


def test_the_partner_api_answers_400_to_deep_json(partner_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_token}")
    response = client.post(
        "/api/v1/enquiries/", DEEP, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]


def test_the_notify_callback_answers_400_to_deep_json(client, notify_token):
    response = client.post(
        "/callbacks/notify/",
        DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {notify_token}"},
    )
    assert response.status_code == 400
    assert "nested more than" in response.json()["error"]


# --- through a real HTTP server ------------------------------------------------------------------


def test_deep_json_gets_400_over_http(live_server, partner_token, notify_token):
    api = requests.post(
        f"{live_server.url}/api/v1/enquiries/",
        data=DEEP,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {partner_token}",
            "Idempotency-Key": "deep-1",
        },
        timeout=30,
    )
    assert api.status_code == 400, api.text[:300]
    assert "nested more than" in api.json()["detail"]
    notify = requests.post(
        f"{live_server.url}/callbacks/notify/",
        data=DEEP,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {notify_token}"},
        timeout=30,
    )
    assert notify.status_code == 400, notify.text[:300]
    assert "nested more than" in notify.json()["error"]


def test_a_two_megabyte_body_is_refused_by_the_partner_api(live_server, partner_token):
    body = '{"service": "a", "summary": "s", "description": "' + "x" * (2 * 1024 * 1024) + '"}'
    response = requests.post(
        f"{live_server.url}/api/v1/enquiries/",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {partner_token}",
            "Idempotency-Key": "big-1",
        },
        timeout=30,
    )
    assert response.status_code == 413, response.status_code
    assert "too large" in response.json()["detail"]
