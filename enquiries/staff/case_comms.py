"""Case-page actions that speak to the resident: ask them for information, move their date.

Each action: check the policy, validate, call one service. The forms are small includes on the
case page (templates/staff/_request_info.html, _expected_date.html).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from enquiries import policy, services
from enquiries import staff_selectors as selectors
from enquiries.choices import Status
from enquiries.lifecycle import IllegalTransition
from enquiries.models import Case
from enquiries.staff.access import staff_required

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


def _case(request: HttpRequest, reference: str) -> Case:
    return selectors.case_for_page(
        request.user, reference, policy.CHANGE, path=request.get_full_path()
    )


def _page(request: HttpRequest, case: Case, status: int, **bound: Any) -> HttpResponse:
    from enquiries.staff.case_views import _page as case_page

    return case_page(request, case, status, **bound)


@staff_required
@require_POST
def request_info(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = RequestInfoForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, request_info_form=form)
    try:
        services.request_information(
            case=case, question=form.cleaned_data["question"], by=request.user
        )
    except (ValueError, IllegalTransition) as exc:
        form.add_error("question", str(exc))
        return _page(request, case, 409, request_info_form=form)
    messages.success(request, "Question sent to the resident. The case waits for their reply.")
    return redirect("staff:case", reference=case.reference)


@staff_required
@require_POST
def expected_date(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = ExpectedDateForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, expected_date_form=form)
    try:
        services.change_expected_date(
            case=case,
            expected_at=form.expected_at(),
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValueError as exc:
        form.add_error("reason", str(exc))
        return _page(request, case, 409, expected_date_form=form)
    messages.success(request, "Expected date changed. The resident has been told why.")
    return redirect("staff:case", reference=case.reference)
