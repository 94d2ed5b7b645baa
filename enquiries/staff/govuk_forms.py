"""Staff forms rendered as GOV.UK form groups directly in Python.

The staff pages show many small forms (the worklist filters, the case page's actions). Through
crispy-forms' and Django's widget templates, the worklist's eight filters took longer to render
than the rest of the page together, so these pages build the same GOV.UK markup here: label,
hint, error message, then the control, with ``aria-describedby`` linking hint and error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def govuk_field(field: forms.BoundField) -> SafeString:
    """One field as a GOV.UK form group (select, textarea or text input)."""
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
            ' spellcheck="false"' if widget.attrs.get("spellcheck") == "false" else "",
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


def govuk_fields(form: forms.Form) -> SafeString:
    """Every visible field of the form, in order."""
    return SafeString("".join(govuk_field(f) for f in form if not f.is_hidden))


def _choices(field: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(field, forms.ModelChoiceField):
        # Django iterates a model choice field with ``queryset.iterator()``: on PostgreSQL a
        # server-side cursor (DECLARE, FETCH, CLOSE: three round trips for a short list). One
        # plain SELECT gives the same options.
        if field.empty_label is not None:
            yield ("", field.empty_label)
        for obj in list(field.queryset) if field.queryset is not None else []:
            yield (str(field.prepare_value(obj)), field.label_from_instance(obj))
        return
    for value, label in field.choices:
        yield (str(getattr(value, "value", value)), label)
