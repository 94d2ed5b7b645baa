"""What the staff menu offers a user: the same rules as the views (enquiries/policy.py)."""

from typing import Any

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from enquiries import policy

register = template.Library()


@register.filter
def may_review_held_email(user: Any) -> bool:
    return policy.can_review_held_email(user)


@register.filter
def may_read_demo_outbox(user: Any) -> bool:
    return policy.can_read_demo_outbox(user)


#: The menu's links: the same on every staff page for every user (the filters above decide
#: which are shown).
MENU = {
    "home": "staff:home",
    "worklist": "staff:worklist",
    "search": "staff:search",
    "log": "assisted:log",
    "held": "inbound_email_staff:held_list",
    "duplicates": "staff:duplicates",
    "data_quality": "staff:data_quality",
    "demo_outbox": "staff:demo_outbox",
    "insight": "insight:home",
    "logout": "staff:logout",
}
_REVERSED: dict[tuple[str, str], dict[str, str]] = {}


@register.simple_tag
def staff_menu_urls() -> dict[str, str]:
    """The menu's URLs, reversed once per process (for each URL prefix and URL conf): ten
    ``{% url %}`` on every staff page took longer than some of the page's queries."""
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    urls = _REVERSED.get(key)
    if urls is None:
        urls = {}
        for short, name in MENU.items():
            try:
                urls[short] = reverse(name)
            except NoReverseMatch:  # an app left out of this project's URLs: no link
                urls[short] = ""
        _REVERSED[key] = urls
    return urls
