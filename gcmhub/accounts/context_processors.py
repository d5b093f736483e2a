from django.utils.functional import SimpleLazyObject

from gcmhub.accounts import permissions


def roles(request):
    """The current user's role flags for every template, worked out only when a template reads one
    (the user and their roles are then loaded once per request)."""

    def flag(predicate):
        def compute() -> bool:
            user = getattr(request, "user", None)
            return bool(user and predicate(user))

        return SimpleLazyObject(compute)

    return {
        "is_secretariat": flag(permissions.is_secretariat),
        "is_reviewer": flag(permissions.is_reviewer),
        "may_translate": flag(permissions.may_translate),
    }
