"""The tracking page reads its case once, with the columns it shows (selectors.
case_for_tracking_page): whatever the case's state, nothing it shows is left to a second load."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enquiries import services
from enquiries.choices import Status
from tests.channels.web.test_tracking import file_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CASE_READ = 'FROM "enquiries_case" '


def case_reads(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case.tracking_path())
    assert response.status_code == 200
    return sum(CASE_READ in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize(
    "status", [None, Status.OPEN, Status.AWAITING_RESIDENT, Status.RESOLVED, Status.CLOSED]
)
def test_every_state_of_the_page_reads_the_case_once(client, pothole, status):
    case = file_case(pothole)
    if status is not None:
        services.route_case(case_id=case.pk)  # open
    if status not in (None, Status.OPEN):
        services.case_transition(case=case, to=status, reason="Checked", question="Which side?")
    case.refresh_from_db()

    assert case_reads(client, case) == 1


def test_a_merged_case_reads_itself_and_the_case_it_follows(client, pothole):
    duplicate, survivor = file_case(pothole), file_case(pothole, email="other@example.com")
    services.merge(duplicate=duplicate, into=survivor, by=UserFactory(), reason="Same hole")
    duplicate.refresh_from_db()

    page_reads = case_reads(client, duplicate)

    assert page_reads == 3  # itself, and the survivor twice (for the link's expiry, the page)
    assert survivor.reference in client.get(duplicate.tracking_path()).content.decode()


def test_the_page_statement_gives_the_case_the_orm_gives(pothole, django_assert_num_queries):
    """The query compiled once (selectors._tracking_page_query, through fixed_queries) loads the
    same values as Case.objects.select_related("service").only(TRACKING_PAGE_FIELDS)."""
    from enquiries.models import Case
    from enquiries.selectors import TRACKING_PAGE_FIELDS, case_for_tracking_page

    case = file_case(pothole, summary="Deep <one>")
    services.route_case(case_id=case.pk)
    expected = Case.objects.select_related("service").get(pk=case.pk)

    with django_assert_num_queries(1):
        loaded = case_for_tracking_page(case.tracking_token())
        for name in TRACKING_PAGE_FIELDS:
            left, right = loaded, expected
            *path, last = name.split("__")
            for part in path:  # the service: loaded with the case
                left, right = getattr(left, part), getattr(right, part)
            attname = left._meta.get_field(last).attname  # a foreign key's id, not its row
            left, right = getattr(left, attname), getattr(right, attname)
            assert left == right, name
    assert loaded.pk == case.pk and loaded.service_id == pothole.pk
    assert case_for_tracking_page("not-a-token") is None
