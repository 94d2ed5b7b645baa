"""``{{ form.field|govuk_field }}``: a staff form field as a GOV.UK form group, built in Python
(see enquiries/staff/govuk_forms.py for why); ``{{ form.field|crispy_field_once }}``: crispy's
markup for a field of an empty form, rendered once per process."""

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import (  # type: ignore[import-untyped]  # no types
    as_crispy_field,
)
from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from enquiries.staff import govuk_forms

register = template.Library()

#: An empty form's field reads the same on every page (no data, no errors, no request): its
#: crispy markup, keyed on everything it is made of. A handful of entries (forms x languages).
_RENDERED: dict[tuple[Any, ...], SafeString] = {}


@register.filter
def govuk_field(field: BoundField) -> SafeString:
    return govuk_forms.govuk_field(field)


@register.filter
def crispy_field_once(field: BoundField) -> SafeString:
    """``as_crispy_field``, remembered for an unbound form (the case page's date and question
    forms: crispy's templates took a tenth of the page); a bound form, with its values and
    errors, is rendered afresh every time."""
    if field.form.is_bound:
        return SafeString(as_crispy_field(field))
    key = (
        type(field.form),
        field.auto_id,
        field.html_name,
        str(field.label),
        str(field.help_text),
        repr(field.value()),
        get_language(),
    )
    rendered = _RENDERED.get(key)
    if rendered is None:
        if len(_RENDERED) > 200:
            _RENDERED.clear()
        rendered = _RENDERED[key] = SafeString(as_crispy_field(field))
    return rendered
