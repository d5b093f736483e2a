"""Personal API tokens (Wagtail's `APIToken`) sent as `Authorization: Bearer <token>`.

Session cookies never authorize anything here: the API is CSRF-free, so a write needs a token,
and both auth callbacks below reset `request.user` so a cookie cannot elevate a request.
"""

from wagtail.api.v3.auth import AllowAnonymous, BearerTokenAuth

# Writes: a valid token or 401.
token_auth = BearerTokenAuth()

# Reads: public; a token is accepted (and ignored when invalid) so clients can send it always.
public_auth = [BearerTokenAuth(), AllowAnonymous()]
