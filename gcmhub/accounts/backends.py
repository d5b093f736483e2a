from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Authenticate with the e-mail address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username or kwargs.get(get_user_model().USERNAME_FIELD)
        if not email or not password:
            return None
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
