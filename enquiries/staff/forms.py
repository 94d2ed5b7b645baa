"""Staff forms: they validate input and nothing more; views hand the cleaned data to services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from enquiries import lifecycle
from enquiries.choices import Outcome, Status, UpdatePreference
from enquiries.models import Case, Department
from enquiries.references import InvalidReference, normalise_reference


class LoginForm(forms.Form):
    username = forms.CharField(
        label="User name",
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise ValidationError("The code is 6 numbers, for example 123456")
        return token


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, email, phone, postcode or case reference",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "spellcheck": "false"}),
    )


class CasePageForm(forms.Form):
    """A form on the case page, which holds several forms with like-named fields (body, reason):
    each renders its ids under its own prefix (``note-body``, ``reply-body``) so a label never
    points at another form's input. Field names, and so what is posted, are unchanged."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class StatusForm(CasePageForm):
    id_prefix = "status"
    status = forms.ChoiceField(label="New status", choices=())
    outcome = forms.ChoiceField(
        label="Outcome (when resolving or closing)",
        choices=[("", "Choose an outcome")]
        + [(v, label) for v, label in Outcome.choices if v and v != Outcome.DUPLICATE],
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the status change (internal)", max_length=500, required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asking the resident for information has its own form, which carries the question.
        self.fields["status"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (s, Status(s).label)
            for s in lifecycle.allowed_targets(case.status)
            if s != Status.AWAITING_RESIDENT
        ]


class AssignForm(CasePageForm):
    id_prefix = "assign"
    assignee = forms.TypedChoiceField(
        label="Assign to", choices=(), coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        people: list[Any] | None = None,
        choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """``people`` (users) to take a choice; ``choices`` ((id, name)) only to show one."""
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people or []}
        options = (
            choices
            if choices is not None
            else [(p.pk, p.get_full_name() or p.get_username()) for p in people or []]
        )
        self.fields["assignee"].choices = [("", "Nobody (back to the queue)"), *options]  # type: ignore[attr-defined]  # a TypedChoiceField

    def chosen(self) -> Any | None:
        pk = self.cleaned_data.get("assignee")
        return self.people.get(pk) if pk else None


class NoteForm(CasePageForm):
    id_prefix = "note"
    body = forms.CharField(
        label="Internal note",
        help_text="Only staff see notes. The resident never does.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(CasePageForm):
    id_prefix = "reply"
    body = forms.CharField(
        label="Reply to the resident",
        help_text="Sent by their preferred channel and shown on their tracking page.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TransferForm(CasePageForm):
    id_prefix = "transfer"
    department = forms.ModelChoiceField(
        label="Transfer to", queryset=Department.objects.none(), empty_label="Choose a team"
    )
    reason = forms.CharField(
        label="Reason for the transfer",
        help_text="Recorded in the timeline, so the new team need not ask the resident again.",
        max_length=500,
    )

    def __init__(
        self, *args: Any, case: Case, teams: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        """``teams`` ((id, name) of every department) shows the choice without a query; the
        choice taken is checked against the departments as they are (the queryset)."""
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = Department.objects.exclude(pk=case.department_id)  # type: ignore[attr-defined,misc]  # ModelChoiceField; None: IS NULL
        if teams is not None:
            here = str(case.department_id)
            field.choices = [("", "Choose a team"), *[t for t in teams if t[0] != here]]  # type: ignore[attr-defined]  # a ModelChoiceField


class MergeForm(CasePageForm):
    id_prefix = "merge"
    into = forms.CharField(
        label="Reference of the case to keep",
        help_text="This case closes as its duplicate; its contacts and followers move across.",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label="Reason for the merge (internal)", max_length=500, required=False
    )

    def clean_into(self) -> str:
        try:
            return normalise_reference(self.cleaned_data["into"])
        except InvalidReference as exc:
            raise ValidationError(str(exc)) from exc


class ResidentDetailsForm(forms.Form):
    """Staff change a resident's stored details; every change is recorded with who made it."""

    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    email = forms.CharField(
        label="Email address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label="Address", max_length=300, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    preferred_channel = forms.ChoiceField(
        label="Updates by", choices=UpdatePreference.choices, widget=forms.RadioSelect
    )
    consent_updates = forms.BooleanField(label="Agrees to get updates", required=False)
    reason = forms.CharField(
        label="Why are you correcting these details?",
        max_length=300,
        help_text="For example: the resident phoned to say their email address was wrong.",
        error_messages={"required": "Say why the details are being corrected."},
    )


class MatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "Same person"), ("reject", "Different")])
