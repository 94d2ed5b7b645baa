"""Resident lookup (typo-tolerant names, any phone format…) and the single view of a resident."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enquiries.choices import Channel, Status
from enquiries.models import AccessLog
from enquiries.staff_selectors import classify_query, search_residents
from tests.conftest import requires_postgres
from tests.enquiries.staff.helpers import open_case
from tests.factories import ContactFactory, ResidentFactory


@pytest.fixture
def margaret(world):
    resident = ResidentFactory(
        full_name="Margaret Thornber",
        email="Margaret.T@Example.com",
        phone="+447700900123",
        postcode="LA4 5PQ",
    )
    ResidentFactory(full_name="John Cowell", postcode="LA1 1AA", email="jc@example.com")
    return resident


@pytest.mark.parametrize(
    "typed, kind",
    [
        ("margaret.t@example.com", "email"),
        ("07700 900123", "phone"),
        ("+44 (0)7700-900-123", "phone"),
        ("la45pq", "postcode"),
        ("LA4 5PQ", "postcode"),
        ("Margaret Thornber", "name"),
    ],
)
def test_search_finds_a_resident_however_it_is_typed(world, margaret, typed, kind):
    result = search_residents(world.agent, typed)
    assert result.kind == kind
    assert [r.pk for r in result.residents] == [margaret.pk]


@requires_postgres()
@pytest.mark.parametrize("typed", ["Margret Thornbur", "thornbre", "Marg Thornber"])
def test_name_search_tolerates_typos(world, margaret, typed):
    result = search_residents(world.agent, typed)
    assert margaret in result.residents


def test_search_by_case_reference_finds_the_case_and_its_resident(world):
    case = world.highways_case
    result = search_residents(world.agent, case.reference.lower())
    assert result.kind == "reference" and result.case == case
    assert result.residents == [case.resident]


def test_classify_query():
    assert classify_query(" 01632 960001 ")[0] == "phone"
    assert classify_query("Smith")[0] == "name"


def test_caseworkers_only_find_residents_with_cases_in_their_departments(world):
    waste_resident = world.waste_case.resident
    assert search_residents(world.highways_officer, waste_resident.email).residents == []
    assert search_residents(world.waste_officer, waste_resident.email).residents == [waste_resident]


def test_search_results_are_access_logged(signed_in, world, margaret):
    client = signed_in(world.agent)
    response = client.get(reverse("staff:search"), {"q": "07700900123"})
    assert margaret.full_name.encode() in response.content
    log = AccessLog.objects.get(user=world.agent, resident=margaret)
    assert log.action == "search" and "07700900123" in log.path


def test_the_single_view_shows_open_cases_first_then_every_contact_newest_first(signed_in, world):
    resident = world.highways_case.resident
    now = timezone.now()
    old_closed = open_case(
        world.bins, resident=resident, status=Status.CLOSED, created_at=now - timedelta(days=3)
    )
    newer_closed = open_case(world.bins, resident=resident, status=Status.RESOLVED)
    ContactFactory(
        case=old_closed,
        body="Called in",
        channel=Channel.PHONE,
        occurred_at=now - timedelta(days=3),
    )
    ContactFactory(
        case=world.highways_case,
        body="Emailed photo",
        channel=Channel.EMAIL,
        occurred_at=now - timedelta(days=1),
    )
    response = signed_in(world.agent).get(reverse("staff:resident", args=[resident.pk]))
    overview = response.context["overview"]
    assert [c.pk for c in overview.cases] == [
        world.highways_case.pk,
        newer_closed.pk,
        old_closed.pk,
    ]
    assert [c.body for c in overview.contacts] == ["Emailed photo", "Called in"]
    assert b"Expected by" in response.content
    assert AccessLog.objects.filter(user=world.agent, resident=resident, action="view").exists()


def test_a_caseworker_sees_only_their_departments_part_of_a_resident(signed_in, world):
    resident = world.highways_case.resident
    open_case(world.bins, resident=resident)
    response = signed_in(world.highways_officer).get(reverse("staff:resident", args=[resident.pk]))
    assert [c.pk for c in response.context["overview"].cases] == [world.highways_case.pk]


def test_a_caseworker_guessing_a_resident_id_gets_404_and_is_logged(signed_in, world):
    stranger = world.waste_case.resident
    client = signed_in(world.highways_officer)
    assert client.get(reverse("staff:resident", args=[stranger.pk])).status_code == 404
    assert AccessLog.objects.filter(
        user=world.highways_officer, action="denied:view_resident"
    ).exists()


def test_resident_json_search_uses_the_same_policy(signed_in, world):
    stranger = world.waste_case.resident
    data = (
        signed_in(world.highways_officer)
        .get(reverse("staff:api_residents"), {"q": stranger.email})
        .json()
    )
    assert data["results"] == []


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_resident_page_and_search_run_a_fixed_number_of_queries(signed_in, world):
    resident = world.highways_case.resident
    client = signed_in(world.agent)
    url = reverse("staff:resident", args=[resident.pk])
    few_page = queries(client, url)
    few_search = queries(client, reverse("staff:search"), {"q": "PR1 8XJ"})
    for _ in range(10):
        case = open_case(world.bins, resident=resident)
        ContactFactory(case=case)
        ResidentFactory(postcode="PR1 8XJ")
    # 12, plus one each for possible matches and the change history
    assert queries(client, url) == few_page <= 14
    assert queries(client, reverse("staff:search"), {"q": "PR1 8XJ"}) == few_search <= 12


def test_the_case_page_runs_a_fixed_number_of_queries(signed_in, world):
    from enquiries.models import CaseEvent, Notification

    case = world.highways_case
    client = signed_in(world.highways_officer)
    url = reverse("staff:case", args=[case.reference])
    ContactFactory(case=case)  # no contacts skips the attachments query: start from one
    queries(client, url)  # the shared lists (who to assign to, teams) are read once: warm them
    few = queries(client, url)
    for n in range(10):
        ContactFactory(case=case, recorded_by=world.agent)
        CaseEvent.objects.create(case=case, kind="note", message=f"note {n}", actor=world.manager)
        Notification.objects.create(case=case, kind="x", medium="email", idempotency_key=f"k{n}")
    assert queries(client, url) == few <= 13
