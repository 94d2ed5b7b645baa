"""Possible duplicate residents, for staff to merge (and undo a merge)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enquiries import access_log, policy, resident_merge
from enquiries.models import PossibleMatch, ResidentMerge
from enquiries.staff.access import staff_required


def _allowed(request: HttpRequest) -> None:
    if not policy.can_merge_residents(request.user):
        access_log.record_denied(user=request.user, path=request.path, action="merge_residents")
        raise Http404("Not found.")


@staff_required
def duplicates(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    rows = resident_merge.open_duplicates()
    access_log.record_subjects(
        user=request.user,
        path=request.path,
        subjects=[(None, row.resident_id) for row in rows] + [(None, row.other_id) for row in rows],
        action="duplicates",
    )
    recent = ResidentMerge.objects.select_related("kept", "merged", "by")[:20]
    return render(request, "staff/duplicates.html", {"rows": rows, "recent": recent})


@staff_required
@require_POST
def merge(request: HttpRequest, match_pk: int) -> HttpResponse:
    """Merge the newer record of a possible match into the older one (the one kept)."""
    _allowed(request)
    match = get_object_or_404(PossibleMatch, pk=match_pk)
    kept, merged = (
        (match.other, match.resident)
        if match.other_id < match.resident_id
        else (match.resident, match.other)
    )
    try:
        resident_merge.merge_residents(kept=kept, merged=merged, by=request.user, match=match)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Record {merged.pk} merged into record {kept.pk}.")
    return redirect("staff:duplicates")


@staff_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    row = get_object_or_404(ResidentMerge, pk=pk)
    try:
        resident_merge.undo_merge(merge=row, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The merge is undone.")
    return redirect("staff:duplicates")
