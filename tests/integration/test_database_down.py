"""PostgreSQL restarting under load (its connections cut, new ones refused, through a loopback
relay to the real server): web pages answer a council-branded 503 with Retry-After, the partner
API a JSON 503, nothing is half-written, and the portal answers normally once it is back."""

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connections

from enquiries.api.partners import issue_token
from enquiries.models import Case, Contact, Resident
from tests.conftest import wait_for
from tests.factories import ServiceFactory
from tests.integration.gunicorn_server import gunicorn
from tests.integration.tcp_proxy import TcpProxy
from tests.integration.test_redis_down import CSRF, KEY, file_by_api

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="restarts PostgreSQL's connections",
    ),
]


@pytest.fixture
def database_behind_a_relay():
    """A relay to the test database, for the server's connections only."""
    db = connections["default"].settings_dict
    relay = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    relay.start()
    try:
        yield relay
    finally:
        relay.stop()


@pytest.fixture
def server(tmp_path, database_behind_a_relay):
    with gunicorn(tmp_path, workers=1, db_port=database_behind_a_relay.port) as process:
        yield process


def test_a_database_restart_answers_503_try_again_and_writes_nothing(
    server, database_behind_a_relay
):
    live_server = server
    service = ServiceFactory()
    _partner, token = issue_token(name="Northmoor Housing Trust", contact_email="c@nht.example")
    resident = requests.Session()  # half-way through the web form when the database goes
    started = resident.get(f"{live_server.url}/services/{service.slug}/start/", timeout=30)
    assert started.status_code == 200
    counts = (Case.objects.count(), Resident.objects.count(), Contact.objects.count())

    database_behind_a_relay.stop()  # PostgreSQL goes away
    form = {
        "csrfmiddlewaretoken": CSRF.search(started.text).group(1),
        "journey_key": KEY.search(started.text).group(1) if KEY.search(started.text) else "",
        "description": "The street light outside number 4 is out.",
    }
    pages = [resident.post(started.url, data=form, timeout=30, allow_redirects=False)]
    api = file_by_api(live_server.url, token, service, 1)

    for page in pages:
        assert page.status_code == 503, page.text[:300]
        assert page.headers["Retry-After"] == str(django_settings.DATABASE_DOWN_RETRY_AFTER)
        assert "Sorry, the service is unavailable" in page.text
        assert django_settings.COUNCIL_NAME in page.text
        assert "GOV.UK" not in page.text
    assert api.status_code == 503
    assert api.headers["Retry-After"] == str(django_settings.DATABASE_DOWN_RETRY_AFTER)
    assert api.json()["error"] == "service_unavailable"

    database_behind_a_relay.start()  # back on the same address
    wait_for(lambda: resident.get(started.url, timeout=30).status_code == 200)
    assert file_by_api(live_server.url, token, service, 2).status_code == 201
    assert (Case.objects.count(), Resident.objects.count(), Contact.objects.count()) == (
        counts[0] + 1,
        counts[1] + 1,
        counts[2] + 1,
    )
