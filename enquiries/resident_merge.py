"""Merging two records of the same person, and undoing it.

Staff merge from a possible match: the cases, contacts, subscriptions and notifications of the
``merged`` record move to the ``kept`` one. Nothing is deleted or overwritten: the merged record
keeps its own details (so the merge can be undone exactly) and a ResidentMerge row lists every
id that moved. Both records' change histories say what happened and who did it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enquiries.models import (
    Case,
    CaseSubscription,
    Contact,
    Notification,
    PossibleMatch,
    Resident,
    ResidentChange,
    ResidentMerge,
)

Via = ResidentChange.Via


def _history(resident: Resident, text: str, by: Any, reason: str) -> None:
    ResidentChange.objects.create(
        resident=resident, field="record", new_value=text, by=by, channel=Via.STAFF, reason=reason
    )


def merge_residents(
    *, kept: Resident, merged: Resident, by: Any, match: PossibleMatch | None = None
) -> ResidentMerge:
    """Move everything of ``merged`` to ``kept``; the match (if any) is confirmed."""
    if kept.pk == merged.pk:
        raise ValidationError("Choose two different records to merge.")
    with transaction.atomic():
        locked = {
            r.pk: r
            for r in Resident.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
        }
        if any(r.anonymised_at for r in locked.values()):
            raise ValidationError("An anonymised record cannot be merged.")
        if ResidentMerge.objects.filter(merged=merged, undone_at__isnull=True).exists():
            raise ValidationError("This record has already been merged into another.")
        cases = list(Case.objects.filter(resident=merged).values_list("id", flat=True))
        contacts = list(Contact.objects.filter(resident=merged).values_list("id", flat=True))
        notifications = list(
            Notification.objects.filter(resident=merged).values_list("id", flat=True)
        )
        already = set(
            CaseSubscription.objects.filter(resident=kept).values_list("case_id", flat=True)
        )
        own = set(Case.objects.filter(resident=kept).values_list("id", flat=True)) | set(cases)
        subscriptions = list(
            CaseSubscription.objects.filter(resident=merged)
            .exclude(case_id__in=already | own)
            .values_list("id", flat=True)
        )
        # a subscription that would duplicate one kept already has (or follow its own case) stays
        Case.objects.filter(pk__in=cases).update(resident=kept, updated_at=timezone.now())
        Contact.objects.filter(pk__in=contacts).update(resident=kept)
        Notification.objects.filter(pk__in=notifications).update(resident=kept)
        CaseSubscription.objects.filter(pk__in=subscriptions).update(resident=kept)
        row = ResidentMerge.objects.create(
            kept=kept,
            merged=merged,
            match=match,
            by=by,
            moved={
                "cases": cases,
                "contacts": contacts,
                "subscriptions": subscriptions,
                "notifications": notifications,
            },
        )
        if match is not None and match.state == PossibleMatch.State.OPEN:
            PossibleMatch.objects.filter(pk=match.pk).update(
                state=PossibleMatch.State.CONFIRMED, decided_by=by, decided_at=timezone.now()
            )
        _history(kept, f"Resident {merged.pk} merged into this record", by, f"merge {row.pk}")
        _history(merged, f"Merged into resident {kept.pk}", by, f"merge {row.pk}")
    return row


def undo_merge(*, merge: ResidentMerge, by: Any) -> ResidentMerge:
    """Put back exactly what the merge moved (what was added to ``kept`` since stays)."""
    with transaction.atomic():
        row = ResidentMerge.objects.select_for_update().get(pk=merge.pk)
        if row.undone_at:
            raise ValidationError("This merge has already been undone.")
        moved = row.moved
        Case.objects.filter(pk__in=moved.get("cases", []), resident=row.kept).update(
            resident=row.merged, updated_at=timezone.now()
        )
        Contact.objects.filter(pk__in=moved.get("contacts", []), resident=row.kept).update(
            resident=row.merged
        )
        Notification.objects.filter(
            pk__in=moved.get("notifications", []), resident=row.kept
        ).update(resident=row.merged)
        CaseSubscription.objects.filter(
            pk__in=moved.get("subscriptions", []), resident=row.kept
        ).update(resident=row.merged)
        row.undone_at, row.undone_by = timezone.now(), by
        row.save(update_fields=["undone_at", "undone_by"])
        _history(row.kept, f"Merge of resident {row.merged_id} undone", by, f"merge {row.pk}")
        _history(row.merged, f"Merge into resident {row.kept_id} undone", by, f"merge {row.pk}")
    return row


def merges_of(resident: Resident) -> list[ResidentMerge]:
    return list(
        ResidentMerge.objects.filter(Q(kept=resident) | Q(merged=resident))
        .select_related("kept", "merged", "by", "undone_by")
        .order_by("-created_at", "-id")
    )


def open_duplicates(limit: int = 200) -> list[PossibleMatch]:
    """The list staff work through: undecided possible matches between live records."""
    return list(
        PossibleMatch.objects.filter(
            state=PossibleMatch.State.OPEN,
            resident__anonymised_at__isnull=True,
            other__anonymised_at__isnull=True,
        )
        .select_related("resident", "other")
        .order_by("created_at", "id")[:limit]
    )
