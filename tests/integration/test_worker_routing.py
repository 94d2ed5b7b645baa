"""Client → database → broker → real worker → routed case and acknowledgement."""

import pytest
from django.core import mail

from enquiries import intake
from enquiries.choices import Channel, EventKind, Status
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case, Notification, OutboxTask
from tests.conftest import wait_for
from tests.factories import ServiceFactory

pytestmark = pytest.mark.slow


def test_a_new_case_is_routed_and_acknowledged_by_the_worker(live_worker):
    service = ServiceFactory(sla_days=5)
    case = intake.submit(
        NewCase(
            idempotency_key="form:worker",
            summary="Street light out",
            contact=ContactDetails(channel=Channel.WEB, body="The light outside number 4 is out."),
            resident=ResidentDetails(full_name="Zoë Kowalczyk", email="zoe@example.com"),
            service=service,
        )
    ).case

    routed = wait_for(lambda: Case.objects.filter(pk=case.pk, status=Status.OPEN).first())
    assert routed.department == service.department
    assert routed.sla_due_at is not None
    assert routed.events.filter(kind=EventKind.ROUTED).count() == 1
    wait_for(lambda: not OutboxTask.objects.exclude(state=OutboxTask.State.DONE).exists())
    kinds = sorted(Notification.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["open", "received"]
    assert all("[" + case.reference + "]" in m.subject for m in mail.outbox)
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_task_delivered_twice_routes_once(live_worker):
    from enquiries.tasks import route_case

    service = ServiceFactory()
    case = intake.submit(
        NewCase(
            idempotency_key="form:twice",
            summary="Pothole",
            contact=ContactDetails(channel=Channel.WEB, body="x"),
            resident=ResidentDetails(email="p@example.com"),
            service=service,
        )
    ).case
    wait_for(lambda: Case.objects.filter(pk=case.pk, status=Status.OPEN).exists())
    assert route_case.apply(kwargs={"case_id": case.pk}).get() is False  # redelivered: no-op
    assert Case.objects.get(pk=case.pk).events.filter(kind=EventKind.ROUTED).count() == 1
