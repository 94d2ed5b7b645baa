"""The project's crispy-forms-gds 2.0.1 template overrides fix three known faults.

Templates only: no database. Each fault is checked through {% crispy %} (layout objects) and,
where the fault does not depend on the layout, through |crispy too.
"""

from html.parser import HTMLParser
from pathlib import Path

import crispy_forms_gds
import pytest
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.template.loader import get_template

CHOICES = [("email", "Email"), ("phone", "Phone"), ("post", "Post")]


class Elements(HTMLParser):
    """Every start tag's attributes, so tests assert on classes and ids, not on whitespace."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def by_id(self, element_id: str) -> dict[str, str]:
        matches = [attrs for _, attrs in self.tags if attrs.get("id") == element_id]
        assert len(matches) == 1, f"expected one element with id {element_id!r}, got {matches}"
        return matches[0]

    def with_class(self, css_class: str) -> list[dict[str, str]]:
        return [attrs for _, attrs in self.tags if css_class in attrs.get("class", "").split()]


def classes(attrs: dict[str, str]) -> set[str]:
    return set(attrs.get("class", "").split())


class ContactForm(forms.Form):
    """A form with one field for each fault, laid out with crispy-forms-gds layout objects."""

    notes = forms.CharField(label="Tell us what happened", widget=forms.Textarea)
    contact_method = forms.ChoiceField(
        label="How should we contact you?", choices=CHOICES, widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label="Topics", choices=CHOICES, widget=forms.CheckboxSelectMultiple
    )
    email = forms.EmailField(label="Email address")
    phone = forms.CharField(label="Phone number", widget=forms.TelInput)
    mobile = forms.CharField(label="Mobile", widget=forms.TextInput(attrs={"type": "tel"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("notes", max_characters=500),
            Field.radios("contact_method", inline=True),
            Field("topics", context={"inline": True}),
            Field.text("email"),
            Field.text("phone"),
            Field.text("mobile"),
        )


INVALID = {"notes": "", "email": "not-an-email", "phone": "", "mobile": ""}


def render_crispy(form: forms.Form) -> Elements:
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    return Elements(html)


def render_filter(form: forms.Form) -> Elements:
    html = Template("{% load crispy_forms_filters %}{{ form|crispy }}").render(
        Context({"form": form})
    )
    return Elements(html)


def test_the_project_overrides_are_the_templates_in_use() -> None:
    """DIRS must win over the package's app templates, or none of the fixes apply."""
    project_templates = Path(settings.BASE_DIR) / "templates"
    for name in ("gds/field.html", "gds/layout/radios.html", "gds/layout/checkboxes.html"):
        origin = Path(get_template(name).origin.name)
        assert origin.is_relative_to(project_templates), f"{name} loaded from {origin}"


def test_overrides_were_copied_from_crispy_forms_gds_2_0() -> None:
    """The overrides are edited copies of 2.0.x templates: re-check them on any upgrade."""
    assert crispy_forms_gds.__version__.startswith("2.0."), crispy_forms_gds.__version__


# --- Fault 1: character count without help text raised KeyError: 'aria-describedby' -------


def test_character_count_without_help_text_renders() -> None:
    page = render_crispy(ContactForm())

    textarea = page.by_id("id_notes")
    assert {"govuk-textarea", "govuk-js-character-count"} <= classes(textarea)
    assert textarea["aria-describedby"] == "id_notes-info"
    assert "govuk-character-count__message" in classes(page.by_id("id_notes-info"))
    (wrapper,) = page.with_class("govuk-character-count")
    assert wrapper["data-module"] == "govuk-character-count"
    assert wrapper["data-maxlength"] == "500"


def test_character_count_without_help_text_shows_errors() -> None:
    page = render_crispy(ContactForm(data=INVALID))

    textarea = page.by_id("id_notes")
    assert {"govuk-textarea", "govuk-js-character-count", "govuk-input--error"} <= classes(textarea)
    assert textarea["aria-describedby"].split() == ["id_notes_1_error", "id_notes-info"]
    page.by_id("id_notes_1_error")


def test_word_count_without_help_text_renders() -> None:
    form = ContactForm()
    form.helper.layout = Layout(Field.textarea("notes", max_words=150))
    page = render_crispy(form)

    assert page.by_id("id_notes")["aria-describedby"] == "id_notes-info"
    (wrapper,) = page.with_class("govuk-character-count")
    assert wrapper["data-maxwords"] == "150"


def test_character_count_with_help_text_keeps_the_package_behaviour() -> None:
    form = ContactForm()
    form.fields["notes"].help_text = "Do not include personal details."
    page = render_crispy(form)

    textarea = page.by_id("id_notes")
    assert textarea["aria-describedby"].split() == ["id_notes_hint", "id_notes-info"]
    assert classes(textarea) == {"govuk-textarea", "govuk-js-character-count"}


def test_character_count_renders_the_same_form_twice() -> None:
    """A re-render (e.g. the page and a partial) must not fail or lose the JS hook class."""
    form = ContactForm()
    render_crispy(form)
    textarea = render_crispy(form).by_id("id_notes")
    assert "govuk-js-character-count" in classes(textarea)
    assert "id_notes-info" in textarea["aria-describedby"].split()


# --- Fault 2: inline radios and checkboxes lost their base class -------------------------


def test_inline_radios_keep_the_govuk_radios_class() -> None:
    page = render_crispy(ContactForm())

    (radios,) = page.with_class("govuk-radios")
    assert classes(radios) == {"govuk-radios", "govuk-radios--inline"}
    assert page.by_id("id_contact_method_1")["type"] == "radio"


def test_stacked_radios_are_unchanged() -> None:
    form = ContactForm()
    form.helper.layout = Layout(Field.radios("contact_method"))
    (radios,) = render_crispy(form).with_class("govuk-radios")
    assert classes(radios) == {"govuk-radios"}


def test_inline_checkboxes_keep_the_govuk_checkboxes_class() -> None:
    page = render_crispy(ContactForm())

    (checkboxes,) = page.with_class("govuk-checkboxes")
    assert classes(checkboxes) == {"govuk-checkboxes", "govuk-checkboxes--inline"}
    assert page.by_id("id_topics_1")["type"] == "checkbox"


def test_inline_checkboxes_have_a_layout_rule() -> None:
    """GOV.UK Frontend has no inline checkboxes, so the modifier needs the council's CSS."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
    assert ".govuk-checkboxes--inline {" in css


# --- Fault 3: email/telephone inputs got no error class, TelInput no govuk-input ----------


@pytest.mark.parametrize("render", [render_crispy, render_filter], ids=["crispy-tag", "filter"])
def test_email_input_gets_the_error_class(render) -> None:
    assert classes(render(ContactForm()).by_id("id_email")) == {"govuk-input"}
    invalid = render(ContactForm(data=INVALID)).by_id("id_email")
    assert classes(invalid) == {"govuk-input", "govuk-input--error"}
    assert invalid["aria-describedby"] == "id_email_1_error"


@pytest.mark.parametrize("render", [render_crispy, render_filter], ids=["crispy-tag", "filter"])
def test_tel_input_gets_govuk_input_and_error_classes(render) -> None:
    valid = render(ContactForm()).by_id("id_phone")
    assert valid["type"] == "tel"
    assert "govuk-input" in classes(valid)
    assert "govuk-input--error" not in classes(valid)

    invalid = render(ContactForm(data=INVALID)).by_id("id_phone")
    assert {"govuk-input", "govuk-input--error"} <= classes(invalid)
    assert invalid["aria-describedby"] == "id_phone_1_error"


def test_text_input_with_type_tel_keeps_working() -> None:
    invalid = render_crispy(ContactForm(data=INVALID)).by_id("id_mobile")
    assert invalid["type"] == "tel"
    assert classes(invalid) == {"govuk-input", "govuk-input--error"}


def test_other_html5_inputs_get_govuk_input() -> None:
    """URL, number and search inputs share TelInput's fault, password inputs EmailInput's."""

    class Other(forms.Form):
        website = forms.URLField()
        count = forms.IntegerField()
        query = forms.CharField(widget=forms.SearchInput)
        password = forms.CharField(widget=forms.PasswordInput)

    for form, expected in ((Other(), {"govuk-input"}), (Other(data={}), {"govuk-input--error"})):
        page = render_filter(form)
        for field_id in ("id_website", "id_count", "id_query", "id_password"):
            assert {"govuk-input", *expected} <= classes(page.by_id(field_id)), field_id


# --- The error summary links to the inputs crispy-forms-gds renders -----------------------


def render_summary(form: forms.Form) -> tuple[str, Elements]:
    html = Template('{% include "includes/error_summary.html" with form=form %}').render(
        Context({"form": form})
    )
    return html, Elements(html)


def test_error_summary_links_each_error_to_its_input() -> None:
    class WithNonFieldError(ContactForm):
        def clean(self) -> dict:
            raise forms.ValidationError("Give us a way to contact you.")

    form = WithNonFieldError(data=INVALID)
    html, summary = render_summary(form)
    (box,) = summary.with_class("govuk-error-summary")
    assert box["data-module"] == "govuk-error-summary"
    assert any(attrs.get("role") == "alert" for tag, attrs in summary.tags if tag == "div")
    assert "There is a problem" in html
    assert "Give us a way to contact you." in html

    links = [attrs["href"] for tag, attrs in summary.tags if tag == "a"]
    assert links == [
        "#id_notes",
        "#id_contact_method_1",
        "#id_topics_1",
        "#id_email",
        "#id_phone",
        "#id_mobile",
    ]
    # Every target exists in the rendered form.
    page = render_crispy(form)
    for href in links:
        page.by_id(href.removeprefix("#"))


def test_error_summary_is_empty_without_errors() -> None:
    html, _ = render_summary(ContactForm())
    assert html.strip() == ""
