"""How well the routing rules place cases: a staff transfer after routing counts as a misroute.

One computation for ``manage.py routing_report`` and the managers' page in /staff/routing/.

``services.transfer`` increments ``Case.transfer_count`` and writes the routing rule's id on the
TRANSFERRED event, so the share of each rule's cases that staff had to move is its misroute rate.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from enquiries.models import Case, RoutingRule


@dataclass(frozen=True)
class RuleMisrouting:
    rule_id: int | None
    rule_name: str
    routed: int
    transferred: int
    chasers: int = 0  # contacts chasing progress on the rule's cases (failure demand)

    @property
    def rate(self) -> float:
        return self.transferred / self.routed if self.routed else 0.0


def misrouting_by_rule(
    *, since: datetime | None = None, include_unmatched: bool = False
) -> list[RuleMisrouting]:
    """Cases routed per rule (None: no rule matched), how many staff then transferred, and how
    many times residents chased those cases. ``include_unmatched`` lists rules that matched
    nothing too (with 0), as managers reviewing the rules need to see them."""
    cases = Case.objects.filter(routed_at__isnull=False)
    if since is not None:
        cases = cases.filter(routed_at__gte=since)
    rows = (
        cases.values("routing_rule_id", "routing_rule__name")
        .annotate(
            routed=Count("id", distinct=True),
            transferred=Count("id", filter=Q(transfer_count__gt=0), distinct=True),
            chasers=Count("contacts", filter=Q(contacts__is_chaser=True), distinct=True),
        )
        .order_by("routing_rule__name")
    )
    report = [
        RuleMisrouting(
            rule_id=row["routing_rule_id"],
            rule_name=row["routing_rule__name"] or "No rule matched (service or triage)",
            routed=row["routed"],
            transferred=row["transferred"],
            chasers=row["chasers"],
        )
        for row in rows
    ]
    if include_unmatched:  # a rule that matched nothing is worth seeing too
        seen = {row.rule_id for row in report if row.rule_id is not None}
        unmatched = RoutingRule.objects.exclude(pk__in=seen).values_list("pk", "name")
        report += [
            RuleMisrouting(rule_id=pk, rule_name=name, routed=0, transferred=0)
            for pk, name in unmatched
        ]
    return sorted(report, key=lambda r: (-r.rate, -r.routed, r.rule_name))
