"""Mail held back from the queues (automatic, bulk, no-reply, unusable) and what staff do with it.

Held messages never open a case by themselves. A member of staff who reads one and judges it
real opens a case from it here, through ``enquiries.intake`` like every other channel; nothing
is sent to the sender automatically (it may be a machine), and the case goes to triage.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage
from enquiries import services
from enquiries.choices import EventKind
from enquiries.intake import IntakeError, NewCase, ResidentDetails, submit

HELD = (InboundMessage.Status.QUARANTINED, InboundMessage.Status.IGNORED)


class CannotOpen(Exception):
    """The held message cannot become a case; the message says why, for staff."""


def held_messages(*, status: str = "") -> QuerySet[InboundMessage]:
    """Held mail, newest first, without the raw bytes (the list never needs them)."""
    wanted = [status] if status in HELD else list(HELD)
    return (
        InboundMessage.objects.filter(status__in=wanted)
        .defer("raw")
        .select_related("mailbox")
        .order_by("-received_at", "-id")
    )


def open_case_from_held(row: InboundMessage, *, by: Any) -> InboundMessage:
    """Staff judged a held message real: open a triage case from it (once), never acknowledged."""
    if row.status not in HELD:
        raise CannotOpen(f"this message is {row.get_status_display().lower()}, not held")
    parsed = ingest.safe_parse(bytes(row.raw))
    if parsed is None or not parsed.from_address:
        raise CannotOpen("the message has no usable sender address, so it cannot be a case")
    command = NewCase(
        idempotency_key=ingest._intake_key(row),
        contact=ingest._contact_details(row, parsed),
        # Staff link it to a known resident themselves, if it is one: never automatically.
        resident=ResidentDetails(
            full_name=parsed.from_name[:200],
            email=parsed.from_address,
            match_existing=False,
            consent_updates=False,
        ),
        summary=ingest._summary(parsed),
        description=ingest._body(parsed),
        department=ingest.triage_department(),
        acknowledge=False,
    )
    try:
        result = submit(command)
    except IntakeError as exc:
        raise CannotOpen("; ".join(exc.messages)) from exc
    who = by.get_full_name() or by.get_username()
    with transaction.atomic():
        updated = InboundMessage.objects.filter(pk=row.pk, status__in=HELD).update(
            status=InboundMessage.Status.PROCESSED,
            outcome=InboundMessage.Outcome.STAFF_OPENED,
            case=result.case,
            contact=result.contact,
            reason=f"case opened by {who} from held mail (was: {row.reason})"[:5000],
            processed_at=timezone.now(),
        )
        if updated:
            services.record_event(
                case=result.case,
                kind=EventKind.NOTE,
                message=f"Opened by {who} from a held email ({row.reason[:300]}). "
                "Nothing was sent to the sender.",
                data={"inbound_email": "staff_opened", "inbound_message": row.pk},
                by=by,
            )
    ingest._reload(row)
    return row
