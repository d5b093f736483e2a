"""Writes about accounts: sign-up and verification, profile, API tokens, roles.

Verification policy: a new account is created with `is_active=False` and `email_verified=False`; it
cannot sign in until its owner follows the link sent by e-mail, which sets both to True. Other apps
can therefore rely on `is_active` (see `permissions.is_stakeholder`) and never see unverified users.
"""

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import APIToken

from gcmhub.accounts import tasks
from gcmhub.accounts.groups import SECRETARIAT_GROUP, sync_secretariat_group
from gcmhub.accounts.models import Role, User
from gcmhub.lib.concurrency import claim_instance


def _forget_cached_roles(user: User) -> None:
    user.__dict__.pop("_gcm_roles", None)


def find_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


@transaction.atomic
def do_create_user(*, email, password, full_name, preferred_language="en", verified=True) -> User:
    """Create an account; `verified=False` leaves it inactive until its e-mail is verified."""
    return User.objects.create_user(
        email=User.objects.normalize_email(email.strip()),
        password=password,
        full_name=full_name,
        preferred_language=preferred_language,
        email_verified=verified,
        is_active=verified,
    )


@transaction.atomic
def do_sign_up(*, email, password, full_name, preferred_language) -> User | None:
    """Create an unverified account and e-mail a verification link; return None if the address was taken.

    An existing address gets an e-mail too (a new verification link if it is still unverified,
    "you already have an account" otherwise), so the page shown never reveals which case it was.
    """
    existing = find_user_by_email(email)
    if existing is None:
        try:
            with transaction.atomic():
                user = do_create_user(
                    email=email,
                    password=password,
                    full_name=full_name,
                    preferred_language=preferred_language,
                    verified=False,
                )
        except IntegrityError:  # the same address signed up concurrently
            existing = find_user_by_email(email)
        else:
            transaction.on_commit(lambda: tasks.send_verification_email.enqueue(user.pk))
            return user
    if existing is not None:
        make_password(password)  # hash anyway, so the response time does not tell either
        _notify_existing_account(existing)
    return None


def _notify_existing_account(user: User) -> None:
    if user.email_verified:
        transaction.on_commit(lambda: tasks.send_account_exists_email.enqueue(user.pk))
    else:
        transaction.on_commit(lambda: tasks.send_verification_email.enqueue(user.pk))


@transaction.atomic
def do_request_verification_email(*, email) -> None:
    """Send a new verification link if `email` belongs to an account awaiting verification."""
    user = find_user_by_email(email)
    if user is not None and not user.email_verified:
        transaction.on_commit(lambda: tasks.send_verification_email.enqueue(user.pk))


@transaction.atomic
def do_verify_email(*, user: User) -> None:
    """Mark the address verified and let the account sign in."""
    user.email_verified = True
    user.is_active = True
    user.save(update_fields=["email_verified", "is_active"])


@transaction.atomic
def do_update_profile(
    *, user: User, full_name: str, preferred_language: str, expected_version: int | None = None
) -> None:
    """Raises `StaleObject` if the profile changed since `expected_version` (another tab)."""
    claim_instance(user, expected_version)
    user.full_name = full_name
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "preferred_language"])


@transaction.atomic
def do_create_api_token(*, user: User, name: str) -> tuple[APIToken, str]:
    """Return the token and its plaintext, which is shown once and never stored."""
    return APIToken.create_token(user=user, name=name)


@transaction.atomic
def do_revoke_api_token(*, token: APIToken) -> None:
    if token.revoked_at is None:
        token.revoke()


@transaction.atomic
def do_revoke_api_tokens(*, user: User) -> int:
    """Revoke every active token of `user`; return how many."""
    return APIToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_revoked_message(count: int) -> str:
    return ngettext(
        "Your password was changed, so your API token was revoked. Create a new one on your API tokens page if you still need it.",
        "Your password was changed, so your %(count)d API tokens were revoked. Create new ones on your API tokens page if you still need them.",
        count,
    ) % {"count": count}


@transaction.atomic
def on_password_changed(*, user: User, **kwargs) -> None:
    """A new password ends every API token (whoever knew the old password may have made one) and
    is confirmed to the owner by e-mail, saying how many tokens were revoked."""
    revoked = do_revoke_api_tokens(user=user)
    transaction.on_commit(lambda: tasks.send_password_changed_email.enqueue(user.pk, revoked))


def check_grant_role(*, user: User, kind, organisation=None, country=None) -> None:
    """Raise `ValidationError` (keyed by form field) if the role cannot be granted as asked."""
    errors = {}
    if kind == Role.Kind.NETWORK_FOCAL_POINT and organisation is None:
        errors["organisation"] = _("Choose the organisation this person is the focal point for.")
    if kind == Role.Kind.MEMBER_STATE_FOCAL_POINT and country is None:
        errors["country"] = _("Choose the country this person is the focal point for.")
    if errors:
        raise ValidationError(errors)
    organisation, country = _scope(kind, organisation, country)
    if Role.objects.active().filter(user=user, kind=kind, organisation=organisation, country=country).exists():
        raise ValidationError(_("This person already holds this role."))


def _scope(kind, organisation, country):
    """Only focal points are bound to an organisation or a country."""
    return (
        organisation if kind == Role.Kind.NETWORK_FOCAL_POINT else None,
        country if kind == Role.Kind.MEMBER_STATE_FOCAL_POINT else None,
    )


@transaction.atomic
def do_grant_role(*, user: User, kind, granted_by: User | None, organisation=None, country=None) -> Role:
    """Grant a role; the Secretariat role also opens the Wagtail admin (staff + "Secretariat" group)."""
    check_grant_role(user=user, kind=kind, organisation=organisation, country=country)
    organisation, country = _scope(kind, organisation, country)
    role = Role.objects.create(
        user=user,
        kind=kind,
        organisation=organisation,
        country=country,
        granted_by=granted_by,
        granted_at=timezone.now(),
    )
    if kind == Role.Kind.SECRETARIAT:
        user.groups.add(sync_secretariat_group())
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    _forget_cached_roles(user)
    return role


@transaction.atomic
def do_revoke_role(*, role: Role, revoked_by: User | None) -> None:
    """End a role (the row stays as history); losing the last Secretariat role closes the admin."""
    if role.revoked_at is not None:
        return
    role.revoked_at = timezone.now()
    role.revoked_by = revoked_by
    role.save(update_fields=["revoked_at", "revoked_by"])
    user = role.user
    still_secretariat = Role.objects.active().filter(user=user, kind=Role.Kind.SECRETARIAT).exists()
    if role.kind == Role.Kind.SECRETARIAT and not still_secretariat:
        user.groups.remove(*user.groups.filter(name=SECRETARIAT_GROUP))
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
    _forget_cached_roles(user)
