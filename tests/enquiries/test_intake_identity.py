"""Details typed by someone who has not proved they own them never change a stored resident and
never attach the typist to another person's cases or updates (issue 9, "Trust")."""

import json
import urllib.error
import urllib.request
import uuid

import pytest
from django.core import mail

from enquiries import intake, services
from enquiries.api.partners import issue_token
from enquiries.choices import Channel, Status
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case, PossibleMatch, Resident
from enquiries.notifications import contact_fingerprint
from enquiries.tasks import send_tracking_link
from tests.channels.web import conftest as web_scenario
from tests.channels.web.conftest import CONTACT, Walker, walk_pothole
from tests.factories import ServiceFactory
from tests.integration.outbox_runner import drain

ALICE = {
    "full_name": "Alice Ambler",
    "email": "alice@example.com",
    "phone": "07700 900111",
    "address": "1 Moor Road",
    "postcode": "PR1 8XJ",
}


def file_case(service, *, channel=Channel.WEB, summary="Pothole on Moor Road", **resident):
    return intake.submit(
        NewCase(
            idempotency_key=f"test:{uuid.uuid4()}",
            contact=ContactDetails(channel=channel, body="Deep pothole."),
            resident=ResidentDetails(**resident),
            summary=summary,
            service=service,
        )
    ).case


# the resident web journey's scenario: a pothole service, and rate limits that do not get in the way
pothole = web_scenario.pothole
_generous_rate_limits = web_scenario._generous_rate_limits


def stored(resident: Resident) -> dict:
    resident.refresh_from_db()
    return {
        "full_name": resident.full_name,
        "email": resident.email,
        "phone": resident.phone,
        "address": resident.address,
        "postcode": resident.postcode,
        "preferred_channel": resident.preferred_channel,
        "consent_updates": resident.consent_updates,
    }


@pytest.fixture
def alice_case(db):
    case = file_case(ServiceFactory(), preferred_channel="email", **ALICE)
    drain()
    mail.outbox.clear()
    return case


@pytest.mark.django_db
def test_a_stranger_giving_alices_email_on_the_web_form_never_changes_alice(
    client, pothole, alice_case
):
    alice = alice_case.resident
    before = stored(alice)
    stranger = {"full_name": "Mallory", "email": "ALICE@example.com", "phone": "07700 900666"}
    walker = Walker(client, pothole)
    walk_pothole(walker, contact={**CONTACT, **stranger, "updates": "sms"})
    assert walker.submit().status_code == 302

    theirs = Case.objects.exclude(pk=alice_case.pk).get()
    assert stored(alice) == before
    assert theirs.resident != alice
    assert theirs.resident.phone == "+447700900666"
    assert theirs.resident.preferred_channel == "sms"
    match = PossibleMatch.objects.get()
    assert (match.resident, match.other) == (theirs.resident, alice)
    assert match.matched_on == "email" and match.state == PossibleMatch.State.OPEN
    assert list(alice.cases.all()) == [alice_case]


@pytest.mark.django_db
def test_a_stranger_giving_alices_phone_never_changes_alice_and_her_updates_stay_hers(
    alice_case,
):
    alice = alice_case.resident
    before = stored(alice)
    theirs = file_case(
        alice_case.service,
        full_name="Mallory",
        email="mallory@example.com",
        phone="+44 7700 900111",
        preferred_channel="email",
        consent_updates=False,
    )
    drain()
    assert stored(alice) == before
    assert theirs.resident != alice
    assert PossibleMatch.objects.get(resident=theirs.resident, other=alice).matched_on == "phone"

    mail.outbox.clear()
    services.case_transition(case=alice_case, to=Status.IN_PROGRESS)
    drain()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


@pytest.mark.django_db
def test_a_strangers_case_is_updated_at_the_strangers_details_only(alice_case):
    theirs = file_case(
        alice_case.service, full_name="Mallory", email="mallory@example.com", phone="07700900111"
    )
    drain()
    mail.outbox.clear()
    services.case_transition(case=theirs, to=Status.IN_PROGRESS)
    drain()
    assert [m.to for m in mail.outbox] == [["mallory@example.com"]]


@pytest.mark.django_db
def test_find_my_enquiry_never_sends_alices_link_to_details_typed_on_another_case(alice_case):
    file_case(
        alice_case.service, full_name="Mallory", email="mallory@example.com", phone="07700900111"
    )
    drain()
    mail.outbox.clear()
    # Before the fix the stranger's email overwrote Alice's: Find my enquiry then sent it there.
    send_tracking_link(
        reference=alice_case.reference, fingerprint=contact_fingerprint("mallory@example.com")
    )
    assert mail.outbox == []
    send_tracking_link(
        reference=alice_case.reference, fingerprint=contact_fingerprint("alice@example.com")
    )
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


@pytest.mark.django_db
def test_joining_a_report_with_alices_email_makes_a_new_follower(alice_case):
    alice = alice_case.resident
    before = stored(alice)
    other = file_case(alice_case.service, email="reporter@example.com")
    intake.follow_case(
        case=other,
        details=ResidentDetails(
            full_name="Mallory", email="alice@example.com", phone="07700900666"
        ),
        channel=Channel.WEB,
    )
    assert stored(alice) == before
    follower = other.subscriptions.get().resident
    assert follower != alice and follower.phone == "+447700900666"
    assert PossibleMatch.objects.filter(resident=follower, other=alice).exists()


@pytest.mark.django_db
def test_joining_the_same_report_twice_with_the_same_details_follows_it_once(alice_case):
    other = file_case(alice_case.service, email="reporter@example.com")
    details = ResidentDetails(full_name="Neil", email="neil@example.com", phone="07700900777")
    assert intake.follow_case(case=other, details=details, channel=Channel.WEB)
    assert not intake.follow_case(case=other, details=details, channel=Channel.WEB)
    assert other.subscriptions.count() == 1
    assert not intake.follow_case(
        case=other, details=ResidentDetails(email="REPORTER@example.com"), channel=Channel.WEB
    )
    assert other.subscriptions.count() == 1


@pytest.mark.django_db
def test_an_unauthenticated_email_makes_a_new_resident(alice_case):
    case = file_case(
        alice_case.service,
        channel=Channel.EMAIL,
        full_name="Spoofer",
        email="alice@example.com",
        match_existing=False,
    )
    assert case.resident != alice_case.resident
    assert PossibleMatch.objects.filter(resident=case.resident, other=alice_case.resident).exists()


@pytest.mark.django_db
def test_an_authenticated_email_links_only_to_a_record_reached_by_that_address_alone(
    alice_case,
):
    alice = alice_case.resident
    before = stored(alice)
    # Alice's record also holds a phone number someone typed: linking would send this case's
    # updates (and its tracking link) to that number, so a new record and a possible match.
    case = file_case(
        alice_case.service,
        channel=Channel.EMAIL,
        full_name="Alice A",
        email="alice@example.com",
        match_existing=True,
    )
    assert case.resident != alice
    assert stored(alice) == before
    assert PossibleMatch.objects.filter(resident=case.resident, other=alice).exists()

    email_only = file_case(alice_case.service, full_name="", email="bob@example.com")
    again = file_case(
        alice_case.service,
        channel=Channel.EMAIL,
        full_name="Bob Brown",
        email="Bob@example.com",
        preferred_channel="sms",
        match_existing=True,
    )
    assert again.resident == email_only.resident
    email_only.resident.refresh_from_db()
    assert email_only.resident.full_name == ""  # a display name proves nothing: not filled in
    assert email_only.resident.preferred_channel == "email"


# --- the partner API over a real HTTP server ---------------------------------------------------


def post_json(url: str, token: str, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_a_partner_api_call_with_alices_details_never_changes_alice(live_server):
    service = ServiceFactory()
    alice_case = file_case(service, preferred_channel="email", **ALICE)
    alice = alice_case.resident
    before = stored(alice)
    partner, token = issue_token(name="Northmoor Housing Trust", contact_email="c@nht.example")
    status, body = post_json(
        f"{live_server.url}/api/v1/enquiries/",
        token,
        {
            "service": service.slug,
            "summary": "Damp in flat",
            "resident": {
                "full_name": "Mallory",
                "email": "alice@example.com",
                "phone": "07700 900666",
                "address": "9 Elm Street",
            },
        },
        key="partner-identity-1",
    )
    assert status == 201, body
    theirs = Case.objects.get(reference=body["reference"])
    assert stored(alice) == before
    assert theirs.resident != alice and theirs.resident.phone == "+447700900666"
    assert PossibleMatch.objects.filter(resident=theirs.resident, other=alice).exists()
    assert list(alice.cases.all()) == [alice_case]


@pytest.mark.django_db
def test_an_authenticated_email_never_inherits_updates_switched_off_for_an_unverified_one(
    service,
):
    first = file_case(
        service, channel=Channel.EMAIL, email="carol@example.com", consent_updates=False
    )
    second = file_case(
        service, channel=Channel.EMAIL, email="carol@example.com", match_existing=True
    )
    assert second.resident != first.resident and second.resident.consent_updates
    first.resident.refresh_from_db()
    assert first.resident.consent_updates is False
    third = file_case(
        service, channel=Channel.EMAIL, email="carol@example.com", match_existing=True
    )
    assert third.resident == second.resident
