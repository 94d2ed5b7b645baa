from django import template

from enquiries import policy

register = template.Library()


@register.filter
def sees_insight(user) -> bool:
    return policy.can_view_insight(user)
