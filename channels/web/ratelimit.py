"""Per-IP rate limits on the resident forms that write, counted in Django's cache (Redis in
production), so every web worker shares one count. A fixed window is enough to stop a bot
without ever blocking a person who sends a few forms. With Redis down the counts fall back to
each process (portal.shared_counts): the form is still accepted, and the limit still holds."""

import re
import time

from django.conf import settings
from django.http import HttpRequest

from portal import shared_counts

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse a rate: "10/h" is (10, 3600), "5/15m" is (5, 900)."""
    match = _RATE.match(rate or "")
    if not match:
        raise ValueError(f"A rate looks like 10/h or 5/15m, not {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit]


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind N trusted proxies (TRUSTED_PROXY_COUNT), the Nth address
    from the right of X-Forwarded-For: entries further left can be forged by the client.
    Without proxies, REMOTE_ADDR."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded: list[str] = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def allow(request: HttpRequest, scope: str) -> bool:
    """Count one attempt for this IP and scope; False once the limit for the window is passed."""
    limit, period = parse_rate(settings.WEB_RATE_LIMITS[scope])
    window = int(time.time() // period)
    key = f"web-rl:{scope}:{client_ip(request)}:{window}"
    return shared_counts.incr(key, period) <= limit


def retry_after(scope: str) -> int:
    """Seconds until the current window ends, for the Retry-After header."""
    _limit, period = parse_rate(settings.WEB_RATE_LIMITS[scope])
    return max(1, period - int(time.time()) % period)
