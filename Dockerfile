FROM python:3.13-slim

# Production settings unless told otherwise: every secret (SECRET_KEY, DATABASE_URL...) must come
# from the environment, and start-up stops with a hint when one is missing.
ENV PORTAL_ENV=production PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PORTAL_VAR_DIR=/srv/portal/var MEDIA_ROOT=/srv/portal/media STATIC_ROOT=/srv/portal/static

RUN apt-get update && apt-get install -y --no-install-recommends curl libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 portal \
    && mkdir -p /srv/portal/var /srv/portal/media /srv/portal/static && chown -R portal /srv/portal

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN pip install --no-deps . \
    && PORTAL_ENV=development python manage.py collectstatic --noinput \
    && chown -R portal /srv/portal

USER portal
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD curl -fsS http://127.0.0.1:8000/healthz/ready || exit 1
CMD ["gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"]
