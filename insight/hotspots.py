"""Hotspots: a place where demand for a service rose significantly against its own baseline.

The test (also printed on the page): for each service and ward (postcode district where a case
has no ward), the enquiries of the last ``RECENT_WEEKS`` complete weeks are compared with the
``BASELINE_WEEKS`` weeks before them. If nothing had changed the recent count would be Poisson
with mean ``expected = (baseline + 0.5) * RECENT / BASELINE`` (the 0.5 keeps a place with no
history from flagging on one case). A place is flagged when the one-sided Poisson probability
of seeing at least that many is under ``ALPHA`` (0.001: about one false flag per thousand
service-place pairs tested), the count is at least ``MIN_COUNT`` (so noise in small numbers is
not flagged) and at least twice what was expected.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from insight.models import CaseRollup, PlaceKind

RECENT_WEEKS = 4
BASELINE_WEEKS = 12
ALPHA = 0.001
MIN_COUNT = 10
MIN_RATIO = 2.0
METHOD = (
    f"Flagged when the last {RECENT_WEEKS} complete weeks' enquiries are at least {MIN_COUNT}, "
    f"at least {MIN_RATIO:g} times the rate of the {BASELINE_WEEKS} weeks before, and a Poisson "
    f"test puts the chance of so many, had nothing changed, under {ALPHA:g}."
)


@dataclass(frozen=True)
class Hotspot:
    service_id: int
    place_kind: str
    place_code: str
    place_name: str
    observed: int
    expected: float
    p_value: float
    recent_start: date

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected else float("inf")


def poisson_at_least(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean), summed in log space (k is a few hundred at most)."""
    if k <= 0:
        return 1.0
    below = sum(math.exp(i * math.log(mean) - mean - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - below) if below < 0.999 else _upper_tail(k, mean)


def _upper_tail(k: int, mean: float) -> float:
    total, i = 0.0, k
    while True:
        term = math.exp(i * math.log(mean) - mean - math.lgamma(i + 1))
        total += term
        if term < total * 1e-12 or i > k + 10_000:
            return total
        i += 1


def detect(filters=None, *, today: date | None = None, kind: str = PlaceKind.WARD) -> list[Hotspot]:
    """Hotspots in the complete weeks before ``today`` (or the filters' end date)."""
    from insight.rollups import week_of

    end = today or (filters.end if filters else date.today())
    recent_start = week_of(end) - timedelta(weeks=RECENT_WEEKS)
    baseline_start = recent_start - timedelta(weeks=BASELINE_WEEKS)
    rows = CaseRollup.objects.filter(
        place_kind=kind, week__gte=baseline_start, week__lt=week_of(end)
    ).exclude(place_code="")
    if filters is not None:
        if filters.department:
            rows = rows.filter(department_id=filters.department)
        if filters.service:
            rows = rows.filter(service_id=filters.service)
        if filters.channel:
            rows = rows.filter(channel=filters.channel)
    counts: dict[tuple, list] = defaultdict(lambda: [0, 0, ""])
    for row in (
        rows.values("service_id", "place_code", "place_name", "week")
        .annotate(n=Sum("cases"))
        .order_by()
    ):
        entry = counts[(row["service_id"], row["place_code"])]
        entry[0 if row["week"] >= recent_start else 1] += row["n"]
        entry[2] = entry[2] or row["place_name"]
    found = []
    for (service_id, code), (recent, baseline, name) in counts.items():
        expected = (baseline + 0.5) * RECENT_WEEKS / BASELINE_WEEKS
        if recent < MIN_COUNT or recent < MIN_RATIO * expected:
            continue
        p_value = poisson_at_least(recent, expected)
        if p_value < ALPHA:
            found.append(
                Hotspot(service_id, kind, code, name, recent, expected, p_value, recent_start)
            )
    return sorted(found, key=lambda h: h.p_value)
