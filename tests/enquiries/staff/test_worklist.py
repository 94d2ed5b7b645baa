"""Worklists: filters, sorting, counts per queue, paging, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enquiries.choices import Channel, Priority, Status
from tests.enquiries.staff.helpers import open_case
from tests.factories import ServiceFactory


def refs(response):
    return [case.reference for case in response.context["page"].object_list]


def worklist(client, **params):
    return client.get(reverse("staff:worklist"), params)


def test_a_caseworker_starts_on_their_own_departments_open_cases(signed_in, world):
    closed = open_case(world.pothole, status=Status.CLOSED)
    response = worklist(signed_in(world.highways_officer))
    assert response.status_code == 200
    assert refs(response) == [world.highways_case.reference]
    assert closed.reference not in refs(response)


@pytest.mark.parametrize(
    "param, value, matches",
    [
        ("status", Status.IN_PROGRESS, "in_progress"),
        ("priority", Priority.URGENT, "urgent"),
        ("channel", Channel.PHONE, "phone"),
        ("sla", "breached", "breached"),
        ("sla", "due_soon", "due_soon"),
        ("assignee", "me", "mine"),
        ("assignee", "none", "unassigned"),
        ("q", "collapsed", "collapsed"),
    ],
)
def test_filters(signed_in, world, param, value, matches):
    now = timezone.now()
    officer = world.highways_officer
    cases = {
        "in_progress": open_case(world.pothole, status=Status.IN_PROGRESS, assignee=world.manager),
        "urgent": open_case(world.pothole, priority=Priority.URGENT, assignee=world.manager),
        "phone": open_case(world.pothole, channel=Channel.PHONE, assignee=world.manager),
        "breached": open_case(
            world.pothole, sla_due_at=now - timedelta(hours=1), assignee=world.manager
        ),
        "due_soon": open_case(
            world.pothole, sla_due_at=now + timedelta(minutes=30), assignee=world.manager
        ),
        "mine": open_case(world.pothole, assignee=officer),
        "collapsed": open_case(world.pothole, summary="Road has collapsed", assignee=world.manager),
    }
    cases["unassigned"] = world.highways_case
    response = worklist(signed_in(officer), queue="highways", **{param: value})
    assert refs(response) == [cases[matches].reference]


def test_filter_by_service_and_search_by_reference(signed_in, world):
    other = ServiceFactory(department=world.highways, name="Street lights")
    light = open_case(other)
    client = signed_in(world.highways_officer)
    assert refs(worklist(client, queue="highways", service=other.pk)) == [light.reference]
    typed = light.reference.replace("-", "").lower()
    assert refs(worklist(client, queue="highways", q=typed)) == [light.reference]


def test_sorting(signed_in, world):
    now = timezone.now()
    late = open_case(world.pothole, sla_due_at=now + timedelta(days=20), priority=Priority.URGENT)
    early = open_case(world.pothole, sla_due_at=now + timedelta(days=1))
    client = signed_in(world.highways_officer)
    assert refs(worklist(client, queue="highways"))[0] == early.reference
    assert refs(worklist(client, queue="highways", sort="priority"))[0] == late.reference
    assert refs(worklist(client, queue="highways", sort="newest"))[0] == early.reference


def test_assigned_to_me_spans_queues(signed_in, world):
    world.highways.members.add(world.waste_officer)
    mine_a = open_case(world.pothole, assignee=world.waste_officer)
    mine_b = open_case(world.bins, assignee=world.waste_officer)
    response = worklist(signed_in(world.waste_officer), mine="1")
    assert set(refs(response)) == {mine_a.reference, mine_b.reference}


def test_counts_per_queue(signed_in, world):
    open_case(world.pothole, sla_due_at=timezone.now() - timedelta(days=1))
    open_case(world.pothole, status=Status.CLOSED)
    response = signed_in(world.manager).get(reverse("staff:home"))
    (queue,) = response.context["queues"]
    assert (queue.department, queue.open, queue.unassigned, queue.breached) == (
        world.highways,
        2,
        2,
        1,
    )


def test_front_line_staff_can_open_any_queue(signed_in, world):
    client = signed_in(world.agent)
    assert refs(worklist(client, queue="waste")) == [world.waste_case.reference]
    assert len(client.get(reverse("staff:home")).context["queues"]) == 3


def test_pages_of_25(signed_in, world):
    for _ in range(30):
        open_case(world.pothole)
    client = signed_in(world.highways_officer)
    first = worklist(client, queue="highways")
    assert len(refs(first)) == 25 and first.context["page"].paginator.count == 31
    assert len(refs(worklist(client, queue="highways", page=2))) == 6


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


WORKLIST_BUDGET = 12  # session, user, roles, departments; queues; staff; count; ids; rows; services


@pytest.mark.parametrize(
    "params",
    [
        {"queue": "highways"},
        {"queue": "highways", "sla": "breached", "priority": "normal", "sort": "priority"},
        {"mine": "1"},
    ],
)
def test_a_worklist_runs_a_fixed_number_of_queries(signed_in, world, params):
    def add_matching_cases(count):
        for n in range(count):
            open_case(
                ServiceFactory(department=world.highways),
                assignee=world.highways_officer,
                sla_due_at=timezone.now() - timedelta(days=1 + n),
            )

    client = signed_in(world.highways_officer)
    add_matching_cases(1)  # an empty page skips the rows query: compare one row with a full page
    count_queries(client, reverse("staff:worklist"), params)  # shared counts per queue: warm
    few = count_queries(client, reverse("staff:worklist"), params)
    add_matching_cases(30)
    many = count_queries(client, reverse("staff:worklist"), params)
    assert many == few
    assert many <= WORKLIST_BUDGET


def test_the_home_page_runs_a_fixed_number_of_queries(signed_in, world):
    client = signed_in(world.agent)
    count_queries(client, reverse("staff:home"))  # shared counts per queue: warm them
    few = count_queries(client, reverse("staff:home"))
    for n in range(5):
        open_case(ServiceFactory(department=world.highways))
    assert count_queries(client, reverse("staff:home")) == few <= 12


@pytest.mark.parametrize("sort", ["", "newest", "due"])
def test_a_search_lists_the_same_cases_in_the_same_order_as_the_list_it_narrows(
    signed_in, world, monkeypatch, sort
):
    """A search reads its ids once (count and page from one query); the cases and their order
    are those of the whole list with the other words taken out."""
    now = timezone.now()
    for n in range(40):
        open_case(
            world.pothole,
            summary=f"Blocked gully {n}" if n % 4 else f"Pothole {n}",
            assignee=world.highways_officer if n % 2 else None,
            created_at=now - timedelta(hours=n * 7),
            sla_due_at=now + timedelta(hours=n * 5 - 40),
        )
    client = signed_in(world.highways_officer)
    params = {"sort": sort} if sort else {}
    every = refs(worklist(client, **params)) + refs(worklist(client, page=2, **params))
    wanted = [r for r in every if r in set(refs_of_gullies())]
    first = worklist(client, q="gully", **params)
    assert first.context["page"].paginator.count == 30
    assert refs(first) + refs(worklist(client, q="gully", page=2, **params)) == wanted

    from enquiries.staff_selectors import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 10)
    capped = worklist(client, q="gully", **params)
    assert capped.context["page"].paginator.capped
    assert refs(capped) == wanted[:11]  # as any capped list: the cap and the one that shows it


def refs_of_gullies():
    from enquiries.models import Case

    return Case.objects.filter(summary__icontains="gully").values_list("reference", flat=True)


def test_front_line_staff_share_the_list_of_queues_with_its_counts(signed_in, world):
    """Every department and its counts are read once for all front-line staff, for a few
    seconds (as the counts always were): a new department shows when that entry expires."""
    from django.core.cache import cache

    from enquiries.models import Department
    from enquiries.staff_selectors import EVERY_QUEUE_KEY

    client = signed_in(world.agent)
    first = worklist(client, queue="highways")
    assert [q.department.slug for q in first.context["queues"]] == list(
        Department.objects.values_list("slug", flat=True)
    )
    Department.objects.create(name="Allotments", slug="allotments")
    with CaptureQueriesContext(connection) as ctx:
        again = worklist(client, queue="highways")
    assert "allotments" not in [q.department.slug for q in again.context["queues"]]
    every_department = '"enquiries_department"."slug" FROM "enquiries_department"'
    assert not any(every_department in q["sql"] for q in ctx.captured_queries)
    cache.delete(EVERY_QUEUE_KEY)
    later = worklist(client, queue="allotments")
    assert later.status_code == 200
    assert [q.department.slug for q in later.context["queues"]][0] == "allotments"


def test_the_filters_options_are_shared_for_a_few_seconds_the_cases_never(signed_in, world):
    """The queues' services and staff (the service and assignee filters) are shared like the
    counts; a new one shows when that entry expires. The cases listed are read every time."""
    from django.core.cache import cache

    client = signed_in(world.highways_officer)
    first = worklist(client)
    services = dict(first.context["filter"].form.fields["service"].choices)
    assert services[str(world.pothole.pk)] == world.pothole.name
    new_service = ServiceFactory(department=world.highways, name="Grit bins")
    new_case = open_case(new_service)
    again = worklist(client)
    assert "Grit bins" not in dict(again.context["filter"].form.fields["service"].choices).values()
    assert new_case.reference in refs(again)
    cache.delete("staff:worklist-choices:" + str(world.highways.pk))
    later = worklist(client, service=str(new_service.pk))
    assert "Grit bins" in dict(later.context["filter"].form.fields["service"].choices).values()
    assert refs(later) == [new_case.reference]
