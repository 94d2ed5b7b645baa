import pytest

from enquiries import services
from enquiries.choices import Status
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_case_cannot_be_merged_into_a_finished_case():
    finished = CaseFactory(status=Status.CLOSED)
    duplicate = CaseFactory(service=finished.service, status=Status.OPEN)
    with pytest.raises(ValueError, match="reopen it first"):
        services.merge(duplicate=duplicate, into=finished, by=None)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.status == Status.OPEN


def test_a_case_is_merged_only_once():
    main, other = CaseFactory(status=Status.OPEN), CaseFactory(status=Status.OPEN)
    duplicate = CaseFactory(status=Status.OPEN)
    services.merge(duplicate=duplicate, into=main, by=None)
    duplicate.refresh_from_db()
    with pytest.raises(ValueError, match="already been merged"):
        services.merge(duplicate=duplicate, into=other, by=None)
