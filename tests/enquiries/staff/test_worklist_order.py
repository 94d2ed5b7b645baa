"""The default worklist order puts new and due-soon work first; counts stay cheap at any size."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries.choices import Status
from enquiries.staff_selectors import CappedPaginator
from tests.enquiries.staff.helpers import open_case


def refs(response):
    return [case.reference for case in response.context["page"].object_list]


@pytest.fixture
def busy_queue(world):
    """Thirty assigned cases, all due before a case that arrives now would be."""
    now = timezone.now()
    return [
        open_case(
            world.pothole,
            assignee=world.highways_officer,
            status=Status.IN_PROGRESS,
            created_at=now - timedelta(days=10),
            sla_due_at=now + timedelta(days=2, hours=n),
        )
        for n in range(30)
    ]


def test_a_new_case_is_on_the_first_page_by_default(signed_in, world, busy_queue):
    new = open_case(world.pothole, sla_due_at=timezone.now() + timedelta(days=10))
    response = signed_in(world.highways_officer).get(reverse("staff:worklist"))
    assert new.reference in refs(response)[:2]  # the fixture's case is new and unassigned too


def test_after_new_work_come_breached_and_due_soon_cases_then_the_rest_by_due_date(
    signed_in, world, busy_queue
):
    now = timezone.now()
    breached = open_case(
        world.pothole,
        assignee=world.highways_officer,
        created_at=now - timedelta(days=20),
        sla_due_at=now - timedelta(hours=1),
    )
    order = refs(signed_in(world.highways_officer).get(reverse("staff:worklist")))
    new_ones = {world.highways_case.reference}
    assert set(order[:1]) == new_ones
    assert order[1] == breached.reference
    assert order[2:] == [c.reference for c in busy_queue][:23]


def test_a_case_nobody_has_picked_up_for_days_is_no_longer_new(signed_in, world, busy_queue):
    old = open_case(
        world.pothole,
        created_at=timezone.now() - timedelta(days=5),
        sla_due_at=timezone.now() + timedelta(days=20),
    )
    order = refs(signed_in(world.highways_officer).get(reverse("staff:worklist"), {"page": 2}))
    assert old.reference == order[-1]


def test_big_lists_say_more_than_the_cap_instead_of_counting_every_row(
    signed_in, world, busy_queue, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    response = signed_in(world.highways_officer).get(reverse("staff:worklist"))
    assert "More than 10 cases" in response.content.decode()
    assert response.context["page"].paginator.capped


def test_small_lists_show_the_exact_count(signed_in, world):
    response = signed_in(world.highways_officer).get(reverse("staff:worklist"))
    assert response.context["page"].paginator.count == 1
    assert "1 case<" in response.content.decode()


def test_every_page_follows_the_default_order_deep_pages_too(signed_in, world):
    """Each page reads the new work's ids, then its rows (new by id, the rest by a subquery):
    pages that hold new work, the rest, or both, and the last, follow one order."""
    now = timezone.now()
    new = [
        open_case(
            world.pothole,
            created_at=now - timedelta(hours=1 + n % 5),
            sla_due_at=None if n % 7 == 0 else now + timedelta(hours=(n * 37) % 90),
        )
        for n in range(30)
    ]
    old = [
        open_case(
            world.pothole,
            assignee=world.highways_officer if n % 2 else None,
            created_at=now - timedelta(days=10),
            sla_due_at=None if n % 9 == 0 else now + timedelta(hours=(n * 53) % 200 - 50),
        )
        for n in range(45)
    ]
    old.append(world.highways_case)
    world.highways_case.refresh_from_db()

    def due(case):
        return (case.sla_due_at is None, case.sla_due_at, case.pk)

    is_new = world.highways_case.assignee_id is None and world.highways_case.created_at > (
        now - timedelta(days=1)
    )
    if is_new:
        new.append(old.pop())
    expected = [c.reference for c in sorted(new, key=due) + sorted(old, key=due)]
    client = signed_in(world.highways_officer)
    seen = []
    for page in (1, 2, 3, 4):
        seen += refs(client.get(reverse("staff:worklist"), {"page": page}))
    assert seen == expected
