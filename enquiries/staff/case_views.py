"""The case page and its actions. Each action: check the policy, validate, call one service."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.views.decorators.http import require_POST

from enquiries import access_log, places, policy, public_reports, residents, services
from enquiries import staff_selectors as selectors
from enquiries.choices import Status
from enquiries.lifecycle import IllegalTransition
from enquiries.models import Case
from enquiries.staff import case_comms
from enquiries.staff.access import staff_required
from enquiries.staff.forms import (
    AssignForm,
    MergeForm,
    NoteForm,
    ReplyForm,
    StatusForm,
    TransferForm,
)

#: The case page's query parameter that lists the merge candidates.
MERGE_CANDIDATES = "merge_candidates"


def _page(request: HttpRequest, case: Case, status: int = 200, **bound: Any) -> HttpResponse:
    """Render the case page; ``bound`` carries a form that failed validation, with its errors."""
    user = request.user
    can_change = policy.can_change_case(user, case)
    timeline = selectors.staff_timeline(case)
    context: dict[str, Any] = {
        "case": case,
        "case_urls": case_urls(case.reference),
        "timeline": timeline,
        # the chaser panel's list: the resident's contacts, oldest first (no second query)
        "inbound_contacts": sorted(
            (e.contact for e in timeline if e.kind == "contact_in" and e.contact is not None),
            key=lambda contact: (contact.occurred_at, contact.pk),
        ),
        "answers": selectors.answer_rows(case),
        "can_change": can_change,
        "can_add_contact": policy.can_add_contact(user, case),
        "can_handle_data_protection": policy.can_handle_data_protection(user),
        "can_view_resident": True,
        "sla_now": selectors.sla_state_now(case),
        # read with the case (case_for_page); a case from elsewhere asks on its own
        "open_matches": case.open_matches
        if hasattr(case, "open_matches")
        else residents.has_open_matches(case.resident),
        "merged_into_reference": selectors.merged_into_reference(case),
        "map": _case_map(case),
    }
    if can_change:
        # who the case can go to (shared for a few seconds, like the worklist's filters: the
        # assignment itself checks the department's staff as they are)
        people = (
            selectors.worklist_choices([case.department_id]).people if case.department_id else []
        )
        is_manager = case.department_id in policy.managed_department_ids(user)
        context.update(
            status_form=bound.get("status_form") or StatusForm(case=case),
            assign_form=bound.get("assign_form")
            or AssignForm(choices=people, initial={"assignee": case.assignee_id}),
            can_assign_others=is_manager,
            note_form=bound.get("note_form") or NoteForm(),
            reply_form=bound.get("reply_form") or ReplyForm(),
            transfer_form=bound.get("transfer_form")
            or TransferForm(case=case, teams=selectors.team_choices()),
            merge_form=bound.get("merge_form") or MergeForm(),
            # likely originals of a duplicate: asked for by a link in the merge section (a
            # query on the case table that nearly every view of the page would not use)
            merge_candidates=selectors.merge_candidates(user, case)
            if request.GET.get(MERGE_CANDIDATES) or "merge_form" in bound
            else None,
            merge_candidates_param=MERGE_CANDIDATES,
        )
        context.update(case_comms.forms_for(case, bound))
    access_log.record_view(user=user, path=request.get_full_path(), case=case)
    _read_inbound_emails(case)
    return render(request, "staff/case.html", context, status=status)


def _read_inbound_emails(case: Case) -> None:
    """What the case page shows of the emails that came in on the case (inbound_email's
    _case_emails.html: sender, time, warnings), read ahead without each one's raw message."""
    emails = Case._meta.get_field("inbound_emails").related_model._default_manager.only(
        "id", "case_id", "sender", "received_at", "attachments_dropped", "from_header_count",
        "notes",
    )  # fmt: skip
    prefetch_related_objects([case], Prefetch("inbound_emails", queryset=emails))


#: The case page's forms post to these (``staff:<name>``, the case's reference the only argument).
CASE_ACTIONS = (
    "case_status",
    "case_assign",
    "case_note",
    "case_reply",
    "case_transfer",
    "case_merge",
    "case_request_info",
    "case_expected_date",
    "case_legal_hold",
    "case_withdraw_publication",
)
_PLACEHOLDER = "-REFERENCE-"
_ACTION_PATTERNS: dict[tuple[str, str], dict[str, str]] = {}


def case_urls(reference: str) -> dict[str, str]:
    """The case page's form actions. Each is reversed once per process (for each URL prefix and
    URL conf) with a placeholder, then filled in: a dozen ``{% url %}`` cost more than some of
    the page's queries. References are letters, digits and hyphens: nothing to quote."""
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    patterns = _ACTION_PATTERNS.get(key)
    if patterns is None:
        patterns = _ACTION_PATTERNS[key] = {
            name: reverse(f"staff:{name}", args=[_PLACEHOLDER]) for name in CASE_ACTIONS
        }
    return {name: url.replace(_PLACEHOLDER, reference) for name, url in patterns.items()}


def _case_map(case: Case) -> dict | None:
    """The case on a small map, when it has coordinates (a pin, or its postcode's centre)."""
    if case.latitude is None or case.longitude is None:
        return None
    point = (float(case.latitude), float(case.longitude))
    pin = {"id": case.pk, "lat": point[0], "lng": point[1], "label": f"Case {case.reference}"}
    return places.map_config(centre=point, reports=[pin], zoomed=True)


def _case(request: HttpRequest, reference: str, action: str) -> Case:
    return selectors.case_for_page(request.user, reference, action, path=request.get_full_path())


def _back(case: Case) -> HttpResponse:
    return redirect("staff:case", reference=case.reference)


@staff_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, _case(request, reference, policy.VIEW))


@staff_required
@require_POST
def change_status(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, policy.CHANGE)
    form = StatusForm(request.POST, case=case)
    if not form.is_valid():
        return _page(request, case, 400, status_form=form)
    target = form.cleaned_data["status"]
    outcome = form.cleaned_data["outcome"]
    if target in (Status.RESOLVED, Status.CLOSED) and not outcome:
        form.add_error("outcome", "Choose the outcome of the case")
        return _page(request, case, 400, status_form=form)
    try:
        services.case_transition(
            case=case,
            to=target,
            by=request.user,
            reason=form.cleaned_data["reason"],
            outcome=outcome,
        )
    except IllegalTransition as exc:
        form.add_error("status", str(exc))
        return _page(request, case, 409, status_form=form)
    messages.success(request, f"Status changed to {Status(target).label.lower()}.")
    return _back(case)


@staff_required
@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, policy.CHANGE)
    people = selectors.department_staff(case.department_id)
    if request.POST.get("claim") == "1":
        assignee: Any = request.user  # a User here, or the chosen one (or None) below
    else:
        form = AssignForm(request.POST, people=people)
        if not form.is_valid():
            return _page(request, case, 400, assign_form=form)
        assignee = form.chosen()
    if not policy.can_assign(request.user, case, assignee):
        access_log.record_denied(
            user=request.user, path=request.get_full_path(), case=case, action="assign"
        )
        form = AssignForm(request.POST, people=people)
        form.is_valid()
        form.add_error("assignee", "Only a manager of this team can give a case to someone else")
        return _page(request, case, 403, assign_form=form)
    services.case_assign(case=case, assignee=assignee, by=request.user)
    who = (
        "you" if assignee == request.user else (assignee.get_full_name() if assignee else "nobody")
    )
    messages.success(request, f"Case assigned to {who}.")
    return _back(case)


@staff_required
@require_POST
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, policy.CHANGE)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, note_form=form)
    services.add_note(case=case, body=form.cleaned_data["body"], by=request.user)
    messages.success(request, "Internal note added.")
    return _back(case)


@staff_required
@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, policy.CHANGE)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, reply_form=form)
    services.reply_to_resident(case=case, body=form.cleaned_data["body"], by=request.user)
    messages.success(request, "Reply sent to the resident.")
    return _back(case)


@staff_required
@require_POST
def transfer(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, policy.CHANGE)
    form = TransferForm(request.POST, case=case)
    if not form.is_valid():
        return _page(request, case, 400, transfer_form=form)
    department = form.cleaned_data["department"]
    services.transfer(
        case=case, to_department=department, reason=form.cleaned_data["reason"], by=request.user
    )
    messages.success(request, f"Case transferred to {department.name}.")
    if not policy.can_view_case(request.user, Case.objects.get(pk=case.pk)):
        return redirect("staff:worklist")
    return _back(case)


@staff_required
@require_POST
def merge(request: HttpRequest, reference: str) -> HttpResponse:
    """Merge this case (the duplicate) into another the user may also change."""
    case = _case(request, reference, policy.CHANGE)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, merge_form=form)
    try:
        into = policy.get_case_for(
            request.user, form.cleaned_data["into"], policy.CHANGE, path=request.get_full_path()
        )
    except Http404:
        form.add_error("into", "No case that you can work on has that reference")
        return _page(request, case, 400, merge_form=form)
    try:
        services.merge(
            duplicate=case, into=into, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValueError, ValidationError, IllegalTransition) as exc:
        form.add_error("into", str(exc))
        return _page(request, case, 409, merge_form=form)
    messages.success(request, f"{case.reference} merged into {into.reference}.")
    return redirect("staff:case", reference=into.reference)


@staff_required
@require_POST
def withdraw_publication(request: HttpRequest, reference: str) -> HttpResponse:
    """Stop showing the resident's description and photos to people reporting nearby."""
    case = _case(request, reference, policy.CHANGE)
    if public_reports.withdraw_publication(case=case, by=request.user):
        messages.success(request, "Description and photos are no longer shown to residents.")
    return _back(case)
