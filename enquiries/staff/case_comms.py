"""Case-page actions that speak to the resident: ask them for information, move their date.

The forms, and what the case page shows of them; the views that take them are in
case_comms_views.py (they re-render the case page, which imports these forms). The forms are small
includes on the case page (templates/staff/_request_info.html, _expected_date.html).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from enquiries.choices import Status
from enquiries.models import Case

#: Long enough for a real question, short enough to fit a text message with the layout.
QUESTION_MAX = 300


class RequestInfoForm(forms.Form):
    prefix = "rfi"  # unique ids on a case page with several forms
    question = forms.CharField(
        label="What do you need to know?",
        help_text="The resident sees this question in the email or text and on their tracking "
        "page, for example 'Which side of the road is the pothole on?'",
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the question for the resident",
            "max_length": f"The question must be {QUESTION_MAX} characters or fewer",
        },
    )


class ExpectedDateForm(forms.Form):
    prefix = "expected"
    expected_on = DateInputField(
        label="New expected date",
        help_text="For example, 27 3 2027",
    )
    reason = forms.CharField(
        label="Why is the date changing?",
        help_text="The resident is told: 'We now expect to finish by …, because …'",
        max_length=200,
        error_messages={"required": "Enter why the date is changing: the resident is told"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_on"].error_messages["required"] = "Enter the new expected date"

    def clean_expected_on(self):
        day = self.cleaned_data["expected_on"]
        if day < timezone.localdate():
            raise ValidationError("The new expected date must be today or in the future")
        return day

    def expected_at(self) -> datetime:
        """The end of office hours on the chosen day: "by" that date, as the SLA clock counts."""
        end = time.fromisoformat(settings.OFFICE_HOURS_END)
        day = self.cleaned_data["expected_on"]
        return timezone.make_aware(datetime.combine(day, end))


def forms_for(case: Case, bound: dict[str, Any]) -> dict[str, Any]:
    """The two forms for the case page (a bound one when it failed validation)."""
    if not case.is_open:
        return {}
    found: dict[str, Any] = {
        "expected_date_form": bound.get("expected_date_form") or ExpectedDateForm(),
    }
    if case.status != Status.AWAITING_RESIDENT:
        found["request_info_form"] = bound.get("request_info_form") or RequestInfoForm()
    return found
