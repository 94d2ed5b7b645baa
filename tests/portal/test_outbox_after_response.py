"""Work a request commits to the outbox is published once the response has been sent (when the
server closes it), not while the resident waits; the rows are committed before either."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from enquiries import outbox
from enquiries.models import OutboxTask
from portal.celery_app import app
from portal.outbox_after_response import OutboxAfterResponseMiddleware


@pytest.mark.django_db(transaction=True)
def test_the_publish_waits_for_the_response_to_be_sent(monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry, **_: sent.append(kwargs))

    def view(request):
        with transaction.atomic():
            outbox.enqueue("enquiries.tasks.route_case", dedupe_key="route:7", case_id=7)
        assert sent == []  # committed, not published
        return HttpResponse("ok")

    response = OutboxAfterResponseMiddleware(view)(RequestFactory().post("/"))

    assert sent == []  # the response is not sent yet
    assert OutboxTask.objects.get().state == OutboxTask.State.DISPATCHED  # already committed
    response.close()  # what the WSGI server does once it has sent the response
    assert [kwargs["case_id"] for kwargs in sent] == [7]


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_after_the_response_leaves_the_work_pending(monkeypatch):
    def fail(name, kwargs, retry, **_):
        raise ConnectionError("broker gone")

    monkeypatch.setattr(app, "send_task", fail)

    def view(request):
        with transaction.atomic():
            outbox.enqueue("enquiries.tasks.route_case", dedupe_key="route:8", case_id=8)
        return HttpResponse("ok")

    response = OutboxAfterResponseMiddleware(view)(RequestFactory().post("/"))
    try:
        response.close()
    finally:
        outbox.reset_circuit()
    assert OutboxTask.objects.get().state == OutboxTask.State.PENDING  # for the sweeper


@pytest.mark.django_db(transaction=True)
def test_outside_a_request_work_is_published_at_commit(monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry, **_: sent.append(kwargs))
    with transaction.atomic():
        outbox.enqueue("enquiries.tasks.route_case", dedupe_key="route:9", case_id=9)
    assert [kwargs["case_id"] for kwargs in sent] == [9]
