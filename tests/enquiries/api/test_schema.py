"""The partner API publishes its OpenAPI 3 contract and a docs page that needs no CDN."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_schema_describes_every_partner_endpoint(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/services/",
        "/api/v1/enquiries/",
        "/api/v1/enquiries/{reference}/",
        "/api/v1/enquiries/{reference}/contacts/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/",
    }
    create = schema["paths"]["/api/v1/enquiries/"]["post"]
    assert {"201", "200", "400", "401"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create["parameters"])
    assert schema["components"]["securitySchemes"]["partnerToken"]["scheme"] == "bearer"


def test_the_docs_page_loads_only_our_own_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "nothing from another origin"
    script = re.search(r'<script src="/static/([^"]+)"', html).group(1)
    assert finders.find(script), f"{script} is vendored in the static files"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
