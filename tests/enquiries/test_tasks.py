"""Tasks: retry transient errors, then land failed where admins see and retry them."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from enquiries import outbox
from enquiries.admin import OutboxTaskAdmin
from enquiries.models import Notification, OutboxTask
from tests.enquiries.staff.helpers import sign_in
from tests.factories import ServiceFactory, UserFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server_down(monkeypatch):
    calls = []

    def refuse(messages):
        calls.append(messages)
        raise ConnectionRefusedError("mail server down")

    from django.core.mail.backends.locmem import EmailBackend

    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: refuse(messages))
    return calls


def test_a_transient_error_is_retried_then_the_work_is_marked_failed(mail_server_down):
    from enquiries.tasks import notify_resident

    case = submit_web_case(service=ServiceFactory())
    row = OutboxTask.objects.get(task_name="enquiries.tasks.notify_resident")
    notify_resident.apply(kwargs={**row.kwargs, "outbox_id": row.pk})
    row.refresh_from_db()
    assert len(mail_server_down) == 1 + notify_resident.max_retries
    assert row.state == OutboxTask.State.FAILED
    assert "mail server down" in row.last_error
    assert Notification.objects.get(case=case).state == Notification.State.PENDING


def test_an_admin_can_retry_failed_work(monkeypatch, mail_server_down):
    from portal.celery_app import app

    submit_web_case(service=ServiceFactory())
    drain()
    failed = OutboxTask.objects.filter(state=OutboxTask.State.FAILED)
    assert failed.exists()
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry, **_: sent.append(name))
    request = RequestFactory().post("/admin/enquiries/outboxtask/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    request.session = {}
    request._messages = FallbackStorage(request)
    OutboxTaskAdmin(OutboxTask, site).retry(request, failed)
    assert sent and not OutboxTask.objects.filter(state=OutboxTask.State.FAILED).exists()


def test_failed_work_is_pointed_out_on_the_admin_list(client, mail_server_down):
    submit_web_case(service=ServiceFactory())
    drain()
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))  # password and second factor
    response = client.get("/admin/enquiries/outboxtask/", follow=True)
    assert outbox.failed_count() >= 1
    assert b"failed after their retries" in response.content


def test_an_error_retrying_cannot_fix_fails_at_once():
    from django.db import transaction

    from enquiries.tasks import notify_resident

    with transaction.atomic():
        row = outbox.enqueue(
            "enquiries.tasks.notify_resident", dedupe_key="gone", case_id=999_999, kind="open"
        )
    result = notify_resident.apply(kwargs={**row.kwargs, "outbox_id": row.pk})
    assert result.failed()
    row.refresh_from_db()
    assert row.state == OutboxTask.State.FAILED and "DoesNotExist" in row.last_error
