"""portal.db_sessions: a session update is one UPDATE statement; creating one is Django's."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session

from portal.db_sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_portal_uses_it():
    assert settings.SESSION_ENGINE == "portal.db_sessions"


def test_an_update_is_one_statement_and_is_kept(django_assert_num_queries):
    store = SessionStore()
    store["answers"] = {"depth": "4cm"}
    store.create()
    store = SessionStore(store.session_key)
    store.load()
    store["answers"] = {"depth": "10cm"}

    with django_assert_num_queries(1):  # no BEGIN and COMMIT around it
        store.save()

    assert SessionStore(store.session_key).load()["answers"] == {"depth": "10cm"}


def test_a_new_session_is_created_as_django_creates_it():
    store = SessionStore()
    store["x"] = 1
    store.save()

    assert Session.objects.filter(pk=store.session_key).exists()
    assert SessionStore(store.session_key).load() == {"x": 1}


def test_updating_a_session_whose_row_is_gone_fails_as_django_does():
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).delete()  # expired and cleared meanwhile
    store["x"] = 1

    with pytest.raises(UpdateError):
        store.save()
