"""Sliding session expiry without a database write on every page view."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

#: When the session's expiry was last pushed forward (seconds since the epoch).
REFRESHED_AT = "_refreshed_at"


class SessionRefreshMiddleware:
    """Push a used session's expiry forward at most once every SESSION_REFRESH_SECONDS.

    Replaces SESSION_SAVE_EVERY_REQUEST, which wrote the session row (BEGIN, UPDATE, COMMIT) on
    every request even when nothing in it changed: that was three of a journey page's five
    queries. Inactivity still ends a session (staff after SESSION_COOKIE_AGE), to within
    SESSION_REFRESH_SECONDS. Sits just after SessionMiddleware, so it sees the response first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response  # nothing to keep alive, and never load a session just to check
        now = int(time.time())
        if (
            session.modified
            or now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS
        ):
            session[REFRESHED_AT] = now  # saved (and its cookie re-sent) by SessionMiddleware
        return response


@receiver(user_logged_in, dispatch_uid="portal.session_refresh.signed_in")
def _signed_in(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Signing in writes the session anyway: record that as its latest refresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED_AT] = int(time.time())
