"""The case page's actions go through services and keep the whole history."""

from django.urls import reverse

from enquiries.choices import EventKind, Outcome, Status
from enquiries.models import CaseEvent, CaseSubscription, Contact, OutboxTask
from enquiries.selectors import public_timeline
from tests.enquiries.staff.helpers import open_case
from tests.factories import ContactFactory, ResidentFactory


def post(client, case, name, data):
    return client.post(reverse(name, args=[case.reference]), data)


def test_status_changes_follow_the_lifecycle(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    response = post(client, case, "staff:case_status", {"status": Status.IN_PROGRESS})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    event = CaseEvent.objects.get(case=case, kind=EventKind.STATUS)
    assert event.actor == world.highways_officer


def test_a_status_the_lifecycle_does_not_allow_is_refused(signed_in, world):
    client = signed_in(world.highways_officer)
    response = post(client, world.highways_case, "staff:case_status", {"status": Status.REOPENED})
    assert response.status_code == 400
    world.highways_case.refresh_from_db()
    assert world.highways_case.status == Status.OPEN


def test_resolving_needs_an_outcome_and_records_it(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    missing = post(client, case, "staff:case_status", {"status": Status.RESOLVED})
    assert missing.status_code == 400
    assert b"Choose the outcome" in missing.content
    post(
        client,
        case,
        "staff:case_status",
        {"status": Status.RESOLVED, "outcome": Outcome.NO_ACTION, "reason": "Within tolerance"},
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.outcome == Outcome.NO_ACTION


def test_internal_notes_never_reach_the_resident(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    post(client, case, "staff:case_note", {"body": "Resident sounded upset; call first."})
    note = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
    assert note.public_message == ""
    assert all("upset" not in entry.text for entry in public_timeline(case))
    page = client.get(reverse("staff:case", args=[case.reference]))
    assert b"Resident sounded upset" in page.content
    assert b"Internal" in page.content


def test_a_reply_is_public_and_queued_for_sending(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    post(client, case, "staff:case_reply", {"body": "We will repair it on Monday."})
    reply = Contact.objects.get(case=case, direction="outbound")
    assert reply.is_public and reply.recorded_by == world.highways_officer
    assert any("repair it on Monday" in entry.text for entry in public_timeline(case))
    assert OutboxTask.objects.filter(dedupe_key=f"reply:{reply.pk}").exists()


def test_a_transfer_keeps_the_history_and_says_why(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    ContactFactory(case=case, body="There is a pothole and the drain is blocked.")
    response = post(
        client,
        case,
        "staff:case_transfer",
        {"department": world.waste.pk, "reason": "It is fly-tipping, not a pothole"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:worklist")  # no longer ours to see
    case.refresh_from_db()
    assert case.department == world.waste and case.transfer_count == 1
    event = CaseEvent.objects.get(case=case, kind=EventKind.TRANSFERRED)
    assert "fly-tipping" in event.message and event.actor == world.highways_officer
    # the new team sees everything the resident already told us
    waste = signed_in(world.waste_officer)
    page = waste.get(reverse("staff:case", args=[case.reference]))
    assert b"the drain is blocked" in page.content
    assert b"fly-tipping" in page.content


def test_transfer_needs_a_reason(signed_in, world):
    client = signed_in(world.highways_officer)
    response = post(
        client, world.highways_case, "staff:case_transfer", {"department": world.waste.pk}
    )
    assert response.status_code == 400
    world.highways_case.refresh_from_db()
    assert world.highways_case.department == world.highways


def test_merging_moves_contacts_and_followers_and_closes_the_duplicate(signed_in, world):
    client = signed_in(world.highways_officer)
    main = world.highways_case
    duplicate = open_case(world.pothole, summary="Same pothole again")
    contact = ContactFactory(case=duplicate, body="It is still there")
    follower = ResidentFactory()
    CaseSubscription.objects.create(case=duplicate, resident=follower, channel="web")
    response = post(
        client, duplicate, "staff:case_merge", {"into": main.reference, "reason": "Same hole"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:case", args=[main.reference])
    duplicate.refresh_from_db()
    contact.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.outcome == Outcome.DUPLICATE
    assert duplicate.merged_into == main
    assert contact.case == main
    assert set(main.subscribers.all()) == {duplicate.resident, follower}
    assert CaseEvent.objects.filter(case=main, kind=EventKind.MERGED).exists()
    assert CaseEvent.objects.filter(case=duplicate, kind=EventKind.MERGED).exists()
    page = client.get(reverse("staff:case", args=[duplicate.reference]))
    assert b"merged into" in page.content and main.reference.encode() in page.content


def test_merging_into_a_case_of_another_department_is_refused_and_logged(signed_in, world):
    from enquiries.models import AccessLog

    client = signed_in(world.highways_officer)
    response = post(
        client, world.highways_case, "staff:case_merge", {"into": world.waste_case.reference}
    )
    assert response.status_code == 400
    assert b"No case that you can work on" in response.content
    world.highways_case.refresh_from_db()
    assert world.highways_case.merged_into is None
    assert AccessLog.objects.filter(action="denied:change", case=world.waste_case).exists()


def test_a_case_cannot_be_merged_into_itself(signed_in, world):
    client = signed_in(world.highways_officer)
    case = world.highways_case
    response = post(client, case, "staff:case_merge", {"into": case.reference})
    assert response.status_code == 409


def test_the_case_page_shows_contacts_events_and_notifications(signed_in, world):
    from enquiries.models import Notification

    case = world.highways_case
    ContactFactory(case=case, body="First report", channel="phone", is_chaser=True)
    Notification.objects.create(
        case=case, kind="received", medium="email", idempotency_key="n1", subject="We got it"
    )
    CaseEvent.objects.create(case=case, kind=EventKind.ROUTED, message="Routed by service")
    page = signed_in(world.highways_officer).get(reverse("staff:case", args=[case.reference]))
    for text in [b"First report", b"Chaser", b"We got it", b"Routed by service"]:
        assert text in page.content
