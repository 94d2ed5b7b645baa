"""Staff decide possible matches and change stored details from the resident page; every
decision and change is recorded, and nothing sends one record's updates to the other's details."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from enquiries import services
from enquiries.choices import Status
from enquiries.models import AccessLog, PossibleMatch, ResidentChange
from tests.enquiries.staff.helpers import sign_in
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.outbox_runner import drain


@pytest.fixture
def pair(world):
    """Alice's case, then a stranger's case typed with Alice's email: a possible match."""
    service = ServiceFactory(department=world.highways)
    alice_case = submit_web_case(service=service, email="alice@example.com", phone="07700900111")
    theirs = submit_web_case(service=service, email="alice@example.com", phone="07700900666")
    drain()
    mail.outbox.clear()
    # (a factory resident elsewhere in the world may share a phone: ResidentFactory's numbers
    # repeat every 1,000 residents in a session, so look for this pair's match by its people)
    match = PossibleMatch.objects.get(resident=theirs.resident, matched_on="email")
    assert (match.resident, match.other) == (theirs.resident, alice_case.resident)
    return alice_case, theirs, match


def decide(client, resident, match, decision):
    url = reverse("staff:resident_match", args=[resident.pk, match.pk])
    return client.post(url, {"decision": decision})


def test_the_resident_page_offers_the_possible_match(world, signed_in, pair):
    alice_case, theirs, match = pair
    client = signed_in(world.agent)
    html = client.get(reverse("staff:resident", args=[theirs.resident_id])).content.decode()
    assert "Possible matches" in html
    assert reverse("staff:resident", args=[alice_case.resident_id]) in html
    assert reverse("staff:resident_match", args=[theirs.resident_id, match.pk]) in html
    assert "same email address" in html
    # and from the other side
    html = client.get(reverse("staff:resident", args=[alice_case.resident_id])).content.decode()
    assert reverse("staff:resident_match", args=[alice_case.resident_id, match.pk]) in html


def test_the_case_page_says_when_its_resident_has_a_match_to_check(world, signed_in, pair):
    alice_case, theirs, match = pair
    client = signed_in(world.agent)
    html = client.get(reverse("staff:case", args=[theirs.reference])).content.decode()
    assert "Possible match to check" in html
    assert decide(client, theirs.resident, match, "reject").status_code == 302
    html = client.get(reverse("staff:case", args=[theirs.reference])).content.decode()
    assert "Possible match to check" not in html


def test_confirming_links_the_records_but_each_case_keeps_its_own_details(world, signed_in, pair):
    alice_case, theirs, match = pair
    client = signed_in(world.agent)
    response = decide(client, theirs.resident, match, "confirm")
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.state == PossibleMatch.State.CONFIRMED
    assert match.decided_by == world.agent and match.decided_at is not None
    logged = AccessLog.objects.filter(user=world.agent, action="match:confirmed")
    assert set(logged.values_list("resident_id", flat=True)) == {
        alice_case.resident_id,
        theirs.resident_id,
    }
    html = client.get(reverse("staff:resident", args=[alice_case.resident_id])).content.decode()
    assert "Same person" in html and reverse("staff:resident", args=[theirs.resident_id]) in html

    alice_case.resident.refresh_from_db()
    assert alice_case.resident.phone == "+447700900111"
    services.case_transition(case=theirs, to=Status.IN_PROGRESS)
    drain()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]  # its own details only
    assert alice_case.resident.cases.get() == alice_case  # nothing re-pointed


def test_rejecting_is_recorded_and_a_decision_is_made_once(world, signed_in, pair):
    _, theirs, match = pair
    client = signed_in(world.frontdesk)
    assert decide(client, theirs.resident, match, "reject").status_code == 302
    match.refresh_from_db()
    assert match.state == PossibleMatch.State.REJECTED and match.decided_by == world.frontdesk
    response = decide(client, theirs.resident, match, "confirm")
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.state == PossibleMatch.State.REJECTED
    page = client.get(response.url).content.decode()
    assert "already decided" in page


def test_a_caseworker_may_not_decide_and_the_attempt_is_logged(world, signed_in, pair):
    _, theirs, match = pair
    client = signed_in(world.highways_officer)
    assert decide(client, theirs.resident, match, "confirm").status_code == 404
    match.refresh_from_db()
    assert match.state == PossibleMatch.State.OPEN
    assert AccessLog.objects.filter(user=world.highways_officer, action="denied:decide_match")


def test_deciding_needs_a_post_with_the_csrf_token(world, pair):
    _, theirs, match = pair
    client = sign_in(Client(enforce_csrf_checks=True), world.manager)
    url = reverse("staff:resident_match", args=[theirs.resident_id, match.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"decision": "confirm"}).status_code == 403
    match.refresh_from_db()
    assert match.state == PossibleMatch.State.OPEN


def test_staff_change_stored_details_and_each_change_is_recorded(world, signed_in, pair):
    alice_case, _, _ = pair
    alice = alice_case.resident
    alice.email_failing = True
    alice.save()
    client = signed_in(world.agent)
    url = reverse("staff:resident_edit", args=[alice.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": alice.full_name,
            "email": "alice.new@example.com",
            "phone": "07700 900111",
            "address": "",
            "postcode": "",
            "preferred_channel": "email",
            "consent_updates": "on",
            "reason": "Alice phoned with her new address",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com" and not alice.email_failing
    change = ResidentChange.objects.get(resident=alice)
    assert (change.field, change.old_value, change.new_value) == (
        "email",
        "alice@example.com",
        "alice.new@example.com",
    )
    assert change.by == world.agent and change.channel == "staff"
    assert change.reason == "Alice phoned with her new address"
    html = client.get(reverse("staff:resident", args=[alice.pk])).content.decode()
    assert "alice.new@example.com" in html and "Changes to stored details" in html


def test_a_bad_detail_is_refused_with_a_specific_error(world, signed_in, pair):
    alice = pair[0].resident
    client = signed_in(world.agent)
    response = client.post(
        reverse("staff:resident_edit", args=[alice.pk]),
        {"email": "not-an-email", "preferred_channel": "email", "reason": "Typo"},
    )
    assert response.status_code == 400
    assert "email" in response.content.decode().lower()
    assert not ResidentChange.objects.exists()


def test_a_caseworker_may_not_change_stored_details(world, signed_in, pair):
    alice = pair[0].resident
    client = signed_in(world.highways_officer)
    response = client.post(
        reverse("staff:resident_edit", args=[alice.pk]),
        {"email": "x@example.com", "preferred_channel": "email"},
    )
    assert response.status_code == 404
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_matches_and_history_are_read_with_their_people_and_cases(world, signed_in, pair):
    """matches_of and change_history read rows compiled once: each match carries both records
    and who decided it, each change who made it and its case, as the models would."""
    from enquiries import residents

    alice_case, theirs, match = pair
    client = signed_in(world.agent)
    assert decide(client, theirs.resident, match, "reject").status_code == 302
    undecided, decided = residents.matches_of(alice_case.resident)
    assert undecided == [] and decided == [match]
    [row] = decided
    assert (row.resident, row.other, row.decided_by) == (
        theirs.resident, alice_case.resident, world.agent,
    )  # fmt: skip
    assert row.resident.full_name == theirs.resident.full_name
    assert row.other.phone == alice_case.resident.phone
    assert row.state == PossibleMatch.State.REJECTED

    services_change = residents.resident_update_details(
        resident=alice_case.resident, changes={"phone": "07700900222"}, by=world.agent,
        channel=ResidentChange.Via.STAFF, case=alice_case, reason="Resident phoned",
    )  # fmt: skip
    history = residents.change_history(alice_case.resident)
    assert [c.pk for c in history][: len(services_change)] == sorted(
        (c.pk for c in services_change), reverse=True
    )
    newest = history[0]
    assert newest.by == world.agent and newest.by.get_username() == world.agent.username
    assert newest.case.reference == alice_case.reference
    assert newest.get_channel_display() == ResidentChange.Via.STAFF.label
