"""Name search gives the same residents and open-case counts on SQLite (the embedded demo) and
PostgreSQL: this file runs in the suite's SQLite mode and on PostgreSQL (no skip marks)."""

import pytest
from django.urls import reverse

from enquiries.choices import Status
from enquiries.staff_selectors import search_residents
from tests.enquiries.staff.helpers import open_case
from tests.factories import ResidentFactory


@pytest.fixture
def edith(world):
    resident = ResidentFactory(full_name="Edith Parr", postcode="PR1 2AB")
    open_case(world.bins, resident=resident, summary="Bin not emptied again")
    open_case(world.pothole, resident=resident, summary="Pothole by Edith's gate")
    open_case(world.pothole, resident=resident, summary="Another pothole")
    open_case(world.pothole, resident=resident, status=Status.CLOSED, summary="Old pothole")
    ResidentFactory(full_name="John Cowell", postcode="LA1 1AA")
    return resident


@pytest.mark.parametrize("typed", ["Edith Parr", "edith parr", "Edith", "Parr", "Edit Parr"])
def test_a_name_search_counts_each_residents_open_cases(world, edith, typed):
    [row] = search_residents(world.agent, typed).residents
    assert (row, row.open_cases) == (edith, 3)
    [row] = search_residents(world.highways_officer, typed).residents
    assert (row, row.open_cases) == (edith, 2)  # only the cases the caseworker may see


def test_the_search_page_shows_the_count_for_a_name(signed_in, world, edith):
    page = signed_in(world.agent).get(reverse("staff:search"), {"q": "Edith Parr"})
    row = page.content.decode().split(f'href="/staff/residents/{edith.pk}/"', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in row


def test_the_staff_api_gives_the_same_count(signed_in, world, edith):
    response = signed_in(world.agent).get(reverse("staff:api_residents"), {"q": "Edith Parr"})
    [row] = response.json()["results"]
    assert row["open_cases"] == 3
