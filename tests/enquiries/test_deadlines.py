"""One "due soon": the worklist filter, the case page, the SLA job and the delay agree."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from enquiries import deadlines, sla_jobs
from enquiries import staff_selectors as selectors
from enquiries.choices import SlaState, Status
from enquiries.models import Case
from tests.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
DUE = datetime(2026, 11, 20, 17, 0, tzinfo=LONDON)  # Friday close
ROUTED = datetime(2026, 11, 16, 9, 0, tzinfo=LONDON)  # Monday: a 5-day window


def state_everywhere(now: datetime) -> set[str]:
    case = CaseFactory(status=Status.OPEN, sla_due_at=DUE, routed_at=ROUTED)
    cutoffs = selectors.sla_cutoffs(now)
    in_filter = {
        state
        for state in SlaState.values
        if selectors.filter_sla(Case.objects.filter(pk=case.pk), state, cutoffs).exists()
    }
    annotated = selectors.with_sla_now(Case.objects.filter(pk=case.pk), cutoffs).get().sla_now
    sla_jobs.mark_states(now)
    job = Case.objects.get(pk=case.pk).sla_state
    return {*in_filter, annotated, selectors.sla_state_now(case, cutoffs), job}


@pytest.mark.parametrize(
    ("now", "state"),
    [
        # 80% of the window used but a whole working day left: on track for everyone
        (datetime(2026, 11, 19, 17, 0, tzinfo=LONDON), SlaState.ON_TRACK),
        (datetime(2026, 11, 20, 9, 30, tzinfo=LONDON), SlaState.DUE_SOON),
        (datetime(2026, 11, 21, 9, 30, tzinfo=LONDON), SlaState.BREACHED),
    ],
)
def test_every_place_gives_the_same_state(now, state):
    with time_machine.travel(now, tick=False):
        assert state_everywhere(now) == {state}


def test_the_number_of_working_days_is_one_setting(settings):
    now = datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)
    assert deadlines.sla_state(now, DUE) == SlaState.ON_TRACK
    settings.DUE_SOON_WORKING_DAYS = 2
    assert deadlines.sla_state(now, DUE) == SlaState.DUE_SOON
    assert selectors.sla_cutoffs(now).due_soon_until == datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def test_a_case_without_a_service_uses_the_default_target(settings):
    settings.DEFAULT_SLA_DAYS = 7
    assert deadlines.sla_days(Case(service=None)) == 7
    assert deadlines.sla_days(CaseFactory(service=ServiceFactory(sla_days=3))) == 3
