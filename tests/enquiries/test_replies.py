"""A resident's message on a finished case: a thank-you is recorded, "not fixed" reopens.

Issue 11: "Thank you, that answers my question" reopened a resolved case.
"""

import uuid

import pytest

from enquiries import intake, replies, services
from enquiries.choices import Channel, EventKind, Status
from enquiries.intake import ContactDetails
from tests.factories import ServiceFactory, submit_web_case

COURTESY = [
    "Thank you, that answers my question",
    "Thanks!",
    "thanks that answers my question",
    "Many thanks for your help, much appreciated.\n\nKind regards\nMary Jones",
    "Great, thank you so much for the speedy response!",
    "Cheers\n\nSent from my iPhone",
    "Brilliant. It’s fixed now, thank you",
]
REOPENS = [
    ("it is not fixed", replies.Meaning.NOT_SORTED),
    ("Thanks, but the pothole is still there", replies.Meaning.NOT_SORTED),
    ("Thank you, but that didn't answer my question", replies.Meaning.NOT_SORTED),
    ("Thanks. When will the repair be done?", replies.Meaning.QUESTION),
    ("The hole has opened up again by the drain.", replies.Meaning.OTHER),
    ("Thank you. I also want to report a broken street light on Mill Lane.", replies.Meaning.OTHER),
    ("Thanks, you got it wrong", replies.Meaning.NOT_SORTED),
    ("Thanks but no", replies.Meaning.OTHER),
    ("", replies.Meaning.OTHER),
]


@pytest.mark.parametrize("text", COURTESY)
def test_a_courtesy_reply_leaves_a_finished_case_alone(text):
    judgement = replies.judge(status=Status.RESOLVED, text=text)
    assert judgement.meaning == replies.Meaning.COURTESY and not judgement.reopens


@pytest.mark.parametrize(("text", "meaning"), REOPENS)
def test_a_reply_that_is_not_only_thanks_reopens(text, meaning):
    judgement = replies.judge(status=Status.CLOSED, text=text)
    assert judgement.meaning == meaning and judgement.reopens


def test_saying_it_is_not_sorted_reopens_even_with_thanks():
    assert replies.judge(status=Status.RESOLVED, text="Thanks", not_sorted=True).reopens


def test_an_open_case_is_never_reopened_or_judged():
    assert not replies.judge(status=Status.IN_PROGRESS, text="It is not fixed").reopens


@pytest.mark.django_db
class TestOnACase:
    def resolved(self):
        case = submit_web_case(service=ServiceFactory())
        services.route_case(case_id=case.pk)
        return services.case_transition(case=case, to=Status.RESOLVED, reason="Fixed")

    def reply(self, case, body, **kwargs):
        intake.add_contact(
            case=case,
            idempotency_key=f"test:{uuid.uuid4()}",
            contact=ContactDetails(channel=Channel.EMAIL, body=body),
            **kwargs,
        )
        case.refresh_from_db()
        return case

    def test_thank_you_is_recorded_without_reopening(self):
        case = self.reply(self.resolved(), "Thank you, that answers my question")

        assert case.status == Status.RESOLVED
        assert case.contacts.filter(body="Thank you, that answers my question").exists()
        note = case.events.filter(kind=EventKind.NOTE).latest("id")
        assert note.message == "Not reopened: a thank-you: the case stays finished."

    def test_it_is_not_fixed_reopens(self):
        assert self.reply(self.resolved(), "It is not fixed").status == Status.REOPENED

    def test_not_sorted_from_the_tracking_page_reopens(self):
        case = self.reply(self.resolved(), "Thank you", not_sorted=True)
        assert case.status == Status.REOPENED
