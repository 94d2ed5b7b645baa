"""``{{ form.field|govuk_field }}``: a staff form field as a GOV.UK form group, built in Python
(see enquiries/staff/govuk_forms.py for why)."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from enquiries.staff import govuk_forms

register = template.Library()


@register.filter
def govuk_field(field: BoundField) -> SafeString:
    return govuk_forms.govuk_field(field)
