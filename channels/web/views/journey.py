"""The enquiry journey: question pages, "Check your answers", the confirmation.

Thin views: each page validates one form, keeps the answers in the session (channels.web.journey)
and moves on; only the final POST writes, through enquiries.intake (or intake.follow_case for
"tell us once"), with the journey key as the idempotency key.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channels.web import ratelimit, spam, uploads
from channels.web.fixed_urls import fixed_url
from channels.web.forms import (
    ContactForm,
    DescribeForm,
    FilesForm,
    NearbyForm,
    QuestionForm,
    SubmitForm,
    WebForm,
    WhereForm,
    nearby_label,
)
from channels.web.journey import (
    Journey,
    first_unfinished,
    has_answers,
    keep_answers,
    question_for,
    sent_record,
    step_url,
    steps,
)
from enquiries import intake, places, public_reports, selectors, services
from enquiries.choices import Channel, UpdatePreference
from enquiries.intake import ContactDetails, IntakeError, NewCase, ResidentDetails
from enquiries.models import Case, Service
from enquiries.normalise import format_phone_for_display
from router import answers

# Where an intake error about a field is put right.
ERROR_STEPS = {
    "summary": "describe",
    "description": "describe",
    "body": "describe",
    "postcode": "where",
    "resident_postcode": "where",
    "latitude": "where",
    "longitude": "where",
    "full_name": "contact",
    "email": "contact",
    "phone": "contact",
    "files": "files",
}
UPDATE_LABELS = {
    UpdatePreference.EMAIL: "By email",
    UpdatePreference.SMS: "By text message",
    UpdatePreference.NONE: "No updates",
}


def _service(slug: str) -> Service:
    """The service row alone: no journey page shows its topic (the join cost ~0.25 ms a page)."""
    service = selectors.active_service(slug)
    if service is None:
        raise Http404("No such service.")
    return service


def _timed_out(request: HttpRequest, service: Service) -> HttpResponse:
    messages.info(
        request,
        "Your answers were cleared because the page was left for a long time. Please start again.",
    )
    return redirect(service.get_absolute_url())


@never_cache
@require_GET
def start(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    journey = Journey.start(request, service)
    return redirect(step_url(service, steps(service, journey)[0]))


@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    service = _service(slug)
    journey = Journey.get(request, service)
    if journey is None:
        return _timed_out(request, service)
    all_steps = steps(service, journey)
    if step not in all_steps:
        raise Http404("This question is not part of this form.")
    if step == "check":
        return check_answers(request, service, journey, all_steps)
    first = first_unfinished(all_steps, journey)
    if all_steps.index(step) > all_steps.index(first):
        return redirect(step_url(service, first))
    if request.method == "POST" and request.POST.get("journey_key") != journey.key:
        return _timed_out(request, service)
    changing = request.GET.get("change") == "1"
    page = PAGES[step if not step.startswith("q-") else "question"]
    return page(request, service, journey, step, all_steps, changing)


def _next(service: Service, journey: Journey, step: str, changing: bool) -> HttpResponse:
    journey.complete(step)
    journey.save()
    all_steps = steps(service, journey)
    if changing:  # back to "Check your answers", unless the change needs a new answer first
        return redirect(step_url(service, first_unfinished(all_steps, journey)))
    return redirect(step_url(service, all_steps[all_steps.index(step) + 1]))


def _back_url(service: Service, step: str, all_steps: list[str], changing: bool) -> str:
    if changing:
        return step_url(service, "check")
    position = all_steps.index(step)
    return step_url(service, all_steps[position - 1]) if position else service.get_absolute_url()


def _render(
    request: HttpRequest,
    service: Service,
    journey: Journey,
    step: str,
    all_steps: list[str],
    changing: bool,
    form: WebForm,
    template: str,
    **context: Any,
) -> HttpResponse:
    if spam.caught(request, form):  # on to the next page, as for a person; nothing is kept
        position = all_steps.index(step)
        following = step_url(service, all_steps[min(position + 1, len(all_steps) - 1)])
        return redirect(step_url(service, "check") if changing else following)
    return render(
        request,
        template,
        {
            "service": service,
            "journey": journey,
            "form": form,
            "back_url": _back_url(service, step, all_steps, changing),
            "action": step_url(service, step, change=changing),
            **context,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Pages ----------------------------------------------------------------------------------------


def question_page(
    request: HttpRequest,
    service: Service,
    journey: Journey,
    step: str,
    all_steps: list[str],
    changing: bool,
) -> HttpResponse:
    question = question_for(service, step)
    assert question is not None  # step is one of steps(service): one of its questions
    stored = journey.data["answers"].get(question["name"])
    initial = {"answer": QuestionForm.initial_for(question, stored)}
    form = QuestionForm(request.POST or None, question=question, initial=initial)
    if request.method == "POST" and form.is_valid():
        journey.data["answers"][question["name"]] = form.cleaned_data["answer"]
        return _next(service, journey, step, changing)
    return _render(
        request,
        service,
        journey,
        step,
        all_steps,
        changing,
        form,
        "web/journey/question.html",
        page_title=question["label"],
    )


def where_page(
    request: HttpRequest,
    service: Service,
    journey: Journey,
    step: str,
    all_steps: list[str],
    changing: bool,
) -> HttpResponse:
    form = WhereForm(
        request.POST or None,
        about_a_place=service.is_location_based,
        service=service,
        initial=journey.data["where"],
    )
    if request.method == "POST" and form.is_valid():
        pin = [form.cleaned_data[name] for name in ("latitude", "longitude")]
        where = {
            "address": form.cleaned_data["address"].strip(),
            "postcode": form.cleaned_data["postcode"],
            "latitude": str(pin[0]) if pin[0] is not None else "",
            "longitude": str(pin[1]) if pin[1] is not None else "",
        }
        before = journey.data["where"]
        moved = any(where[k] != before.get(k, "") for k in ("postcode", "latitude", "longitude"))
        journey.data["where"] = where
        if service.is_location_based:
            nearby = _nearby(service, where)
            journey.data["nearby"] = bool(nearby)
            if moved or not nearby:
                journey.forget("nearby")
                journey.data["follow"] = None
            if nearby and moved:
                changing = False  # a new place: first ask whether it is one we already know
        return _next(service, journey, step, changing)
    title = "Where is the problem?" if service.is_location_based else "What is your address?"
    return _render(
        request,
        service,
        journey,
        step,
        all_steps,
        changing,
        form,
        "web/journey/question.html",
        page_title=title,
        map=_map_context(service, journey.data["where"]) if service.is_location_based else None,
    )


def _nearby(service: Service, where: dict[str, Any]) -> list[Case]:
    """Open reports of this service near the pin or postcode ("tell us once")."""
    return places.open_reports_near(
        service=service,
        postcode=where.get("postcode", ""),
        latitude=where.get("latitude"),
        longitude=where.get("longitude"),
        limit=5,
    )


def _public_reports(cases: list[Case]) -> list[dict[str, Any]]:
    """Each nearby report as residents may see it: its label, and only with its resident's
    consent a masked description snippet and a photo URL (public_reports)."""
    photos = public_reports.public_photos(cases)
    return [
        {
            "case": c,
            "label": nearby_label(c),
            "snippet": public_reports.public_description(c),
            "photo": reverse("web:report_photo", args=[photos[c.pk]]) if c.pk in photos else "",
        }
        for c in cases
    ]


def _map_context(
    service: Service, where: dict[str, Any], cases: Sequence[Case] = ()
) -> dict[str, Any]:
    """What the map script needs: where to start, the tiles, and pins of known reports."""
    shown = {r["case"].pk: r for r in _public_reports(list(cases))} if cases else {}
    point = places.point_for(
        where.get("postcode", ""), where.get("latitude"), where.get("longitude")
    )
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "centre": list(point) if point else list(settings.MAP_DEFAULT_CENTRE),
        "pin": bool(where.get("latitude")),
        "postcode_url": fixed_url("web:postcode_lookup"),
        "reports": [
            {
                "id": c.pk,
                "lat": float(c.latitude),
                "lng": float(c.longitude),
                "label": nearby_label(c),
                "snippet": shown[c.pk]["snippet"],
                "photo": shown[c.pk]["photo"],
            }
            for c in cases
            if c.latitude is not None and c.longitude is not None
        ],
    }


def nearby_page(
    request: HttpRequest,
    service: Service,
    journey: Journey,
    step: str,
    all_steps: list[str],
    changing: bool,
) -> HttpResponse:
    cases = _nearby(service, journey.data["where"])
    follow = journey.data["follow"]
    answered = step in journey.data["done"]
    initial = {"follow": str(follow) if follow else (NearbyForm.NEW if answered else None)}
    form = NearbyForm(request.POST or None, cases=cases, initial=initial)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["follow"]
        journey.data["follow"] = None if choice == NearbyForm.NEW else int(choice)
        return _next(service, journey, step, changing)
    return _render(
        request,
        service,
        journey,
        step,
        all_steps,
        changing,
        form,
        "web/journey/question.html",
        page_title="Is it one of these problems we already know about?",
        nearby_intro=True,
        nearby_reports=[r for r in _public_reports(cases) if r["snippet"] or r["photo"]],
        map=_map_context(service, journey.data["where"], cases),
        map_mode="reports",
    )


def describe_page(
    request: HttpRequest,
    service: Service,
    journey: Journey,
    step: str,
    all_steps: list[str],
    changing: bool,
) -> HttpResponse:
    form = DescribeForm(
        request.POST or None,
        service=service,
        initial={
            "description": journey.data["description"],
            "share_publicly": journey.data.get("share_publicly", False),
        },
    )
    if request.method == "POST" and form.is_valid():
        journey.data["description"] = form.cleaned_data["description"]
        journey.data["share_publicly"] = form.cleaned_data.get("share_publicly", False)
        return _next(service, journey, step, changing)
    return _render(
        request,
        service,
        journey,
        step,
        all_steps,
        changing,
        form,
        "web/journey/question.html",
        page_title=str(form.fields["description"].label),
    )


def files_page(
    request: HttpRequest,
    service: Service,
    journey: Journey,
    step: str,
    all_steps: list[str],
    changing: bool,
) -> HttpResponse:
    kept = journey.data["files"]
    if request.method == "POST" and request.POST.get("remove"):
        remove = request.POST["remove"]
        for record in [r for r in kept if r["id"] == remove]:
            uploads.discard(record)
            kept.remove(record)
        journey.save()
        return redirect(step_url(service, step, change=changing))
    incoming = request.FILES.getlist("files") if request.method == "POST" else []
    over_limit = bool(incoming) and not uploads.allow(request, incoming, journey.data)
    if incoming:
        journey.save()  # what this journey has uploaded, refused attempts included
    if over_limit:  # nothing of these files is kept
        form = FilesForm(request.POST, kept=len(kept))
        form.is_valid()
        form.add_error("files", uploads.limit_message())
    else:
        form = FilesForm(request.POST or None, request.FILES or None, kept=len(kept))
    if request.method == "POST" and form.is_valid():
        for checked in form.cleaned_data["files"]:
            kept.append(uploads.store(journey.folder, checked))
        journey.save()
        if request.POST.get("action") == "upload":  # add more; "Continue" uploads and moves on
            return redirect(step_url(service, step, change=changing))
        return _next(service, journey, step, changing)
    response = _render(
        request,
        service,
        journey,
        step,
        all_steps,
        changing,
        form,
        "web/journey/files.html",
        page_title="Add photos or documents (optional)",
        kept=kept,
        can_add=len(kept) < settings.ATTACHMENT_MAX_FILES,
        max_files=settings.ATTACHMENT_MAX_FILES,
        max_mb=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    )
    if over_limit and response.status_code == 400:
        response.status_code = 429
    return response


def contact_page(
    request: HttpRequest,
    service: Service,
    journey: Journey,
    step: str,
    all_steps: list[str],
    changing: bool,
) -> HttpResponse:
    following = bool(journey.data["follow"])
    form = ContactForm(
        request.POST or None, following=following, initial=journey.data["contact"] or None
    )
    if request.method == "POST" and form.is_valid():
        journey.data["contact"] = {
            name: form.cleaned_data[name] for name in ("full_name", "email", "phone", "updates")
        }
        return _next(service, journey, step, changing)
    return _render(
        request,
        service,
        journey,
        step,
        all_steps,
        changing,
        form,
        "web/journey/contact.html",
        page_title="Your contact details",
        following=following,
    )


PAGES = {
    "question": question_page,
    "where": where_page,
    "nearby": nearby_page,
    "describe": describe_page,
    "files": files_page,
    "contact": contact_page,
}


# --- Check your answers and submit ----------------------------------------------------------------


def check_answers(
    request: HttpRequest, service: Service, journey: Journey, all_steps: list[str]
) -> HttpResponse:
    first = first_unfinished(all_steps, journey)
    if first != "check":
        return redirect(step_url(service, first))
    following = _followed_case(service, journey)
    if journey.data["follow"] and following is None:  # that report closed meanwhile
        journey.data["follow"] = None
        journey.forget("nearby")
        journey.save()
        messages.info(request, "The report you chose has just been closed. Tell us about yours.")
        return redirect(step_url(service, first_unfinished(steps(service, journey), journey)))
    form = SubmitForm(request.POST or None, initial={"journey_key": journey.key})
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["journey_key"] != journey.key:
            return _timed_out(request, service)
        if not ratelimit.allow(request, "submit"):
            return rate_limited(request, "submit")
        try:
            case = _send(service, journey, following)
        except IntakeError as exc:
            problems = [
                (message, step_url(service, ERROR_STEPS.get(field, "check")))
                for field, field_messages in exc.message_dict.items()
                for message in field_messages
            ]
        else:
            journey.finish(case_id=case.pk, following=following is not None)
            uploads.discard_journey(journey.folder)  # the case has its own copies now
            return redirect("web:sent", slug=service.slug)
    if spam.caught(request, form):
        return redirect("web:sent", slug=service.slug)
    return render(
        request,
        "web/journey/check.html",
        {
            "service": service,
            "journey": journey,
            "form": form,
            "problems": problems,
            "following": following,
            "sections": _summary(service, journey, following),
            "back_url": step_url(service, all_steps[-2]),
        },
        status=400 if problems or (form.is_bound and form.errors) else 200,
    )


def _followed_case(service: Service, journey: Journey) -> Case | None:
    if not journey.data["follow"]:
        return None
    for case in _nearby(service, journey.data["where"]):
        if case.pk == journey.data["follow"]:
            return case
    return None


def _resident(service: Service, journey: Journey) -> ResidentDetails:
    """The resident's own details; for a service not about a place, the address is theirs."""
    contact = journey.data["contact"]
    where = journey.data["where"]
    own_address = not service.is_location_based
    return ResidentDetails(
        full_name=contact["full_name"],
        email=contact["email"],
        phone=contact["phone"],
        preferred_channel=contact["updates"],
        consent_updates=contact["updates"] != UpdatePreference.NONE,
        address=where["address"] if own_address else "",
        postcode=where["postcode"] if own_address else "",
    )


def _send(service: Service, journey: Journey, following: Case | None) -> Case:
    """The one write of the journey: a new case through intake, or joining a known report."""
    if following is not None:
        details = _resident(service, journey)
        intake.follow_case(case=following, details=details, channel=Channel.WEB)
        return following
    files = [uploads.load(record) for record in journey.data["files"]]
    if any(f is None for f in files):
        journey.data["files"] = [
            r for r, f in zip(journey.data["files"], files, strict=True) if f is not None
        ]
        journey.forget("files")
        journey.save()
        raise IntakeError({"files": ["A file you added could not be kept. Please add it again."]})
    data = journey.data
    contact = data["contact"]
    place = service.is_location_based
    answers.carry_into_journey(journey.request.session, service, journey.key)
    result = intake.submit(
        NewCase(
            idempotency_key=journey.key,
            contact=ContactDetails(
                channel=Channel.WEB,
                body=data["description"],
                sender_name=contact["full_name"],
                sender_address=contact["email"],
                files=tuple(files),  # type: ignore[arg-type]  # no None: checked above
            ),
            resident=_resident(service, journey),
            summary=_summary_line(service, data),
            description=data["description"],
            service=service,
            answers=data["answers"],
            address=data["where"]["address"] if place else "",
            postcode=data["where"]["postcode"] if place else "",
            latitude=_decimal(data["where"].get("latitude")) if place else None,
            longitude=_decimal(data["where"].get("longitude")) if place else None,
            shared_publicly=bool(place and data.get("share_publicly")),
        )
    )
    return result.case


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value else None


def _summary_line(service: Service, data: dict[str, Any]) -> str:
    """A one-line summary for worklists and emails: the service, then where or what."""
    if service.is_location_based:
        detail = data["where"]["address"] or data["where"]["postcode"]
    else:
        detail = " ".join(data["description"].split())
    line = f"{service.name}: {detail}" if detail else service.name
    return line if len(line) <= 120 else line[:119].rstrip() + "…"


def _summary(service: Service, journey: Journey, following: Case | None) -> list[dict[str, Any]]:
    """The rows of "Check your answers", each with the page that changes it."""
    data = journey.data

    def row(key: str, value: str, step: str, hidden: str) -> dict[str, Any]:
        return {
            "key": key,
            "value": value,
            "change": step_url(service, step, change=True),
            "hidden": hidden,
        }

    where = data["where"]
    pinned = "Marked on the map" if where.get("latitude") else ""
    place = ", ".join(p for p in (where["address"], where["postcode"], pinned) if p) or "Not given"
    rows: list[dict[str, Any]] = []
    if service.is_location_based:
        rows.append(row("Where", place, "where", "where the problem is"))
        if following is not None:
            rows.append(
                row(
                    "Report you are joining",
                    f"{following.address or following.postcode}, reported "
                    f"{following.created_at:%-d %B %Y}",
                    "nearby",
                    "which report you are joining",
                )
            )
    if following is None:
        for question in service.questions:
            value = data["answers"].get(question["name"])
            rows.append(
                row(
                    question["label"],
                    _shown(question, value),
                    f"q-{question['name']}",
                    question["label"].lower().rstrip("?"),
                )
            )
        rows.append(row("Description", data["description"], "describe", "the description"))
        if service.is_location_based:
            shared = "Yes, the description and photos" if data.get("share_publicly") else "No"
            rows.append(
                row("Shown to people reporting nearby", shared, "describe", "what others see")
            )
        names = [f["name"] for f in data["files"]]
        rows.append({**row("Files", "None", "files", "the files"), "file_names": names})
        if not service.is_location_based:
            rows.append(row("Your address", place, "where", "your address"))
    contact = data["contact"]
    details = [
        {
            "key": "Name",
            "value": contact["full_name"] or "Not given",
            "change": step_url(service, "contact", change=True),
            "hidden": "your name",
        },
        {
            "key": "Email address",
            "value": contact["email"] or "Not given",
            "change": step_url(service, "contact", change=True),
            "hidden": "your email address",
        },
        {
            "key": "Phone number",
            "value": format_phone_for_display(contact["phone"]) or "Not given",
            "change": step_url(service, "contact", change=True),
            "hidden": "your phone number",
        },
        {
            "key": "Updates",
            "value": UPDATE_LABELS.get(contact["updates"], ""),
            "change": step_url(service, "contact", change=True),
            "hidden": "how we send you updates",
        },
    ]
    heading = "Your report" if service.is_location_based else "Your enquiry"
    return [
        {"heading": heading, "rows": rows},
        {"heading": "Your contact details", "rows": details},
    ]


def _shown(question: dict[str, Any], value: Any) -> str:
    if value is None or value == "":
        return "Not answered"
    if question["type"] == "yes_no":
        return "Yes" if value else "No"
    if question["type"] == "date":
        return f"{date.fromisoformat(value):%-d %B %Y}"
    if isinstance(value, list):
        return ", ".join(value) or "Not answered"
    return str(value)


# --- After sending --------------------------------------------------------------------------------


@never_cache
@require_GET
def sent(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    record = sent_record(request, service)
    if record is None:
        return redirect(service.get_absolute_url())
    # What the page shows and its tracking link need: not the case's 45 columns and its service.
    case = selectors.case_for_confirmation_page(record["case"])
    if case is None:
        raise Http404("No such enquiry.")
    context = {"service": service, "case": case, "following": record["following"]}
    if not record["following"]:
        context["expected_by"] = case.expected_by or services.calendar().due_date(
            case.created_at, service.sla_days
        )
        context["tracking_url"] = case.tracking_path()
    return render(request, "web/journey/sent.html", context)


@never_cache
@require_POST
def keep(request: HttpRequest) -> HttpResponse:
    """ "Keep my answers" in the time-limit warning: more time without leaving the page."""
    if not has_answers(request):
        return JsonResponse({"kept": False}, status=410)
    return JsonResponse({"kept": True, "seconds": keep_answers(request)})


def rate_limited(request: HttpRequest, scope: str) -> HttpResponse:
    response = render(request, "web/rate_limited.html", {"scope": scope}, status=429)
    response["Retry-After"] = str(ratelimit.retry_after(scope))
    return response
