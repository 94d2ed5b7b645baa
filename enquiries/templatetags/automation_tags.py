"""Template helpers for the automation panels on staff pages (rules in enquiries/policy.py)."""

from typing import Any

from django import template

from enquiries import policy
from enquiries.choices import Direction

register = template.Library()


@register.filter
def may_view_routing_stats(user: Any) -> bool:
    return policy.can_view_routing_stats(user)


@register.simple_tag(takes_context=True)
def chaser_panel(context: template.Context) -> dict[str, Any]:
    """The case's contacts from residents, how many chased, and whether this user may correct."""
    case = context["case"]
    user = context["request"].user
    contacts = context.get("inbound_contacts")  # the case page has them from its timeline
    if contacts is None:
        contacts = list(
            case.contacts.filter(direction=Direction.INBOUND).only(
                "id", "case_id", "channel", "direction", "occurred_at", "is_chaser"
            )
        )
    return {
        "contacts": contacts,
        "count": sum(1 for c in contacts if c.is_chaser),
        "can_correct": policy.can_correct_chaser(user, case),
    }
