"""{% gds_form %} renders every resident form exactly as {% crispy %} does (the same elements,
attributes, ids, aria links and text), blank, filled in, and with every kind of error."""

from types import SimpleNamespace

import pytest
from crispy_forms_gds.layout import Field, Size
from django import forms as django_forms
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils import timezone
from django.utils.safestring import mark_safe

from channels.web import forms as web_forms
from channels.web.forms import helper
from channels.web.templatetags import gds_forms

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
GDS = engines["django"].from_string("{% load gds_forms %}{% gds_form form %}")

QUESTIONS = [
    {"name": "t", "label": "Your <b>name</b>?", "type": "text", "required": True, "hint": "A&B"},
    {"name": "long", "label": "Long", "type": "text", "max_length": 300},
    {"name": "where", "label": "Exactly where?", "type": "location", "required": True},
    {"name": "c", "label": "How deep?", "type": "choice", "choices": ["<4cm", "4cm & more"]},
    {"name": "yn", "label": "On a bus route?", "type": "yes_no", "required": True},
    {"name": "n", "label": "How many?", "type": "number", "hint": "Count them"},
    {"name": "m", "label": "Which?", "type": "multi_choice", "choices": ["A", "B", "C"]},
    {"name": "d", "label": "When?", "type": "date", "required": True},  # handed to crispy
]


def service(location_based: bool) -> SimpleNamespace:
    return SimpleNamespace(is_location_based=location_based)


def nearby_case() -> SimpleNamespace:
    return SimpleNamespace(
        pk=7,
        address="Ribble Lane",
        postcode="PR1 8XJ",
        created_at=timezone.now(),
        resident_status_label="Received",
        answers={},
        service=None,
    )


# (name, how to make the form, data posted: None for a blank form)
CASES = [
    *[
        (f"question {q['type']} {q['name']} {state}", web_forms.QuestionForm, {"question": q}, data)
        for q in QUESTIONS
        for state, data in [
            ("blank", None),
            ("empty", {"answer": ""}),
            ("filled", {"answer": "x" * 301 if q["type"] != "number" else "-1"}),
            ("chosen", {"answer": q.get("choices", ["yes"])[0]}),
        ]
    ],
    ("where place blank", web_forms.WhereForm, {"about_a_place": True}, None),
    ("where address", web_forms.WhereForm, {"about_a_place": False}, {"postcode": "nope"}),
    ("where long", web_forms.WhereForm, {"about_a_place": True}, {"address": "x" * 400}),
    ("describe blank", web_forms.DescribeForm, {"service": service(True)}, None),
    ("describe empty", web_forms.DescribeForm, {"service": service(True)}, {"description": ""}),
    ("describe filled", web_forms.DescribeForm, {"service": service(False)}, {"description": "a"}),
    (
        "describe shared",
        web_forms.DescribeForm,
        {"service": service(True)},
        {"description": "x" * 6000, "share_publicly": "on"},
    ),
    ("contact blank", web_forms.ContactForm, {}, None),
    ("contact following", web_forms.ContactForm, {"following": True}, None),
    (
        "contact errors",
        web_forms.ContactForm,
        {},
        {"full_name": "x" * 300, "email": "not an email", "phone": "12", "updates": "sms"},
    ),
    ("contact no choice", web_forms.ContactForm, {}, {"email": "a@example.com"}),
    ("contact email", web_forms.ContactForm, {}, {"updates": "email"}),
    ("reply blank", web_forms.ReplyForm, {}, None),
    ("reply too long", web_forms.ReplyForm, {}, {"reply_key": "k", "body": "x" * 6000}),
    ("reply finished", web_forms.ReplyForm, {"finished": True}, None),
    ("reply finished errors", web_forms.ReplyForm, {"finished": True}, {"reply_key": "k"}),
    ("reply finished chosen", web_forms.ReplyForm, {"finished": True}, {"kind": "message"}),
    ("nearby", web_forms.NearbyForm, {"cases": [nearby_case()]}, None),
    ("nearby error", web_forms.NearbyForm, {"cases": [nearby_case()]}, {"follow": "9"}),
    ("self service", web_forms.SelfServiceForm, {}, {"answered": ""}),
    ("find", web_forms.FindForm, {}, {"reference": "x" * 30, "contact": ""}),
    ("stop updates", web_forms.StopUpdatesForm, {}, None),
    ("honeypot", web_forms.ContactForm, {}, {"website": "spam", "updates": "none"}),
]


def render(template, form):
    request = RequestFactory().get("/")
    return template.render({"form": form}, request)


def make(form_class, kwargs, data):
    form = form_class(data, **kwargs) if data is not None else form_class(**kwargs)
    if data is not None:
        form.is_valid()
    return form


@pytest.mark.parametrize(("name", "form_class", "kwargs", "data"), CASES, ids=[c[0] for c in CASES])
def test_gds_form_renders_what_crispy_renders(name, form_class, kwargs, data, monkeypatch):
    expected = render(CRISPY, make(form_class, kwargs, data))
    handed_over = []
    monkeypatch.setattr(gds_forms, "_crispy", lambda context, form: handed_over.append(form))
    got = "" if "date" in name else render(GDS, make(form_class, kwargs, data))
    monkeypatch.undo()
    if "date" in name:  # a date is crispy's: handed over whole
        got = render(GDS, make(form_class, kwargs, data))
    else:
        assert not handed_over, "rendered by crispy, not by gds_form"

    assert parse_html(got) == parse_html(expected), f"{name}:\n{got}\n---\n{expected}"


def test_initial_values_are_shown_as_crispy_shows_them():
    question = QUESTIONS[3]
    for initial in ({"answer": "<4cm"}, {"answer": None}):
        expected = render(CRISPY, web_forms.QuestionForm(question=question, initial=initial))
        got = render(GDS, web_forms.QuestionForm(question=question, initial=initial))
        assert parse_html(got) == parse_html(expected)
    checkboxes = QUESTIONS[6]
    expected = render(
        CRISPY, web_forms.QuestionForm(question=checkboxes, initial={"answer": ["B"]})
    )
    got = render(GDS, web_forms.QuestionForm(question=checkboxes, initial={"answer": ["B"]}))
    assert parse_html(got) == parse_html(expected)
    assert 'value="B" checked' in got.replace('="checked"', "")


def test_a_layout_it_does_not_know_is_handed_to_crispy():
    form = web_forms.StopUpdatesForm()
    form.helper = helper(Field.text("contact", label_size=Size.LARGE, wrapper_class="x"))
    form.helper.layout.fields[0].context["tag"] = "section"  # an option the renderer lacks

    got = render(GDS, form)

    other = web_forms.StopUpdatesForm()
    other.helper = helper(Field.text("contact", label_size=Size.LARGE, wrapper_class="x"))
    other.helper.layout.fields[0].context["tag"] = "section"
    assert parse_html(got) == parse_html(render(CRISPY, other))
    assert "<section" in got


WIDGETS = [
    django_forms.TextInput(attrs={"class": "a<b", "spellcheck": "false", "hidden": True}),
    django_forms.TextInput(attrs={"disabled": False, "data-x": mark_safe("<i>")}),
    django_forms.EmailInput(),
    django_forms.TelInput(attrs={"autocomplete": "tel"}),
    django_forms.NumberInput(),
    django_forms.HiddenInput(),
    django_forms.CheckboxInput(),
    django_forms.Textarea(attrs={"rows": 3}),
]
VALUES = [
    None,
    "",
    "O'Brien & <Co>",
    "\nstarts with a newline",
    mark_safe("<b>safe</b>"),
    12,
    True,
    False,
]


@pytest.mark.parametrize("widget", WIDGETS, ids=[type(w).__name__ for w in WIDGETS])
@pytest.mark.parametrize("value", VALUES)
def test_widgets_are_rendered_character_for_character_as_django_renders_them(widget, value):
    renderer = get_default_renderer()
    attrs = {"id": "id_x", "aria-describedby": "id_x_hint", "required": True}

    expected = widget.render("x", value, attrs=attrs, renderer=renderer)
    got = widget.render("x", value, attrs=attrs, renderer=gds_forms.WidgetRenderer(renderer))

    assert got == expected


def test_other_widgets_are_left_to_django():
    renderer = get_default_renderer()
    widget = django_forms.Select(choices=[("a", "A")])

    got = widget.render("x", "a", renderer=gds_forms.WidgetRenderer(renderer))

    assert got == widget.render("x", "a", renderer=renderer)


def test_an_unknown_item_after_known_ones_leaves_the_whole_form_to_crispy():
    def form():
        contact = make(web_forms.ContactForm, {}, {"full_name": "x" * 300, "updates": "sms"})
        contact.helper = helper(
            Field.text("full_name"), Field.text("phone", field_width=20), Field.radios("updates")
        )
        contact.helper.layout.fields[2].context["tag"] = "section"  # unknown: found first
        return contact

    assert render(GDS, form()) == render(CRISPY, form())  # nothing changed before handing over
