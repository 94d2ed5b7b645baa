"""Admin-edited wording is Django template text: compiled once, and checked before it is saved.

Kept apart from ``notification_templates`` (which reads the rows) so that the model's ``clean()``
can use it without ``models`` importing the module that imports ``models`` (issue 17: no cycles).
"""

from functools import lru_cache
from typing import cast

from django.template import TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates, Template


@lru_cache(maxsize=256)
def compiled(text: str) -> Template:
    """Compiled once per process and wording (admin edits change the text, hence the key)."""
    engine = cast(DjangoTemplates, engines["django"])
    return engine.from_string("{% autoescape off %}" + text + "{% endautoescape %}")


def template_errors(subject: str, body: str) -> dict[str, list[str]]:
    """Syntax errors an admin should see before saving a template."""
    errors: dict[str, list[str]] = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            compiled(text)
        except TemplateSyntaxError as exc:
            errors[field] = [f"This is not valid template text: {exc}"]
    return errors
