"""Following an enquiry: the private tracking page, replies, stopping updates, and "Find my
enquiry", whose answer is the same whether or not the reference exists."""

import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from channels.web import ratelimit, spam, uploads
from channels.web.forms import FindForm, ReplyForm, StopUpdatesForm
from channels.web.timeline import timeline_html
from channels.web.views.journey import rate_limited
from enquiries import intake, outbox, replies, services, tracking
from enquiries.attachments import IncomingFile
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, IntakeError
from enquiries.models import Case
from enquiries.notifications import contact_fingerprint
from enquiries.selectors import case_for_tracking_page, case_for_tracking_token, public_timeline


class LinkExpired(Exception):
    """The case was finished longer ago than tracking links last."""


def _case(token: str, *, page_only: bool = False) -> Case:
    """The case of a tracking link; ``page_only`` loads just what the tracking page shows
    (enquiries.selectors.case_for_tracking_page), for a view that changes nothing."""
    case = case_for_tracking_page(token) if page_only else case_for_tracking_token(token)
    if case is None:
        raise Http404("No enquiry matches this link.")
    if tracking.link_expired(tracking.surviving_case(case)):
        raise LinkExpired
    return case


def _expired(request: HttpRequest) -> HttpResponse:
    """Explains, shows nothing of the case, and points to Find my enquiry for a fresh link."""
    days = settings.TRACKING_LINK_DAYS_AFTER_CLOSURE
    return _noindex(render(request, "web/link_expired.html", {"days": days}, status=410))


TrackingView = Callable[[HttpRequest, str], HttpResponse]


def _tracking_view(view: TrackingView) -> TrackingView:
    """An expired link answers the same explanation page on every tracking URL."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        try:
            return view(request, token)
        except LinkExpired:
            return _expired(request)

    return wrapper


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@_tracking_view
def track(request: HttpRequest, token: str) -> HttpResponse:
    reported = _case(token, page_only=request.method != "POST")
    # A merged case's reporter follows the surviving case, seeing and writing as themselves.
    case = tracking.surviving_case(reported)
    # A finished case offers "This is not sorted" vs "Send a message" (enquiries/replies.py).
    finished = case.status in replies.FINISHED and services.reopen_window_open(case)
    incoming = request.FILES.getlist("files") if request.method == "POST" else []
    over_limit = bool(incoming) and not uploads.allow(request, incoming)
    if over_limit:  # nothing of these files is kept, nor the message sent without them
        form = ReplyForm(request.POST, finished=finished)
        form.is_valid()
        form.add_error("files", uploads.limit_message())
    elif request.method == "POST":
        form = ReplyForm(request.POST or None, request.FILES or None, finished=finished)
    else:  # the empty form, made once
        form = ReplyForm(initial={"reply_key": uuid.uuid4().hex}, finished=finished)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "reply"):
            return rate_limited(request, "reply")
        files = tuple(
            IncomingFile(name=f.name, content=f.content, declared_type=f.content_type)
            for f in form.cleaned_data["files"]
        )
        try:
            intake.add_contact(
                case=case,
                resident=reported.resident,
                idempotency_key=f"web-reply:{form.cleaned_data['reply_key']}",
                contact=ContactDetails(
                    channel=Channel.WEB, body=form.cleaned_data["body"].strip(), files=files
                ),
                not_sorted=form.not_sorted,
            )
        except IntakeError as exc:
            for field, field_messages in exc.message_dict.items():
                for message in field_messages:
                    form.add_error("files" if field == "files" else "body", message)
        else:
            return redirect(f"{reported.tracking_path()}?replied=1#timeline")
    if spam.caught(request, form):
        return redirect(f"{reported.tracking_path()}?replied=1#timeline")
    if not form.is_bound and request.method == "POST":  # a POST with nothing in it
        form = ReplyForm(initial={"reply_key": uuid.uuid4().hex}, finished=finished)
    context = {
        "case": case,
        "timeline_html": timeline_html(
            public_timeline(case, viewer_id=reported.resident_id), settings.COUNCIL_NAME
        ),
        "merged_from": reported if reported.pk != case.pk else None,
        "question": tracking.open_question(case),
        "form": form,
        "replied": request.GET.get("replied") == "1",
        "token": token,
    }
    status = 429 if over_limit else 400 if form.is_bound and form.errors else 200
    return _noindex(render(request, "web/track.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
@_tracking_view
def stop_updates(request: HttpRequest, token: str) -> HttpResponse:
    case = _case(token)
    form = StopUpdatesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "find"):
            return rate_limited(request, "find")
        # The link is the reporter's: it can stop their updates only, never a follower's.
        fingerprint = contact_fingerprint(form.cleaned_data["contact"])
        reporter = case.resident
        person = (
            reporter
            if (reporter.email and contact_fingerprint(reporter.email) == fingerprint)
            or (reporter.phone and contact_fingerprint(reporter.phone) == fingerprint)
            else None
        )
        if person is None:
            form.add_error(
                "contact", "This does not match the email address or phone number for updates"
            )
        else:
            services.stop_updates(case=case, resident=person)
            return _noindex(render(request, "web/stopped.html", {"case": case, "token": token}))
    if spam.caught(request, form):
        return _noindex(render(request, "web/stopped.html", {"case": case, "token": token}))
    status = 400 if form.is_bound and form.errors else 200
    return _noindex(
        render(
            request,
            "web/stop_updates.html",
            {"case": case, "form": form, "token": token},
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow(request, "find"):  # every attempt counts: no probing by volume
            return rate_limited(request, "find")
        if form.is_valid():
            reference = form.cleaned_data["reference"]
            fingerprint = contact_fingerprint(form.cleaned_data["contact"])
            hour = timezone.now().strftime("%Y%m%d%H")
            with transaction.atomic():  # matched by the worker: this answer never depends on it
                outbox.enqueue(
                    "enquiries.tasks.send_tracking_link",
                    dedupe_key=f"find:{reference}:{fingerprint[:24]}:{hour}",
                    reference=reference,
                    fingerprint=fingerprint,
                )
            return redirect("web:find_sent")
        if spam.caught(request, form):
            return redirect("web:find_sent")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/find.html", {"form": form}, status=status)


@require_GET
def find_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/find_sent.html")
