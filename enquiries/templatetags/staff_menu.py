"""What the staff menu offers a user: the same rules as the views (enquiries/policy.py)."""

from typing import Any

from django import template

from enquiries import policy

register = template.Library()


@register.filter
def may_review_held_email(user: Any) -> bool:
    return policy.can_review_held_email(user)


@register.filter
def may_read_demo_outbox(user: Any) -> bool:
    return policy.can_read_demo_outbox(user)
