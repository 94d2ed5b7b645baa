"""Subject access: everything held about one person, as JSON and a readable page, in a ZIP.

Staff with the data_protection role ask for it from the resident's page; a worker builds it
(``enquiries.tasks.build_subject_access_export``), and it is downloaded through a link that
expires (SUBJECT_ACCESS_LINK_HOURS) and is written to the access log. Other people's personal
data found in the person's cases (followers, other senders, names in staff replies) is flagged
under ``redact_before_release`` for the officer to check before the export is released.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import zipfile
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from enquiries import outbox, policy
from enquiries.choices import EventKind
from enquiries.models import (
    AccessLog,
    Case,
    CaseSubscription,
    Contact,
    Notification,
    Resident,
    SubjectAccessExport,
)

TASK = "enquiries.tasks.build_subject_access_export"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_export(*, resident: Resident, by: Any) -> tuple[SubjectAccessExport, str]:
    """Queue an export; returns it and the link's token (shown once, only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        export = SubjectAccessExport.objects.create(
            resident=resident,
            requested_by=by,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(hours=settings.SUBJECT_ACCESS_LINK_HOURS),
        )
        outbox.enqueue(TASK, dedupe_key=f"subject-access:{export.pk}", export_id=export.pk)
    return export, token


def export_for_token(pk: int, token: str) -> SubjectAccessExport | None:
    """The export this link names, while it has not expired (an expired one loses its file)."""
    export = (
        SubjectAccessExport.objects.select_related("resident")
        .filter(pk=pk, token_hash=hash_token(token or ""))
        .first()
    )
    if export is None:
        return None
    if export.expires_at <= timezone.now():
        expire(export)
        return None
    return export


def expire(export: SubjectAccessExport) -> None:
    if export.file:
        export.file.delete(save=False)
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        state=SubjectAccessExport.State.EXPIRED, file=""
    )


def delete_exports_of(resident: Resident) -> int:
    """On erasure or retention: the exports hold the data too."""
    count = 0
    for export in SubjectAccessExport.objects.filter(resident=resident):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    return count


# --- gathering -----------------------------------------------------------------------------------


def _when(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _person(resident: Resident) -> dict[str, Any]:
    return {
        "record": resident.pk,
        "full_name": resident.full_name,
        "email": resident.email,
        "phone": resident.phone,
        "address": resident.address,
        "postcode": resident.postcode,
        "preferred_channel": resident.preferred_channel,
        "consent_updates": resident.consent_updates,
        "flags": resident.flags,
        "created_at": _when(resident.created_at),
        "changes": [
            {
                "field": change.field,
                "old_value": change.old_value,
                "new_value": change.new_value,
                "channel": change.get_channel_display(),
                "at": _when(change.created_at),
            }
            for change in resident.changes.order_by("created_at", "id")
        ],
    }


def gather(resident: Resident) -> dict[str, Any]:
    """Everything held about this person, across every channel, as plain data."""
    case_ids = set(Case.objects.filter(resident=resident).values_list("id", flat=True))
    followed = set(
        CaseSubscription.objects.filter(resident=resident).values_list("case_id", flat=True)
    )
    wrote_on = set(Contact.objects.filter(resident=resident).values_list("case_id", flat=True))
    own_cases = Case.objects.filter(pk__in=case_ids | followed | wrote_on).select_related(
        "service", "department"
    )
    others: dict[str, str] = {}  # a marker of someone else -> who they are, for redaction
    cases = []
    for case in own_cases.order_by("created_at", "id"):
        is_theirs = case.pk in case_ids
        contacts = Contact.objects.filter(case=case).select_related("resident")
        if not is_theirs:
            contacts = contacts.filter(resident=resident)
        for subscription in CaseSubscription.objects.filter(case=case).exclude(resident=resident):
            _note_other(others, subscription.resident, "someone following the case")
        if is_theirs or case.pk in followed:
            for contact in contacts:
                if contact.resident_id and contact.resident_id != resident.pk:
                    _note_other(others, contact.resident, "another person who wrote")
        if case.resident_id != resident.pk:
            _note_other(others, case.resident, "the person who reported the case")
        cases.append(
            {
                "reference": case.reference,
                "relationship": "reported"
                if is_theirs
                else "followed"
                if case.pk in followed
                else "wrote on",
                "service": case.service.name if case.service else "",
                "department": case.department.name if case.department else "",
                "channel": case.get_channel_display(),
                "status": case.get_status_display(),
                "summary": case.summary if is_theirs else "",
                "description": case.description if is_theirs else "",
                "answers": case.answers if is_theirs else {},
                "address": case.address if is_theirs else "",
                "postcode": case.postcode if is_theirs else "",
                "created_at": _when(case.created_at),
                "closed_at": _when(case.closed_at),
                "contacts": [
                    {
                        "id": contact.pk,
                        "channel": contact.get_channel_display(),
                        "direction": contact.get_direction_display(),
                        "subject": contact.subject,
                        "body": contact.body,
                        "from": contact.sender_address,
                        "at": _when(contact.occurred_at),
                        "attachments": [
                            {
                                "id": attachment.pk,
                                "name": attachment.original_name,
                                "content_type": attachment.content_type,
                                "size": attachment.size,
                                "file": f"attachments/{attachment.pk}-{attachment.original_name}"
                                if attachment.file
                                else None,
                            }
                            for attachment in contact.attachments.all()
                        ],
                    }
                    for contact in contacts
                    if contact.is_public or contact.resident_id == resident.pk
                ],
                "events": [
                    {
                        "at": _when(event.created_at),
                        "kind": event.kind,
                        "text": event.public_message,
                    }
                    for event in case.events.exclude(public_message="")
                ]
                if is_theirs
                else [],
                # Staff notes about the person are their personal data too; they are where third
                # parties get named, so each is flagged for review before release.
                "staff_notes": [
                    {"at": _when(event.created_at), "text": event.message}
                    for event in case.events.filter(kind=EventKind.NOTE).order_by("created_at")
                ]
                if is_theirs
                else [],
            }
        )
    notifications = [
        {
            "case": reference,
            "kind": row.kind,
            "medium": row.get_medium_display(),
            "to": row.to_address,
            "subject": row.subject,
            "body": row.body,
            "state": row.get_state_display(),
            "sent_at": _when(row.sent_at),
            "delivered_at": _when(row.delivered_at),
            "error": row.error,
        }
        for row, reference in (
            (row, row.case.reference)
            for row in Notification.objects.filter(resident=resident)
            .select_related("case")
            .order_by("created_at", "id")
        )
    ]
    views = [
        {
            "by": policy.subject_access_viewer(log.user),
            "action": log.action,
            "case": log.case.reference if log.case else None,
            "at": _when(log.created_at),
        }
        for log in AccessLog.objects.filter(Q(resident=resident) | Q(case_id__in=case_ids))
        .select_related("user", "case")
        .order_by("created_at", "id")
    ]
    data = {
        "generated_at": _when(timezone.now()),
        "controller": settings.COUNCIL_NAME,
        "person": _person(resident),
        "cases": cases,
        "notifications": notifications,
        "staff_views": views,
    }
    data["redact_before_release"] = _flag_others(data, others)
    return data


def _note_other(others: dict[str, str], person: Resident | None, why: str) -> None:
    if person is None:
        return
    for marker in (person.full_name, person.email, person.phone):
        if marker and len(marker) >= 4:
            others.setdefault(marker, why)


def _flag_others(data: dict[str, Any], others: dict[str, str]) -> list[dict[str, str]]:
    """Every place in the export where another person's name, email or phone appears."""
    own = {data["person"]["full_name"], data["person"]["email"], data["person"]["phone"]}
    markers = {marker: why for marker, why in others.items() if marker not in own}
    flags: list[dict[str, str]] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        elif isinstance(value, str):
            lowered = value.lower()
            for marker, why in markers.items():
                if marker.lower() in lowered:
                    flags.append({"where": where, "text": marker, "why": why})

    walk(data["cases"], "cases")
    walk(data["notifications"], "notifications")
    flags.extend(_unknown_details(data, own))
    for case_index, case in enumerate(data["cases"]):
        for note_index, note in enumerate(case.get("staff_notes", [])):
            flags.append(
                {
                    "where": f"cases[{case_index}].staff_notes[{note_index}]",
                    "text": note["text"][:80],
                    "why": "a staff note: check it for third parties and exemptions",
                }
            )
    return flags


EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "0" + digits[2:] if digits.startswith("44") else digits


def _unknown_details(data: dict[str, Any], own: set[str]) -> list[dict[str, str]]:
    """Email addresses and phone numbers in free text that are not this person's: third parties
    the database does not know (a neighbour named in a message, a landlord's number)."""
    own_emails = {value.lower() for value in own if value and "@" in value}
    own_phones = {_digits(value) for value in own if value and "@" not in value}
    own_phones.discard("")
    council = {settings.DEFAULT_FROM_EMAIL.lower(), getattr(settings, "COUNCIL_EMAIL", "").lower()}
    flags: list[dict[str, str]] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in {"from", "to"}:  # the person's own addresses, shown as such
                    walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        elif isinstance(value, str):
            for found in EMAIL_IN_TEXT.findall(value):
                address = found.lower()
                if address not in own_emails and not any(address in c for c in council if c):
                    flags.append({"where": where, "text": found, "why": "an email address"})
            for found in PHONE_IN_TEXT.findall(value):
                if _digits(found) not in own_phones:
                    flags.append({"where": where, "text": found.strip(), "why": "a phone number"})

    walk(data["cases"], "cases")
    return flags


# --- building ------------------------------------------------------------------------------------


def build(export_id: int) -> SubjectAccessExport | None:
    """The worker's part: write the ZIP once (a second delivery finds it ready)."""
    export = SubjectAccessExport.objects.select_related("resident").filter(pk=export_id).first()
    if export is None or export.state != SubjectAccessExport.State.QUEUED:
        return export
    data = gather(export.resident)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr(
            "report.html", render_to_string("staff/subject_access_report.html", {"data": data})
        )
        _add_files(archive, export.resident, data)
    name = f"{secrets.token_hex(16)}.zip"
    export.file.save(name, ContentFile(buffer.getvalue()), save=False)
    SubjectAccessExport.objects.filter(pk=export.pk, state=SubjectAccessExport.State.QUEUED).update(
        file=export.file.name,
        state=SubjectAccessExport.State.READY,
        ready_at=timezone.now(),
        redactions=len(data["redact_before_release"]),
    )
    export.refresh_from_db()
    return export


def _add_files(archive: zipfile.ZipFile, resident: Resident, data: dict[str, Any]) -> None:
    from enquiries.models import Attachment

    wanted = {
        attachment["id"]: attachment["file"]
        for case in data["cases"]
        for contact in case["contacts"]
        for attachment in contact["attachments"]
        if attachment["file"]
    }
    for attachment in Attachment.objects.filter(pk__in=wanted):
        try:
            with attachment.file.open("rb") as handle:
                archive.writestr(wanted[attachment.pk], handle.read())
        except FileNotFoundError:
            continue


def record_download(*, export: SubjectAccessExport, user: Any) -> None:
    from enquiries import access_log

    SubjectAccessExport.objects.filter(pk=export.pk).update(downloads=export.downloads + 1)
    access_log.record_view(
        user=user,
        path=f"/staff/subject-access/{export.pk}/",
        resident=export.resident,
        action="subject_access_download",
    )
