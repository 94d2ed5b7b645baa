"""The demo's outbox page: what `make run` would have emailed and texted, with the links."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from enquiries import demo_outbox, policy
from enquiries.staff.access import staff_required


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    if not policy.can_read_demo_outbox(request.user):
        raise Http404("The outbox exists only in the demo (EMAIL_MODE=outbox).")
    return render(request, "staff/demo_outbox.html", {"outbox": demo_outbox.recent_messages()})
