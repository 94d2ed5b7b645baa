"""Retention and erasure: personal data goes, the statistics stay.

A closed (or resolved) case past its service's retention period (``Service.retention_days``
after it was closed) loses every piece of personal data it holds, wherever it lives: the case's
own text and address, contacts, answers to questions marked ``personal``, attachment files,
notifications, timeline and access-log payloads, the tracking link, inbound emails (through the
scrubbers channels register), admin log entries; and the resident's details once they have no
live case left. What insight counts use is kept: reference, service, department, channel, dates,
postcode district, status, priority, outcome and flags.

Erasure on request (``erase_resident``) is the same machinery applied to one person now.

Each case is done in its own transaction and marked ``personal_data_removed_at``, so the job is
idempotent and a run killed halfway leaves every case either done or untouched; the next run
finishes the rest. Logs say counts only.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from enquiries.choices import Status
from enquiries.maintenance import history_rewrites_allowed
from enquiries.models import (
    AccessLog,
    Attachment,
    Case,
    CaseEvent,
    CaseSubscription,
    Contact,
    Erasure,
    Notification,
    PendingContactChange,
    PossibleMatch,
    Resident,
    ResidentChange,
    Service,
    hash_tracking_token,
)
from enquiries.questions import non_personal_answers

logger = logging.getLogger("enquiries.retention")

FINISHED = (Status.RESOLVED, Status.CLOSED)
REMOVED_SUMMARY = "Details removed under the retention schedule"
ERASED_SUMMARY = "Details erased on request"

#: Callables ``scrub(case_ids, addresses)`` from channels that keep personal data of their own
#: (raw inbound emails). ``enquiries`` never imports ``channels``: they register here.
Scrubber = Callable[[list[int], list[str]], int]
_scrubbers: list[Scrubber] = []


def register_scrubber(scrubber: Scrubber) -> None:
    """A channel's way to remove what it stores for these cases or from these addresses."""
    if scrubber not in _scrubbers:
        _scrubbers.append(scrubber)


# --- what is due ---------------------------------------------------------------------------------


def retention_days(service: Service | None) -> int:
    return service.retention_days if service is not None else settings.RETENTION_DEFAULT_DAYS


def finished_at(case: Case) -> datetime | None:
    """When the retention clock started: closure, or resolution for a case never closed."""
    if case.status not in FINISHED:
        return None
    return case.closed_at or case.resolved_at


def due_at(case: Case) -> datetime | None:
    """When this case's personal data is due to go (None while it is live)."""
    start = finished_at(case)
    if start is None:
        return None
    return start + timedelta(days=retention_days(case.service))


def _past(cutoff: datetime) -> Q:
    return Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, resolved_at__lt=cutoff)


def due_cases(now: datetime | None = None, *, include_held: bool = False) -> QuerySet[Case]:
    """Finished cases past their service's retention period whose data is still held."""
    now = now or timezone.now()
    query = Q()
    for service_id, days in Service.objects.values_list("id", "retention_days"):
        query |= Q(service_id=service_id) & _past(now - timedelta(days=days))
    query |= Q(service__isnull=True) & _past(now - timedelta(days=settings.RETENTION_DEFAULT_DAYS))
    cases = Case.objects.filter(query, status__in=FINISHED, personal_data_removed_at__isnull=True)
    if not include_held:
        cases = cases.filter(legal_hold_reason="")
    return cases.order_by("id")


# --- removing one case's personal data -----------------------------------------------------------


def _delete_files(attachments: Iterable[Attachment]) -> int:
    deleted = 0
    for attachment in attachments:
        if attachment.file and attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
            deleted += 1
    return deleted


def _scrub_admin_log(model: type, ids: Iterable[int]) -> None:
    object_ids = [str(pk) for pk in ids]
    if object_ids:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=object_ids
        ).update(object_repr="", change_message="")


def _strip_contacts(contacts: QuerySet[Contact]) -> tuple[int, int]:
    """(contacts, files): bodies, senders and attachment files gone; channel and dates kept."""
    attachments = Attachment.objects.filter(contact__in=contacts)
    files = _delete_files(attachments)
    attachments.update(file="", original_name="", sha256="", skipped_reason="")
    count = contacts.update(
        subject="",
        body="",
        sender_name="",
        sender_address="",
        message_id="",
        idempotency_key=None,
        resident=None,
    )
    Notification.objects.filter(contact__in=contacts).update(
        to_address="", subject="", body="", message_id="", provider_ref="", error=""
    )
    return count, files


def _strip_case(case: Case, *, summary: str, now: datetime) -> dict[str, int]:
    """Everything personal on one case, its contacts, files, messages and history."""
    contacts, files = _strip_contacts(Contact.objects.filter(case=case))
    Notification.objects.filter(case=case).update(
        to_address="",
        subject="",
        body="",
        message_id="",
        provider_ref="",
        error="",
        resident=None,
    )
    CaseEvent.objects.filter(case=case).update(message="", public_message="", data={})
    PendingContactChange.objects.filter(case=case).delete()
    AccessLog.objects.filter(case=case).update(path="", resident=None)
    followers = list(CaseSubscription.objects.filter(case=case).values_list("resident", flat=True))
    CaseSubscription.objects.filter(case=case).delete()
    salt = secrets.token_hex(8)
    Case.objects.filter(pk=case.pk).update(
        summary=summary,
        description="",
        answers=non_personal_answers(case.service.questions if case.service else [], case.answers),
        address="",
        postcode="",
        latitude=None,
        longitude=None,
        tracking_salt=salt,
        tracking_token_hash=hash_tracking_token(secrets.token_urlsafe(32)),
        tracking_issued_at=None,
        personal_data_removed_at=now,
    )
    _scrub_admin_log(Case, [case.pk])
    for scrub in _scrubbers:
        scrub([case.pk], [])
    for follower in Resident.objects.filter(pk__in=followers):
        if not _has_live_data(follower):
            _anonymise_resident(follower, now=now)
    return {"contacts": contacts, "files": files}


def _has_live_data(resident: Resident, *, besides: Case | None = None) -> bool:
    """Another case of theirs still holds personal data, or they follow one."""
    cases = Case.objects.filter(resident=resident, personal_data_removed_at__isnull=True)
    if besides is not None:
        cases = cases.exclude(pk=besides.pk)
    return cases.exists() or resident.subscriptions.exists()


def _anonymise_resident(resident: Resident, *, now: datetime) -> None:
    """The record stays (cases point at it; flags and district count) but identifies no one."""
    Resident.objects.filter(pk=resident.pk).update(
        full_name="",
        email="",
        phone="",
        address="",
        postcode="",
        consent_updates=False,
        email_failing=False,
        phone_failing=False,
        anonymised_at=now,
        updated_at=now,
    )
    ResidentChange.objects.filter(resident=resident).update(old_value="", new_value="", reason="")
    PossibleMatch.objects.filter(Q(resident=resident) | Q(other=resident)).delete()
    AccessLog.objects.filter(resident=resident).update(path="")
    Notification.objects.filter(resident=resident).update(
        to_address="", subject="", body="", message_id="", provider_ref="", error=""
    )
    _scrub_admin_log(Resident, [resident.pk])
    from enquiries.subject_access import delete_exports_of

    delete_exports_of(resident)


def _detach(case: Case, *, now: datetime) -> None:
    """The case's person still has live cases: give this one a record of its own, anonymous."""
    stand_in = Resident.objects.create(
        flags=list(case.resident.flags),
        postcode_district=case.resident.postcode_district,
        preferred_channel=case.resident.preferred_channel,
        consent_updates=False,
        anonymised_at=now,
    )
    Case.objects.filter(pk=case.pk).update(resident=stand_in)
    AccessLog.objects.filter(case=case).update(resident=stand_in)


def remove_case_personal_data(case_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """One case past retention, in one transaction; nothing happens if it is done or held."""
    now = now or timezone.now()
    with history_rewrites_allowed(), transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("service", "resident")
            .filter(pk=case_id)
            .first()
        )
        if case is None or case.personal_data_removed_at or case.legal_hold_reason:
            return {}
        counts = _strip_case(case, summary=REMOVED_SUMMARY, now=now)
        resident = Resident.objects.select_for_update().get(pk=case.resident_id)
        if resident.anonymised_at is None:
            if _has_live_data(resident, besides=case):
                _detach(case, now=now)
            else:
                _anonymise_resident(resident, now=now)
                counts["residents"] = 1
    return counts


# --- the job -------------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    """What a run did or, on a dry run, would do: counts, and references for the DPO."""

    dry_run: bool
    cases: int = 0
    held: int = 0
    contacts: int = 0
    files: int = 0
    residents: int = 0
    references: list[str] = field(default_factory=list)
    held_references: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "cases": self.cases,
            "held": self.held,
            "contacts": self.contacts,
            "files": self.files,
            "residents": self.residents,
        }


def apply_retention(
    *, dry_run: bool = False, now: datetime | None = None, pause: float = 0.0
) -> RetentionReport:
    """Remove the personal data of every case past its retention date (or report what would go).

    ``pause`` seconds between cases keep a large first run from crowding out the portal.
    """
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    held = due_cases(now, include_held=True).exclude(legal_hold_reason="")
    report.held = held.count()
    report.held_references = list(held.values_list("reference", flat=True))
    ids = list(due_cases(now).values_list("id", flat=True))
    if dry_run:
        due = Case.objects.filter(pk__in=ids)
        report.cases = len(ids)
        report.references = list(due.values_list("reference", flat=True))
        report.contacts = Contact.objects.filter(case__in=due).count()
        report.files = Attachment.objects.filter(contact__case__in=due).exclude(file="").count()
        residents = Resident.objects.filter(cases__in=due, anonymised_at__isnull=True).distinct()
        report.residents = sum(
            1
            for resident in residents
            if not Case.objects.filter(resident=resident, personal_data_removed_at__isnull=True)
            .exclude(pk__in=ids)
            .exists()
        )
    else:
        for case_id in ids:
            counts = remove_case_personal_data(case_id, now=now)
            if counts:
                report.cases += 1
                report.contacts += counts.get("contacts", 0)
                report.files += counts.get("files", 0)
                report.residents += counts.get("residents", 0)
            if pause:
                time.sleep(pause)
    logger.info(
        "retention %s: %d cases, %d contacts, %d files, %d residents, %d held",
        "dry run" if dry_run else "applied",
        report.cases,
        report.contacts,
        report.files,
        report.residents,
        report.held,
    )
    return report


# --- legal hold ----------------------------------------------------------------------------------


def place_legal_hold(*, case: Case, reason: str, by: Any) -> Case:
    """Retention and erasure skip this case until the hold is lifted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"legal_hold_reason": "Say why the case is held."})
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        legal_hold_reason=reason[:300], legal_hold_by=by, legal_hold_at=now
    )
    case.legal_hold_reason, case.legal_hold_by, case.legal_hold_at = reason[:300], by, now
    return case


def lift_legal_hold(*, case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(
        legal_hold_reason="", legal_hold_by=None, legal_hold_at=None
    )
    case.legal_hold_reason, case.legal_hold_by, case.legal_hold_at = "", None, None
    return case


# --- erasure on request --------------------------------------------------------------------------


def erase_resident(*, resident: Resident, reason: str, legal_basis: str, by: Any) -> Erasure:
    """Erase one person now: their cases, what they said on others', their record.

    Refused while any of their cases is on legal hold (the hold is the reason to keep it).
    """
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Say why the data is being erased."
    if legal_basis not in Erasure.LegalBasis.values:
        errors["legal_basis"] = "Choose the legal basis for the erasure."
    if errors:
        raise ValidationError(errors)
    held = list(
        Case.objects.filter(resident=resident)
        .exclude(legal_hold_reason="")
        .values_list("reference", flat=True)
    )
    if held:
        raise ValidationError(
            f"These cases are on legal hold and cannot be erased: {', '.join(held)}."
        )
    now = timezone.now()
    with history_rewrites_allowed(), transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        addresses = [locked.email] if locked.email else []
        cases = 0
        for case in Case.objects.filter(resident=locked).select_related("service"):
            if case.personal_data_removed_at is None:
                _strip_case(case, summary=ERASED_SUMMARY, now=now)
                cases += 1
        contacts, _files = _strip_contacts(Contact.objects.filter(resident=locked))
        CaseSubscription.objects.filter(resident=locked).delete()
        if addresses:
            Contact.objects.filter(sender_address__iexact=addresses[0]).update(
                sender_address="", sender_name=""
            )
            for scrub in _scrubbers:
                scrub([], addresses)
        _anonymise_resident(locked, now=now)
        erasure = Erasure.objects.create(
            resident=locked,
            reason=reason,
            legal_basis=legal_basis,
            by=by,
            cases=cases,
            contacts=contacts,
            created_at=now,
        )
    logger.info("erasure %s: %d cases, %d other contacts", erasure.pk, cases, contacts)
    return erasure
