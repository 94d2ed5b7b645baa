"""Forms for the resident web channel.

GOV.UK question pages: one thing per page where it fits, the question as the page heading, laid
out with crispy-forms-gds. Every field has a length limit and a message that says how to fix it;
every form carries a honeypot that people never see; files are checked by their content.
"""

from collections.abc import Iterable
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Layout, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape

from enquiries import places
from enquiries.attachments import CheckedFile, IncomingFile, check_file
from enquiries.choices import UpdatePreference
from enquiries.models import Case, Service
from enquiries.normalise import is_mobile, normalise_email, normalise_phone, normalise_postcode
from enquiries.references import InvalidReference, normalise_reference

HONEYPOT = "website"
# Never shown: views answer a filled honeypot like success (channels/web/spam.py).
HONEYPOT_MESSAGE = "The hidden field was filled in."
MAX_TEXT = 5000
MAX_FILE_MB = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)


def helper(*fields: Any) -> FormHelper:
    form_helper = FormHelper()
    form_helper.form_tag = False
    form_helper.disable_csrf = True
    form_helper.layout = Layout(*fields)
    return form_helper


class WebForm(forms.Form):
    """Every resident form: a honeypot field, hidden from people by CSS, that bots fill in."""

    website = forms.CharField(required=False, label="Leave this field empty")

    def clean(self) -> dict[str, Any]:
        super().clean()
        if (self.data.get(HONEYPOT) or "").strip():
            raise ValidationError(HONEYPOT_MESSAGE, code="honeypot")
        return self.cleaned_data

    @property
    def is_bot(self) -> bool:
        return any(e.code == "honeypot" for e in self.non_field_errors().as_data())


# --- Files ----------------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by its content, not its name."""

    widget = MultipleFileInput

    def __init__(
        self, *args: Any, max_files: int = settings.ATTACHMENT_MAX_FILES, **kwargs: Any
    ) -> None:
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > self.max_files:
            raise ValidationError(
                f"Select up to {settings.ATTACHMENT_MAX_FILES} files in total. "
                "Remove a file to add another.",
                code="too_many",
            )
        checked: list[CheckedFile] = []
        problems: list[ValidationError] = []
        for upload in uploads:
            if upload.size > settings.ATTACHMENT_MAX_BYTES:  # before reading it into memory
                problems.append(
                    ValidationError(
                        f"The selected file {shown_name(upload.name)} must be smaller than "
                        f"{MAX_FILE_MB}MB.",
                        code="too_big",
                    )
                )
                continue
            incoming = IncomingFile(
                name=upload.name or "",
                content=upload.read(),
                declared_type=upload.content_type or "",
            )
            try:
                checked.append(check_file(incoming))
            except ValidationError as exc:
                problems.extend(exc.error_list)
        if problems:
            raise ValidationError(problems)
        return checked


def shown_name(name: str) -> str:
    from enquiries.attachments import safe_filename

    return safe_filename(name or "")


class FilesForm(WebForm):
    files = MultipleFileField(label="Upload a file")  # type: ignore[assignment]  # a field, not .files

    def __init__(self, *args: Any, kept: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].max_files = settings.ATTACHMENT_MAX_FILES - kept  # type: ignore[attr-defined]


# --- Journey pages --------------------------------------------------------------------------------


YES_NO = [("yes", "Yes"), ("no", "No")]


class QuestionForm(WebForm):
    """One of a service's extra questions (enquiries.questions), as its own page."""

    def __init__(self, *args: Any, question: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        kind = question["type"]
        required = bool(question.get("required", False))
        # crispy-forms-gds marks labels and hints safe: escape what the catalogue holds.
        label = escape(question["label"] + ("" if required else " (optional)"))
        hint = escape(question.get("hint", ""))
        quoted = f"‘{question['label'].rstrip('?')}’"
        if kind in ("text", "location"):
            max_length = question.get("max_length") or (500 if kind == "location" else 200)
            long = kind == "location" or max_length > 100
            field: forms.Field = forms.CharField(
                label=label,
                help_text=hint,
                required=required,
                max_length=max_length,
                widget=forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput,
                error_messages={
                    "required": f"Enter your answer to {quoted}",
                    "max_length": f"Your answer must be {max_length} characters or fewer",
                },
            )
            layout = (
                Field.textarea("answer", label_size=Size.LARGE, label_tag="h1")
                if long
                else Field.text("answer", label_size=Size.LARGE, label_tag="h1")
            )
        elif kind in ("choice", "yes_no"):
            choices = YES_NO if kind == "yes_no" else [(c, c) for c in question["choices"]]
            field = forms.ChoiceField(
                label=label,
                help_text=hint,
                required=required,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select your answer to {quoted}",
                    "invalid_choice": f"Select your answer to {quoted}",
                },
            )
            layout = Field.radios(
                "answer", legend_size=Size.LARGE, legend_tag="h1", inline=kind == "yes_no"
            )
        elif kind == "number":
            field = forms.IntegerField(
                label=label,
                help_text=hint,
                required=required,
                min_value=0,
                max_value=1_000_000_000,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
                error_messages={
                    "required": f"Enter your answer to {quoted}",
                    "invalid": "Enter a whole number, like 3",
                    "min_value": "Enter a whole number, like 3",
                    "max_value": "Enter a smaller number",
                },
            )
            layout = Field.text(
                "answer", label_size=Size.LARGE, label_tag="h1", field_width=Fixed.TEN
            )
        elif kind == "multi_choice":
            field = forms.MultipleChoiceField(
                label=label,
                help_text=hint,
                required=required,
                choices=[(c, c) for c in question["choices"]],
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": f"Select your answers to {quoted}",
                    "invalid_choice": f"Select your answers to {quoted}",
                },
            )
            layout = Field.checkboxes("answer", legend_size=Size.LARGE, legend_tag="h1")
        else:  # date
            from crispy_forms_gds.fields import DateInputField

            field = DateInputField(label=label, help_text=hint, required=required)
            field.error_messages.update(
                required="Enter the day, month and year", incomplete="Enter a real date"
            )
            layout = Field(
                "answer",
                context={"legend_size": Size.for_legend(Size.LARGE), "legend_tag": "h1"},
            )
        self.fields["answer"] = field
        self.helper = helper(layout)

    def clean_answer(self) -> Any:
        value = self.cleaned_data.get("answer")
        kind = self.question["type"]
        if value in (None, "", []):
            return None
        if kind == "yes_no":
            return value == "yes"
        if kind == "date":
            if value.year < 1900 or value.year > 2100:
                raise ValidationError("Enter a real date", code="invalid_date")
            return value.isoformat()
        return value.strip() if isinstance(value, str) else value

    @staticmethod
    def initial_for(question: dict[str, Any], stored: Any) -> Any:
        """What the session kept, in the shape the field shows."""
        from datetime import date

        if stored is None:
            return None
        if question["type"] == "yes_no":
            return "yes" if stored else "no"
        if question["type"] == "date":
            return date.fromisoformat(stored)
        return stored


class WhereForm(WebForm):
    address = forms.CharField(
        label="Street name or place",
        max_length=300,
        required=False,
        error_messages={"max_length": "The street name or place must be 300 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        error_messages={"max_length": "Enter a real UK postcode, like PR1 8XJ"},
    )
    # Filled by the map (static/js/where-map.js) when there is one; never needed without it.
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )

    def __init__(
        self, *args: Any, about_a_place: bool, service: Service | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.about_a_place = about_a_place
        self.service = service
        if about_a_place:
            legend = "Where is the problem?"
            self.fields["address"].help_text = "For example, Ribble Lane, Northmoor"
            self.fields["postcode"].help_text = "If you know it"
        else:
            legend = "What is your address? (optional)"
            self.fields["address"].label = "Address"
            self.fields["address"].help_text = "Building and street, town or city"
            self.fields["address"].widget.attrs["autocomplete"] = "street-address"
            self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"
        self.helper = helper(
            Fieldset(
                Field.text("address"),
                Field.text("postcode", field_width=10),
                legend=legend,
                legend_size=Size.LARGE,
                legend_tag="h1",
            ),
            "latitude",
            "longitude",
        )

    def clean_postcode(self) -> str:
        try:
            return normalise_postcode(self.cleaned_data.get("postcode", ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_postcode") from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("latitude") is None or cleaned.get("longitude") is None:
            cleaned["latitude"] = cleaned["longitude"] = None  # a half pin is no pin
        if not self.about_a_place:
            cleaned["latitude"] = cleaned["longitude"] = None
        nowhere = (
            not cleaned.get("address", "").strip()
            and not cleaned.get("postcode")
            and cleaned.get("latitude") is None
        )
        if self.about_a_place and not self.errors and nowhere:
            self.add_error(
                "address", "Enter a street name or place, or a postcode, or mark it on the map"
            )
        if self.about_a_place and self.service is not None and not self.errors:
            self._check_place(cleaned)
        return cleaned

    def _check_place(self, cleaned: dict[str, Any]) -> None:
        """Outside the council's area: say so now, before the resident writes anything."""
        errors = places.check_place(
            service=self.service,
            postcode=cleaned.get("postcode", ""),
            latitude=cleaned.get("latitude"),
            longitude=cleaned.get("longitude"),
        )
        for field, messages in errors.items():
            target = "postcode" if field == "postcode" else "address"
            for message in messages:
                self.add_error(target, message)


class NearbyForm(WebForm):
    NEW = "new"

    def __init__(self, *args: Any, cases: Iterable[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(case.pk), nearby_label(case)) for case in cases]
        choices.append((self.NEW, "No, it is a different problem"))
        self.fields["follow"] = forms.ChoiceField(
            label="Is it one of these problems we already know about?",
            help_text="If it is, we will add you to that report and send you its updates, "
            "instead of opening a new one.",
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select a report we already know about, or say it is different",
                "invalid_choice": "Select a report we already know about, or say it is different",
            },
        )
        self.helper = helper(Field.radios("follow", legend_size=Size.LARGE, legend_tag="h1"))


def nearby_label(case: Case) -> str:
    """What other residents may see about a report: place, date, status and its fixed-choice
    answers (places.public_snippet), never who or the description."""
    place = case.address or case.postcode
    label = f"{place}: reported {case.created_at:%-d %B %Y}, {case.resident_status_label.lower()}"
    snippet = places.public_snippet(case)
    return f"{label}. {snippet}" if snippet else label


class DescribeForm(WebForm):
    description = forms.CharField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"Your description must be {MAX_TEXT:,} characters or fewer"},
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["description"]
        if service.is_location_based:
            field.label = "Tell us about the problem"
            field.error_messages["required"] = "Enter a description of the problem"
        else:
            field.label = "What is your enquiry about?"
            field.error_messages["required"] = "Enter what your enquiry is about"
        field.help_text = "Do not include bank details or passwords."
        layout = [
            Field.textarea(
                "description", label_size=Size.LARGE, label_tag="h1", max_characters=MAX_TEXT
            )
        ]
        if service.is_location_based:  # "tell us once": others nearby may see it, if agreed
            self.fields["share_publicly"] = forms.BooleanField(
                required=False,
                label="Let other people reporting a problem nearby see my description and "
                "photos (never your name or contact details)",
                help_text="This helps them tell whether it is the same problem. Leave it "
                "unticked to keep them between you and the council.",
            )
            layout.append(Field.checkbox("share_publicly"))
        self.helper = helper(*layout)

    def clean_description(self) -> Any:
        return self.cleaned_data["description"].strip()


class ContactForm(WebForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"max_length": "Your name must be 200 characters or fewer"},
    )
    email = forms.CharField(
        label="Email address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"max_length": "Your email address must be 254 characters or fewer"},
    )
    phone = forms.CharField(
        label="UK phone number",
        max_length=20,
        required=False,
        help_text="For international numbers include the country code",
        widget=forms.TelInput(attrs={"autocomplete": "tel"}),
        error_messages={"max_length": "Your phone number must be 20 characters or fewer"},
    )
    updates = forms.ChoiceField(
        label="How should we send you updates?",
        choices=[
            (UpdatePreference.EMAIL, "By email"),
            (UpdatePreference.SMS, "By text message"),
            (UpdatePreference.NONE, "I do not want updates"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how we should send you updates"},
    )

    def __init__(self, *args: Any, following: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.following = following
        if following:
            self.fields["updates"].choices = self.fields["updates"].choices[:2]  # type: ignore[attr-defined]
        self.helper = helper(
            Field.text("full_name"),
            Field.text("email"),
            Field.text("phone", field_width=20),
            Field.radios("updates", legend_size=Size.MEDIUM, legend_tag="h2"),
        )

    def clean_full_name(self) -> Any:
        return self.cleaned_data["full_name"].strip()

    def clean_email(self) -> str:
        try:
            return normalise_email(self.cleaned_data["email"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_email") from exc

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_phone") from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        updates = cleaned.get("updates")
        if (
            updates == UpdatePreference.EMAIL
            and not cleaned.get("email")
            and "email" not in (self.errors)
        ):
            self.add_error("email", "Enter an email address so that we can send you updates")
        if updates == UpdatePreference.SMS and "phone" not in self.errors:
            phone = cleaned.get("phone")
            if not phone:
                self.add_error("phone", "Enter a mobile number so that we can text you updates")
            elif not is_mobile(phone):
                self.add_error("phone", "Enter a mobile number, like 07700 900 982, for texts")
        return cleaned


class SubmitForm(WebForm):
    """Check your answers: the journey's key makes a double click or a resubmission one case."""

    journey_key = forms.CharField(max_length=64)


# --- Other resident forms -------------------------------------------------------------------------


class SelfServiceForm(WebForm):
    answered = forms.ChoiceField(
        label="Did this answer your question?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this answered your question"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("answered", legend_size=Size.MEDIUM, legend_tag="h2", inline=True)
        )


class ReplyForm(WebForm):
    reply_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    body = forms.CharField(
        label="Add information or reply",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="We will add this to your enquiry.",
        error_messages={"max_length": f"Your message must be {MAX_TEXT:,} characters or fewer"},
    )
    files = MultipleFileField(label="Add photos or documents (optional)")  # type: ignore[assignment]

    NOT_SORTED = "not_sorted"
    MESSAGE = "message"

    def __init__(self, *args: Any, finished: bool = False, **kwargs: Any) -> None:
        """``finished``: the case is resolved or closed, so the resident chooses plainly between
        "This is not sorted" (reopens it) and "Send a message" (enquiries/replies.py decides)."""
        super().__init__(*args, **kwargs)
        layout = [
            Field.textarea("body", label_size=Size.MEDIUM, label_tag="h2", max_characters=MAX_TEXT)
        ]
        if finished:
            from crispy_forms_gds.choices import Choice

            self.fields["kind"] = forms.ChoiceField(
                label="Is your enquiry sorted?",
                choices=[
                    Choice(
                        self.NOT_SORTED,
                        "This is not sorted",
                        hint="We will reopen your enquiry. Tell us what is still wrong.",
                    ),
                    Choice(
                        self.MESSAGE,
                        "Send a message",
                        hint="For example, to say thank you or add something. "
                        "Your enquiry stays resolved unless your message needs an answer.",
                    ),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Select whether your enquiry is not sorted or you want to "
                    "send a message"
                },
            )
            self.fields["body"].label = "Your message"
            self.fields["body"].help_text = ""
            layout.insert(0, Field.radios("kind", legend_size=Size.MEDIUM, legend_tag="h2"))
        self.helper = helper(*layout)

    @property
    def not_sorted(self) -> bool:
        return self.cleaned_data.get("kind") == self.NOT_SORTED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors or cleaned.get("body", "").strip():
            return cleaned
        if cleaned.get("kind") == self.NOT_SORTED:
            self.add_error("body", "Tell us what is not sorted")
        elif not cleaned.get("files"):
            self.add_error("body", "Enter your message, or add a file")
        return cleaned


def normalise_contact_detail(value: str) -> str:
    """An email address or a phone number, in the form we store it."""
    value = (value or "").strip()
    if "@" in value:
        return normalise_email(value)
    return normalise_phone(value)


class ContactDetailField(forms.CharField):
    default_error_messages = {
        "required": "Enter the email address or phone number you gave us",
        "max_length": "Enter an email address or phone number of 254 characters or fewer",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("label", "Email address or phone number")
        kwargs.setdefault("help_text", "The one you gave us when you got in touch")
        kwargs.setdefault("widget", forms.TextInput(attrs={"spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        try:
            return normalise_contact_detail(value)
        except ValidationError as exc:
            raise ValidationError(
                "Enter an email address, like name@example.com, or a phone number, "
                "like 07700 900 982",
                code="invalid_contact",
            ) from exc


class FindForm(WebForm):
    reference = forms.CharField(
        label="Reference",
        max_length=20,
        help_text="For example, 7KQ-M4X-R9P",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={
            "required": "Enter your case reference, for example 7KQ-M4X-R9P",
            "max_length": "A case reference has 9 letters and numbers, for example 7KQ-M4X-R9P",
        },
    )
    contact = ContactDetailField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.text("reference", field_width=10), Field.text("contact"))

    def clean_reference(self) -> str:
        try:
            return normalise_reference(self.cleaned_data["reference"])
        except InvalidReference as exc:
            raise ValidationError(str(exc), code="invalid_reference") from exc


class StopUpdatesForm(WebForm):
    contact = ContactDetailField(
        label="Email address or phone number we send updates to",
        help_text="So that we stop the right person’s updates",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.text("contact"))
