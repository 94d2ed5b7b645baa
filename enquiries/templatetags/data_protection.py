"""Template filters asking enquiries.policy about the data protection pages (for the menu)."""

from typing import Any

from django import template

from enquiries import policy

register = template.Library()


@register.filter
def handles_data_protection(user: Any) -> bool:
    return policy.can_handle_data_protection(user)


@register.filter
def merges_residents(user: Any) -> bool:
    return policy.can_merge_residents(user)
