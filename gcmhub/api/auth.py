"""Personal API tokens (Wagtail's `APIToken`) sent as `Authorization: Bearer <token>`.

Session cookies never authorize anything here: the API is CSRF-free, so a write needs a token,
and both auth callbacks below reset `request.user` so a cookie cannot elevate a request.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from wagtail.api.v3.auth import AllowAnonymous, BearerTokenAuth

from gcmhub.accounts.models import User

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
