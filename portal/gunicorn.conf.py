"""gunicorn settings for the web service (``gunicorn -c portal/gunicorn.conf.py portal.wsgi``).

A deploy must lose no request: ``kill -HUP`` (or ``docker compose up`` rolling the two web
instances behind the load balancer) starts new workers with the new code, and the old workers
finish every request they have accepted (up to graceful_timeout) before exiting. The listening
socket belongs to the master and is never closed, so connections queue instead of being refused.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Requests are short; a worker stuck for longer than this is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On HUP or TERM, old workers get this long to finish the requests they have.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Behind a load balancer that keeps connections open: longer than gunicorn's 2 s default so
# the balancer, not gunicorn, closes idle connections (no request lost on a closed socket).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are recycled now and then (with jitter, never all at once): a slow leak never grows.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Not preloaded: on HUP each new worker imports the new code; the master stays small.
preload_app = False
backlog = 2048
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
