import pytest

from enquiries import intake, outbox
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case, OutboxTask
from portal.celery_app import app
from tests.brokers import unreachable_broker


def submit(service, n=1):
    return intake.submit(
        NewCase(
            idempotency_key=f"k{n}",
            contact=ContactDetails(channel=Channel.WEB, body="x"),
            resident=ResidentDetails(email=f"r{n}@example.com"),
            summary="Broken light",
            service=service,
        )
    )


@pytest.fixture
def broker_down():
    with unreachable_broker():
        yield


@pytest.mark.django_db(transaction=True)
def test_a_submission_succeeds_and_waits_when_the_broker_is_down(service, broker_down, monkeypatch):
    result = submit(service)
    assert Case.objects.filter(pk=result.case.pk).exists()
    rows = OutboxTask.objects.all()
    assert rows.count() == 2
    assert {row.state for row in rows} == {OutboxTask.State.PENDING}
    assert any("publish" in row.last_error for row in rows)


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_sends_pending_work_once_the_broker_is_back(service, monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry: sent.append((name, kwargs)))
    with monkeypatch.context() as down:
        down.setattr(outbox, "dispatch_many", lambda rows: 0)  # broker away at commit time
        submit(service)
    assert sent == []
    OutboxTask.objects.update(
        created_at=OutboxTask.objects.first().created_at - outbox.STALE_PENDING * 2
    )
    assert outbox.sweep() == 2
    assert {name for name, _ in sent} == {
        "enquiries.tasks.route_case",
        "enquiries.tasks.notify_resident",
    }
    assert all("outbox_id" in kwargs for _, kwargs in sent)
    assert outbox.sweep() == 0  # dispatched rows are not sent again while they are fresh


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        outbox.enqueue("x", dedupe_key="x")


@pytest.mark.django_db
def test_the_same_work_is_recorded_once():
    from django.db import transaction

    with transaction.atomic():
        assert outbox.enqueue("enquiries.tasks.route_case", dedupe_key="route:1", case_id=1)
        assert outbox.enqueue("enquiries.tasks.route_case", dedupe_key="route:1", case_id=1) is None
    assert OutboxTask.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_work_from_a_rolled_back_savepoint_is_never_published(monkeypatch):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry: sent.append(kwargs))
    with transaction.atomic():
        kept = outbox.enqueue("enquiries.tasks.route_case", dedupe_key="kept", case_id=1)
        try:
            with transaction.atomic():
                outbox.enqueue("enquiries.tasks.route_case", dedupe_key="undone", case_id=2)
                raise RuntimeError("the nested step failed")
        except RuntimeError:
            pass
    assert [k["outbox_id"] for k in sent] == [kept.pk]
    assert OutboxTask.objects.get().state == OutboxTask.State.DISPATCHED


@pytest.mark.django_db(transaction=True)
def test_each_transaction_publishes_its_own_work(monkeypatch):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(
        app, "send_task", lambda name, kwargs, retry: sent.append(kwargs["case_id"])
    )
    for n in range(3):
        with transaction.atomic():
            outbox.enqueue("enquiries.tasks.route_case", dedupe_key=f"k{n}", case_id=n)
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("enquiries.tasks.route_case", dedupe_key="rolled-back", case_id=99)
        raise RuntimeError
    with transaction.atomic():
        outbox.enqueue("enquiries.tasks.route_case", dedupe_key="after", case_id=4)
    assert sent == [0, 1, 2, 4]
