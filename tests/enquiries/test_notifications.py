"""Progress updates: one row per update, the resident's channel, the daily budget, the wording."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from enquiries import digests, services
from enquiries.choices import Status
from enquiries.models import Contact, Notification, OutboxTask
from enquiries.notifications import notify_case
from tests.factories import (
    DepartmentFactory,
    NotificationTemplateFactory,
    ServiceFactory,
    UserFactory,
    submit_web_case,
)
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def case():
    service = ServiceFactory(department=DepartmentFactory(name="Highways"))
    case = submit_web_case(service=service, email="zoe@example.com")
    drain()
    case.refresh_from_db()
    return case


def test_a_new_case_gets_received_and_with_the_team_updates_once_each(case):
    assert sorted(Notification.objects.filter(case=case).values_list("kind", flat=True)) == [
        "open",
        "received",
    ]
    assert len(mail.outbox) == 2
    drain()  # nothing left to do: nothing sent again
    notify_case(
        case_id=case.pk,
        kind="open",
        key=OutboxTask.objects.get(dedupe_key__startswith=f"notify:{case.pk}:open").dedupe_key,
    )
    assert len(mail.outbox) == 2


def test_an_email_update_carries_reference_links_headers_and_both_bodies(case):
    message = mail.outbox[1]
    assert message.subject == f"Your enquiry is with the right team [{case.reference}]"
    assert "Highways team" in message.body
    assert case.tracking_path() in message.body
    assert "/updates/stop/" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and case.reference in html
    row = Notification.objects.get(case=case, kind="open")
    assert message.extra_headers["Message-ID"] == f"<{row.message_id}>"
    assert Contact.objects.get(pk=row.contact_id).message_id == row.message_id
    # the second message threads under the first
    first = Notification.objects.get(case=case, kind="received")
    assert message.extra_headers["In-Reply-To"] == f"<{first.message_id}>"


def test_the_expected_date_is_in_every_update(case):
    row = Notification.objects.get(case=case, kind="open")
    local = case.sla_due_at.astimezone(LONDON)
    assert f"We expect to finish by {local:%A} {local.day} {local:%B %Y}" in row.body


def test_every_visible_status_change_sends_one_update(case):
    officer = UserFactory()
    services.case_transition(case=case, to=Status.IN_PROGRESS, by=officer)
    services.case_transition(case=case, to=Status.AWAITING_RESIDENT, by=officer)
    drain()
    kinds = list(
        Notification.objects.filter(case=case).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["received", "open", "in_progress", "awaiting_resident"]


def test_an_admin_edited_template_replaces_the_file_wording(case):
    NotificationTemplateFactory(
        kind="in_progress",
        medium="email",
        subject="Good news from {{ council_name }}",
        body="{{ resident.full_name }}, someone is on it.",
    )
    services.case_transition(case=case, to=Status.IN_PROGRESS, by=UserFactory())
    drain()
    row = Notification.objects.get(case=case, kind="in_progress")
    assert row.subject == f"Good news from Northmoor County Council [{case.reference}]"
    assert "Zoë Kowalczyk, someone is on it." in row.body
    assert "/updates/stop/" in row.body  # the layout keeps the opt-out link


def test_a_template_with_bad_syntax_is_refused():
    from django.core.exceptions import ValidationError

    template = NotificationTemplateFactory.build(body="{% if %}")
    with pytest.raises(ValidationError):
        template.full_clean()


def test_text_messages_fall_back_to_email_without_a_notify_key(settings):
    settings.NOTIFY_API_KEY = ""
    case = submit_web_case(
        service=ServiceFactory(),
        email="sms-pref@example.com",
        phone="07700 900123",
        preferred_channel="sms",
    )
    drain()
    mediums = set(Notification.objects.filter(case=case).values_list("medium", flat=True))
    assert mediums == {"email"}


def test_no_updates_for_a_resident_who_opted_out(case):
    case.resident.consent_updates = False
    case.resident.save()
    services.case_transition(case=case, to=Status.IN_PROGRESS, by=UserFactory())
    drain()
    row = Notification.objects.get(case=case, kind="in_progress")
    assert row.state == Notification.State.SUPPRESSED
    assert "asked for no updates" in row.error
    assert len(mail.outbox) == 2


def churn(case, officer, times):
    for _ in range(times):
        services.case_transition(case=case, to=Status.IN_PROGRESS, by=officer)
        services.case_transition(case=case, to=Status.OPEN, by=officer, notify=True)
    drain()


def test_more_than_three_status_updates_a_day_wait_for_one_digest(settings):
    settings.NOTIFICATION_DAILY_BUDGET = 3
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=LONDON), tick=False):
        case = submit_web_case(service=ServiceFactory())
        drain()  # received + open: 2 of 3
        officer = UserFactory()
        churn(case, officer, times=2)  # in_progress, open, in_progress, open
        states = list(
            Notification.objects.filter(case=case).order_by("id").values_list("kind", "state")
        )
        assert states[:3] == [("received", "sent"), ("open", "sent"), ("in_progress", "sent")]
        assert {state for _, state in states[3:]} == {"deferred"}
        assert len(mail.outbox) == 3
        services.case_transition(case=case, to=Status.AWAITING_RESIDENT, by=officer)
        drain()  # a request for information is never held back
        assert len(mail.outbox) == 4
        assert digests.queue_due() == 0  # not before the digest time

    with time_machine.travel(datetime(2026, 11, 24, 18, 1, tzinfo=LONDON), tick=False):
        assert digests.queue_due() == 1
        assert digests.queue_due() == 0  # one a day
        drain()
    digest = Notification.objects.get(case=case, kind="digest")
    assert digest.state == Notification.State.SENT
    assert digest.merged_updates.count() == 3
    assert set(digest.merged_updates.values_list("state", flat=True)) == {"merged"}
    assert "We are working on your enquiry" in digest.body
    assert len(mail.outbox) == 5


def test_each_update_is_one_row_even_when_two_workers_race(case):
    key = "notify:race:1"
    first = notify_case(case_id=case.pk, kind="in_progress", key=key)
    second = notify_case(case_id=case.pk, kind="in_progress", key=key)
    assert [r.pk for r in first] == [r.pk for r in second]
    assert Notification.objects.filter(idempotency_key__startswith=key).count() == 1


def test_a_text_only_resident_without_a_notify_key_is_not_sent_anything_broken(settings):
    settings.NOTIFY_API_KEY = ""
    case = submit_web_case(
        service=ServiceFactory(), email="", phone="07700 900124", preferred_channel="sms"
    )
    drain()
    rows = Notification.objects.filter(case=case)
    assert {r.state for r in rows} == {Notification.State.SUPPRESSED}
    assert not OutboxTask.objects.filter(state=OutboxTask.State.FAILED).exists()
