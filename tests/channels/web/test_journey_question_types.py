"""Number and "choose any" questions on the web journey: asked, checked and stored as JSON."""

import pytest

from enquiries.models import Case
from tests.channels.web.conftest import CONTACT, Walker
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"name": "bags", "label": "How many bags were dumped?", "type": "number", "required": True},
    {
        "name": "contents",
        "label": "What was in them?",
        "type": "multi_choice",
        "choices": ["Household rubbish", "Building waste", "Glass"],
    },
]


@pytest.fixture
def fly_tipping(db):
    return ServiceFactory(name="Report fly-tipping", slug="fly-tipping", questions=QUESTIONS)


def test_a_resident_answers_a_number_and_ticks_several_boxes(client, fly_tipping):
    walker = Walker(client, fly_tipping)
    walker.start()
    assert walker.post("q-bags", {"answer": "3"}).status_code == 302
    page = walker.get("q-contents").content.decode()
    assert 'type="checkbox"' in page and "govuk-checkboxes" in page
    for step, data in [
        ("q-contents", {"answer": ["Household rubbish", "Glass"]}),
        ("describe", {"description": "Bags dumped in the lay-by."}),
        ("files", {"action": "continue"}),
        ("where", {"address": "1 Church St, Northmoor", "postcode": "pr1 8xj"}),
        ("contact", CONTACT),
    ]:
        response = walker.post(step, data)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    check = walker.get("check").content.decode()
    assert "Household rubbish, Glass" in check
    walker.submit()
    assert Case.objects.get().answers == {"bags": 3, "contents": ["Household rubbish", "Glass"]}


def test_a_number_question_refuses_words_and_says_why(client, fly_tipping):
    walker = Walker(client, fly_tipping)
    walker.start()
    response = walker.post("q-bags", {"answer": "lots"})
    assert response.status_code == 400  # the page again, with the error
    assert "Enter a whole number" in response.content.decode()
