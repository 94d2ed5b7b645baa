"""The public monthly performance page: contacts by channel, share handled online, share in time.

Read from the rollups (weeks are counted in the month their Monday falls in). Every count under
5 is shown as "fewer than 5", and a share whose base is under 5 is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from insight.filters import INTAKE_CHANNELS
from insight.models import CaseRollup, PlaceKind
from insight.rollups import DIGITAL, UK
from insight.suppression import FEWER, MINIMUM, count_cell

MONTHS = 12


def _share(num: int, den: int) -> str:
    if not den:
        return "No contacts"
    if den < MINIMUM:
        return FEWER
    return f"{100 * num / den:.0f}%"


def performance_context(today: date | None = None) -> dict:
    today = today or timezone.localtime(timezone.now(), UK).date()
    this_month = today.replace(day=1)
    first = this_month
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
    rows = (
        CaseRollup.objects.filter(place_kind=PlaceKind.ALL, week__gte=first, week__lt=this_month)
        .values("week", "channel")
        .annotate(cases=Sum("cases"), resolved=Sum("resolved"), in_time=Sum("resolved_in_sla"))
        .order_by()
    )
    months: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts = months[row["week"].replace(day=1)]
        counts[row["channel"]] += row["cases"]
        counts["total"] += row["cases"]
        counts["digital"] += row["cases"] if row["channel"] in DIGITAL else 0
        counts["resolved"] += row["resolved"]
        counts["in_time"] += row["in_time"]
    channels = [(value, label) for value, label in INTAKE_CHANNELS]
    table = []
    for month in sorted(months, reverse=True):
        m = months[month]
        table.append(
            {
                "month": month.strftime("%B %Y"),
                "channels": [count_cell(m[value], suppress=True) for value, _ in channels],
                "total": count_cell(m["total"], suppress=True),
                "online": _share(m["digital"], m["total"]),
                "in_time": _share(m["in_time"], m["resolved"]),
            }
        )
    return {"channels": channels, "months": table}
