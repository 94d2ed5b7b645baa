"""Data protection officer's actions: subject access exports, erasure, legal hold.

Only the data_protection role (``policy.can_handle_data_protection``); everything else is
decided in enquiries.retention and enquiries.subject_access.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enquiries import access_log, policy, retention, subject_access
from enquiries.models import Case, Erasure, SubjectAccessExport
from enquiries.staff.access import staff_required


def _officer(request: HttpRequest, action: str) -> None:
    if not policy.can_handle_data_protection(request.user):
        access_log.record_denied(user=request.user, path=request.path, action=action)
        raise Http404("Not found.")


@staff_required
@require_POST
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request, "subject_access")
    resident = policy.get_resident_for(request.user, pk, path=request.path)
    export, token = subject_access.request_export(resident=resident, by=request.user)
    return redirect("staff:subject_access", pk=export.pk, token=token)


def _export(request: HttpRequest, pk: int, token: str) -> SubjectAccessExport:
    _officer(request, "subject_access")
    export = subject_access.export_for_token(pk, token)
    if export is None:
        access_log.record_denied(
            user=request.user, path=f"/staff/subject-access/{pk}/", action="subject_access"
        )
        raise Http404("This link has expired or is not valid.")
    return export


@staff_required
def export_status(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    export = _export(request, pk, token)
    return render(request, "staff/subject_access.html", {"export": export, "token": token})


@staff_required
def export_download(request: HttpRequest, pk: int, token: str) -> FileResponse:
    export = _export(request, pk, token)
    if export.state != SubjectAccessExport.State.READY or not export.file:
        raise Http404("The export is not ready yet.")
    subject_access.record_download(export=export, user=request.user)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"subject-access-{export.resident_id}-{export.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request, "erase_resident")
    resident = policy.get_resident_for(request.user, pk, path=request.path)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            retention.erase_resident(
                resident=resident,
                reason=request.POST.get("reason", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                by=request.user,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            messages.success(request, "The resident's personal data has been erased.")
            return redirect("staff:resident", pk=resident.pk)
    return render(
        request,
        "staff/erase.html",
        {
            "resident": resident,
            "errors": errors,
            "bases": Erasure.LegalBasis.choices,
            "values": request.POST,
        },
        status=400 if errors else 200,
    )


@staff_required
@require_POST
def legal_hold(request: HttpRequest, reference: str) -> HttpResponse:
    _officer(request, "legal_hold")
    case = policy.get_case_for(request.user, reference, path=request.path)
    if request.POST.get("lift"):
        retention.lift_legal_hold(case=case)
        messages.success(request, "The legal hold is lifted.")
    else:
        try:
            retention.place_legal_hold(
                case=case, reason=request.POST.get("reason", ""), by=request.user
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "The case is on legal hold.")
    return redirect("staff:case", reference=Case.objects.get(pk=case.pk).reference)


@staff_required
def data_quality(request: HttpRequest) -> HttpResponse:
    """Failing contact details, unverified changes, no contact route, past retention."""
    from enquiries import data_quality as quality

    _officer(request, "data_quality")
    result = quality.report()
    access_log.record_subjects(
        user=request.user,
        path=request.path,
        subjects=[(None, r.pk) for r in [*result.failing, *result.no_route]],
        action="data_quality",
    )
    return render(request, "staff/data_quality.html", {"q": result})
