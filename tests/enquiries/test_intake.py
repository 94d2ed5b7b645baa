import pytest

from enquiries import intake
from enquiries.attachments import IncomingFile
from enquiries.choices import Channel, EventKind, Outcome, Status
from enquiries.intake import ContactDetails, IntakeError, NewCase, ResidentDetails
from enquiries.models import (
    Attachment,
    Case,
    CaseEvent,
    Contact,
    OutboxTask,
    PossibleMatch,
    Resident,
)
from tests.factories import ResidentFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def new_case(key="form:1", service=None, **overrides) -> NewCase:
    values = dict(
        idempotency_key=key,
        contact=ContactDetails(channel=Channel.WEB, body="There is a deep pothole."),
        resident=ResidentDetails(
            full_name="Siân O'Brien-Ng",
            email="Sian@Example.COM",
            phone="07700 900982",
            postcode="pr1 8xj",
        ),
        summary="Pothole on Ribble Lane",
        description="Deep pothole by the bus stop.",
        service=service,
        postcode="pr1 8xj",
    )
    values.update(overrides)
    return NewCase(**values)


pytestmark = pytest.mark.django_db


def test_submit_creates_case_contact_event_and_resident(service):
    result = intake.submit(new_case(service=service))
    case = result.case
    assert result.created
    assert case.status == Status.RECEIVED
    assert case.service == service
    assert case.postcode == "PR1 8XJ" and case.postcode_district == "PR1"
    assert case.priority == service.default_priority
    assert case.contacts.get() == result.contact
    assert case.events.filter(kind=EventKind.CREATED).count() == 1
    resident = case.resident
    assert resident.full_name == "Siân O'Brien-Ng"
    assert resident.email == "Sian@example.com"
    assert resident.phone == "+447700900982"


def test_the_same_key_twice_gives_one_case(service):
    first = intake.submit(new_case(service=service))
    second = intake.submit(new_case(service=service))
    assert not second.created
    assert second.case.pk == first.case.pk
    assert Case.objects.count() == 1 and Contact.objects.count() == 1


def test_a_failure_part_way_leaves_nothing_behind(service, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full while storing the file")

    monkeypatch.setattr(intake, "_store_files", explode)
    with pytest.raises(RuntimeError):
        intake.submit(new_case(service=service))
    assert Case.objects.count() == 0
    assert Contact.objects.count() == 0
    assert Resident.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert OutboxTask.objects.count() == 0


def test_follow_up_work_is_recorded_and_sent_only_after_commit(
    service, django_capture_on_commit_callbacks, monkeypatch
):
    dispatched = []
    from portal.celery_app import app

    monkeypatch.setattr(
        app, "send_task", lambda name, kwargs, retry, **_: dispatched.append(kwargs["outbox_id"])
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = intake.submit(new_case(service=service))
        assert dispatched == []  # nothing leaves before commit
    names = set(OutboxTask.objects.values_list("task_name", flat=True))
    assert names == {"enquiries.tasks.route_case", "enquiries.tasks.notify_resident"}
    for callback in callbacks:
        callback()
    assert sorted(dispatched) == sorted(OutboxTask.objects.values_list("pk", flat=True))
    assert OutboxTask.objects.get(task_name="enquiries.tasks.route_case").kwargs == {
        "case_id": result.case.pk
    }


def test_typed_details_make_a_new_resident_and_a_possible_match_by_email_or_phone(service):
    existing = ResidentFactory(email="sian@example.com", phone="")
    case = intake.submit(new_case(service=service)).case
    assert case.resident != existing
    existing.refresh_from_db()
    assert existing.phone == ""  # what someone typed never changes a stored resident
    assert PossibleMatch.objects.get(resident=case.resident).other == existing

    by_phone = ResidentFactory(email="", phone="+447700900111")
    other = intake.submit(
        new_case(
            "form:2",
            service=service,
            resident=ResidentDetails(full_name="Zoë", phone="07700 900111"),
        )
    ).case
    assert other.resident != by_phone
    match = PossibleMatch.objects.get(resident=other.resident)
    assert (match.other, match.matched_on) == (by_phone, "phone")


def test_unverified_senders_are_never_linked_to_an_existing_resident(service):
    existing = ResidentFactory(email="sian@example.com")
    case = intake.submit(
        new_case(
            service=service,
            resident=ResidentDetails(email="sian@example.com", match_existing=False),
        )
    ).case
    assert case.resident != existing


def test_bad_input_is_refused_with_messages_per_field(service):
    with pytest.raises(IntakeError) as raised:
        intake.submit(
            new_case(
                service=service,
                summary="",
                postcode="nowhere",
                resident=ResidentDetails(email="not-an-email", phone="12"),
            )
        )
    errors = raised.value.message_dict
    assert set(errors) >= {"summary", "postcode", "email", "phone"}
    assert Case.objects.count() == 0


def test_files_are_checked_by_content_not_name(service):
    good = IncomingFile(name="photo.png", content=PNG)
    result = intake.submit(
        new_case(
            service=service,
            contact=ContactDetails(channel=Channel.WEB, body="See photo", files=(good,)),
        )
    )
    attachment = Attachment.objects.get(contact=result.contact)
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)

    disguised = IncomingFile(name="photo.jpg", content=b"MZ\x90\x00 this is really an exe")
    with pytest.raises(IntakeError, match="must be a JPG, PNG"):
        intake.submit(
            new_case(
                "form:2",
                service=service,
                contact=ContactDetails(channel=Channel.WEB, body="x", files=(disguised,)),
            )
        )
    assert Case.objects.count() == 1


def test_email_keeps_the_message_and_records_a_refused_file(service):
    bad = IncomingFile(name="virus.exe", content=b"MZ\x90\x00")
    result = intake.submit(
        new_case(
            service=service,
            contact=ContactDetails(
                channel=Channel.EMAIL, body="hello", files=(bad,), skip_bad_files=True
            ),
        )
    )
    skipped = Attachment.objects.get(contact=result.contact)
    assert skipped.skipped_reason and not skipped.file


def test_resolved_at_first_contact_is_stored_closed_with_outcome(service):
    result = intake.submit(
        new_case(service=service, resolved_outcome=Outcome.RESOLVED_FIRST_CONTACT)
    )
    case = Case.objects.get(pk=result.case.pk)
    assert case.status == Status.CLOSED
    assert case.outcome == Outcome.RESOLVED_FIRST_CONTACT
    assert not OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").exists()


def test_add_contact_is_idempotent_and_wakes_a_waiting_case(service):
    from enquiries.services import case_transition, route_case

    case = intake.submit(new_case(service=service)).case
    route_case(case_id=case.pk)
    case_transition(case=case, to=Status.AWAITING_RESIDENT)
    details = ContactDetails(channel=Channel.WEB, body="Here is the photo you asked for")
    first = intake.add_contact(case=case, idempotency_key="reply:1", contact=details)
    again = intake.add_contact(case=case, idempotency_key="reply:1", contact=details)
    assert first.contact.pk == again.contact.pk and not again.created
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.contacts.count() == 2


def test_unicode_round_trips_unchanged(service):
    name = "Łukasz Zoë Siân O'Brien-Ng"
    case = intake.submit(
        new_case(
            service=service,
            resident=ResidentDetails(full_name=name, email="l@example.com"),
            description="Ça déborde — “smart quotes” 🚧",
        )
    ).case
    case.refresh_from_db()
    assert case.resident.full_name == name
    assert case.description == "Ça déborde — “smart quotes” 🚧"


def test_someone_who_stopped_updates_and_files_again_gets_updates_on_the_new_case(service):
    resident = ResidentFactory(email="sian@example.com", consent_updates=False)
    case = intake.submit(new_case(service=service)).case
    assert case.resident != resident and case.resident.consent_updates is True
    resident.refresh_from_db()
    assert resident.consent_updates is False  # the older case keeps what was asked for it


def test_a_reference_collision_is_retried_with_a_new_reference(service, monkeypatch):
    taken = intake.submit(new_case("form:first", service=service)).case.reference
    fresh = iter([taken, taken, "7KQ-M4X-R9P"])
    monkeypatch.setattr(intake, "generate_reference", lambda: next(fresh))
    case = intake.submit(new_case("form:second", service=service)).case
    assert case.reference == "7KQ-M4X-R9P"
    assert Case.objects.count() == 2 and Resident.objects.count() == 2
    assert PossibleMatch.objects.count() == 1
