"""Role predicates shared by pages, the admin and the API. Every permission question about a
user's role is answered here."""

from gcmhub.accounts.models import Role
from gcmhub.lib.prepared import prepared


@prepared
def active_roles_of(user_id: int):
    """A user's active roles (compiled once: every signed-in page asks)."""
    return Role.objects.active().filter(user_id=user_id)


def _active_roles(user) -> list[Role]:
    """The user's active roles, loaded once per user object."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_gcm_roles", None)
    if cached is None:
        cached = active_roles_of(user.pk)
        user._gcm_roles = cached
    return cached


def is_secretariat(user) -> bool:
    if user and user.is_authenticated and user.is_superuser:
        return True
    return any(r.kind == Role.Kind.SECRETARIAT for r in _active_roles(user))


def is_reviewer(user) -> bool:
    return any(r.kind == Role.Kind.REVIEWER for r in _active_roles(user))


def is_translator(user) -> bool:
    return any(r.kind == Role.Kind.TRANSLATOR for r in _active_roles(user))


def may_translate(user) -> bool:
    """Whether the user has a translation workspace: the Secretariat and translators translate
    everything, Network member focal points their organisations' content."""
    return is_secretariat(user) or is_translator(user) or bool(focal_point_organisation_ids(user))


def focal_point_organisation_ids(user) -> set[int]:
    """Organisations for which the user is a Network member focal point."""
    return {
        r.organisation_id
        for r in _active_roles(user)
        if r.kind == Role.Kind.NETWORK_FOCAL_POINT and r.organisation_id is not None
    }


def focal_point_country_ids(user) -> set[int]:
    """Countries for which the user is a Member State focal point."""
    return {
        r.country_id
        for r in _active_roles(user)
        if r.kind == Role.Kind.MEMBER_STATE_FOCAL_POINT and r.country_id is not None
    }


def is_stakeholder(user) -> bool:
    """Any registered, active user."""
    return bool(user and user.is_authenticated and user.is_active)


def can_assign_roles(user) -> bool:
    return is_secretariat(user)
