"""How well the routing rules place cases: a staff transfer after routing counts as a misroute.

``services.transfer`` increments ``Case.transfer_count`` and writes the routing rule's id on the
TRANSFERRED event, so the share of each rule's cases that staff had to move is its misroute rate.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from enquiries.models import Case


@dataclass(frozen=True)
class RuleMisrouting:
    rule_id: int | None
    rule_name: str
    routed: int
    transferred: int

    @property
    def rate(self) -> float:
        return self.transferred / self.routed if self.routed else 0.0


def misrouting_by_rule(*, since: datetime | None = None) -> list[RuleMisrouting]:
    """Cases routed per rule (None: no rule matched) and how many staff then transferred."""
    cases = Case.objects.filter(routed_at__isnull=False)
    if since is not None:
        cases = cases.filter(routed_at__gte=since)
    rows = (
        cases.values("routing_rule_id", "routing_rule__name")
        .annotate(routed=Count("id"), transferred=Count("id", filter=Q(transfer_count__gt=0)))
        .order_by("routing_rule__name")
    )
    report = [
        RuleMisrouting(
            rule_id=row["routing_rule_id"],
            rule_name=row["routing_rule__name"] or "No rule matched (service or triage)",
            routed=row["routed"],
            transferred=row["transferred"],
        )
        for row in rows
    ]
    return sorted(report, key=lambda r: (-r.rate, r.rule_name))
