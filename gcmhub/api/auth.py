"""Personal API tokens (Wagtail's `APIToken`) sent as `Authorization: Bearer <token>`.

Session cookies never authorize anything here: the API is CSRF-free, so a write needs a token,
and both auth callbacks below reset `request.user` so a cookie cannot elevate a request.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from wagtail.api.v3.auth import AllowAnonymous
from wagtail.api.v3.auth import BearerTokenAuth as WagtailBearerTokenAuth
from wagtail.models import APIToken

from gcmhub.accounts.models import User
from gcmhub.lib.prepared import prepared


@prepared
def live_tokens(*key_hashes: str):
    """The unrevoked token among these digests, with its user (one per secret key in use)."""
    return APIToken.objects.select_related("user").filter(key_hash__in=key_hashes, revoked_at__isnull=True)


class BearerTokenAuth(WagtailBearerTokenAuth):
    """Wagtail's token check, its look-up compiled once per process (every API request with a
    token runs it): the same rule — an unrevoked token whose digest matches, an active user —
    and the same `request.user` and last-used stamp."""

    def authenticate(self, request, token: str):
        from django.contrib.auth.models import AnonymousUser

        found = live_tokens(*APIToken.candidate_key_hashes(token))
        api_token = found[0] if len(found) == 1 else None
        user = api_token.user if api_token is not None else None
        if not (user and user.is_active):
            user = AnonymousUser()
        request.user = user
        if not request.user.is_authenticated:
            return None
        self._touch_last_used(api_token)
        return api_token


# Writes: a valid token or 401.
token_auth = BearerTokenAuth()

# Reads: public; a token is accepted (and ignored when invalid) so clients can send it always.
public_auth = [BearerTokenAuth(), AllowAnonymous()]


def token_user(request: HttpRequest) -> User:
    """The owner of the token `token_auth` accepted. Ninja keeps that token in `request.auth`,
    which HttpRequest does not declare; an endpoint without `token_auth` is refused (403)."""
    user = getattr(getattr(request, "auth", None), "user", None)
    if not isinstance(user, User):
        raise PermissionDenied
    return user
