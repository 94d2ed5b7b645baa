"""The Outcome figures read the router's "Is it sorted?" answers (issue 16 feeds issue 13)."""

import pytest
from django.utils import timezone

from insight import outcomes
from router.models import CaseOutcome
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_the_router_answers_are_the_outcome_source():
    assert outcomes.outcome_model() is CaseOutcome


def test_an_answer_marks_its_case_for_the_next_refresh():
    before = timezone.now()
    case = CaseFactory()
    CaseOutcome.objects.create(case=case, sorted=False, answered_at=timezone.now())
    assert [row["case_id"] for row in outcomes.changed_case_ids(before)] == [case.pk]
    assert outcomes.case_outcomes([case.pk])[case.pk][0] is False
