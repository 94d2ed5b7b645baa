"""An abandoned online form's answers (kept in its session) go once the session expires."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from enquiries import tasks

pytestmark = pytest.mark.django_db


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["journey"] = {"full_name": "Ada Abandoned", "email": "ada@example.org"}
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_expired_sessions_are_cleared_every_hour_and_live_ones_kept():
    expired = _session(timedelta(minutes=-1))
    live = _session(timedelta(minutes=20))

    assert tasks.clear_expired_sessions() == 1

    assert not Session.objects.filter(pk=expired).exists()
    assert Session.objects.filter(pk=live).exists()
    job = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert job["task"] == "enquiries.tasks.clear_expired_sessions" and job["schedule"] <= 3600
