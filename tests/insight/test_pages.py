"""Insight pages, drill-down, CSV and JSON exports: who sees what, and suppression."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token

from enquiries import policy
from enquiries.choices import Channel
from insight import rollups
from insight.suppression import FEWER, safe_csv_cell
from tests.factories import CaseFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_REQUIRE_2FA = False


def user_with(role: str, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def figures():
    """Two services: one with 12 web cases and 3 phone cases, one with 2 cases."""
    busy = ServiceFactory(name="Report a pothole")
    quiet = ServiceFactory(name='=HYPERLINK("http://evil")')
    week = timezone.now() - timedelta(days=1)
    for _ in range(12):
        CaseFactory(service=busy, created_at=week, ward_code="E05000001", ward_name="Riverside")
    for _ in range(3):
        CaseFactory(service=busy, created_at=week, channel=Channel.PHONE)
    for _ in range(2):
        CaseFactory(service=quiet, created_at=week)
    rollups.refresh()
    return busy, quiet


def test_a_manager_sees_exact_counts_and_links_to_the_cases(client, figures):
    busy, _quiet = figures
    manager = user_with(policy.MANAGER)
    busy.department.managers.add(manager)
    client.force_login(manager)
    page = client.get("/staff/insight/demand/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Report a pothole" in html and ">15<" in html and ">2<" in html
    assert "/staff/insight/cases/?" in html
    cases = client.get(f"/staff/insight/cases/?service={busy.pk}&channel=phone")
    assert cases.status_code == 200
    assert "3 cases" in cases.content.decode()


def test_an_analyst_sees_aggregates_only_with_small_numbers_suppressed(client, figures):
    busy, _quiet = figures
    client.force_login(user_with(policy.ANALYST))
    html = client.get("/staff/insight/demand/").content.decode()
    assert ">15<" in html and FEWER in html and ">2<" not in html
    assert "/staff/insight/cases/?" not in html
    assert client.get(f"/staff/insight/cases/?service={busy.pk}").status_code == 404
    assert client.get("/staff/").status_code == 200  # signs in to the staff home


def test_caseworkers_and_residents_cannot_see_insight(client, figures):
    client.force_login(user_with(policy.CASEWORKER))
    assert client.get("/staff/insight/").status_code == 404
    client.logout()
    assert client.get("/staff/insight/").status_code == 302


def test_every_section_renders_for_a_manager(client, figures):
    client.force_login(user_with(policy.MANAGER))
    for slug in [
        "demand",
        "channel-shift",
        "failure-demand",
        "automation",
        "timeliness",
        "hotspots",
        "outcome",
    ]:
        assert client.get(f"/staff/insight/{slug}/?grain=month&by=district").status_code == 200


def test_a_bad_date_range_is_a_clear_error(client, figures):
    client.force_login(user_with(policy.MANAGER))
    html = client.get("/staff/insight/demand/?start=2026-05-01&end=2026-04-01").content.decode()
    assert "The end date must be the same as or after the start date." in html


def test_csv_suppresses_small_counts_and_neutralises_formulas_for_everyone(client, figures):
    client.force_login(user_with(policy.MANAGER))
    response = client.get("/staff/insight/demand/demand-service.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Service", "Topic", "Enquiries"]
    assert [r for r in rows if r[0] == "Report a pothole"][0][2] == "15"
    evil = next(r for r in rows if "HYPERLINK" in r[0])
    assert (evil[0], evil[2]) == ('\'=HYPERLINK("http://evil")', FEWER)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_formula_cells_are_neutralised(value):
    assert safe_csv_cell(value).startswith("'")


def test_json_api_needs_a_token_of_an_insight_user_and_suppresses(client, figures):
    assert client.get("/api/insight/v1/demand/").status_code == 401
    caseworker = Token.objects.create(user=user_with(policy.CASEWORKER)).key
    denied = client.get("/api/insight/v1/demand/", HTTP_AUTHORIZATION=f"Token {caseworker}")
    assert denied.status_code == 403
    token = Token.objects.create(user=user_with(policy.MANAGER)).key
    body = client.get("/api/insight/v1/demand/", HTTP_AUTHORIZATION=f"Token {token}").json()
    services = next(t for t in body["tables"] if t["id"] == "demand-service")
    assert {r["service"]: r["cases"] for r in services["rows"]}["Report a pothole"] == 15
    evil = next(row for row in services["rows"] if "HYPERLINK" in row["service"])
    assert evil["service"] == '=HYPERLINK("http://evil")' and evil["cases"] == FEWER
    bad = client.get("/api/insight/v1/demand/?start=nonsense", HTTP_AUTHORIZATION=f"Token {token}")
    assert bad.status_code == 400 and "start" in bad.json()["errors"]


def test_public_performance_page_needs_no_login_and_suppresses(client):
    service = ServiceFactory()
    last_month = (timezone.now().replace(day=1) - timedelta(days=10)).replace(hour=12)
    for _ in range(7):
        CaseFactory(service=service, created_at=last_month)
    CaseFactory(service=service, created_at=last_month, channel=Channel.PHONE)
    rollups.refresh()
    html = client.get("/performance/").content.decode()
    assert "How we are doing" in html
    assert FEWER in html  # one phone call
    assert ">8<" in html or ">7<" in html  # total (the week may straddle months)
