"""Database sessions whose update is one statement.

Django's database session store wraps every save in a transaction (BEGIN, UPDATE, COMMIT) so
that a failed INSERT of a new session cannot break an outer transaction. An update needs no
such guard: it is one UPDATE statement, atomic on its own, and nothing outside the request's
response handling is open around it. Every answer a resident saves in the journey writes the
session, so this takes two round trips off each of those requests (and off filing the case).
New sessions (and a changed key, at sign-in) are still created as Django creates them.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, router


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create)
            return
        data = self._get_session()  # type: ignore[attr-defined]  # Django's loader; not in django-stubs
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            obj.save(force_update=True, using=using)  # raises when the row is gone (expired)
        except DatabaseError as exc:
            raise UpdateError from exc
