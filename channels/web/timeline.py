"""The tracking page's timeline as HTML, made in Python: the same markup the template loop made
(tests/channels/web/test_timeline_html.py compares them byte for byte), without a template
node, variable lookup and filter call per value of every entry. Every value is escaped."""

from collections.abc import Sequence

from django.template.defaultfilters import date, linebreaksbr
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import (  # type: ignore[attr-defined]  # in Django, not in its stubs
    template_localtime,
)

from enquiries.selectors import TimelineEntry

_ITEM = (
    '\n      <li class="ncc-timeline__item">\n'
    '        <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{who}</h3>\n'
    '        <p class="govuk-body-s ncc-secondary govuk-!-margin-bottom-1">'
    '<time datetime="{iso}">{shown}</time></p>\n'
    '        <p class="govuk-body ncc-wrap">{text}</p>\n'
    "      </li>\n      "
)
_EMPTY = (
    '\n      <li class="ncc-timeline__item">'
    '<p class="govuk-body">Nothing has happened yet.</p></li>\n      '
)


def timeline_html(entries: Sequence[TimelineEntry], council_name: str) -> SafeString:
    """The <li> items of the timeline, newest first as given; "Nothing has happened yet." when
    there are none."""
    if not entries:
        return mark_safe(_EMPTY)  # noqa: S308 - a constant
    council = conditional_escape(council_name)
    items = []
    for entry in entries:
        when = template_localtime(entry.when)
        items.append(
            _ITEM.format(
                who="You wrote" if entry.who == "You" else council,
                iso=conditional_escape(date(when, "c")),
                shown=conditional_escape(date(when, "j F Y, g:ia")),
                text=linebreaksbr(entry.text, autoescape=True),
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped
