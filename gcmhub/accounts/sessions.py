"""The database session store, with its one query per request compiled once (`SESSION_ENGINE`).

Behaviour is Django's `django.contrib.sessions.backends.db`: the same table, the same expiry
rule (a session whose `expire_date` has passed is not loaded), the same writes. Only the read
that every signed-in request makes runs as a prepared query (`gcmhub.lib.prepared`): Django
would build and compile the same SELECT at each request, which costs ten times what running it
costs.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from gcmhub.lib.prepared import prepared


@prepared
def session_by_key(session_key: str):
    return Session.objects.filter(session_key=session_key)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if type(self).get_model_class() is not Session:  # a subclass with its own model: Django's way
            return super()._get_session_from_db()  # type: ignore[misc]  # private in Django, absent from the stubs
        found = session_by_key(str(self.session_key))
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
