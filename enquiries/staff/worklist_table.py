"""The worklist's rows, built in Python with ``format_html``.

Twenty-five rows of seven cells through the template engine (a variable lookup, filter or
``{% if %}`` per cell) cost more than the page's database work at 100,000 cases; this builds the
same markup, escaped the same way, in a fraction of the time."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from enquiries.models import Case
from enquiries.text import show_controls

STATUS_TAGS = {
    "resolved": "grey",
    "closed": "grey",
    "awaiting_resident": "yellow",
    "in_progress": "blue",
    "reopened": "orange",
}
SLA_TAGS = {
    "breached": ("red", "Breached"),
    "due_soon": ("orange", "Due soon"),
    "on_track": ("green", "On track"),
}
NOBODY = SafeString('<span class="govuk-hint govuk-!-margin-bottom-0">Nobody</span>')


def worklist_rows(cases: Iterable[Case], *, case_url_prefix: str, show_queue: bool) -> SafeString:
    """The ``<tr>`` of each case: reference link, summary, queue (across queues), service,
    status and priority tags, due date with its SLA tag, assignee."""
    return format_html_join(
        "\n", "{}", ((_row(case, case_url_prefix, show_queue),) for case in cases)
    )


def _row(case: Case, case_url_prefix: str, show_queue: bool) -> SafeString:
    queue = (
        format_html(
            '<td class="govuk-table__cell">{}</td>',
            (case.department.name if case.department else "") or "Triage",
        )
        if show_queue
        else ""
    )
    priority = (
        format_html(
            ' <strong class="govuk-tag govuk-tag--red">{}</strong>', case.get_priority_display()
        )
        if case.priority in ("urgent", "high")
        else ""
    )
    due = formats.date_format(localtime(case.sla_due_at), "j M") + " " if case.sla_due_at else ""
    sla = SLA_TAGS.get(getattr(case, "sla_now", "") or "")
    sla_tag = (
        format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', *sla) if sla else ""
    )
    assignee = (
        format_html("{}", case.assignee.get_full_name() or case.assignee.username)
        if case.assignee
        else NOBODY
    )
    return format_html(
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}{}/">{}</a></td>'
        '<td class="govuk-table__cell ncc-worklist__summary">{}</td>'
        "{}"
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{}">{}</strong>{}</td>'
        '<td class="govuk-table__cell">{}{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        "</tr>",
        case_url_prefix,
        case.reference,
        case.reference,
        show_controls(case.summary or ""),
        queue,
        (case.service.name if case.service else "") or "Not yet known",
        STATUS_TAGS.get(case.status, "light-blue"),
        case.get_status_display(),
        priority,
        due,
        sla_tag,
        assignee,
    )
