"""``show_bidi``: resident-supplied text on staff pages, with direction controls made visible.

A raw U+202E (right-to-left override) reorders everything after it, so a staff member could
read a different reference, amount or file name ("invoice‮fdp.exe") from the one the resident
sent. Each control is replaced by a visible marker such as "[U+202E]", so staff see that it is
there and the text reads in stored order. Plain text, so it is safe in titles and attributes too.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from enquiries.text import show_controls

register = template.Library()


@register.filter(needs_autoescape=True)
def show_bidi(value, autoescape: bool = True) -> SafeString | str:
    text = "" if value is None else str(value)
    text = show_controls(text)
    if autoescape:
        return conditional_escape(text) if not hasattr(value, "__html__") else mark_safe(text)
    return text
