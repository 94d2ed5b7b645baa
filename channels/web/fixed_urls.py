"""Reversing a URL whose arguments come from a small fixed set, once per process.

Django's reverse() took ~50 µs a call here (it asks for the active language three times), and
a journey page reversed a dozen: the footer's and the menu's links, each "Change" link on
"Check your answers", the next and previous steps. Only names with no arguments, or with a
service's slug and a step (a few hundred in all), belong here: never a token or an id, which
would grow the memo without end.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_url(name: str, *args: str) -> str:
    """``reverse(name, args=args)``, remembered for this script prefix and URLconf."""
    return _reversed(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, name, args)


@functools.lru_cache(maxsize=4096)
def _reversed(prefix: str, urlconf: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args, urlconf=urlconf)
