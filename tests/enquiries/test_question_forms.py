"""The shared question form: the same answers JSON for every channel that asks them."""

from enquiries.question_forms import CaseDetailsForm, ServiceQuestionsForm
from tests.enquiries.staff.helpers import POTHOLE_QUESTIONS
from tests.factories import ServiceFactory


def test_answers_are_json_ready(db):
    service = ServiceFactory(questions=POTHOLE_QUESTIONS)
    form = ServiceQuestionsForm(
        {
            "hazard_type": "Broken drain cover",
            "accident_happened": "yes",
            "noticed_on_0": "1",
            "noticed_on_1": "3",
            "noticed_on_2": "2026",
        },
        service=service,
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "hazard_type": "Broken drain cover",
        "accident_happened": True,
        "noticed_on": "2026-03-01",
    }


def test_optional_questions_can_be_left_out_and_required_ones_cannot(db):
    service = ServiceFactory(questions=POTHOLE_QUESTIONS)
    assert ServiceQuestionsForm({"hazard_type": "Deep pothole"}, service=service).is_valid()
    form = ServiceQuestionsForm({}, service=service)
    assert not form.is_valid() and "hazard_type" in form.errors


def test_a_choice_outside_the_list_is_refused(db):
    service = ServiceFactory(questions=POTHOLE_QUESTIONS)
    assert not ServiceQuestionsForm({"hazard_type": "Sinkhole"}, service=service).is_valid()


def test_places_need_an_address_and_a_real_postcode(db):
    service = ServiceFactory(is_location_based=True)
    form = CaseDetailsForm(
        {"summary": "x", "description": "y", "postcode": "nope"}, service=service
    )
    assert not form.is_valid()
    assert set(form.errors) == {"address", "postcode"}


def test_number_and_choose_any_questions_give_json_answers(db):
    from enquiries.questions import answers_as_text, clean_answers

    questions = [
        {"name": "bags", "label": "How many bags?", "type": "number", "required": True},
        {
            "name": "contents",
            "label": "What was in them?",
            "type": "multi_choice",
            "choices": ["Rubbish", "Glass"],
        },
    ]
    service = ServiceFactory(questions=questions)  # the schema validates
    service.full_clean()
    form = ServiceQuestionsForm({"bags": "4", "contents": ["Glass"]}, service=service)
    assert form.is_valid(), form.errors
    assert form.answers() == {"bags": 4, "contents": ["Glass"]}
    assert clean_answers(questions, {"bags": "4", "contents": ["Glass", "Rubbish"]}) == {
        "bags": 4,
        "contents": ["Rubbish", "Glass"],
    }
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        clean_answers(questions, {"bags": "many"})
    with pytest.raises(ValidationError):
        clean_answers(questions, {"bags": 1, "contents": ["Gold"]})
    assert "What was in them?: Rubbish, Glass" in answers_as_text(
        questions, {"contents": ["Rubbish", "Glass"]}
    )
