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


#: Suggestions below this confidence are noise to a resident.
RESIDENT_MIN_CONFIDENCE = 0.2


@register.simple_tag
def services_for_description(text):
    """The start page's "describe your problem": the services the router thinks fit the words."""
    from router.placing import suggest

    return [s for s in suggest(text or "") if s["confidence"] >= RESIDENT_MIN_CONFIDENCE]


@register.simple_tag
def waiting_automatic_answer(case):
    """An automatic answer still waiting for "Did this answer your question?", if any."""
    from router.models import AutomaticAnswer

    if case.status != "awaiting_resident":
        return None
    return AutomaticAnswer.objects.filter(case=case, response="").first()
