from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A friendly page for a stale form, offering the answers back instead of losing them."""
    kept = {
        key: value
        for key, value in request.POST.items()
        if key not in {"csrfmiddlewaretoken", "website", "journey_key", "reply_key", "action"}
        and len(value) < 5000
    }
    return render(request, "errors/csrf.html", {"kept_answers": kept}, status=403)
