"""Work a request committed to the outbox is published to the broker after the response has
been sent (when the server closes it), not while the resident waits: a new case's routing and
acknowledgement messages cost the resident nothing. Nothing about delivery changes: the rows
are committed before the response, already marked dispatched, and the sweeper sends any whose
publish never happened (enquiries/outbox.py)."""

from collections.abc import Callable
from functools import partial

from django.http import HttpRequest, HttpResponse

from enquiries import outbox


class OutboxAfterResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with outbox.publishing_after_response() as batch:
            response = self.get_response(request)
        if batch:
            # Django calls a response's closers from close(), which the WSGI server (and the
            # test client) calls once the response is sent: FileResponse closes its file so.
            closers = response._resource_closers  # type: ignore[attr-defined]  # in Django, not its stubs
            closers.append(partial(outbox.publish_all_committed, batch))
        return response
