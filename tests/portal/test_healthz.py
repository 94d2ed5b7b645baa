from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from enquiries import heartbeats
from enquiries.models import Heartbeat, OutboxTask
from tests.brokers import unreachable_broker


@pytest.fixture
def beat_ran(db):
    heartbeats.beat("outbox-sweep")


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, beat_ran):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["cache"]["ok"]
    assert body["checks"]["outbox"] == {
        "ok": True,
        "detail": "ok",
        "backlog": 0,
        "oldest_age_seconds": None,
        "dead_letters": 0,
    }
    assert body["checks"]["beat"]["ok"] and body["checks"]["beat"]["age_seconds"] < 60


@pytest.mark.django_db
def test_healthz_is_503_when_beat_has_not_run_lately(client):
    assert client.get("/healthz").json()["checks"]["beat"]["detail"] == (
        "no periodic job has run yet"
    )
    Heartbeat.objects.create(name="outbox-sweep", at=timezone.now() - timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["detail"].startswith("last run 300 s ago")


@pytest.mark.django_db
def test_healthz_reports_the_outbox_backlog_its_age_and_dead_letters(client, beat_ran, settings):
    settings.HEALTH_MAX_OUTBOX_BACKLOG = 1
    old = timezone.now() - timedelta(minutes=10)
    for n, state in enumerate(["pending", "dispatched", "done", "dead"]):
        OutboxTask.objects.create(
            task_name="enquiries.tasks.route_case", dedupe_key=f"h{n}", state=state, created_at=old
        )
    response = client.get("/healthz")
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert (outbox["backlog"], outbox["dead_letters"]) == (2, 1)
    assert outbox["oldest_age_seconds"] >= 600
    assert outbox["detail"] == "backlog 2 > 1; oldest 600 s > 300 s; 1 dead letter(s)"


@pytest.mark.django_db
def test_readiness_for_the_load_balancer_ignores_the_broker_and_backlog(client):
    with unreachable_broker():
        response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert list(response.json()["checks"]) == ["database"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client):
    with unreachable_broker():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_down(client):
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/db.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
