"""A service's questions as a Django form, shared by every channel that asks them.

The online form and the staff "log a call" screen both build their questions here, so a resident
who phones is asked exactly what the web form asks, and ``answers()`` gives ``intake.NewCase``
the same JSON either way: text as str, yes/no as bool, dates as ISO strings.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from enquiries.choices import QuestionType
from enquiries.models import Service
from enquiries.normalise import normalise_postcode

DEFAULT_MAX_LENGTH = 500
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


def question_field(question: dict[str, Any]) -> forms.Field:
    """One form field for one validated question (see ``enquiries.questions``)."""
    common = {
        "label": question["label"],
        "required": bool(question.get("required")),
        "help_text": question.get("hint", ""),
    }
    kind = question["type"]
    if kind == QuestionType.CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question["choices"]], widget=forms.RadioSelect, **common
        )
    if kind == QuestionType.YES_NO:
        return forms.TypedChoiceField(
            choices=YES_NO_CHOICES,
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == QuestionType.DATE:
        return DateInputField(**common)  # type: ignore[no-any-return]  # crispy-forms-gds: untyped
    if kind == QuestionType.NUMBER:
        return forms.IntegerField(min_value=0, max_value=1_000_000_000, **common)
    if kind == QuestionType.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question["choices"]],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    max_length = question.get("max_length") or DEFAULT_MAX_LENGTH
    if kind == QuestionType.LOCATION or max_length <= 200:
        return forms.CharField(max_length=max_length, **common)
    return forms.CharField(
        max_length=max_length, widget=forms.Textarea(attrs={"rows": 3}), **common
    )


class ServiceQuestionsForm(forms.Form):
    """The service's own questions, by their schema names (use a form prefix beside other forms)."""

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        for question in service.questions or []:
            self.fields[question["name"]] = question_field(question)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for question in self.service.questions or []:
            if question["type"] == QuestionType.DATE:
                value = cleaned.get(question["name"])
                if isinstance(value, date) and value > date.today():
                    self.add_error(question["name"], "The date must be today or in the past.")
        return cleaned

    def answers(self) -> dict[str, Any]:
        """JSON-ready answers for ``NewCase.answers``; unanswered optional questions left out."""
        answers: dict[str, Any] = {}
        for question in self.service.questions or []:
            value = self.cleaned_data.get(question["name"])
            if value in (None, "", []):
                continue
            answers[question["name"]] = value.isoformat() if isinstance(value, date) else value
        return answers


class CaseDetailsForm(forms.Form):
    """What every new case needs besides the service's questions: what, and for places where."""

    summary = forms.CharField(
        label="Summary", max_length=200, help_text="A short line, for example 'Pothole outside 12'"
    )
    description = forms.CharField(
        label="Describe the problem or request",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    address = forms.CharField(label="Address or location", max_length=300, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args: Any, service: Service | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        if service is not None and service.is_location_based:
            self.fields["address"].required = True
            self.fields["postcode"].required = True

    def clean_postcode(self) -> str:
        try:
            return normalise_postcode(self.cleaned_data.get("postcode", ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc
