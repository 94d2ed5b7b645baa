"""Template hooks for pages owned by other apps: each is one include plus this tag."""

from types import SimpleNamespace

from django import template

from router import outcomes
from router.forms import IsItSortedForm
from router.models import Classification

register = template.Library()


@register.simple_tag
def is_it_sorted_question(case):
    """The open "Is it sorted?" question of a resolved case, with its empty form; else None."""
    question = outcomes.open_question(case)
    return SimpleNamespace(question=question, form=IsItSortedForm()) if question else None


@register.simple_tag
def router_suggestions(case):
    """The router's suggestions for a case still without a service (Triage's choices)."""
    if case.service_id:
        return None
    return Classification.objects.filter(case=case).first()
