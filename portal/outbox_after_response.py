"""Work a request committed to the outbox is published to the broker after the response has
been sent, not while the resident waits: a new case's routing and acknowledgement messages cost
the resident nothing. Nothing about delivery changes: the rows are committed before the
response, already marked dispatched, and the sweeper sends any whose publish never happened
(enquiries/outbox.py).

"After the response" is Django's public ``request_finished`` signal, which the response's
``close()`` sends once the WSGI server (or the test client) has sent it, in the thread that
served the request; the batch waits for it in a thread-local.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from enquiries import outbox
from enquiries.models import OutboxTask

_waiting = threading.local()


class OutboxAfterResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with outbox.publishing_after_response() as batch:
            response = self.get_response(request)
        if batch:
            _batches().append(batch)
        return response


def _batches() -> list[list[OutboxTask]]:
    if not hasattr(_waiting, "batches"):
        _waiting.batches = []
    batches: list[list[OutboxTask]] = _waiting.batches
    return batches


def publish_waiting(**_kwargs: Any) -> None:
    """The response is sent: publish what this thread's request committed."""
    batches = _batches()
    while batches:
        outbox.publish_all_committed(batches.pop(0))


request_finished.connect(publish_waiting, dispatch_uid="portal.outbox_after_response")
