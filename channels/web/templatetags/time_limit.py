"""The time limit on a resident's answers, shown on every question page (WCAG 2.2.1)."""

from datetime import timedelta
from typing import Any

from django import template
from django.conf import settings
from django.utils import csp, timezone

register = template.Library()


@register.inclusion_tag("web/journey/_time_limit.html", takes_context=True)
def answers_time_limit(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    seconds = request.session.get_expiry_age()
    return {
        "seconds": seconds,
        "minutes": seconds // 60,
        "kept_until": timezone.localtime() + timedelta(seconds=seconds),
        "warn_seconds": min(settings.JOURNEY_TIME_WARNING_SECONDS, seconds // 2),
        "csrf_token": context.get("csrf_token"),
        csp.CONTEXT_KEY: context.get(csp.CONTEXT_KEY),
    }
