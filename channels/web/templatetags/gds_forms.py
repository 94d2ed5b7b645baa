"""``{% gds_form form %}``: the resident forms' GOV.UK fields, rendered in Python.

``{% crispy form %}`` (crispy-forms-gds, with the project's overrides in templates/gds/) renders
a dozen small templates per field (0.5-1.5 ms of a 5 ms question page, in process). This renders
the same markup (the same elements, attributes, ids and aria links; tests compare the two) for
the layouts the resident journey uses: text inputs, textareas (with a character count), radios,
checkboxes, a single checkbox, fieldsets and hidden fields. Inputs are rendered by the form's own
widgets, after the same changes crispy-forms-gds makes to their attributes, with Django's input
and textarea templates done in Python (WidgetRenderer, byte for byte). A layout, field or option
it does not know is found before anything is rendered, and the whole form is handed to
``{% crispy %}`` unchanged.
"""

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Layout
from django import forms, template
from django.forms import BoundField
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.template import Context, Engine
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

#: crispy-forms-gds's CSS class for each widget (CrispyGDSFieldNode's converters).
WIDGET_CLASS = {
    "checkboxinput": "govuk-checkboxes__input",
    "select": "govuk-select",
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "passwordinput": "govuk-input",
    "textarea": "govuk-textarea",
    "clearablefileinput": "govuk-file-upload",
}
#: The options of Field.text/textarea/radios/checkboxes/checkbox this renderer knows.
KNOWN_CONTEXT = {
    "label_size",
    "label_tag",
    "legend_size",
    "legend_tag",
    "max_characters",
    "max_words",
    "threshold",
    "checkboxes_small",
    "radios_small",
    "radios_inline",
}
FIELD_TEMPLATE = "%s/field.html"


class Unsupported(Exception):
    """Something this renderer does not do: crispy-forms renders the form instead."""


@register.simple_tag(takes_context=True)
def gds_form(context: Context, form: forms.Form) -> SafeString:
    """The form's helper layout as crispy-forms-gds renders it (no <form> tag, no CSRF)."""
    helper = form.helper  # type: ignore[attr-defined]
    try:
        _check_helper(helper, form)
        for item in helper.layout.fields:  # all checked before any widget is changed
            _check(item, form)
        form.use_required_attribute = False  # as crispy-forms-gds: errors are the GOV.UK way
        return mark_safe("".join(_render(item, form) for item in helper.layout.fields))  # noqa: S308 - every value is escaped below
    except Unsupported:
        return _crispy(context, form)


def _check_helper(helper: Any, form: forms.Form) -> None:
    if (
        not isinstance(helper.layout, Layout)
        or helper.form_tag
        or not helper.disable_csrf
        or helper.inputs
        or helper.label_size
        or helper.legend_size
        or helper.help_text_inline
        or not helper.form_show_errors
        or not helper.form_show_labels
        or helper.field_template
        or helper.template
        or helper.render_unmentioned_fields
        or helper.render_hidden_fields
        or getattr(helper, "html5_required", False)
        or (helper.show_non_field_errors and form.non_field_errors())
    ):
        raise Unsupported


def _crispy(context: Context, form: forms.Form) -> SafeString:
    tag = Engine.get_default().from_string("{% load crispy_forms_tags %}{% crispy form %}")
    with context.push(form=form):
        return mark_safe(tag.render(context))  # noqa: S308 - crispy-forms' own output


def _check(item: Any, form: forms.Form, attrs: dict[str, Any] | None = None) -> None:
    """Raise Unsupported for anything _render does not render as crispy-forms-gds does."""
    if isinstance(item, str):
        if item not in form.fields or (attrs or {}).get("type") == "hidden":
            raise Unsupported
        widget = form.fields[item].widget
        if isinstance(
            widget, forms.MultiWidget | forms.Select | forms.FileInput
        ) and not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            raise Unsupported  # dates, selects, file inputs: crispy-forms-gds's own templates
    elif isinstance(item, Fieldset):
        if item.css_id or item.flat_attrs or item.template != "%s/layout/fieldset.html":
            raise Unsupported
        for child in item.fields:
            _check(child, form)
    elif type(item) is Field and item.template == FIELD_TEMPLATE:
        if not set(item.context) <= KNOWN_CONTEXT:
            raise Unsupported
        for name in item.fields:
            if not isinstance(name, str):
                raise Unsupported
            _check(name, form, item.attrs)
    else:
        raise Unsupported


def _render(item: Any, form: forms.Form) -> str:
    if isinstance(item, str):
        return _field(form, item, {}, {})
    if isinstance(item, Fieldset):
        return _fieldset(item, form)
    return "".join(_field(form, name, item.attrs, item.context) for name in item.fields)


def _fieldset(item: Fieldset, form: forms.Form) -> str:
    options = item.context
    legend = ""
    if options.get("legend"):
        legend = _legend(str(options["legend"]), options)
    fields = "".join(_render(child, form) for child in item.fields)
    css = f' class="{conditional_escape(item.css_class)}"' if item.css_class else ""
    return f"<fieldset{css}>{legend}{fields}</fieldset>"


def _legend(label: str, options: dict[str, Any]) -> str:
    """A legend: the label is the form's own (marked safe by crispy-forms-gds: not escaped)."""
    size = f" {conditional_escape(options['legend_size'])}" if options.get("legend_size") else ""
    tag = options.get("legend_tag")
    inner = f'<{tag} class="govuk-fieldset__heading">{label}</{tag}>' if tag else label
    return f'<legend class="govuk-fieldset__legend{size}">{inner}</legend>'


def _field(form: forms.Form, name: str, attrs: dict[str, Any], options: dict[str, Any]) -> str:
    bound = form[name]
    widget = bound.field.widget
    widget.attrs.update(attrs)  # crispy_forms.utils.render_field
    if bound.is_hidden:
        return _str(bound)
    if isinstance(widget, forms.CheckboxSelectMultiple):
        group = _choices(bound, options, "checkbox")
    elif isinstance(widget, forms.RadioSelect):
        group = _choices(bound, options, "radio")
    elif isinstance(widget, forms.CheckboxInput):
        group = _checkbox(bound, options)
    else:
        group = _input(bound, options)
    css = " govuk-form-group--error" if bound.errors else ""
    if bound.css_classes():
        css += f" {conditional_escape(bound.css_classes())}"
    html = f'<div id="div_{bound.auto_id}" class="govuk-form-group{css}">{group}</div>'
    maxlength, maxwords = options.get("max_characters"), options.get("max_words")
    if maxlength or maxwords:
        data = f' data-maxlength="{maxlength}"' if maxlength else f' data-maxwords="{maxwords}"'
        if options.get("threshold"):
            data += f' data-threshold="{conditional_escape(options["threshold"])}"'
        html = (
            f'<div class="govuk-character-count" data-module="govuk-character-count"{data}>'
            f"{html}</div>"
        )
    return html


def _hint_and_errors(bound: BoundField) -> str:
    """gds/layout/help_text.html and field_errors.html: the hint is the form's own HTML."""
    html = ""
    if bound.help_text:
        html = f'<div id="{bound.auto_id}_hint" class="govuk-hint">{bound.help_text}</div>'
    for number, error in enumerate(bound.errors, start=1):
        message = conditional_escape(str(error))
        html += (
            f'<span id="{bound.auto_id}_{number}_error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {message}</span>'
        )
    return html


def _described_by(bound: BoundField) -> str:
    """The fieldset's aria-describedby of radios and checkboxes (gds/layout/radios.html)."""
    if not (bound.help_text or bound.errors):
        return ""
    ids = f"{bound.auto_id}_hint" if bound.help_text else ""
    ids += "".join(f" {bound.auto_id}_{n}_error" for n in range(1, len(bound.errors) + 1))
    return f' aria-describedby="{ids}"'


def _choices(bound: BoundField, options: dict[str, Any], kind: str) -> str:
    """Radios (templates/gds/layout/radios.html, radio_item.html) or checkboxes
    (templates/gds/layout/checkboxes.html): inputs made here, as those templates make them."""
    legend = _legend(str(bound.label), options) if bound.label else ""
    block = "radios" if kind == "radio" else "checkboxes"
    if kind == "radio":
        css = "govuk-radios"
        if options.get("radios_inline"):
            css += " govuk-radios--inline"
        if options.get("radios_small"):
            css += " govuk-radios--small"
        chosen = _checked_radio(bound.value())
    else:
        css = "govuk-checkboxes"
        if options.get("inline") or options.get("checkboxes_inline"):
            css += " govuk-checkboxes--inline"
        if options.get("checkboxes_small"):
            css += " govuk-checkboxes--small"
        chosen = _checked_boxes(bound.value())
    items = "".join(
        _choice(bound, kind, position, choice, chosen)
        for position, choice in enumerate(bound.field.choices, start=1)  # type: ignore[attr-defined]
    )
    return (
        f'<fieldset class="govuk-fieldset"{_described_by(bound)}>{legend}'
        f"{_hint_and_errors(bound)}"
        f'<div class="{css}" data-module="govuk-{block}">'
        f"{items}</div></fieldset>"
    )


def _checked_radio(value: Any) -> Any:
    text = "None" if value is None else str(value)  # the template's |stringformat:"s"
    return lambda choice: str(choice) == text


def _checked_boxes(value: Any) -> Any:
    def checked(choice: Any) -> bool:
        try:  # the template's "choice.0 in field.value or choice.0|stringformat:'s' in ..."
            return choice in value or str(choice) in value
        except TypeError:
            return False

    return checked


def _choice(bound: BoundField, kind: str, position: int, choice: Any, chosen: Any) -> str:
    value, label = choice[0], choice[1]
    hint, divider = getattr(choice, "hint", None), getattr(choice, "divider", None)
    block = "radios" if kind == "radio" else "checkboxes"
    input_id = f"id_{bound.html_name}_{position}"
    extra = ' checked="checked"' if chosen(value) else ""
    if hint:
        extra += f' aria-describedby="{input_id}_hint"'
    html = (
        f'<div class="govuk-{block}__item">'
        f'<input type="{kind}" name="{bound.html_name}" class="govuk-{block}__input" '
        f'id="{input_id}" value="{conditional_escape(value)}"{extra}>'
        f'<label class="govuk-label govuk-{block}__label" for="{input_id}">'
        f"{conditional_escape(label)}</label>"
    )
    if hint:
        html += (
            f'<span id="{input_id}_hint" class="govuk-hint govuk-{block}__hint">'
            f"{conditional_escape(hint)}</span>"
        )
    html += "</div>"
    if divider:
        html += f'<div class="govuk-{block}__divider">{conditional_escape(divider)}</div>'
    return html


def _checkbox(bound: BoundField, options: dict[str, Any]) -> str:
    small = " govuk-checkboxes--small" if options.get("checkboxes_small") else ""
    return (
        f'{_hint_and_errors(bound)}<div class="govuk-checkboxes{small}">'
        f'<div class="govuk-checkboxes__item">{_widget(bound)}'
        f'<label class="govuk-label govuk-checkboxes__label" for="{bound.id_for_label}">'
        f"{bound.label}</label></div></div>"
    )


def _input(bound: BoundField, options: dict[str, Any]) -> str:
    """A text input or textarea, as templates/gds/field.html (with its FIX 1 and FIX 3)."""
    html = ""
    if bound.label:
        size = f" {conditional_escape(options['label_size'])}" if options.get("label_size") else ""
        html = f'<label for="{bound.id_for_label}" class="govuk-label{size}">{bound.label}</label>'
        if options.get("label_tag"):
            tag = options["label_tag"]
            html = f'<{tag} class="govuk-label-wrapper">{html}</{tag}>'
    html += _hint_and_errors(bound)
    widget_attrs = bound.field.widget.attrs
    widget_type = bound.widget_type
    if (
        not bound.help_text
        and widget_attrs.get("class")
        and "govuk-js-character-count" in widget_attrs["class"]
    ):  # FIX 1
        character_count = widget_attrs.pop("class")
        html += _widget(
            bound, {"class": character_count, "aria-describedby": f"{bound.id_for_label}-info"}
        )
    elif widget_type in ("tel", "url", "number", "search"):  # FIX 3
        error = " govuk-input--error" if bound.errors else ""
        html += _widget(bound, {"class": f"govuk-input{error}"})
    elif bound.errors and widget_type in ("email", "password"):  # FIX 3
        html += _widget(bound, {"class": "govuk-input--error"})
    else:
        html += _widget(bound)
    maxlength, maxwords = options.get("max_characters"), options.get("max_words")
    if maxlength or maxwords:
        limit = f"{maxlength} characters" if maxlength else f"{maxwords} words"
        html += (
            f'<span id="{bound.id_for_label}-info" class="govuk-hint '
            f'govuk-character-count__message" aria-live="polite">You can enter up to {limit}</span>'
        )
    return html


def _widget(bound: BoundField, extra: dict[str, str] | None = None) -> str:
    """crispy_gds_field: the widget's class and aria-describedby as crispy-forms-gds sets
    them (on the widget, as it does), then the widget renders itself."""
    widget = bound.field.widget
    name = type(widget).__name__
    css = _classes(WIDGET_CLASS.get(name.lower(), name.lower()).split(), widget.attrs)
    attrs = widget.attrs
    if bound.help_text:
        attrs["aria-describedby"] = f"{bound.auto_id}_hint"
    if "govuk-js-character-count" in attrs.get("class", ""):
        if attrs["aria-describedby"]:  # a KeyError without a hint, as in crispy (FIX 1)
            attrs["aria-describedby"] += f" {bound.auto_id}-info"
        else:
            attrs["aria-describedby"] = f"{bound.auto_id}-info"
    if bound.errors:
        if name in ("Select", "TextInput", "Textarea"):
            css += " govuk-input--error"
        elif name in ("FileInput", "ClearableFileInput"):
            css += " govuk-file-upload--error"
        if not bound.help_text:
            attrs["aria-describedby"] = ""
        for number in range(1, len(bound.errors) + 1):
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = (
                f"{described} " if described else ""
            ) + f"{bound.auto_id}_{number}_error"
    attrs["class"] = css
    for key, value in (extra or {}).items():
        attrs[key] = f"{attrs[key]} {value}" if key in attrs else value
    return _str(bound)


def _str(bound: BoundField) -> str:
    """str(bound), with Django's input and textarea templates done in Python (WidgetRenderer)."""
    form = bound.form
    renderer = form.renderer
    if type(renderer) is not DjangoTemplates:
        return str(bound)
    form.renderer = WidgetRenderer(renderer)
    try:
        return str(bound)
    finally:
        form.renderer = renderer


#: Django's widget templates that are django/forms/widgets/input.html and nothing else.
INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "tel", "url", "number", "search", "hidden", "checkbox")
}
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


class WidgetRenderer(BaseRenderer):
    """The form renderer, except that input.html (with attrs.html) and textarea.html are made
    here, character for character as Django's templates make them; anything else is Django's."""

    def __init__(self, fallback: DjangoTemplates) -> None:
        self.fallback = fallback

    def get_template(self, template_name: str) -> Any:
        return self.fallback.get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context["widget"]
        if template_name in INPUT_TEMPLATES:
            value = widget["value"]
            shown = "" if value is None else f' value="{conditional_escape(_s(value))}"'
            return (
                f'<input type="{conditional_escape(widget["type"])}" '
                f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
            )
        if template_name == TEXTAREA_TEMPLATE:
            text = conditional_escape(widget["value"]) if widget["value"] else ""
            return (
                f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
                f"\n{text}</textarea>"
            )
        return self.fallback.render(template_name, context, request)


def _s(value: Any) -> str:
    """The templates' |stringformat:"s" (which keeps a safe string safe)."""
    text = "%s" % (value,)  # noqa: UP031 - exactly the filter's formatting
    return mark_safe(text) if isinstance(value, SafeData) else text  # noqa: S308 - was safe


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(_s(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _classes(base: list[str], attrs: dict[str, Any]) -> str:
    classes = list(base)
    for name in attrs.get("class", "").split():
        if name not in classes:
            classes.append(name)
    return " ".join(classes)
