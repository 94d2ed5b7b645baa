"""When Triage picks a service from the router's suggestions, the due date is recomputed from
that service's target (counted from receipt, as routing counts it), not left at the default."""

import pytest
from django.conf import settings
from django.urls import reverse

from enquiries import services as case_services
from enquiries.services import calendar
from router.models import RouterModel
from router.placing import choose_service
from tests.enquiries.staff.helpers import sign_in
from tests.factories import UserFactory
from tests.router.helpers import email_case
from tests.router.test_placing import trained  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_triage(trained, settings):  # noqa: F811
    RouterModel.objects.update(thresholds={})
    settings.ROUTER_DEFAULT_THRESHOLD = 0.999  # nothing is confident: Triage chooses
    case = email_case("There is a problem near the school, can someone help?")
    case_services.route_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.service is None and case.department.slug == "triage"
    return case


def test_choosing_a_service_sets_the_due_date_from_its_target(trained, in_triage, client):  # noqa: F811
    case = in_triage
    default_due = calendar().due_date(case.created_at, settings.DEFAULT_SLA_DAYS)
    assert case.sla_due_at == default_due
    hedges = trained["overgrown-hedge"]
    hedges.sla_days = 20
    hedges.save(update_fields=["sla_days"])

    officer = UserFactory(groups=["caseworker"])
    case.department.members.add(officer)
    sign_in(client, officer)
    response = client.post(
        reverse("router:choose_service", args=[case.reference]), {"service": hedges.slug}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.service == hedges
    assert case.sla_due_at == calendar().due_date(case.created_at, 20)
    assert case.sla_due_at > default_due
    note = case.events.filter(message__startswith="Service set to").get()
    assert "(20 working days)" in note.message


def test_the_time_waiting_for_the_resident_still_counts_in_the_residents_favour(
    trained,  # noqa: F811
    in_triage,
):
    case = in_triage
    case.sla_paused_seconds = 3600
    case.save(update_fields=["sla_paused_seconds"])
    bins = trained["missed-bin-collection"]
    bins.sla_days = 2
    bins.save(update_fields=["sla_days"])
    case = choose_service(case=case, service=bins, by=None)
    assert case.sla_due_at == calendar().due_date(case.created_at, 2, paused_seconds=3600)
