"""The web channel's journey helpers serve the router's tests too (rate limits lifted)."""

from tests.channels.web.conftest import _generous_rate_limits  # noqa: F401
