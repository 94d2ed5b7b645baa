"""portal.db_sessions: outside a transaction a session update is one UPDATE committed without
waiting for the disk; everything else (and every other transaction) is Django's own."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.db_sessions import SessionStore


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def saved_session() -> SessionStore:
    store = SessionStore()
    store["answers"] = {"depth": "4cm"}
    store.create()
    store = SessionStore(store.session_key)
    assert store["answers"] == {"depth": "4cm"}  # read (and kept) as a request reads it
    return store


def test_the_portal_uses_it():
    assert settings.SESSION_ENGINE == "portal.db_sessions"


@pytest.mark.django_db(transaction=True)
def test_an_update_is_one_statement_kept_and_other_commits_stay_synchronous():
    store = saved_session()
    store["answers"] = {"depth": "10cm"}

    with CaptureQueriesContext(connection) as queries:
        store.save()

    assert len(queries) == 1  # no BEGIN and COMMIT around it
    assert "synchronous_commit" in queries[0]["sql"]
    assert SessionStore(store.session_key).load()["answers"] == {"depth": "10cm"}
    assert synchronous_commit() == "on"  # only that statement's own transaction was asynchronous
    with transaction.atomic():
        assert synchronous_commit() == "on"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_it_is_djangos_save_and_leaves_the_transaction_synchronous():
    store = saved_session()
    store["answers"] = {"depth": "10cm"}

    with transaction.atomic():
        store.save()
        assert synchronous_commit() == "on"

    assert SessionStore(store.session_key).load()["answers"] == {"depth": "10cm"}


@pytest.mark.django_db
def test_a_new_session_is_created_as_django_creates_it():
    store = SessionStore()
    store["x"] = 1
    store.save()

    assert Session.objects.filter(pk=store.session_key).exists()
    assert SessionStore(store.session_key).load() == {"x": 1}


@pytest.mark.django_db(transaction=True)
def test_updating_a_session_whose_row_is_gone_fails_as_django_does():
    store = saved_session()
    Session.objects.filter(pk=store.session_key).delete()  # expired and cleared meanwhile
    store["x"] = 1

    with pytest.raises(UpdateError):
        store.save()


@pytest.mark.django_db
def test_a_read_is_one_plain_select_of_the_unexpired_row():
    store = saved_session()

    with CaptureQueriesContext(connection) as queries:
        loaded = SessionStore(store.session_key).load()

    assert loaded == {"answers": {"depth": "4cm"}}
    assert len(queries) == 1
    assert "expire_date >" in queries[0]["sql"]


@pytest.mark.django_db
def test_an_expired_session_reads_as_a_new_empty_one():
    store = saved_session()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now())

    reader = SessionStore(store.session_key)

    assert reader.load() == {}
    assert reader.session_key is None  # a new key is made when it is next saved


@pytest.mark.django_db
def test_an_unknown_or_missing_key_reads_as_empty():
    assert SessionStore("nosuchkeyxxxxxxxxxxxxxxxxxxxxxxx").load() == {}
    assert SessionStore().load() == {}


@pytest.mark.django_db
def test_a_tampered_session_reads_as_empty():
    store = saved_session()
    Session.objects.filter(pk=store.session_key).update(session_data="not-signed-data")

    assert SessionStore(store.session_key).load() == {}
