"""Counts for the insight pages: automatic resolutions and "Is it sorted?" answers."""

from django.db.models import Avg, Count, Q, QuerySet

from router.models import AutomaticAnswer, CaseOutcome

OUTCOME_GROUPS = {
    "service": ("service__slug", "service__name"),
    "department": ("department__slug", "department__name"),
    "channel": ("channel",),
    "place": ("ward_code", "postcode_district"),
}


def automatic_resolutions() -> QuerySet:
    """Per service: answers sent, and how many residents said they helped / did not / silent."""
    return (
        AutomaticAnswer.objects.values("service__slug", "service__name")
        .annotate(
            sent=Count("id"),
            resolved=Count("id", filter=Q(response="yes")),
            did_not_help=Count("id", filter=Q(response="no")),
            no_reply=Count("id", filter=Q(response="timeout")),
        )
        .order_by("service__name")
    )


def outcome_counts(by: str = "service") -> QuerySet:
    """ "Is it sorted?" answers grouped by service, department, channel or place (ward)."""
    fields = OUTCOME_GROUPS[by]
    return (
        CaseOutcome.objects.values(*fields)
        .annotate(
            asked=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            said_sorted=Count("id", filter=Q(sorted=True)),
            said_not_sorted=Count("id", filter=Q(sorted=False)),
            reopened_cases=Count("id", filter=Q(reopened=True)),
            mean_satisfaction=Avg("satisfaction"),
        )
        .order_by(*fields)
    )
