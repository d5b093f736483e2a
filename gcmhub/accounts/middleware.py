import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import logout as auth_logout
from django.utils.translation import ngettext

logger = logging.getLogger("gcmhub.security")

SIGNED_IN_AT = "gcmhub_signed_in_at"
LAST_SEEN = "gcmhub_last_seen"
# The last-seen time is saved at most this often (seconds): a session write on every request
# would cost a database write per page; the idle timeout is accurate to this much.
LAST_SEEN_RESOLUTION = 60


def stamp_session(sender, request, user, **kwargs):
    """On sign-in (signal `user_logged_in`): the session's absolute and idle clocks start."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Sign out a session idle for `SESSION_IDLE_TIMEOUT` seconds, or signed in for more than
    `SESSION_MAX_AGE` seconds whatever its activity, with a message that says why.

    Reads only the session (no query for the user); place it after AuthenticationMiddleware and
    MessageMiddleware. Sessions from before this middleware (no time stamps) are stamped now.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if not isinstance(signed_in_at, int) or not isinstance(last_seen, int):
            session[SIGNED_IN_AT] = signed_in_at if isinstance(signed_in_at, int) else now
            session[LAST_SEEN] = now
            return
        idle_limit = settings.SESSION_IDLE_TIMEOUT
        max_age = settings.SESSION_MAX_AGE
        if max_age and now - signed_in_at > max_age:
            self._sign_out(request, "max_age")
            hours = max(1, round(max_age / 3600))
            messages.info(
                request,
                ngettext(
                    "For your security, you were signed out after %(count)d hour. Please sign in again.",
                    "For your security, you were signed out after %(count)d hours. Please sign in again.",
                    hours,
                )
                % {"count": hours},
            )
        elif idle_limit and now - last_seen > idle_limit:
            self._sign_out(request, "idle")
            minutes = max(1, round(idle_limit / 60))
            if minutes % 60 == 0:
                text = ngettext(
                    "You were signed out after %(count)d hour without activity. Please sign in again.",
                    "You were signed out after %(count)d hours without activity. Please sign in again.",
                    minutes // 60,
                ) % {"count": minutes // 60}
            else:
                text = ngettext(
                    "You were signed out after %(count)d minute without activity. Please sign in again.",
                    "You were signed out after %(count)d minutes without activity. Please sign in again.",
                    minutes,
                ) % {"count": minutes}
            messages.info(request, text)
        elif now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now

    @staticmethod
    def _sign_out(request, reason: str) -> None:
        logger.info("session ended reason=%s user=%s", reason, request.session.get(SESSION_KEY))
        auth_logout(request)
