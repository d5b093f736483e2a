"""What the reader follows, for follow buttons: lazy, so a page without one costs no query. (The
header's unread count is `user.unread_notifications`, loaded with the user.)"""

from django.utils.functional import SimpleLazyObject


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def following() -> set[str]:
        from gcmhub.notifications.models import Follow

        rows = Follow.objects.filter(user=user).values_list(
            "content_type__app_label", "content_type__model", "object_id"
        )
        return {f"{app}.{model}:{pk}" for app, model, pk in rows}

    return {"following": SimpleLazyObject(following)}
