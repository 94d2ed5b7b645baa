"""Email replies to a finished case are judged by enquiries/replies.py: thanks do not reopen."""

import pytest

from channels.inbound_email.models import InboundMessage
from enquiries import services
from enquiries.choices import Status
from enquiries.models import Case
from tests.channels.inbound_email.mails import make_email, pipe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def resolved_case() -> Case:
    case = pipe(make_email(message_id="<orig@example.org>")).row.case
    services.case_transition(case=case, to=Status.OPEN)
    return services.case_transition(case=case, to=Status.RESOLVED)


def test_a_thank_you_email_is_recorded_and_the_case_stays_resolved():
    case = resolved_case()

    result = pipe(
        make_email(subject=f"Re: {case.reference}", body="Thank you, that answers my question")
    )

    assert result.row.outcome == InboundMessage.Outcome.JOINED
    assert result.row.case == case and "a thank-you" in result.row.reason
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.contacts.filter(body__startswith="Thank you, that answers").exists()


def test_an_email_saying_it_is_not_fixed_reopens():
    case = resolved_case()

    pipe(make_email(subject=f"Re: {case.reference}", body="Sorry, it is not fixed."))

    case.refresh_from_db()
    assert case.status == Status.REOPENED


def test_thanks_after_the_reopen_window_joins_the_old_case_instead_of_opening_one(time_machine):
    case = resolved_case()
    time_machine.move_to("2030-01-01")

    result = pipe(make_email(subject=f"Re: {case.reference}", body="Thanks very much!"))

    assert result.row.case == case and Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_an_email_about_an_open_case_is_a_chaser():
    case = pipe(make_email(message_id="<first@example.org>")).row.case
    services.case_transition(case=case, to=Status.OPEN)

    result = pipe(make_email(subject=f"Re: {case.reference}", body="Any news on this?"))

    assert result.row.contact.is_chaser


def test_an_out_of_office_is_not_a_chaser():
    case = pipe(make_email(message_id="<first@example.org>")).row.case
    services.case_transition(case=case, to=Status.OPEN)

    result = pipe(
        make_email(
            subject=f"Automatic reply: [{case.reference}]",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )

    assert result.row.outcome == InboundMessage.Outcome.AUTO_REPLY
    assert not result.row.contact.is_chaser
