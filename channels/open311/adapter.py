"""Open311 writes: a service request or a FixMyStreet update, through enquiries.intake.

Every write is idempotent: on the partner's Idempotency-Key header when it sends one, else on
the partner and the exact form it posted (a client retrying after a lost response files once).
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from channels.open311.mapping import answers_from_attributes
from enquiries import intake
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, IntakeResult, NewCase, ResidentDetails
from enquiries.models import Case, PartnerOrganisation, Service
from enquiries.questions import clean_answers
from enquiries.text import clean_line

ATTRIBUTE = re.compile(r"^attribute\[([a-z][a-z0-9_]{0,39})\](\[\])?$")
MAX_KEY = 200


class Open311Error(Exception):
    """Bad input, with the HTTP status the spec gives it and a description for the partner."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = descriptions


@dataclass(frozen=True)
class Posted:
    """The form as posted: single values, plus the key a retry would reproduce."""

    fields: dict[str, str]
    header_key: str
    lists: dict[str, list[str]] = field(default_factory=dict)  # names posted more than once

    def get(self, name: str) -> str:
        return self.fields.get(name, "").strip()

    def idempotency_key(self, partner: PartnerOrganisation, kind: str) -> str:
        if self.header_key:
            if len(self.header_key) > MAX_KEY:
                raise Open311Error(400, f"Idempotency-Key must be at most {MAX_KEY} characters.")
            return f"open311:{partner.pk}:{kind}:{self.header_key}"
        items = {**self.fields, **{k: "\x1f".join(v) for k, v in self.lists.items()}}
        canonical = "&".join(f"{k}={v}" for k, v in sorted(items.items()) if k != "api_key")
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return f"open311:{partner.pk}:{kind}:sha256:{digest}"


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
    return list(exc.messages)


def _summary(service: Service, description: str) -> str:
    first = clean_line(description.strip().splitlines()[0] if description.strip() else "")
    return (first or service.name)[: intake.MAX_SUMMARY].strip()


def _coordinate(posted: Posted, name: str, limit: int) -> Decimal | None:
    raw = posted.get(name)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise Open311Error(400, f"{name} must be a decimal number of degrees (WGS84).") from None
    if not value.is_finite() or abs(value) > limit:
        raise Open311Error(400, f"{name} must be between -{limit} and {limit}.")
    return value.quantize(Decimal("0.000001"))


def submit_request(
    *, partner: PartnerOrganisation, service: Service, posted: Posted
) -> IntakeResult:
    """POST requests: one service request into the one case model."""
    attributes: dict[str, str | list[str]] = {}
    for name, value in posted.fields.items():
        if name.startswith("attribute["):
            match = ATTRIBUTE.match(name)
            if not match:
                raise Open311Error(400, f"{name} is not an attribute of {service.slug}.")
            many = match.group(2) or name in posted.lists
            attributes[match.group(1)] = posted.lists.get(name, [value]) if many else value
    lat, long = _coordinate(posted, "lat", 90), _coordinate(posted, "long", 180)
    if (lat is None) != (long is None):
        raise Open311Error(400, "Send lat and long together.")
    address = posted.get("address_string")
    if service.is_location_based and lat is None and not address and not posted.get("address_id"):
        raise Open311Error(
            400, f"{service.slug} needs a location: lat and long, address_string or address_id."
        )
    description = posted.get("description")
    if posted.get("media_url"):
        description = f"{description}\n\nPhoto: {posted.get('media_url')}".strip()
    name = " ".join(p for p in (posted.get("first_name"), posted.get("last_name")) if p)
    key = posted.idempotency_key(partner, "request")
    try:
        answers = clean_answers(service.questions, answers_from_attributes(service, attributes))
        return intake.submit(
            NewCase(
                idempotency_key=key,
                contact=ContactDetails(
                    channel=Channel.API,
                    body=description,
                    sender_name=partner.name,
                    sender_address=partner.contact_email,
                ),
                resident=ResidentDetails(
                    full_name=name, email=posted.get("email"), phone=posted.get("phone")
                ),
                summary=_summary(service, description),
                description=description,
                service=service,
                answers=answers,
                address=address or posted.get("address_id"),
                latitude=lat,
                longitude=long,
                partner=partner,
            )
        )
    except ValidationError as exc:
        raise Open311Error(400, *_errors(exc)) from exc


def add_update(*, partner: PartnerOrganisation, case: Case, posted: Posted) -> IntakeResult:
    """POST servicerequestupdates: a comment from the front end, added to the case's timeline.

    A status the front end sends (a resident marking a report fixed) is recorded in the text:
    council staff decide the case's status, never a partner's system.
    """
    update_id = posted.get("update_id")
    description = posted.get("description")
    if not update_id:
        raise Open311Error(400, "update_id is required: your system's id for this update.")
    if not description:
        raise Open311Error(400, "description is required: the text of the update.")
    status = posted.get("status").upper()
    if status and status not in ("OPEN", "CLOSED"):
        raise Open311Error(400, "status must be OPEN or CLOSED.")
    name = " ".join(p for p in (posted.get("first_name"), posted.get("last_name")) if p)
    body = description + (
        f"\n\n(Marked {status.lower()} by {name or 'the reporter'}.)" if status else ""
    )
    key = f"open311:{partner.pk}:update:{update_id[:MAX_KEY]}"
    try:
        return intake.add_contact(
            case=case,
            idempotency_key=key,
            contact=ContactDetails(
                channel=Channel.API,
                body=body,
                sender_name=name or partner.name,
                sender_address=posted.get("email") or partner.contact_email,
            ),
        )
    except ValidationError as exc:
        raise Open311Error(400, *_errors(exc)) from exc
