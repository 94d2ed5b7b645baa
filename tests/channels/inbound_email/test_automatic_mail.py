"""Automatic, list and no-reply mail never opens a case nor gets an email: staff see it held."""

import pytest

from channels.inbound_email.models import InboundMessage
from enquiries.models import Case, Notification, OutboxTask
from tests.channels.inbound_email.mails import make_email, pipe
from tests.factories import CaseFactory, ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

S = InboundMessage.Status


def _nothing_sent() -> bool:
    return not OutboxTask.objects.filter(task_name__contains="notify").exists() and not (
        Notification.objects.exists()
    )


def test_a_forum_notification_with_fresh_message_ids_never_opens_a_case():
    for n in range(10):
        raw = make_email(
            sender="Parish Forum <forum@parish.example>",
            subject=f"New post in Allotments (#{n})",
            headers={"Auto-Submitted": "auto-generated"},
        )
        result = pipe(raw)
        assert result.row.status == S.QUARANTINED, result.row.reason
        assert "Auto-Submitted: auto-generated" in result.row.reason

    assert not Case.objects.exists()
    assert InboundMessage.objects.filter(status=S.QUARANTINED, acknowledged=False).count() == 10
    assert _nothing_sent()


@pytest.mark.parametrize(
    ("sender", "headers", "why"),
    [
        ("News <news@shop.example>", {"List-Id": "<offers.shop.example>"}, "List-Id"),
        ("News <news@shop.example>", {"List-Unsubscribe": "<mailto:u@shop.example>"}, "List-Un"),
        ("News <news@shop.example>", {"Precedence": "bulk"}, "Precedence: bulk"),
        ("News <news@shop.example>", {"Precedence": "junk"}, "Precedence: junk"),
        ("Cron <root@server.example>", {}, "sender is root"),
        ("Shop <noreply@shop.example>", {}, "sender is no-reply"),
        ("Shop <no-reply-orders@shop.example>", {}, "sender is no-reply"),
        ("Bank <donotreply@bank.example>", {}, "sender is do-not-reply"),
    ],
)
def test_list_bulk_and_no_reply_mail_is_held_for_staff(sender, headers, why):
    result = pipe(make_email(sender=sender, headers=headers))

    assert result.row.status == S.QUARANTINED
    assert result.row.outcome == InboundMessage.Outcome.AUTOMATIC
    assert why in result.row.reason
    assert not Case.objects.exists() and _nothing_sent()


def test_auto_submitted_no_is_a_person_writing():
    result = pipe(make_email(headers={"Auto-Submitted": "no"}))

    assert result.row.outcome == InboundMessage.Outcome.NEW_CASE and result.row.acknowledged


def test_automatic_mail_about_a_known_case_is_noted_on_it_without_waking_it():
    case = CaseFactory(resident=ResidentFactory(email="ann.lee@example.org"))

    result = pipe(
        make_email(
            subject=f"Re: [{case.reference}] forwarded",
            headers={"Auto-Submitted": "auto-forwarded"},
        )
    )

    assert result.row.case == case and result.row.outcome == InboundMessage.Outcome.AUTO_REPLY
    assert not result.row.acknowledged and Case.objects.count() == 1
