import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from gcmhub.lib import throttle
from gcmhub.lib.prepared import prepared

logger = logging.getLogger("gcmhub.security")


@prepared
def user_by_pk(pk: int):
    return get_user_model()._default_manager.filter(pk=pk)


class EmailBackend(ModelBackend):
    """Authenticate with the e-mail address, case-insensitively, for every sign-in form (site,
    CMS, Django admin).

    Failed attempts are counted by account and by client address (`gcmhub.lib.throttle`, scope
    "login"); once either is at its limit, `Throttled` is raised before the password is looked
    at, so even the right password is refused until the window passes. It propagates out of
    `authenticate()` (which only swallows `PermissionDenied`): the site's sign-in view shows it
    on the form, `ThrottleMiddleware` answers 429 elsewhere.

    An unknown address costs one password hash, like a known one, so the response time does not
    tell whether an account exists.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username or kwargs.get(get_user_model().USERNAME_FIELD)
        if not email or not password:
            return None
        email = str(email).strip()
        throttle.check("login", request, email)
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            get_user_model()().set_password(password)  # hash anyway (same cost as a real check)
            password_ok = False
        else:
            password_ok = user.check_password(password)
        if password_ok and self.user_can_authenticate(user):
            throttle.reset("login", account=email)
            return user
        if password_ok:
            # Right password, account not active yet: the sign-in form says "verify your address"
            # without hashing the password a second time.
            if request is not None:
                request.gcmhub_inactive_user = user
            return None
        throttle.hit("login", request, email)
        logger.info(
            "failed sign-in account=%s address=%s", throttle.mask_email(email), throttle.client_address(request)
        )
        return None

    def get_user(self, user_id):
        """The signed-in user of a session, as ModelBackend finds it; the query is compiled once
        (every signed-in request runs it)."""
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            return super().get_user(user_id)
        found = user_by_pk(user_id)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
