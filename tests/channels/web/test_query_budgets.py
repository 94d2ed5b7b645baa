"""Query budgets for the resident journey: each page view costs what it must (its service and
the session), and filing the case stays one short transaction. bench/web_journey.py measures
the time; these keep the query counts that made it fast from creeping back."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from enquiries.models import Case
from tests.channels.web.conftest import walk_pothole

pytestmark = pytest.mark.django_db

#: The service row and the session row: nothing else, and never a session write.
JOURNEY_PAGE = 2
#: "Where" also looks up the postcode it already has, to show the place found.
PAGE_BUDGETS = {"where": 3}
#: Everything the intake transaction writes (resident, case, contact, event, the outbox rows in
#: one INSERT), its checks (idempotency, possible resident matches by email and by phone, the
#: postcode), and the session's update (one statement outside a transaction,
#: portal/db_sessions.py; tests that count it run that way). The matches are two queries
#: compiled once rather than one built each time (enquiries/residents.py): cheaper, and one more.
CREATE_CASE = 15

STEPS = ["where", "q-location_detail", "q-depth", "q-on_bus_route", "q-noticed_on", "describe"]


@pytest.mark.parametrize("step", [*STEPS, "files", "contact", "check"])
def test_a_journey_page_costs_its_service_and_its_session(
    walker, django_assert_max_num_queries, step
):
    walk_pothole(walker)

    with django_assert_max_num_queries(PAGE_BUDGETS.get(step, JOURNEY_PAGE)):
        response = walker.get(step)

    assert response.status_code == 200


def test_viewing_a_page_writes_no_session_but_activity_still_keeps_it_alive(
    walker, settings, django_assert_max_num_queries
):
    walk_pothole(walker)
    session = Session.objects.get()
    expires = session.expire_date

    with django_assert_max_num_queries(JOURNEY_PAGE):
        walker.get("check")
    assert Session.objects.get().expire_date == expires  # nothing written

    settings.SESSION_REFRESH_SECONDS = 0  # the refresh is due: the next view pushes expiry on
    walker.get("check")
    assert Session.objects.get().expire_date > expires


@pytest.mark.django_db(transaction=True)  # as served: the session is saved outside a transaction
def test_filing_the_case_stays_within_its_budget(walker, django_assert_max_num_queries):
    walk_pothole(walker)
    form = {"journey_key": walker.key}  # read before counting: the test's own session read

    with django_assert_max_num_queries(CREATE_CASE):
        response = walker.client.post(walker.url("check"), form)

    assert response.status_code == 302
    case = Case.objects.get()
    with django_assert_max_num_queries(3):  # service, session, the case
        assert walker.client.get(response.url).status_code == 200
    with django_assert_max_num_queries(2):  # the case, and its timeline in one statement
        assert walker.client.get(case.tracking_path()).status_code == 200


def test_the_home_page_and_a_service_page_are_one_or_two_queries(
    client, pothole, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert client.get(reverse("web:home")).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(pothole.get_absolute_url()).status_code == 200


def test_the_home_pages_list_of_services_is_shared_between_views(
    client, pothole, django_assert_num_queries
):
    assert pothole.name in client.get(reverse("web:home")).content.decode()

    with django_assert_num_queries(0):  # rendered once, for CATALOGUE_SECONDS
        assert pothole.name in client.get(reverse("web:home")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_filing_the_case_checks_its_idempotency_key_without_loading_rows(
    walker, django_assert_max_num_queries
):
    walk_pothole(walker)
    form = {"journey_key": walker.key}

    with django_assert_max_num_queries(CREATE_CASE) as queries:
        walker.client.post(walker.url("check"), form)

    probes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"idempotency_key" =' in q["sql"]
    ]
    assert len(probes) == 1
    # a new key (nearly every submission) costs one indexed, one-column read
    columns = probes[0].split(" FROM ")[0]
    assert columns.startswith('SELECT "enquiries_contact"."id"')
    assert "," not in columns
    assert "ORDER BY" not in probes[0]


#: The service, the session, and the session's update in one statement (portal/db_sessions.py):
#: BEGIN and COMMIT around it made it five.
ANSWER_PAGE = 3


@pytest.mark.django_db(transaction=True)  # as served: the session is saved outside a transaction
def test_answering_a_question_costs_its_service_its_session_and_one_write(
    walker, django_assert_max_num_queries
):
    walker.start()
    assert (
        walker.post("where", {"address": "Ribble Lane", "postcode": "PR1 8XJ"}).status_code == 302
    )
    key = walker.key  # read before counting: the test's own session read

    with django_assert_max_num_queries(ANSWER_PAGE) as queries:
        response = walker.client.post(
            walker.url("q-location_detail"), {"journey_key": key, "answer": "Outside number 12"}
        )

    assert response.status_code == 302
    assert not any(q["sql"] in ("BEGIN", "COMMIT") for q in queries.captured_queries)
