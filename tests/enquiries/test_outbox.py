import pytest
from django.conf import settings

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
    with unreachable_broker():  # the broker is away at commit time
        submit(service)
    assert set(OutboxTask.objects.values_list("state", flat=True)) == {OutboxTask.State.PENDING}
    sent = []
    monkeypatch.setattr(
        app, "send_task", lambda name, kwargs, retry, **_: sent.append((name, kwargs))
    )
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
def test_work_from_a_rolled_back_savepoint_is_never_done(monkeypatch):
    from django.db import transaction

    from enquiries.tasks import route_case

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry, **_: sent.append(kwargs))
    with transaction.atomic():
        kept = outbox.enqueue("enquiries.tasks.route_case", dedupe_key="kept", case_id=1)
        try:
            with transaction.atomic():
                undone = outbox.enqueue(
                    "enquiries.tasks.route_case", dedupe_key="undone", case_id=2
                )
                raise RuntimeError("the nested step failed")
        except RuntimeError:
            pass
    assert OutboxTask.objects.get().pk == kept.pk
    assert [kwargs["case_id"] for kwargs in sent] == [1]  # the undone work is never published
    assert outbox.is_live(kept.pk) and not outbox.is_live(undone.pk)
    assert route_case.apply(kwargs={"case_id": 2, "outbox_id": undone.pk}).get() is False


def test_a_task_whose_work_is_already_done_does_nothing(service):
    from enquiries.tasks import notify_resident

    case = submit(service).case
    row = OutboxTask.objects.get(task_name="enquiries.tasks.notify_resident")
    outbox.mark_done(row.pk)
    assert notify_resident.apply(kwargs={**row.kwargs, "outbox_id": row.pk}).get() == 0
    assert not case.notifications.exists()


@pytest.mark.django_db(transaction=True)
def test_each_transaction_publishes_its_own_work(monkeypatch):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(
        app, "send_task", lambda name, kwargs, retry, **_: sent.append(kwargs["case_id"])
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


def _purge() -> None:
    with app.connection_for_write() as conn:
        for queue in settings.CELERY_TASK_QUEUES:
            conn.default_channel.queue_purge(queue)


@pytest.mark.skipif(not settings.REDIS_URL, reason="counts the Redis broker's queued messages")
@pytest.mark.django_db
def test_the_sweeper_resends_quiet_work_only_when_the_broker_has_lost_it():
    from datetime import timedelta

    from django.utils import timezone

    quiet = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_DISPATCHED_SECONDS + 5)
    for n in range(3):
        OutboxTask.objects.create(
            task_name="enquiries.tasks.route_case",
            kwargs={"case_id": 0},
            dedupe_key=f"quiet:{n}",
            state=OutboxTask.State.DISPATCHED,
            dispatched_at=quiet,
        )
    _purge()
    try:
        for _ in range(3):  # a real backlog: as many messages queued as quiet rows
            app.send_task("enquiries.tasks.sweep_outbox")
        outbox.reset_circuit()
        assert outbox.sweep() == 0  # waiting its turn: not published twice
        _purge()  # the broker is flushed
        assert outbox.sweep() == 3
    finally:
        _purge()


@pytest.mark.django_db(transaction=True)
def test_a_new_case_records_its_work_in_one_insert_and_publishes_it_through_one_producer(
    service, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    producers, sent = [], []
    real_acquire = app.producer_or_acquire

    def acquire(producer=None):
        producers.append(producer)
        return real_acquire(producer)

    monkeypatch.setattr(app, "producer_or_acquire", acquire)
    monkeypatch.setattr(
        app,
        "send_task",
        lambda name, kwargs, retry, producer=None, **_shown: sent.append(
            (name, producer is not None)
        ),
    )
    with CaptureQueriesContext(connection) as queries:
        submit(service)
    inserts = [q["sql"] for q in queries if "INSERT INTO" in q["sql"] and "outbox" in q["sql"]]
    assert len(inserts) == 1
    assert len(producers) == 1  # one checkout for both messages
    assert sent == [("enquiries.tasks.route_case", True), ("enquiries.tasks.notify_resident", True)]
    assert set(OutboxTask.objects.values_list("state", flat=True)) == {OutboxTask.State.DISPATCHED}


@pytest.mark.django_db(transaction=True)
def test_a_publish_failing_part_way_leaves_the_unsent_work_pending(monkeypatch):
    from django.db import transaction

    sent = []

    def send(name, kwargs, retry, producer=None, **_shown):
        if kwargs["case_id"] == 2:
            raise ConnectionError("broker went away")
        sent.append(kwargs["case_id"])

    monkeypatch.setattr(app, "send_task", send)
    try:
        with transaction.atomic():
            rows = outbox.enqueue_many(
                [
                    outbox.Work("enquiries.tasks.route_case", f"part:{n}", {"case_id": n})
                    for n in (1, 2, 3)
                ]
            )
    finally:
        outbox.reset_circuit()
    assert sent == [1]
    states = dict(OutboxTask.objects.values_list("pk", "state"))
    assert states == {
        rows[0].pk: OutboxTask.State.DISPATCHED,
        rows[1].pk: OutboxTask.State.PENDING,
        rows[2].pk: OutboxTask.State.PENDING,
    }


@pytest.mark.django_db
def test_enqueue_many_leaves_out_work_already_recorded():
    from django.db import transaction

    with transaction.atomic():
        outbox.enqueue("enquiries.tasks.route_case", dedupe_key="seen", case_id=1)
        rows = outbox.enqueue_many(
            [
                outbox.Work("enquiries.tasks.route_case", "seen", {"case_id": 1}),
                outbox.Work("enquiries.tasks.route_case", "new", {"case_id": 2}),
            ]
        )
    assert [row.dedupe_key for row in rows] == ["new"]
    assert OutboxTask.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_work_twice_in_one_call_is_recorded_and_published_once(monkeypatch):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry, **_: sent.append(kwargs))
    with transaction.atomic():
        rows = outbox.enqueue_many(
            [outbox.Work("enquiries.tasks.route_case", "twice", {"case_id": 7})] * 2
        )

    assert [row.dedupe_key for row in rows] == ["twice"]
    assert OutboxTask.objects.filter(dedupe_key="twice").count() == 1
    assert sent == [{"case_id": 7, "outbox_id": rows[0].pk}]


@pytest.mark.django_db(transaction=True)
def test_a_producer_failing_after_every_message_went_leaves_nothing_pending(monkeypatch):
    from contextlib import contextmanager

    from django.db import transaction

    @contextmanager
    def producer_that_fails_on_release(producer=None):
        yield None
        raise ConnectionError("connection dropped on release")

    monkeypatch.setattr(app, "producer_or_acquire", producer_that_fails_on_release)
    monkeypatch.setattr(app, "send_task", lambda name, kwargs, retry, **_: None)
    try:
        with transaction.atomic():
            rows = outbox.enqueue_many(
                [
                    outbox.Work("enquiries.tasks.route_case", f"rel:{n}", {"case_id": n})
                    for n in (1, 2)
                ]
            )
    finally:
        outbox.reset_circuit()

    states = set(
        OutboxTask.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)
    )
    assert states == {OutboxTask.State.DISPATCHED}  # both went: none is sent again


@pytest.mark.django_db(transaction=True)
def test_a_published_task_carries_its_arguments_and_their_monitoring_copy(service):
    from celery.signals import before_task_publish

    published = []

    def seen(sender=None, headers=None, body=None, **_kwargs):
        published.append((sender, headers["kwargsrepr"], body[1]))

    before_task_publish.connect(seen, weak=False)
    try:
        case = submit(service).case
    finally:
        before_task_publish.disconnect(seen)

    route = OutboxTask.objects.get(task_name="enquiries.tasks.route_case")
    kwargs = {"case_id": case.pk, "outbox_id": route.pk}
    assert ("enquiries.tasks.route_case", repr(kwargs), kwargs) in published
