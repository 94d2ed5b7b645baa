"""``show_bidi``: resident-supplied text on staff pages, with direction controls made visible.

A raw U+202E (right-to-left override) reorders everything after it, so a staff member could
read a different reference, amount or file name from the one the resident sent. Each control is
replaced by a visible, labelled marker, so staff see that it is there and the text reads in order.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from enquiries.text import BIDI_CONTROLS, bidi_name

register = template.Library()


@register.filter(needs_autoescape=True)
def show_bidi(value, autoescape: bool = True) -> SafeString:
    text = "" if value is None else str(value)
    escaped = conditional_escape(text) if autoescape else text
    if not any(ch in BIDI_CONTROLS for ch in escaped):
        return mark_safe(escaped)
    return mark_safe(
        "".join(
            format_html(
                '<span class="ncc-bidi-control" title="Hidden text-direction character">'
                "[{}]</span>",
                bidi_name(ch),
            )
            if ch in BIDI_CONTROLS
            else ch
            for ch in escaped
        )
    )
