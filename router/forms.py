from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from enquiries.text import clean_text


def _helper(*fields) -> FormHelper:
    form_helper = FormHelper()
    form_helper.form_tag = False
    form_helper.disable_csrf = True
    form_helper.layout = Layout(*fields)
    return form_helper


class HelpedForm(forms.Form):
    helped = forms.ChoiceField(
        label="Did this answer your question?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the answer answered your question"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("helped", legend_size=Size.MEDIUM, legend_tag="h2", inline=True)
        )


class IsItSortedForm(forms.Form):
    is_sorted = forms.ChoiceField(
        label="Is your enquiry sorted?",
        choices=[("yes", "Yes, it is sorted"), ("no", "No, it is not sorted")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if your enquiry is sorted"},
    )
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with how we handled it? (optional)",
        choices=[("", "Not saying")] + [(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Tell us why (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "What you tell us must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("is_sorted", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.radios("satisfaction", legend_size=Size.SMALL, inline=True),
            Field.textarea("reason"),
        )

    def clean_reason(self) -> str:
        return clean_text(self.cleaned_data["reason"]).strip()


class ChooseServiceForm(forms.Form):
    service = forms.SlugField()
