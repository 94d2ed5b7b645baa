"""The worklist's rows, built in Python from plain records, read exactly as the template loop
they replaced (rendered from the cases themselves)."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone

from enquiries import staff_selectors as selectors
from enquiries.choices import Priority, Status
from enquiries.models import Case
from enquiries.staff.worklist_table import worklist_rows
from tests.enquiries.staff.helpers import open_case
from tests.factories import UserFactory

#: The loop as it stood in templates/staff/worklist.html before the rows moved to Python.
TEMPLATE_LOOP = """{% load safe_text %}{% for case in cases %}<tr class="govuk-table__row">\
<td class="govuk-table__cell"><a class="govuk-link" href="{% url 'staff:case' case.reference %}">\
{{ case.reference }}</a></td><td class="govuk-table__cell ncc-worklist__summary">\
{{ case.summary|show_bidi }}</td>{% if not current %}<td class="govuk-table__cell">\
{{ case.department.name|default:"Triage" }}</td>{% endif %}<td class="govuk-table__cell">\
{{ case.service.name|default:"Not yet known" }}</td><td class="govuk-table__cell">\
<strong class="govuk-tag govuk-tag--{% if case.status == "resolved" or case.status == "closed" %}\
grey{% elif case.status == "awaiting_resident" %}yellow{% elif case.status == "in_progress" %}blue\
{% elif case.status == "reopened" %}orange{% else %}light-blue{% endif %}">\
{{ case.get_status_display }}</strong>{% if case.priority == "urgent" or case.priority == "high" %}\
 <strong class="govuk-tag govuk-tag--red">{{ case.get_priority_display }}</strong>{% endif %}</td>\
<td class="govuk-table__cell">{% if case.sla_due_at %}{{ case.sla_due_at|date:"j M" }} {% endif %}\
{% if case.sla_now == "breached" %}<strong class="govuk-tag govuk-tag--red">Breached</strong>\
{% elif case.sla_now == "due_soon" %}<strong class="govuk-tag govuk-tag--orange">Due soon</strong>\
{% elif case.sla_now == "on_track" %}<strong class="govuk-tag govuk-tag--green">On track</strong>\
{% endif %}</td><td class="govuk-table__cell">{% if case.assignee %}\
{{ case.assignee.get_full_name|default:case.assignee.username }}{% else %}\
<span class="govuk-hint govuk-!-margin-bottom-0">Nobody</span>{% endif %}</td></tr>\
{% if not forloop.last %}\n{% endif %}{% endfor %}"""


@pytest.mark.parametrize("show_queue", [True, False])
def test_the_rows_match_the_template_they_replaced(world, show_queue):
    open_case(
        world.pothole,
        summary="Pothole <b>deep</b> & wide \u202eexe.fdp",
        priority=Priority.HIGH,
        status=Status.IN_PROGRESS,
        sla_due_at=timezone.now() - timedelta(days=2),
        assignee=world.highways_officer,
    )
    open_case(world.pothole, status=Status.AWAITING_RESIDENT, priority=Priority.URGENT)
    open_case(world.pothole, status=Status.REOPENED, sla_due_at=None)
    nameless = UserFactory(username="o'brien<x>", first_name="", last_name="")
    open_case(world.pothole, assignee=nameless, priority=Priority.LOW)
    open_case(None, department=None, summary="Not yet placed", status=Status.RECEIVED)
    cutoffs = selectors.sla_cutoffs()
    cases = list(
        selectors.with_sla_now(Case.objects.all(), cutoffs)
        .select_related("service", "department", "assignee")
        .order_by("id")
    )
    assert len(cases) >= 5

    expected = (
        engines["django"]
        .from_string(TEMPLATE_LOOP)
        .render({"cases": cases, "current": None if show_queue else object()})
    )
    records = sorted(
        selectors.WorklistRowSource(cutoffs).fetch([c.pk for c in cases]), key=lambda r: r.pk
    )
    rows = worklist_rows(records, case_url_prefix="/staff/cases/", show_queue=show_queue)

    assert str(rows) == expected
    assert "&lt;b&gt;deep&lt;/b&gt; &amp; wide [U+202E]" in rows
    assert "o&#x27;brien&lt;x&gt;" in rows  # no name: the username, escaped
    assert "Not yet known" in rows
