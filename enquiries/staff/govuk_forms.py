"""Staff forms rendered as GOV.UK form groups directly in Python.

The staff pages show many small forms (the worklist filters, the case page's actions). Through
crispy-forms' and Django's widget templates, the worklist's eight filters took longer to render
than the rest of the page together, so these pages build the same GOV.UK markup here: label,
hint, error message, then the control, with ``aria-describedby`` linking hint and error."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


def _e(value: Any) -> str:
    """Django's ``conditional_escape`` without its overhead: safe strings as they are, anything
    else as text with ``& < > " '`` escaped (the same five entities Django writes)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def govuk_field(field: forms.BoundField) -> SafeString:
    """One field as a GOV.UK form group (select, textarea or text input). Built with f-strings,
    every value through ``_e``: ``format_html`` per option cost more than the rest of the form."""
    value = field.value()
    value = "" if value is None else str(value)
    widget = field.field.widget
    auto_id = _e(field.auto_id)
    described = []
    hint = ""
    if field.help_text:
        described.append(f"{auto_id}-hint")
        hint = f'<div id="{auto_id}-hint" class="govuk-hint">{_e(field.help_text)}</div>'
    errors = ""
    if field.errors:
        described.append(f"{auto_id}-error")
        messages = "<br>".join(
            f'<span class="govuk-visually-hidden">Error:</span> {_e(e)}' for e in field.errors
        )
        errors = f'<p id="{auto_id}-error" class="govuk-error-message">{messages}</p>'
    attrs = f'id="{auto_id}" name="{_e(field.html_name)}"'
    if described:
        attrs += f' aria-describedby="{" ".join(described)}"'
    if widget.attrs.get("maxlength"):
        attrs += f' maxlength="{_e(widget.attrs["maxlength"])}"'
    error_class = "--error" if field.errors else ""
    if isinstance(widget, forms.Select):
        options = "".join(
            f'<option value="{_e(v)}"{" selected" if v == value else ""}>{_e(label)}</option>'
            for v, label in _choices(field.field)
        )
        control = (
            f'<select class="govuk-select{f" govuk-select{error_class}" if error_class else ""}"'
            f" {attrs}>{options}</select>"
        )
    elif isinstance(widget, forms.Textarea):
        control = (
            f'<textarea class="govuk-textarea'
            f'{f" govuk-textarea{error_class}" if error_class else ""}" '
            f'rows="{_e(widget.attrs.get("rows", 5))}" {attrs}>{_e(value)}</textarea>'
        )
    else:
        kind = widget.attrs.get("type") or getattr(widget, "input_type", "text")
        extra = " " + widget.attrs["class"] if widget.attrs.get("class") else ""
        spellcheck = ' spellcheck="false"' if widget.attrs.get("spellcheck") == "false" else ""
        control = (
            f'<input class="govuk-input{f" govuk-input{error_class}" if error_class else ""}'
            f'{_e(extra)}" type="{_e(kind)}" value="{_e(value)}" {attrs}{spellcheck}>'
        )
    group_error = " govuk-form-group--error" if field.errors else ""
    return mark_safe(  # every value above went through _e
        f'<div class="govuk-form-group{group_error}"><label class="govuk-label" for="{auto_id}">'
        f"{_e(field.label)}</label>{hint}{errors}{control}</div>"
    )


def govuk_fields(form: forms.Form) -> SafeString:
    """Every visible field of the form, in order."""
    return SafeString("".join(govuk_field(f) for f in form if not f.is_hidden))


def _choices(field: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(field, forms.ModelChoiceField) and "_choices" not in field.__dict__:
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
