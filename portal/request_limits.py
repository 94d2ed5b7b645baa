"""Request body limits per view: small everywhere, larger only where files or raw messages come in.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE is one number for the whole site and does not count files in
multipart bodies, and DRF does not apply it at all. This middleware runs before anything reads the
body (before CSRF, which parses POST) and answers 413 when the declared Content-Length is over the
limit for the view: REQUEST_BODY_LIMITS names the exceptions by URL name (``name/<argument>``
narrows it to one value of a URL argument, such as one step of the journey); everything else gets
REQUEST_BODY_MAX_BYTES. A body without a Content-Length is never read by Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def body_limit(request: HttpRequest) -> int:
    """The most bytes the view this request resolved to accepts."""
    match = request.resolver_match
    limits: dict[str, int] = settings.REQUEST_BODY_LIMITS
    if match is not None:
        for value in match.kwargs.values():
            specific = limits.get(f"{match.view_name}/{value}")
            if specific is not None:
                return specific
        if match.view_name in limits:
            return limits[match.view_name]
    return settings.REQUEST_BODY_MAX_BYTES


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        limit = body_limit(request)
        if _declared_length(request) <= limit:
            return None
        message = f"The request is too large: at most {_readable(limit)} may be sent here."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        if request.path.startswith("/callbacks/"):
            return JsonResponse({"error": message}, status=413)
        response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        response["Connection"] = "close"  # the rest of the body is never read
        return response


def _readable(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size // 1024} KB"
