"""E-mails about accounts, sent off the request by the task worker.

Tasks take primary keys and strings only (their arguments are stored as JSON). Each mail is
rendered in the recipient's preferred language.
"""

from typing import TypedDict

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task
from wagtail.models import APIToken

from gcmhub.accounts.models import User

VERIFY_SALT = "gcmhub.accounts.verify-email"


class VerificationPayload(TypedDict):
    u: int  # the user's pk
    e: str  # the address it verifies


def make_verification_token(user: User) -> str:
    """A signed, timestamped token naming the user and the address it verifies."""
    payload: VerificationPayload = {"u": user.pk, "e": user.email}
    return signing.dumps(payload, salt=VERIFY_SALT)


def read_verification_token(token: str) -> VerificationPayload:
    """The token's payload; raises `signing.SignatureExpired` or `signing.BadSignature`."""
    return signing.loads(token, salt=VERIFY_SALT, max_age=settings.ACCOUNT_VERIFICATION_MAX_AGE)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render_email(template_prefix: str, context: dict, *, to: str, language: str) -> EmailMultiAlternatives:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` in `language`."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL.rstrip("/"), "language": language, **context}
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


@task()
def send_verification_email(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, email_verified=False).first()
    if user is None:  # verified meanwhile, or deleted
        return
    with translation.override(user.preferred_language):
        link = absolute_url(reverse("accounts:verify_email", args=[make_verification_token(user)]))
    max_age_days = settings.ACCOUNT_VERIFICATION_MAX_AGE // (24 * 3600)
    context = {"user": user, "link": link, "max_age_days": max_age_days}
    render_email("accounts/email/verify", context, to=user.email, language=user.preferred_language).send()


@task()
def send_account_exists_email(user_id: int) -> None:
    """Someone signed up with an address that already has an account: tell its owner."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    with translation.override(user.preferred_language):
        login_link = absolute_url(reverse("accounts:login"))
        reset_link = absolute_url(reverse("accounts:password_reset"))
    context = {"user": user, "login_link": login_link, "reset_link": reset_link}
    render_email("accounts/email/account_exists", context, to=user.email, language=user.preferred_language).send()


@task()
def send_password_reset_email(user_id: int) -> None:
    # The one-use token is made here, not passed in, so it is never stored with the queued task.
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    with translation.override(user.preferred_language):
        link = absolute_url(
            reverse("accounts:password_reset_confirm", args=[uidb64, default_token_generator.make_token(user)])
        )
    active_tokens = APIToken.objects.filter(user=user, revoked_at__isnull=True).count()
    context = {"user": user, "link": link, "active_tokens": active_tokens}
    render_email("accounts/email/password_reset", context, to=user.email, language=user.preferred_language).send()


@task()
def send_password_changed_email(user_id: int, revoked_tokens: int = 0) -> None:
    """Confirm a password change to the account's owner (who may not have made it)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    with translation.override(user.preferred_language):
        reset_link = absolute_url(reverse("accounts:password_reset"))
        tokens_link = absolute_url(reverse("accounts:api_tokens"))
    context = {"user": user, "reset_link": reset_link, "tokens_link": tokens_link, "revoked_tokens": revoked_tokens}
    render_email("accounts/email/password_changed", context, to=user.email, language=user.preferred_language).send()
