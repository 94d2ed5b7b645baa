"""Text messages through GOV.UK Notify's official client, against a local stub that checks them;
delivery receipts on the callback endpoint."""

import json

import pytest
from django.core import mail

from enquiries.models import Notification, OutboxTask, Resident
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.notify_stub import TEMPLATE_ID, notify_configured, notify_stub
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db
TOKEN = "receipt-token-0123456789abcdef"


@pytest.fixture
def stub(settings):
    with notify_stub() as stub, notify_configured(settings, stub):
        yield stub


def sms_case():
    return submit_web_case(
        service=ServiceFactory(), phone="07700 900456", email="", preferred_channel="sms"
    )


def test_updates_go_by_text_message_through_notify(stub):
    case = sms_case()
    drain()
    assert stub.problems == []
    assert len(stub.delivered) == 2
    request = stub.received[0]
    assert request.body["phone_number"] == "+447700900456"
    assert request.body["template_id"] == TEMPLATE_ID
    text = request.body["personalisation"]["body"]
    assert case.reference in text and "/updates/stop/" in text
    rows = Notification.objects.filter(case=case)
    assert {(r.medium, r.state) for r in rows} == {("sms", "sent")}
    assert all(r.provider_ref for r in rows)


def test_notify_answering_500_then_200_sends_one_text_message(settings):
    with notify_stub(script=[500]) as stub, notify_configured(settings, stub):
        case = sms_case()
        OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").update(state="done")
        drain()  # only "received": retried after the 500
    assert [r.claims["_answered"] for r in stub.received] == [500, 201]
    assert len(stub.delivered) == 1
    row = Notification.objects.get(case=case, kind="received")
    assert (row.state, row.attempts) == (Notification.State.SENT, 2)


def test_a_notify_error_that_retrying_cannot_fix_fails_the_update(settings):
    with notify_stub(script=[400]) as stub, notify_configured(settings, stub):
        case = sms_case()
        OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").update(state="done")
        drain()
    assert len(stub.received) == 1
    assert Notification.objects.get(case=case).state == Notification.State.FAILED


def receipt(client, body, token=TOKEN):
    return client.post(
        "/callbacks/notify/",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def callback_token(settings):
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN


def test_a_delivery_receipt_marks_the_update_delivered(client, stub, callback_token):
    case = sms_case()
    drain()
    row = Notification.objects.filter(case=case).first()
    response = receipt(client, {"id": row.provider_ref, "status": "delivered"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.state == Notification.State.DELIVERED and row.delivered_at


def test_a_permanent_failure_flags_the_number_and_the_next_update_goes_by_email(
    client, stub, callback_token
):
    case = submit_web_case(
        service=ServiceFactory(),
        phone="07700 900457",
        email="both@example.com",
        preferred_channel="sms",
    )
    drain()
    row = Notification.objects.get(case=case, kind="received")
    assert row.medium == "sms"
    receipt(client, {"id": row.provider_ref, "status": "permanent-failure"})
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED
    assert Resident.objects.get(pk=case.resident_id).phone_failing is True
    assert (
        "check their mobile number" in case.events.filter(kind="notification_failed").get().message
    )

    from enquiries import services
    from enquiries.choices import Status

    services.case_transition(case=case, to=Status.IN_PROGRESS)
    drain()
    assert Notification.objects.get(case=case, kind="in_progress").medium == "email"


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"],
)
def test_receipts_without_the_bearer_token_are_refused(client, callback_token, header):
    headers = {"Authorization": header} if header else {}
    response = client.post(
        "/callbacks/notify/",
        data=json.dumps({"id": "x", "status": "delivered"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401


def test_receipts_are_refused_when_no_token_is_configured(client, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert receipt(client, {"id": "x", "status": "delivered"}, token="").status_code == 401


def test_a_malformed_receipt_is_a_bad_request(client, callback_token):
    response = client.post(
        "/callbacks/notify/",
        data="not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 400


def test_notify_refusing_the_number_flags_it_and_sends_that_update_by_email(settings):
    with notify_stub(script=[400]) as stub, notify_configured(settings, stub):
        case = submit_web_case(
            service=ServiceFactory(),
            phone="07700 900458",
            email="both@example.com",
            preferred_channel="sms",
        )
        OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").update(state="done")
        drain()
        drain()  # a redelivered task sends nothing more
    assert len(stub.received) == 1
    assert Resident.objects.get(pk=case.resident_id).phone_failing is True
    rows = {r.medium: r.state for r in Notification.objects.filter(case=case, kind="received")}
    assert rows == {"sms": Notification.State.FAILED, "email": Notification.State.SENT}
    assert [m.to for m in mail.outbox] == [["both@example.com"]]
    assert case.reference in mail.outbox[0].subject


def test_a_technical_failure_is_resent_once_then_sent_by_email(client, stub, callback_token):
    case = submit_web_case(
        service=ServiceFactory(),
        phone="07700 900459",
        email="tech@example.com",
        preferred_channel="sms",
    )
    OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").update(state="done")
    drain()
    row = Notification.objects.get(case=case, kind="received")
    first_ref = row.provider_ref
    receipt(client, {"id": first_ref, "status": "technical-failure"})
    receipt(client, {"id": first_ref, "status": "technical-failure"})  # Notify repeats itself
    drain()
    row.refresh_from_db()
    assert row.state == Notification.State.SENT and row.provider_ref != first_ref
    assert stub.accepted(row.idempotency_key) == 2  # the first attempt and one resend
    assert mail.outbox == []

    receipt(client, {"id": row.provider_ref, "status": "technical-failure"})
    drain()
    assert stub.accepted(row.idempotency_key) == 2  # never a third text message
    email = Notification.objects.get(case=case, kind="received", medium="email")
    assert email.state == Notification.State.SENT
    assert [m.to for m in mail.outbox] == [["tech@example.com"]]
    assert Resident.objects.get(pk=case.resident_id).phone_failing is False
