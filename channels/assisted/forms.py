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
from enquiries.question_forms import CaseDetailsForm

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
SUMMARY_LENGTH = 80
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
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


def derive_summary(description: str, limit: int = SUMMARY_LENGTH) -> str:
    """The case's one-line summary from what the agent typed: its first line, up to the end of
    the first sentence, cut at a word within ``limit`` characters (the agent types it once)."""
    first = next((line.strip() for line in description.splitlines() if line.strip()), "")
    first = _SENTENCE_END.split(first, maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first.rstrip(".")
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut or first[: limit - 1]}…"


def quoted(label: str) -> str:
    return f"‘{str(label).rstrip('?')}’"


def name_the_required_fields(form: forms.Form) -> forms.Form:
    """Replace Django's "This field is required." with a message that names the field, in the
    GOV.UK style ("Select …" for choices, "Enter …" for text), so the error summary says which."""
    default = forms.Field.default_error_messages["required"]
    for field in form.fields.values():
        if str(field.error_messages.get("required", "")) != str(default):
            continue
        choosing = isinstance(
            field.widget, (forms.RadioSelect, forms.Select, forms.CheckboxSelectMultiple)
        )
        verb = "Select" if choosing else "Enter"
        label = str(field.label or "")
        field.error_messages["required"] = f"{verb} the caller's answer to {quoted(label)}"
    return form


class ResidentLookupForm(forms.Form):
    q = forms.CharField(
        label="Find the resident",
        help_text="Name, email, phone number, postcode or case reference",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


class NewResidentForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the caller's full name"},
    )
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
        error_messages={"required": "Select how they want updates"},
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
        label="How did they contact us?",
        choices=ASSISTED_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they contacted us: phone call or visit"},
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
    case = forms.TypedChoiceField(
        label="Which case?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the case this contact is about"},
    )
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
        error_messages={"required": "Select the outcome"},
    )


class ServiceChoiceForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.filter(is_active=True),
        empty_label="Choose a service",
    )


class AssistedCaseForm(CaseDetailsForm):
    """A new case from a call or visit: one description, typed once, is the case's description,
    the contact's notes and (its first line) the summary."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["summary"]
        description = self.fields["description"]
        description.label = "What did they tell us?"
        description.help_text = (
            "In the caller's words. The first sentence becomes the case summary."
        )
        description.error_messages["required"] = "Enter what the caller told us about the problem"
        self.fields["address"].error_messages["required"] = "Enter the address or location"
        self.fields["postcode"].error_messages["required"] = "Enter the postcode of the place"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("description"):
            data["summary"] = derive_summary(data["description"])
        return data
