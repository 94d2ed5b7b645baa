"""The permission rules, role by role, straight against enquiries.policy."""

import pytest
from django.http import Http404

from enquiries import policy
from enquiries.models import AccessLog


@pytest.mark.parametrize(
    "who, sees_highways, sees_waste",
    [
        ("agent", True, True),
        ("frontdesk", True, True),
        ("highways_officer", True, False),
        ("waste_officer", False, True),
        ("manager", True, False),
        ("admin", True, True),
        ("outsider", False, False),
    ],
)
def test_who_sees_which_case(world, who, sees_highways, sees_waste):
    user = getattr(world, who)
    assert policy.can_view_case(user, world.highways_case) is sees_highways
    assert policy.can_view_case(user, world.waste_case) is sees_waste
    visible = set(policy.visible_cases(user))
    assert (world.highways_case in visible) is sees_highways
    assert (world.waste_case in visible) is sees_waste


@pytest.mark.parametrize(
    "who, changes_highways, adds_contact_to_highways",
    [
        ("agent", False, True),
        ("frontdesk", False, True),
        ("highways_officer", True, True),
        ("waste_officer", False, False),
        ("manager", True, True),
        ("admin", False, False),
        ("outsider", False, False),
    ],
)
def test_who_changes_and_adds_contacts(world, who, changes_highways, adds_contact_to_highways):
    user = getattr(world, who)
    assert policy.can_change_case(user, world.highways_case) is changes_highways
    assert policy.can_add_contact(user, world.highways_case) is adds_contact_to_highways


def test_front_line_staff_work_their_triage_queue(world):
    from tests.enquiries.staff.helpers import open_case

    triage_case = open_case(world.pothole, department=world.triage)
    assert policy.can_change_case(world.agent, triage_case)
    assert not policy.can_change_case(world.highways_officer, triage_case)


def test_only_managers_assign_to_others(world):
    case = world.highways_case
    assert policy.can_assign(world.highways_officer, case, world.highways_officer)
    assert policy.can_assign(world.highways_officer, case, None)
    assert not policy.can_assign(world.highways_officer, case, world.manager)
    assert policy.can_assign(world.manager, case, world.highways_officer)
    assert not policy.can_assign(world.waste_officer, world.highways_case, world.waste_officer)


def test_get_case_for_404s_and_logs_a_guessed_case(world):
    with pytest.raises(Http404):
        policy.get_case_for(world.waste_officer, world.highways_case.pk, policy.VIEW, path="/x")
    log = AccessLog.objects.get(user=world.waste_officer)
    assert log.action == "denied:view"
    assert log.case == world.highways_case


def test_get_case_for_accepts_references_in_any_case_and_spacing(world):
    typed = world.highways_case.reference.replace("-", " ").lower()
    assert policy.get_case_for(world.highways_officer, typed, policy.CHANGE) == world.highways_case


def test_an_unknown_reference_is_logged_too(world):
    with pytest.raises(Http404):
        policy.get_case_for(world.agent, "not-a-ref", policy.VIEW, path="/staff/cases/x/")
    assert AccessLog.objects.filter(user=world.agent, action="denied:view", case=None).exists()


def test_caseworkers_see_only_residents_with_cases_in_their_departments(world):
    highways_resident = world.highways_case.resident
    waste_resident = world.waste_case.resident
    visible = set(policy.visible_residents(world.highways_officer))
    assert highways_resident in visible
    assert waste_resident not in visible
    assert set(policy.visible_residents(world.agent)) >= {highways_resident, waste_resident}


def test_people_without_a_staff_role_are_not_staff(world):
    assert not policy.is_portal_staff(world.outsider)
    assert policy.is_portal_staff(world.admin)


def test_roles_and_departments_cost_one_query_per_request(world, django_assert_num_queries):
    user = world.manager
    with django_assert_num_queries(1):
        for _ in range(3):
            policy.roles(user)
            policy.department_ids(user)
            policy.managed_department_ids(user)
            policy.queue_departments(user)
    assert policy.managed_department_ids(user) == {world.highways.pk}
    assert policy.roles(user) == {policy.MANAGER}
    assert [d.slug for d in policy.queue_departments(user)] == ["highways"]


def test_a_role_or_membership_revoked_takes_effect_on_the_next_request(world, signed_in):
    """Nothing is cached across requests: the user object (and its memo) is loaded per request."""
    from django.urls import reverse

    client = signed_in(world.highways_officer)
    assert (
        client.get(reverse("staff:case", args=[world.highways_case.reference])).status_code == 200
    )
    world.highways.members.remove(world.highways_officer)
    assert (
        client.get(reverse("staff:case", args=[world.highways_case.reference])).status_code == 404
    )
    world.highways.members.add(world.highways_officer)
    world.highways_officer.groups.clear()
    response = client.get(reverse("staff:worklist"))
    assert response.status_code == 302  # no staff role: back to sign in


def test_queue_departments_for_front_line_staff_are_every_department_by_name(world):
    from enquiries.models import Department

    names = [d.name for d in policy.queue_departments(world.agent)]
    assert names == list(Department.objects.values_list("name", flat=True))
    assert policy.queue_departments(world.outsider) == []
