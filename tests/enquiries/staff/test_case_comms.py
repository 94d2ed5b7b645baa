"""The case page's "ask the resident" and "change the expected date" actions."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from enquiries.choices import EventKind, Status
from enquiries.models import CaseEvent, OutboxTask
from enquiries.selectors import public_timeline


def post(client, case, name, data):
    return client.post(reverse(name, args=[case.reference]), data)


def test_asking_the_resident_carries_the_question(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    response = post(
        client, case, "staff:case_request_info", {"rfi-question": "Is the drain blocked too?"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.AWAITING_RESIDENT and case.sla_paused_at is not None
    event = CaseEvent.objects.get(case=case, to_status=Status.AWAITING_RESIDENT)
    assert event.data["question"] == "Is the drain blocked too?"
    assert event.actor == world.highways_officer
    assert any("Is the drain blocked too?" in e.text for e in public_timeline(case))
    task = OutboxTask.objects.get(dedupe_key__startswith=f"notify:{case.pk}:awaiting_resident")
    assert task.kwargs["note"] == "Is the drain blocked too?"


def test_an_empty_question_is_refused_with_a_named_error(signed_in, world):
    client = signed_in(world.highways_officer)
    response = post(client, world.highways_case, "staff:case_request_info", {"rfi-question": ""})
    assert response.status_code == 400
    assert b'href="#id_rfi-question">Enter the question for the resident' in response.content
    world.highways_case.refresh_from_db()
    assert world.highways_case.status == Status.OPEN


def test_the_status_list_no_longer_asks_without_a_question(signed_in, world):
    client = signed_in(world.highways_officer)
    response = post(
        client, world.highways_case, "staff:case_status", {"status": Status.AWAITING_RESIDENT}
    )
    assert response.status_code == 400
    world.highways_case.refresh_from_db()
    assert world.highways_case.status == Status.OPEN


def test_staff_move_the_expected_date_with_a_reason_the_resident_sees(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    day = timezone.localdate() + timedelta(days=30)
    response = post(
        client,
        case,
        "staff:case_expected_date",
        {
            "expected-expected_on_0": day.day,
            "expected-expected_on_1": day.month,
            "expected-expected_on_2": day.year,
            "expected-reason": "the contractor needs a road closure",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert timezone.localtime(case.expected_at).date() == day
    event = CaseEvent.objects.get(case=case, kind=EventKind.EXPECTED_DATE)
    assert event.actor == world.highways_officer
    assert "because the contractor needs a road closure" in event.public_message
    assert any("road closure" in e.text for e in public_timeline(case))
    task = OutboxTask.objects.get(dedupe_key__startswith=f"notify:{case.pk}:expected_date_changed")
    assert task.kwargs["kind"] == "expected_date_changed"


def test_a_new_date_needs_a_reason_and_a_date_not_in_the_past(signed_in, world):
    client = signed_in(world.highways_officer)
    past = timezone.localdate() - timedelta(days=2)
    response = post(
        client,
        world.highways_case,
        "staff:case_expected_date",
        {
            "expected-expected_on_0": past.day,
            "expected-expected_on_1": past.month,
            "expected-expected_on_2": past.year,
            "expected-reason": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The new expected date must be today or in the future" in page
    assert "Enter why the date is changing" in page
    assert not CaseEvent.objects.filter(kind=EventKind.EXPECTED_DATE).exists()


def test_someone_outside_the_team_cannot_use_either_action(signed_in, world):
    client = signed_in(world.waste_officer)
    response = post(
        client, world.highways_case, "staff:case_request_info", {"rfi-question": "Anything?"}
    )
    assert response.status_code in (403, 404)
    world.highways_case.refresh_from_db()
    assert world.highways_case.status == Status.OPEN


def test_the_case_page_offers_both_forms(signed_in, world):
    client = signed_in(world.highways_officer)
    page = client.get(reverse("staff:case", args=[world.highways_case.reference]))
    assert b"Ask the resident for information" in page.content
    assert b"Change the expected date" in page.content
