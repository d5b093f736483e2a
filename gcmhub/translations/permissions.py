"""Who may translate what. The Secretariat and translators translate everything; a Network
member's focal point translates their organisation's content (the activities and priorities it
takes part in, the resources it published, its own names); nobody else translates."""

from django.db import models

from gcmhub.accounts import permissions as roles
from gcmhub.translations.registry import ORGANISATION_LOOKUPS, Kind, kinds


def translates_everything(user) -> bool:
    return roles.is_secretariat(user) or roles.is_translator(user)


def kinds_for(user) -> list[Kind]:
    """The kinds `user` may translate something of."""
    if translates_everything(user):
        return list(kinds())
    if not roles.focal_point_organisation_ids(user):
        return []
    return [kind for kind in kinds() if kind.key in ORGANISATION_LOOKUPS]


def translatable(kind: Kind, user) -> models.QuerySet:
    """The objects of `kind` that `user` may translate (none when they may not)."""
    queryset = kind.model._default_manager.all()
    if translates_everything(user):
        return queryset
    lookup = ORGANISATION_LOOKUPS.get(kind.key)
    organisation_ids = roles.focal_point_organisation_ids(user)
    if not lookup or not organisation_ids:
        return queryset.none()
    if lookup == "pk":
        return queryset.filter(pk__in=organisation_ids)
    return queryset.filter(pk__in=queryset.filter(**{f"{lookup}__in": organisation_ids}).values("pk"))
