"""Forms for logging a call or recording a visit: they validate; the adapter calls intake."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from enquiries.choices import AssistedDigitalReason, Channel, Outcome, UpdatePreference
from enquiries.models import Service
from enquiries.normalise import normalise_email, normalise_phone, normalise_postcode

NEW, EXISTING, RESOLVED = "new", "existing", "resolved"
ACTIONS = [
    (NEW, "Open a new case"),
    (EXISTING, "Add this contact to an existing case"),
    (RESOLVED, "Resolved at first contact"),
]
ASSISTED_CHANNELS = [(Channel.PHONE, "Phone call"), (Channel.FACE_TO_FACE, "Face to face visit")]
FIRST_CONTACT_OUTCOMES = [
    (Outcome.RESOLVED_FIRST_CONTACT, Outcome.RESOLVED_FIRST_CONTACT.label),
    (Outcome.NOT_COUNCIL, Outcome.NOT_COUNCIL.label),
]
_DURATION = re.compile(r"^\s*(?:(\d{1,3})\s*[:m]\s*)?(\d{1,2})?\s*s?\s*$")


def parse_duration(text: str) -> int | None:
    """ "4:30", "4m30", "12" (minutes) → seconds; blank → None."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if text.isdigit():
        return int(text) * 60
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise ValidationError("Enter the call length in minutes and seconds, like 4:30")
    minutes, seconds = int(match[1] or 0), int(match[2] or 0)
    if seconds >= 60:
        raise ValidationError("Seconds must be less than 60, like 4:30")
    return minutes * 60 + seconds


class ResidentLookupForm(forms.Form):
    q = forms.CharField(
        label="Find the resident",
        help_text="Name, email, phone number, postcode or case reference",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


class NewResidentForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(label="Email address", required=False, max_length=254)
    address = forms.CharField(label="Address", required=False, max_length=300)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    preferred_channel = forms.ChoiceField(
        label="How do they want updates?",
        choices=UpdatePreference.choices,
        widget=forms.RadioSelect,
        initial=UpdatePreference.EMAIL,
    )

    def clean_email(self) -> str:
        return _normalised(normalise_email, self.cleaned_data["email"])

    def clean_phone(self) -> str:
        return _normalised(normalise_phone, self.cleaned_data["phone"])

    def clean_postcode(self) -> str:
        return _normalised(normalise_postcode, self.cleaned_data["postcode"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        preference = data.get("preferred_channel")
        if (
            preference == UpdatePreference.EMAIL
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", "Enter an email address, or choose another way to send updates")
        if (
            preference == UpdatePreference.SMS
            and not data.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", "Enter a mobile number, or choose another way to send updates")
        return data


def _normalised(check: Callable[[str], str], value: str) -> str:
    try:
        return check(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages[0]) from exc


class ContactForm(forms.Form):
    """How the resident got in touch, and whether they were helped to use the online service."""

    channel = forms.ChoiceField(
        label="How did they contact us?", choices=ASSISTED_CHANNELS, widget=forms.RadioSelect
    )
    duration = forms.CharField(
        label="Call length",
        help_text="Minutes and seconds, like 4:30",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "data-call-timer": ""}),
    )
    office = forms.ChoiceField(label="Office", required=False, choices=())
    assisted_digital = forms.BooleanField(
        label="I helped them use the online service (assisted digital)", required=False
    )
    assisted_digital_reason = forms.ChoiceField(
        label="Why did they need help?",
        required=False,
        choices=[("", "Choose a reason"), *AssistedDigitalReason.choices],
    )
    body = forms.CharField(
        label="Notes of the conversation",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", "Choose an office")] + [  # type: ignore[attr-defined]  # a ChoiceField
            (o, o) for o in settings.COUNCIL_OFFICES
        ]

    def clean_duration(self) -> int | None:
        return parse_duration(self.cleaned_data["duration"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("channel") == Channel.FACE_TO_FACE:
            data["duration"] = None
            if not data.get("office"):
                self.add_error("office", "Choose the office where the visit took place")
        else:
            data["office"] = ""
        if data.get("assisted_digital") and not data.get("assisted_digital_reason"):
            self.add_error("assisted_digital_reason", "Choose why they needed help")
        if not data.get("assisted_digital"):
            data["assisted_digital_reason"] = ""
        return data


class ExistingCaseForm(forms.Form):
    case = forms.TypedChoiceField(label="Which case?", coerce=int, widget=forms.RadioSelect)
    is_chaser = forms.BooleanField(
        label="They were only asking about progress (chaser)", required=False
    )

    def __init__(self, *args: Any, cases: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [  # type: ignore[attr-defined]  # a TypedChoiceField
            (c.pk, f"{c.reference}: {c.summary} ({c.get_status_display()})") for c in cases
        ]


class ResolvedForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=FIRST_CONTACT_OUTCOMES,
        widget=forms.RadioSelect,
        initial=Outcome.RESOLVED_FIRST_CONTACT,
    )


class ServiceChoiceForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.filter(is_active=True),
        empty_label="Choose a service",
    )
