"""The staff forms' GOV.UK markup, built with f-strings, reads exactly as the ``format_html``
version it replaced (kept here as the reference), errors, hints and hostile values included."""

import pytest
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from enquiries import staff_selectors as selectors
from enquiries.models import Service
from enquiries.staff.filters import WorklistFilter
from enquiries.staff.forms import AssignForm, MergeForm, NoteForm, StatusForm, TransferForm
from enquiries.staff.govuk_forms import _choices, govuk_field, govuk_fields


def reference_field(field: forms.BoundField) -> SafeString:  # noqa: C901  the old version, as was
    value = field.value()
    value = "" if value is None else str(value)
    widget = field.field.widget
    described = []
    hint = ""
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
        hint = format_html(
            '<div id="{}-hint" class="govuk-hint">{}</div>', field.auto_id, field.help_text
        )
    errors = ""
    if field.errors:
        described.append(f"{field.auto_id}-error")
        errors = format_html(
            '<p id="{}-error" class="govuk-error-message">{}</p>',
            field.auto_id,
            format_html_join(
                "<br>",
                '<span class="govuk-visually-hidden">Error:</span> {}',
                ((e,) for e in field.errors),
            ),
        )
    attrs = format_html(
        'id="{}" name="{}"{}{}',
        field.auto_id,
        field.html_name,
        format_html(' aria-describedby="{}"', " ".join(described)) if described else "",
        format_html(' maxlength="{}"', widget.attrs["maxlength"])
        if widget.attrs.get("maxlength")
        else "",
    )
    error_class = "--error" if field.errors else ""
    if isinstance(widget, forms.Select):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if v == value else "", label) for v, label in _choices(field.field)),
        )
        control = format_html(
            '<select class="govuk-select{}" {}>{}</select>',
            f" govuk-select{error_class}" if error_class else "",
            attrs,
            options,
        )
    elif isinstance(widget, forms.Textarea):
        control = format_html(
            '<textarea class="govuk-textarea{}" rows="{}" {}>{}</textarea>',
            f" govuk-textarea{error_class}" if error_class else "",
            widget.attrs.get("rows", 5),
            attrs,
            value,
        )
    else:
        kind = widget.attrs.get("type") or getattr(widget, "input_type", "text")
        control = format_html(
            '<input class="govuk-input{}{}" type="{}" value="{}" {}{}>',
            f" govuk-input{error_class}" if error_class else "",
            " " + widget.attrs["class"] if widget.attrs.get("class") else "",
            kind,
            value,
            attrs,
            # the old version escaped this into spellcheck=&quot;false&quot; (fixed since)
            SafeString(' spellcheck="false"') if widget.attrs.get("spellcheck") == "false" else "",
        )
    return format_html(
        '<div class="govuk-form-group{}"><label class="govuk-label" for="{}">{}</label>'
        "{}{}{}</div>",
        " govuk-form-group--error" if field.errors else "",
        field.auto_id,
        field.label,
        hint,
        errors,
        control,
    )


HOSTILE = "<script>alert('x')</script> & \"quoted\""


def forms_to_compare(world):
    case = world.highways_case
    Service.objects.filter(pk=world.pothole.pk).update(name=f"Potholes {HOSTILE}")
    world.highways_officer.first_name = HOSTILE
    world.highways_officer.save()
    people = selectors.department_staff(case.department_id)
    cutoffs = selectors.sla_cutoffs()
    choices = selectors.worklist_choices([case.department_id])
    filters = WorklistFilter(
        {"q": HOSTILE, "sla": "not-a-state", "service": str(world.pothole.pk)},
        queryset=selectors.worklist(world.highways_officer),
        user=world.highways_officer,
        services=choices.services,
        people=choices.people,
        cutoffs=cutoffs,
    )
    filters.is_valid()
    bound_merge = MergeForm({"into": HOSTILE, "reason": ""})
    bound_merge.is_valid()
    bound_note = NoteForm({"body": HOSTILE})
    bound_note.is_valid()
    return [
        filters.form,
        WorklistFilter(
            None, queryset=selectors.worklist(world.agent), user=world.agent,
            services=[], people=[], cutoffs=cutoffs,
        ).form,
        StatusForm(case=case),
        AssignForm(people=people, initial={"assignee": world.highways_officer.pk}),
        AssignForm({"assignee": "999999"}, people=people),
        NoteForm(),
        bound_note,
        TransferForm(case=case),
        MergeForm(),
        bound_merge,
    ]  # fmt: skip


@pytest.mark.django_db
def test_every_staff_form_field_reads_as_the_format_html_version(world):
    """Identical markup, but for one fix: ``spellcheck="false"`` was escaped into its value."""
    compared = 0
    for form in forms_to_compare(world):
        form.is_valid() if form.is_bound else None
        for field in form:
            if field.is_hidden:
                continue
            assert str(govuk_field(field)) == str(reference_field(field)), field.name
            compared += 1
    assert compared > 20
    filters = forms_to_compare(world)[0]
    html = govuk_fields(filters)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in html
    assert "<script>" not in html
    assert "govuk-form-group--error" in html  # the bad SLA state


@pytest.mark.django_db
def test_the_shared_choices_read_as_the_fresh_ones(world):
    """The case page shows the assignee and transfer choices from the shared lists; they read
    exactly as the forms built from the users and departments themselves."""
    case = world.highways_case
    people = selectors.department_staff(case.department_id)
    shared = selectors.worklist_choices([case.department_id]).people
    initial = {"assignee": world.highways_officer.pk}
    assert str(govuk_field(AssignForm(choices=shared, initial=initial)["assignee"])) == str(
        govuk_field(AssignForm(people=people, initial=initial)["assignee"])
    )
    teams = selectors.team_choices()
    assert str(govuk_field(TransferForm(case=case, teams=teams)["department"])) == str(
        govuk_field(TransferForm(case=case)["department"])
    )
    assert str(case.department_id) not in [
        value for value, _label in TransferForm(case=case, teams=teams).fields["department"].choices
    ]
