"""Log a call / record a visit: one keyboard-first screen in three steps on one page.

1. find the resident (or add them, after seeing likely duplicates), saying at the same time what
   the contact is about (a new report by default, and its service);
2. what the contact is: a new case for a service, a contact on an existing case, or an enquiry
   resolved at first contact (already chosen with the search; changeable here);
3. record it: one description (typed once: it is the summary, the description and the notes),
   the service's questions as the online form asks them, and the contact's channel, call
   length or office (pre-selected), and assisted-digital help.
When the search finds exactly one resident, the screen goes straight to step 3 for them, so an
existing resident's new report takes three page loads: the screen, the search, the case.
Each step's state is in the address (``?q=…&resident=…&action=…&service=…``) so back and reload
work.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from channels.assisted import adapter
from channels.assisted.forms import (
    ACTIONS,
    EXISTING,
    NEW,
    RESOLVED,
    AssistedCaseForm,
    ContactForm,
    ExistingCaseForm,
    NewResidentForm,
    ResidentLookupForm,
    ResolvedForm,
    ServiceChoiceForm,
    name_the_required_fields,
)
from enquiries import access_log, automation_hooks, places, policy
from enquiries import staff_selectors as selectors
from enquiries.choices import Channel
from enquiries.intake import IntakeError
from enquiries.models import Case, Contact, Resident, Service
from enquiries.question_forms import ServiceQuestionsForm
from enquiries.staff.access import staff_required

OFFICE_SESSION_KEY = "assisted_office"
#: the longest description the router is asked about (a call's gist, not its notes)
MAX_ABOUT = 500

logger = logging.getLogger(__name__)


def _may_log(request: HttpRequest) -> None:
    if not policy.can_log_contacts(request.user):
        access_log.record_denied(
            user=request.user, path=request.get_full_path(), action="log_contact"
        )
        raise Http404("Not available.")


def _resident(request: HttpRequest, pk: Any) -> Resident | None:
    if not pk:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404("No resident found.") from exc
    return policy.get_resident_for(request.user, pk, path=request.get_full_path())


def usual_office(user: Any) -> str:
    """Where this officer works: the office of the last visit they recorded (still a council
    office), else the only office when there is one."""
    offices = list(settings.COUNCIL_OFFICES)
    last = (
        Contact.objects.filter(recorded_by=user)
        .exclude(office="")
        .order_by("-occurred_at", "-pk")
        .values_list("office", flat=True)
        .first()
    )
    if last in offices:
        return last
    return offices[0] if len(offices) == 1 else ""


def _contact_initial(request: HttpRequest) -> dict[str, Any]:
    front_desk = policy.FRONT_DESK in policy.roles(request.user)
    office = request.session.get(OFFICE_SESSION_KEY, "")
    if front_desk and not office:
        office = usual_office(request.user)
    return {"channel": Channel.FACE_TO_FACE if front_desk else Channel.PHONE, "office": office}


def _screen_url(**params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('assisted:log')}?{query}" if query else reverse("assisted:log")


@staff_required
def log_contact(request: HttpRequest) -> HttpResponse:
    """The screen (GET): what is shown depends on how far the officer has got."""
    _may_log(request)
    params = request.GET
    resident = _resident(request, params.get("resident"))
    preset_case = None
    if params.get("case"):
        preset_case = policy.get_case_for(
            request.user, params["case"], policy.ADD_CONTACT, path=request.get_full_path()
        )
        resident = resident or preset_case.resident
    action = params.get("action") or (EXISTING if preset_case else "")
    service = _service(params.get("service"))
    about = params.get("about", "").strip()[:MAX_ABOUT]
    context: dict[str, Any] = {
        "resident": resident,
        "actions": ACTIONS,
        "action": action,
        "service": service,
        "services": Service.objects.filter(is_active=True).only("slug", "name"),
        "about": about,
    }
    if resident is None:
        lookup = ResidentLookupForm(params if "q" in params else None)
        context["lookup"] = lookup
        if lookup.is_valid():
            result = selectors.search_residents(request.user, lookup.cleaned_data["q"])
            access_log.record_views(
                user=request.user, path=request.get_full_path(), residents=result.residents
            )
            context["result"] = result
            if len(result.residents) == 1 and params.get("list") != "1":
                # One match: straight to recording for them (the card says so, with "Change").
                resident = result.residents[0]
                context.update(resident=resident, single_match=lookup.cleaned_data["q"])
        if resident is None:
            context["new_resident_form"] = NewResidentForm(
                initial=_prefill_from_query(params.get("q", ""))
            )
            if service is None:
                context["suggestions"] = suggested_services(
                    about, action=action, q=params.get("q", "")[:200]
                )
            return render(request, "assisted/log_contact.html", context)

    access_log.record_view(
        user=request.user, path=request.get_full_path(), resident=resident, action="log_contact"
    )
    cases = selectors.resident_open_cases(request.user, resident)
    if preset_case and preset_case not in cases:
        cases.insert(0, preset_case)
    context.update(
        cases=cases,
        service_form=ServiceChoiceForm(initial={"service": service}),
        preset_case=preset_case,
    )
    if service is None:
        context["suggestions"] = suggested_services(
            about,
            action=action,
            resident=resident.pk,
            case=preset_case.reference if preset_case else "",
        )
    ready = action == EXISTING and cases or action in (NEW, RESOLVED) and service
    if ready:
        context.update(_record_forms(request, action, service, cases, preset_case))
        context["token"] = secrets.token_urlsafe(16)
    return render(request, "assisted/log_contact.html", context)


def suggested_services(about: str, *, action: str, **where: Any) -> list[dict[str, Any]]:
    """The router's likeliest services for the officer's description of the call, each with the
    address of this screen with that service chosen (a plain link: no script needed). [] for no
    description, no trained router, or a router that failed (the officer still has the list)."""
    if not about:
        return []
    try:
        ranked = automation_hooks.suggest_services(about)
    except Exception:  # suggestions are a help, never a reason the call cannot be logged
        logger.exception("The router could not suggest services on the log-a-call screen")
        return []
    action = action if action in (NEW, RESOLVED) else NEW
    return [
        {
            "name": s["name"],
            "percent": round(100 * float(s["confidence"])),
            "url": _screen_url(**where, action=action, service=s["service"], about=about),
        }
        for s in ranked
    ]


def _prefill_from_query(query: str) -> dict[str, str]:
    """Carry what the officer searched for into the new-resident form."""
    kind, value = selectors.classify_query(query) if query.strip() else ("", "")
    field = {"email": "email", "phone": "phone", "postcode": "postcode", "name": "full_name"}
    return {field[kind]: value or query.strip()} if kind in field else {}


def _service(slug: str | None) -> Service | None:
    if not slug:
        return None
    if str(slug).isdigit():
        return (
            Service.objects.filter(pk=int(slug), is_active=True)
            .select_related("department")
            .first()
        )
    return Service.objects.filter(slug=slug, is_active=True).select_related("department").first()


def _record_forms(
    request: HttpRequest,
    action: str,
    service: Service | None,
    cases: list[Any],
    preset_case: Any,
    data: Any = None,
) -> dict[str, Any]:
    forms: dict[str, Any] = {
        "contact_form": ContactForm(data, initial=_contact_initial(request), prefix="contact")
    }
    if action == EXISTING:
        forms["existing_form"] = ExistingCaseForm(
            data,
            cases=cases,
            prefix="existing",
            initial={"case": preset_case.pk if preset_case else (cases[0].pk if cases else None)},
        )
    else:
        about = request.GET.get("about", "").strip()[:MAX_ABOUT]  # typed once: it starts the notes
        forms["case_form"] = AssistedCaseForm(
            data, service=service, prefix="case", initial={"description": about}
        )
        forms["questions_form"] = name_the_required_fields(
            ServiceQuestionsForm(data, service=service, prefix="q")  # type: ignore[arg-type]  # None only with EXISTING
        )
        if action == RESOLVED:
            forms["resolved_form"] = ResolvedForm(data, prefix="resolved")
    if data is None:
        first = forms.get("existing_form") or forms.get("resolved_form") or forms["case_form"]
        next(iter(first.fields.values())).widget.attrs["autofocus"] = True
    return forms


@staff_required
@require_POST
def create_resident(request: HttpRequest) -> HttpResponse:
    """Add a resident, after showing the officer anyone who is probably the same person."""
    _may_log(request)
    form = NewResidentForm(request.POST)
    context: dict[str, Any] = {
        "resident": None,
        "lookup": ResidentLookupForm(),
        "new_resident_form": form,
        "show_new_resident": True,
    }
    if not form.is_valid():
        return render(request, "assisted/log_contact.html", context, status=400)
    data = form.cleaned_data
    if request.POST.get("confirm") != "1":
        duplicates = selectors.likely_duplicate_residents(
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            postcode=data["postcode"],
        )
        duplicates = [r for r in duplicates if policy.can_view_resident(request.user, r)]
        if duplicates:
            access_log.record_views(
                user=request.user,
                path=request.get_full_path(),
                residents=duplicates,
                action="duplicate_check",
            )
            context["duplicates"] = duplicates
            return render(request, "assisted/log_contact.html", context)
    try:
        resident = adapter.create_resident(data)
    except (IntakeError, ValidationError) as exc:
        form.add_error(None, exc)
        return render(request, "assisted/log_contact.html", context, status=400)
    messages.success(request, f"{resident.full_name} added.")
    action = request.POST.get("action")
    return redirect(
        _screen_url(
            resident=resident.pk,
            action=action if action in (NEW, EXISTING, RESOLVED) else "",
            service=request.POST.get("service", "")[:100],
        )
    )


@staff_required
@require_POST
def record(request: HttpRequest) -> HttpResponse:  # noqa: C901  a view's guard clauses, in the order the request is checked
    """Save the contact: through intake, idempotent on the screen's token (double clicks)."""
    _may_log(request)
    post = request.POST
    resident = _resident(request, post.get("resident"))
    if resident is None:
        raise Http404("Choose a resident first.")
    action = post.get("action")
    token = post.get("token", "")
    if action not in (NEW, EXISTING, RESOLVED) or not 16 <= len(token) <= 64:
        raise Http404("Start again from the call screen.")
    service = _service(post.get("service"))
    if action != EXISTING and service is None:
        raise Http404("Choose a service first.")
    preset_case = None
    if post.get("preset_case"):
        preset_case = policy.get_case_for(
            request.user, post["preset_case"], policy.ADD_CONTACT, path=request.get_full_path()
        )
    cases = selectors.resident_open_cases(request.user, resident)
    if preset_case and preset_case not in cases:
        cases.insert(0, preset_case)
    forms = _record_forms(request, action, service, cases, preset_case, data=post)
    context = {
        "resident": resident,
        "actions": ACTIONS,
        "cases": cases,
        "action": action,
        "service": service,
        "service_form": ServiceChoiceForm(initial={"service": service}),
        "preset_case": preset_case,
        "token": token,
        **forms,
        "error_forms": list(forms.values()),
    }
    if not all(form.is_valid() for form in forms.values()):
        context["has_errors"] = True
        return render(request, "assisted/log_contact.html", context, status=400)
    contact_data = forms["contact_form"].cleaned_data
    if contact_data.get("office"):
        request.session[OFFICE_SESSION_KEY] = contact_data["office"]
    try:
        if action == EXISTING:
            case = policy.get_case_for(
                request.user,
                forms["existing_form"].cleaned_data["case"],
                policy.ADD_CONTACT,
                path=request.get_full_path(),
            )
            is_chaser = forms["existing_form"].cleaned_data["is_chaser"]
            result = adapter.add_to_case(
                token=token,
                case=case,
                resident=resident,
                contact=adapter.contact_details(
                    contact_data, by=request.user, is_chaser=is_chaser, is_public=False
                ),
            )
            messages.success(
                request,
                f"{'Chaser' if is_chaser else 'Contact'} added to case {result.case.reference}.",
            )
            return redirect("staff:case", reference=result.case.reference)
        case_data = forms["case_form"].cleaned_data
        contact = adapter.contact_details(contact_data, by=request.user)
        if action == NEW and post.get("attach_to"):
            case = policy.get_case_for(
                request.user, post["attach_to"], policy.ADD_CONTACT, path=request.get_full_path()
            )
            result = adapter.attach_to_case(
                token=token, case=case, resident=resident, contact=contact, by=request.user
            )
            messages.success(
                request, f"{resident.full_name} now follows case {case.reference}: no new case."
            )
            return redirect("staff:case", reference=case.reference)
        if action == NEW and post.get("confirm_new") != "1":
            nearby = [
                c
                for c in selectors.nearby_open_cases(
                    request.user,
                    service,  # type: ignore[arg-type]  # not None: refused above
                    case_data.get("postcode", ""),
                )
                if c.resident_id != resident.pk
            ]
            if nearby:
                photos = places.first_photos([c.pk for c in nearby])
                for c in nearby:
                    c.photo_id = photos.get(c.pk)  # type: ignore[attr-defined]  # for the template
                context["nearby"] = nearby
                context["map"] = _nearby_map(case_data.get("postcode", ""), nearby)
                return render(request, "assisted/log_contact.html", context)
        result = adapter.open_case(
            token=token,
            resident=resident,
            service=service,  # type: ignore[arg-type]  # not None: refused above
            case_data=case_data,
            answers=forms["questions_form"].answers(),
            contact=contact,
            resolved_outcome=forms["resolved_form"].cleaned_data["outcome"]
            if action == RESOLVED
            else "",
        )
    except IntakeError as exc:
        _show_intake_errors(forms, exc)
        context["has_errors"] = True
        return render(request, "assisted/log_contact.html", context, status=400)
    case = result.case
    if action == RESOLVED:
        messages.success(request, f"Recorded as resolved at first contact: {case.reference}.")
    else:
        messages.success(
            request, f"Case {case.reference} opened. Give the resident this reference."
        )
    return redirect("staff:case", reference=case.reference)


def _show_intake_errors(forms: dict[str, Any], exc: IntakeError) -> None:
    """Each intake error next to the field it names (a postcode outside the county goes by the
    case's postcode), the rest at the top of the contact form."""
    for field, problems in exc.message_dict.items():
        owner = next(
            (
                form
                for name, form in forms.items()
                if name == "case_form" and form is not None and field in form.fields
            ),
            None,
        )
        for message in problems:
            (owner or forms["contact_form"]).add_error(field if owner else None, message)


def _nearby_map(postcode: str, nearby: list[Case]) -> dict[str, Any]:
    """The open reports near the caller's place as pins (the list beside it adds them)."""
    pins = [
        {
            "id": c.pk,
            "lat": float(c.latitude),
            "lng": float(c.longitude),
            "label": f"{c.reference}: {c.summary}",
        }
        for c in nearby
        if c.latitude is not None and c.longitude is not None
    ]
    return places.map_config(
        centre=places.point_for(postcode, None, None), reports=pins, zoomed=True
    )
