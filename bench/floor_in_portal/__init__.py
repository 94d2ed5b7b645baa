"""The in-portal floor for bench/web_journey.py: a bare ModelForm view served by the portal itself
(its settings, middleware and base template). Bench-only: gunicorn loads it through
DJANGO_SETTINGS_MODULE=bench.floor_in_portal.settings; the portal's own URLs never include it."""
