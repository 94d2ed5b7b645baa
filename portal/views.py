import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.context_processors import council_details
from portal.health import readiness, run_checks


def _report(checks) -> JsonResponse:
    healthy = all(check.ok for check in checks)
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail, **c.data} for c in checks},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For monitoring: every part and threshold (portal.health); 503 when one fails."""
    return _report(run_checks())


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """For the load balancer: can this web instance serve (its database answers)?"""
    return _report(readiness())


# Form plumbing, never worth giving back.
_PLUMBING = {"csrfmiddlewaretoken", "website", "journey_key", "reply_key", "action", "next"}
# Passwords, one-time codes, keys and tokens: never echoed, whatever the form.
_SECRET_NAME = re.compile(r"pass|secret|token|otp|api_?key|csrf|^code$|^pin$", re.IGNORECASE)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A friendly page for a stale form, offering the answers back instead of losing them;
    never a password or anything else secret."""
    kept = {
        key: value
        for key, value in request.POST.items()
        if key not in _PLUMBING and not _SECRET_NAME.search(key) and len(value) < 5000
    }
    return render(request, "errors/csrf.html", {"kept_answers": kept}, status=403)


# --- error pages (handler400..handler500 in portal/urls.py) --------------------------------------


def _error_page(template: str, status: int) -> HttpResponse:
    """Rendered from settings alone (no request, context processors or database), so a page can
    show even when what broke was one of those."""
    return HttpResponse(loader.get_template(template).render(council_details()), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page("403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page("500.html", 500)
