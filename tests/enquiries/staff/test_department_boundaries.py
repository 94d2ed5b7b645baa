"""Department boundaries in every list, count and suggestion: caseworkers learn nothing about
other departments' cases; contact-centre and front-desk staff see every case by design."""

from django.urls import reverse

from enquiries.models import Case
from enquiries.staff_selectors import (
    merge_candidates,
    my_open_count,
    nearby_open_cases,
    queue_counts,
    search_residents,
)
from tests.enquiries.staff.helpers import open_case
from tests.factories import ResidentFactory


def test_the_search_counts_only_the_open_cases_the_user_may_see(signed_in, world):
    resident = ResidentFactory(full_name="Edith Parr", postcode="PR1 2AB")
    open_case(world.bins, resident=resident, summary="Bin not emptied again")
    open_case(world.pothole, resident=resident, summary="Pothole by Edith's gate")
    open_case(world.pothole, resident=resident, summary="Another pothole")

    [row] = search_residents(world.waste_officer, "PR1 2AB").residents
    assert row.open_cases == 1
    [row] = search_residents(world.agent, "PR1 2AB").residents
    assert row.open_cases == 3

    page = signed_in(world.waste_officer).get(reverse("staff:search"), {"q": "PR1 2AB"})
    cells = page.content.decode().split("Edith Parr", 1)[1]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in cells


def test_already_reported_lists_only_cases_the_user_may_see(world):
    highways_case = open_case(world.pothole, postcode="LA1 9ZZ", postcode_district="LA1")
    assert nearby_open_cases(world.waste_officer, world.pothole, "LA1 2AB") == []
    assert nearby_open_cases(world.highways_officer, world.pothole, "LA1 2AB") == [highways_case]
    assert nearby_open_cases(world.agent, world.pothole, "LA1 2AB") == [highways_case]


def test_the_home_page_counts_stay_within_the_users_departments(world):
    Case.objects.filter(pk=world.highways_case.pk).update(assignee=world.waste_officer)
    assert my_open_count(world.waste_officer) == 0
    counts = {q.department.slug: q.open for q in queue_counts(world.waste_officer)}
    assert counts == {"waste": 1}


def test_merge_candidates_are_cases_the_user_may_see(world):
    twin = open_case(world.pothole, postcode_district=world.highways_case.postcode_district)
    assert twin in merge_candidates(world.highways_officer, world.highways_case)
    assert merge_candidates(world.waste_officer, world.highways_case) == []
