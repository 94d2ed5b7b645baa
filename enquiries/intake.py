"""The one way any channel creates a case or adds a contact to one.

Every call runs in one durable transaction (nothing half-written), is idempotent on a key the
channel supplies (a form token, an email Message-ID), and registers the follow-up work (routing,
acknowledgement) in the outbox, sent to the broker only after commit.
"""

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from enquiries import fixed_queries, outbox, places, replies
from enquiries.attachments import IncomingFile, check_file, safe_filename
from enquiries.choices import Channel, Direction, EventKind, Outcome, Status, UpdatePreference
from enquiries.models import (
    Attachment,
    Case,
    Contact,
    Department,
    PartnerOrganisation,
    Resident,
    Service,
    hash_tracking_token,
    make_tracking_token,
)
from enquiries.normalise import (
    normalise_email,
    normalise_phone,
    normalise_postcode,
    postcode_district,
)
from enquiries.references import generate_reference
from enquiries.residents import record_possible_matches
from enquiries.services import (
    case_transition,
    record_event,
    reopen_if_recent,
    subscribe,
    tell_team_not_sorted,
)
from enquiries.text import clean_line, clean_text, clean_value

MAX_SUMMARY = 200
MAX_DESCRIPTION = 20_000
MAX_FILES = 5
REFERENCE_ATTEMPTS = 5


class IntakeError(ValidationError):
    """Bad input, with messages keyed by field so a channel can show them next to the answers."""


@dataclass(frozen=True)
class ResidentDetails:
    full_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    preferred_channel: str = UpdatePreference.EMAIL
    consent_updates: bool = True
    # True only for an email whose sender is authenticated (DMARC/SPF, set by the email channel):
    # typed details (web, API, phone) never link to an existing resident.
    match_existing: bool = False
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactDetails:
    channel: str
    body: str = ""
    subject: str = ""
    direction: str = Direction.INBOUND
    recorded_by: Any = None  # the staff user (AUTH_USER_MODEL) who keyed a call or visit
    occurred_at: datetime | None = None
    call_duration_seconds: int | None = None
    office: str = ""
    is_chaser: bool = False
    assisted_digital: bool = False
    assisted_digital_reason: str = ""
    message_id: str = ""
    sender_name: str = ""
    sender_address: str = ""
    is_public: bool = True
    files: tuple[IncomingFile, ...] = ()
    skip_bad_files: bool = False  # email: keep the message, record the refused file


@dataclass(frozen=True)
class NewCase:
    idempotency_key: str
    contact: ContactDetails
    resident: ResidentDetails | Resident
    summary: str
    description: str = ""
    service: Service | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    address: str = ""
    postcode: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    department: Department | None = None  # e.g. a mailbox's default department
    priority: str = ""
    follows: Case | None = None
    partner: PartnerOrganisation | None = None  # filed through the partner API
    resolved_outcome: str = ""  # resolved at first contact: stored closed, with its outcome
    acknowledge: bool = True
    shared_publicly: bool = False  # web journey consent: nearby reporters see text and photos


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    contact: Contact
    created: bool  # False when the idempotency key had been seen: nothing new was written


def submit(command: NewCase) -> IntakeResult:
    """Create a case with its first contact, or return the one this key already made."""
    existing = _existing(command.idempotency_key)
    if existing:
        return existing
    place = _validate_new_case(command)
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            return _submit_once(command, place)
        except IntegrityError:
            again = _existing(command.idempotency_key)
            if again:  # a concurrent double click won the race: return its case
                return again
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
            # Otherwise a case reference collided (about 1 in 10^11): draw a new one. Retrying
            # the whole transaction avoids a savepoint round trip on every submission.
    raise AssertionError("unreachable")


def _submit_once(command: NewCase, place: places.Place | None) -> IntakeResult:
    with transaction.atomic(durable=True):
        resident = _resident_for(command.resident)
        case = _create_case(command, resident, place)
        contact = _create_contact(case, resident, command.contact, command.idempotency_key)
        record_event(
            case=case,
            kind=EventKind.CREATED,
            message=f"Case created from {case.get_channel_display().lower()}",
            public=f"We received your {case.get_channel_display().lower()} enquiry.",
            by=command.contact.recorded_by,
            to_status=case.status,
        )
        work = []
        if command.resolved_outcome:
            _close_at_first_contact(case, command.resolved_outcome, command.contact.recorded_by)
        else:
            work.append(
                outbox.Work("enquiries.tasks.route_case", f"route:{case.pk}", {"case_id": case.pk})
            )
        if command.acknowledge and case.is_open:
            work.append(
                outbox.Work(
                    "enquiries.tasks.notify_resident",
                    f"notify:{case.pk}:received",
                    {"case_id": case.pk, "kind": "received"},
                )
            )
        outbox.enqueue_many(work)  # one INSERT, and one publish pass after commit
    return IntakeResult(case=case, contact=contact, created=True)


def add_contact(
    *,
    case: Case,
    idempotency_key: str,
    contact: ContactDetails,
    resident: Resident | None = None,
    wake_case: bool = True,
    not_sorted: bool = False,
    judge_chaser: bool = True,
) -> IntakeResult:
    """Add an interaction to an existing case (a reply, a chaser call, a walk-in).

    ``not_sorted``: the resident said the finished case is not sorted (it reopens; otherwise
    ``enquiries.replies`` judges the message). ``judge_chaser``: decide automatically whether the
    contact chases progress (``enquiries.chasers``); False for automatic replies and imported
    history. A contact the channel already marked as a chaser stays one.
    """
    from enquiries import chasers

    existing = _existing(idempotency_key)
    if existing:
        return existing
    _validate_contact(contact)
    try:
        with transaction.atomic(durable=True):
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if judge_chaser and not contact.is_chaser:
                contact = replace(contact, is_chaser=chasers.is_chaser(locked, contact.direction))
            row = _create_contact(locked, resident or locked.resident, contact, idempotency_key)
            record_event(
                case=locked,
                kind=EventKind.CONTACT,
                message=_contact_summary(row),
                by=contact.recorded_by,
                data={"contact_id": row.pk, "chaser": row.is_chaser},
            )
            if wake_case and contact.direction == Direction.INBOUND:
                _wake_for_reply(locked, contact.recorded_by, row.body, not_sorted, row.pk)
    except IntegrityError:
        again = _existing(idempotency_key)
        if again:
            return again
        raise
    return IntakeResult(case=locked, contact=row, created=True)


def resident_from_details(details: ResidentDetails) -> Resident:
    """A resident by the same rules as submit() (a new record unless an authenticated email),
    for a channel that adds someone to an existing case ("tell us once") instead of opening
    one. Call inside a transaction."""
    errors: dict[str, list[str]] = {}
    for name, check, value in (
        ("email", normalise_email, details.email),
        ("phone", normalise_phone, details.phone),
        ("resident_postcode", normalise_postcode, details.postcode),
    ):
        try:
            check(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if len(details.full_name) > 200:
        errors["full_name"] = ["Your name must be 200 characters or fewer."]
    if errors:
        raise IntakeError(errors)
    return _resident_for(details)


def already_on_case(case: Case, details: ResidentDetails) -> Resident | None:
    """The reporter or follower of this case whose email and phone are exactly these.

    Someone who joins the same report twice with the same details is already following it:
    matching within one case's own people links no one new, so updates are not doubled.
    """
    try:
        email = normalise_email(details.email)
        phone = normalise_phone(details.phone)
    except ValidationError:
        return None  # resident_from_details reports the error
    if not (email or phone):
        return None
    people = [case.resident, *(s.resident for s in case.subscriptions.select_related("resident"))]
    for person in people:
        if person.email.lower() == email.lower() and person.phone == phone:
            return person
    return None


@transaction.atomic
def follow_case(*, case: Case, details: ResidentDetails, channel: str, by: Any = None) -> bool:
    """Tell us once: a new follower record (typed details never link to anyone else), unless
    the same email and phone already follow or reported this case."""
    if already_on_case(case, details) is not None:
        return False
    return subscribe(case=case, resident=resident_from_details(details), channel=channel, by=by)


# --- helpers ------------------------------------------------------------------------------------


def _existing(key: str) -> IntakeResult | None:
    if not key:
        raise IntakeError("Every intake needs an idempotency key.")
    # Nearly every key is new: a one-column probe first (compiled once per process: building it
    # cost more than running it), the whole rows only for a repeat.
    if not fixed_queries.rows("contact-by-idempotency-key", _key_probe, key):
        return None
    contact = Contact.objects.select_related("case").filter(idempotency_key=key).first()
    return IntakeResult(case=contact.case, contact=contact, created=False) if contact else None


def _key_probe(key: str) -> QuerySet[Contact, tuple[int]]:
    return Contact.objects.filter(idempotency_key=key).order_by().values_list("pk")[:1]


def _validate_contact(contact: ContactDetails) -> None:
    errors: dict[str, list[str]] = {}
    if contact.channel not in Channel.values:
        errors["channel"] = [f"Unknown channel {contact.channel!r}."]
    if len(contact.body) > MAX_DESCRIPTION:
        errors["body"] = [f"The message must be {MAX_DESCRIPTION:,} characters or fewer."]
    if contact.assisted_digital_reason and not contact.assisted_digital:
        errors["assisted_digital_reason"] = ["A reason is only recorded for assisted digital help."]
    if len(contact.files) > MAX_FILES and not contact.skip_bad_files:
        errors["files"] = [f"Select up to {MAX_FILES} files."]
    if errors:
        raise IntakeError(errors)


def _validate_new_case(command: NewCase) -> places.Place | None:  # noqa: C901  a flat list of input checks
    """Raise IntakeError for bad input; else the directory's place for the postcode (looked up
    once: the area check and the case's place fields both use it)."""
    _validate_contact(command.contact)
    errors: dict[str, list[str]] = {}
    summary = clean_line(command.summary).strip()  # measured as it will be stored
    if not summary:
        errors["summary"] = ["Enter a short summary of your enquiry."]
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = [f"The summary must be {MAX_SUMMARY} characters or fewer."]
    if len(clean_text(command.description)) > MAX_DESCRIPTION:
        errors["description"] = [
            f"The description must be {MAX_DESCRIPTION:,} characters or fewer."
        ]
    if command.service is not None and not command.service.is_active:
        errors["service"] = ["This service is no longer available online."]
    if command.postcode:
        try:
            normalise_postcode(command.postcode)
        except ValidationError as exc:
            errors["postcode"] = exc.messages
    place = None
    if "postcode" not in errors:  # inside the council's area (enquiries/places.py)
        place = places.lookup(normalise_postcode(command.postcode))
        errors.update(
            places.check_place(
                service=command.service,
                postcode=normalise_postcode(command.postcode),
                latitude=command.latitude,
                longitude=command.longitude,
                channel=command.contact.channel,
                place=place,
            )
        )
    if command.resolved_outcome and command.resolved_outcome not in Outcome.values:
        errors["resolved_outcome"] = ["Choose an outcome."]
    if isinstance(command.resident, ResidentDetails):
        for name, check in (
            ("email", normalise_email),
            ("phone", normalise_phone),
            ("resident_postcode", normalise_postcode),
        ):
            value = getattr(command.resident, "postcode" if name == "resident_postcode" else name)
            try:
                check(value)
            except ValidationError as exc:
                errors[name] = exc.messages
        if len(command.resident.full_name) > 200:
            errors["full_name"] = ["Your name must be 200 characters or fewer."]
    if errors:
        raise IntakeError(errors)
    return place


def _resident_for(details: ResidentDetails | Resident) -> Resident:
    """The resident for these details: a new record, never a change to a stored one.

    Anyone can type anyone's email or phone, so typed details never link to an existing
    resident (who would then get this case's updates, or whose updates would go to the
    typist); staff see a possible match instead. The one exception is an email whose sender
    the email channel has authenticated (``match_existing``): it joins the existing record with
    that address when the record reaches no one but that address (no phone number) and already
    says the same about updates, so the case's updates go only to the authenticated address and
    nothing stored changes. Stored details are never changed here.
    """
    if isinstance(details, Resident):
        return details
    email = normalise_email(details.email)
    phone = normalise_phone(details.phone)
    postcode = normalise_postcode(details.postcode)
    if details.match_existing and email:
        existing = (
            Resident.objects.filter(
                email__iexact=email,
                phone="",
                consent_updates=details.consent_updates,  # nothing to change on the record
                anonymised_at__isnull=True,
            )
            .order_by("id")
            .first()
        )
        if existing is not None:
            return existing
    resident = Resident.objects.create(
        full_name=clean_line(details.full_name).strip(),
        email=email,
        phone=phone,
        address=clean_line(details.address).strip(),
        postcode=postcode,
        postcode_district=postcode_district(postcode),
        preferred_channel=details.preferred_channel,
        consent_updates=details.consent_updates,
        flags=list(details.flags),
    )
    record_possible_matches(resident, new=True)
    return resident


def _create_case(command: NewCase, resident: Resident, place: places.Place | None) -> Case:
    postcode = normalise_postcode(command.postcode)
    service = command.service
    reference = generate_reference()
    salt = secrets.token_hex(8)
    return Case.objects.create(
        reference=reference,
        tracking_salt=salt,
        tracking_token_hash=hash_tracking_token(make_tracking_token(reference, salt)),
        service=service,
        department=command.department,
        channel=command.contact.channel,
        resident=resident,
        summary=clean_line(command.summary).strip(),
        description=clean_text(command.description).strip(),
        answers=clean_value(command.answers),
        address=clean_line(command.address).strip(),
        postcode=postcode,
        postcode_district=postcode_district(postcode),
        **places.placing(
            postcode=postcode, latitude=command.latitude, longitude=command.longitude, place=place
        ),
        priority=command.priority or (service.default_priority if service else "normal"),
        follows=command.follows,
        partner=command.partner,
        shared_publicly=command.shared_publicly,
    )


def _create_contact(case: Case, resident: Resident, details: ContactDetails, key: str) -> Contact:
    contact = Contact.objects.create(
        case=case,
        resident=resident,
        channel=details.channel,
        direction=details.direction,
        subject=clean_line(details.subject)[:255],
        body=clean_text(details.body),
        sender_name=clean_line(details.sender_name)[:200],
        sender_address=clean_line(details.sender_address)[:254],
        recorded_by=details.recorded_by,
        occurred_at=details.occurred_at or timezone.now(),
        call_duration_seconds=details.call_duration_seconds,
        office=clean_line(details.office),
        is_chaser=details.is_chaser,
        assisted_digital=details.assisted_digital,
        assisted_digital_reason=details.assisted_digital_reason if details.assisted_digital else "",
        is_public=details.is_public,
        idempotency_key=key,
        message_id=details.message_id[:255],
    )
    _store_files(contact, details)
    return contact


def _store_files(contact: Contact, details: ContactDetails) -> None:
    for position, incoming in enumerate(details.files):
        if position >= MAX_FILES:
            Attachment.objects.create(
                contact=contact,
                original_name=safe_filename(incoming.name),
                size=len(incoming.content),
                skipped_reason=f"Only the first {MAX_FILES} files are kept.",
            )
            continue
        try:
            checked = check_file(incoming)
        except ValidationError as exc:
            if not details.skip_bad_files:
                raise IntakeError({"files": exc.messages}) from exc
            Attachment.objects.create(
                contact=contact,
                original_name=safe_filename(incoming.name),
                content_type=incoming.declared_type[:100],
                size=len(incoming.content),
                skipped_reason=exc.messages[0],
            )
            continue
        attachment = Attachment(
            contact=contact,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        attachment.file.save(checked.name, ContentFile(checked.content), save=False)
        attachment.save()


def _contact_summary(contact: Contact) -> str:
    what = f"{contact.get_channel_display()} contact {contact.get_direction_display().lower()}"
    return what + (" (chasing progress)" if contact.is_chaser else "")


def _close_at_first_contact(case: Case, outcome: str, by: Any) -> None:
    case_transition(
        case=case,
        to=Status.CLOSED,
        by=by,
        outcome=outcome,
        reason=f"Resolved at first contact: {Outcome(outcome).label}",
        notify=False,
    )


def _wake_for_reply(
    case: Case, by: Any, body: str = "", not_sorted: bool = False, contact_id: int | None = None
) -> None:
    """A reply from the resident moves a waiting case back to work; on a finished case the
    rule in ``enquiries.replies`` decides (a thank-you is recorded without reopening). A reply
    that says it is not sorted (the button, or the words on any channel) and reopens the case
    tells the team too."""
    if case.status == Status.AWAITING_RESIDENT:
        case_transition(case=case, to=Status.IN_PROGRESS, by=by, reason="The resident replied")
    elif case.status in (Status.RESOLVED, Status.CLOSED):
        judgement = replies.judge(status=case.status, text=body, not_sorted=not_sorted)
        if judgement.reopens:
            reopened = reopen_if_recent(case=case, by=by)
            said_not_sorted = judgement.meaning is replies.Meaning.NOT_SORTED
            if said_not_sorted and reopened.status == Status.REOPENED:
                tell_team_not_sorted(case=reopened, reason=body, source=f"contact:{contact_id}")
        else:
            record_event(
                case=case,
                kind=EventKind.NOTE,
                by=by,
                message=f"Not reopened: {judgement.why}.",
                data={"reply": judgement.meaning.value},
            )
