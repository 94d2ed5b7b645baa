"""Each role's allowed and forbidden actions through the pages and the JSON endpoints."""

import pytest
from django.urls import reverse

from enquiries.choices import Status
from enquiries.models import AccessLog, Case, CaseEvent


def case_url(case, name="staff:case"):
    return reverse(name, args=[case.reference])


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(case_url(world.highways_case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_anonymous_json_answers_401_not_a_redirect(client, world):
    response = client.get(reverse("staff:api_case", args=[world.highways_case.reference]))
    assert response.status_code == 401
    assert response.json()["error"]


def test_a_signed_in_account_without_a_staff_role_is_kept_out(signed_in, world):
    client = signed_in(world.outsider)
    assert client.get(reverse("staff:home")).status_code == 302
    assert client.get(case_url(world.highways_case)).status_code == 302


@pytest.mark.parametrize("how", ["pk", "reference"])
def test_a_caseworker_guessing_another_departments_case_gets_404_and_is_logged(
    signed_in, world, how
):
    client = signed_in(world.waste_officer)
    key = str(world.highways_case.pk) if how == "pk" else world.highways_case.reference
    response = client.get(reverse("staff:case", args=[key]))
    assert response.status_code == 404
    denied = AccessLog.objects.get(user=world.waste_officer, action="denied:view")
    assert denied.case == world.highways_case
    assert denied.path.startswith("/staff/cases/")


def test_a_caseworker_guessing_by_json_gets_404_and_is_logged(signed_in, world):
    client = signed_in(world.waste_officer)
    response = client.get(reverse("staff:api_case", args=[world.highways_case.pk]))
    assert response.status_code == 404
    assert response.json() == {"error": "No case found."}
    assert AccessLog.objects.filter(user=world.waste_officer, action="denied:view").exists()


def test_a_caseworker_cannot_change_another_departments_case(signed_in, world):
    client = signed_in(world.waste_officer)
    for name, data in [
        ("staff:case_status", {"status": Status.IN_PROGRESS}),
        ("staff:case_note", {"body": "sneaky"}),
        ("staff:case_reply", {"body": "hello"}),
        ("staff:case_assign", {"claim": "1"}),
        ("staff:case_transfer", {"department": world.waste.pk, "reason": "mine now"}),
        ("staff:case_merge", {"into": world.waste_case.reference}),
    ]:
        assert client.post(case_url(world.highways_case, name), data).status_code == 404, name
    world.highways_case.refresh_from_db()
    assert world.highways_case.status == Status.OPEN
    assert world.highways_case.department == world.highways
    assert not CaseEvent.objects.filter(case=world.highways_case).exists()
    assert AccessLog.objects.filter(user=world.waste_officer, action="denied:change").count() == 6


@pytest.mark.parametrize("who", ["agent", "frontdesk"])
def test_front_line_staff_read_any_case_but_cannot_change_it(signed_in, world, who):
    user = getattr(world, who)
    client = signed_in(user)
    page = client.get(case_url(world.highways_case))
    assert page.status_code == 200
    assert b"only that team can work on it" in page.content
    assert b"Log a call or visit on this case" in page.content
    response = client.post(case_url(world.highways_case, "staff:case_note"), {"body": "x"})
    assert response.status_code == 404
    api = client.get(reverse("staff:api_case", args=[world.highways_case.reference])).json()
    assert api["can_change"] is False and api["can_add_contact"] is True


def test_a_caseworker_works_their_own_departments_case(signed_in, world):
    client = signed_in(world.highways_officer)
    page = client.get(case_url(world.highways_case))
    assert page.status_code == 200
    assert b"Claim this case" in page.content
    response = client.post(case_url(world.highways_case, "staff:case_assign"), {"claim": "1"})
    assert response.status_code == 302
    world.highways_case.refresh_from_db()
    assert world.highways_case.assignee == world.highways_officer
    assert world.highways_case.status == Status.IN_PROGRESS


def test_a_caseworker_cannot_hand_a_case_to_someone_else(signed_in, world):
    client = signed_in(world.highways_officer)
    response = client.post(
        case_url(world.highways_case, "staff:case_assign"), {"assignee": world.manager.pk}
    )
    assert response.status_code == 403
    assert b"Only a manager" in response.content
    world.highways_case.refresh_from_db()
    assert world.highways_case.assignee is None


def test_a_manager_assigns_work_to_their_team(signed_in, world):
    client = signed_in(world.manager)
    response = client.post(
        case_url(world.highways_case, "staff:case_assign"),
        {"assignee": world.highways_officer.pk},
    )
    assert response.status_code == 302
    world.highways_case.refresh_from_db()
    assert world.highways_case.assignee == world.highways_officer


def test_a_manager_cannot_assign_to_someone_outside_the_team(signed_in, world):
    client = signed_in(world.manager)
    response = client.post(
        case_url(world.highways_case, "staff:case_assign"), {"assignee": world.waste_officer.pk}
    )
    assert response.status_code == 400
    world.highways_case.refresh_from_db()
    assert world.highways_case.assignee is None


def test_a_manager_sees_every_queue_of_their_departments_only(signed_in, world):
    client = signed_in(world.manager)
    assert client.get(reverse("staff:worklist") + "?queue=highways").status_code == 200
    assert client.get(reverse("staff:worklist") + "?queue=waste").status_code == 404
    assert client.get(case_url(world.waste_case)).status_code == 404


def test_an_admin_can_read_cases_and_reach_the_admin_site(signed_in, world):
    client = signed_in(world.admin)
    home = client.get(reverse("staff:home"))
    assert b"administration site" in home.content
    assert client.get(case_url(world.waste_case)).status_code == 200
    assert (
        client.post(case_url(world.waste_case, "staff:case_note"), {"body": "x"}).status_code == 404
    )


def test_every_view_of_a_case_is_access_logged(signed_in, world):
    client = signed_in(world.agent)
    client.get(case_url(world.highways_case))
    log = AccessLog.objects.get(user=world.agent, action="view")
    assert log.case == world.highways_case
    assert log.resident == world.highways_case.resident
    assert log.path == case_url(world.highways_case)


def test_staff_pages_are_not_cached(signed_in, world):
    response = signed_in(world.agent).get(case_url(world.highways_case))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["agent", "waste_officer"])
def test_a_refused_merge_leaves_both_cases_as_they_were(signed_in, world, who):
    before = {case.pk: case.status for case in (world.highways_case, world.waste_case)}
    client = signed_in(getattr(world, who))

    response = client.post(
        case_url(world.highways_case, "staff:case_merge"), {"into": world.waste_case.reference}
    )

    assert response.status_code == 404
    after = Case.objects.filter(pk__in=before)
    assert {case.pk: case.status for case in after} == before
    assert all(case.merged_into_id is None for case in after)
    assert not CaseEvent.objects.filter(case__in=after).exists()
