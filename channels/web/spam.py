"""The honeypot: a bot that fills in the hidden field gets the answer a person would get on
success (so it learns nothing to adapt to), nothing is stored, and the attempt is logged."""

import logging

from django import forms
from django.http import HttpRequest

from channels.web import ratelimit

logger = logging.getLogger(__name__)


def caught(request: HttpRequest, form: forms.Form | None) -> bool:
    """True when the form was refused only because of the honeypot; logs it at warning."""
    if form is None or not form.is_bound or not getattr(form, "is_bot", False):
        return False
    logger.warning(
        "Honeypot filled in on %s from %s: answered as success, nothing stored",
        request.path,
        ratelimit.client_ip(request),
    )
    return True
