"""While the database is unreachable (restarting, failing over), answer 503 with Retry-After:
a council-branded "try again" page for people, JSON for the partner API, never Django's plain
500. Nothing is half-written: intake saves a case in one transaction, which rolls back.

An exception raised by a view or by an inner middleware (the session save, the user look-up)
is turned into a 500 response before it reaches an outer middleware, so a signal receiver
notes that it was a database connection error and this middleware, first in the list,
replaces that 500.
"""

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from portal.context_processors import council_details

_MARK = "_portal_database_down"


@receiver(got_request_exception)
def _note_database_error(sender, request=None, **kwargs) -> None:
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, OperationalError | InterfaceError):
        setattr(request, _MARK, True)


class DatabaseDownMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return unavailable(request)
        return response


def unavailable(request: HttpRequest) -> HttpResponse:
    retry_after = str(settings.DATABASE_DOWN_RETRY_AFTER)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "error": "service_unavailable",
                "detail": "The service is briefly unavailable: retry after the number of "
                "seconds in Retry-After. Nothing was saved.",
            },
            status=503,
        )
    else:
        page = loader.get_template("503.html").render(council_details())
        response = HttpResponse(page, status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"  # the inner security middleware was skipped
    response["X-Frame-Options"] = "DENY"
    return response
