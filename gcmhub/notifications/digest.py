"""E-mails of notifications: one at once, or a digest per user and frequency, each in the
recipient's language, with a one-click unsubscribe link (RFC 8058) and never to an unverified
address."""

from django.core import signing
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone, translation

from gcmhub.accounts.models import User
from gcmhub.accounts.tasks import absolute_url, render_email
from gcmhub.notifications.describe import describe, load_targets
from gcmhub.notifications.models import Notification
from gcmhub.notifications.registry import KINDS

UNSUBSCRIBE_SALT = "gcmhub.notifications.unsubscribe"
ALL_KINDS = "all"
EMAIL_DIR = "notifications/email"
DIGEST_MAX_ITEMS = 50  # the newest in a digest; the notification centre lists them all


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    if kind != ALL_KINDS and kind not in KINDS:
        return None
    return data["u"], kind


def _unsubscribe_url(user: User, kind: str) -> str:
    with translation.override(user.preferred_language):
        return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user.pk, kind)]))


def _message(user: User, template: str, context: dict, unsubscribe: str):
    with translation.override(user.preferred_language):
        context = {
            "user": user,
            "unsubscribe_link": unsubscribe,
            "centre_link": absolute_url(reverse("notifications:centre")),
            "preferences_link": absolute_url(reverse("notifications:preferences")),
            **context,
        }
    message = render_email(f"{EMAIL_DIR}/{template}", context, to=user.email, language=user.preferred_language)
    message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def may_email(user: User) -> bool:
    return bool(user.is_active and user.email_verified and user.email)


def send_immediate(keys: list[tuple[int, str, int, int]]) -> int:
    """E-mail the notifications named by (user id, kind, content type id, object id) that are
    still unsent and unread. Returns the number sent."""
    sent = 0
    messages = []
    for user_id, kind, type_id, object_id in keys:
        notification = (
            Notification.objects.select_related("user")
            .filter(user_id=user_id, kind=kind, content_type_id=type_id, object_id=object_id)
            .filter(emailed_at__isnull=True, read_at__isnull=True)
            .first()
        )
        if notification is None or not may_email(notification.user):
            continue
        user = notification.user
        with translation.override(user.preferred_language):
            [shown] = describe([notification])
            link = absolute_url(shown.url) if shown.url else ""
        messages.append(_message(user, "immediate", {"shown": shown, "link": link}, _unsubscribe_url(user, kind)))
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    if messages:
        get_connection().send_messages(messages)
    return sent


def send_digest_batch(user_ids: list[int], frequency: str, now) -> int:
    """One digest per user of the batch, with their waiting notifications; marks them sent."""
    notifications = list(
        Notification.objects.filter(
            user_id__in=user_ids, delivery=frequency, emailed_at__isnull=True, read_at__isnull=True
        ).order_by("user_id", "-created_at")
    )
    if not notifications:
        return 0
    users = {user.pk: user for user in User.objects.filter(pk__in=user_ids)}
    by_user: dict[int, list[Notification]] = {}
    for notification in notifications:
        by_user.setdefault(notification.user_id, []).append(notification)
    targets = load_targets([n for items in by_user.values() for n in items[:DIGEST_MAX_ITEMS]])
    messages, included = [], []
    for user_id, items in by_user.items():
        user = users.get(user_id)
        if user is None or not may_email(user):
            continue
        listed = items[:DIGEST_MAX_ITEMS]
        with translation.override(user.preferred_language):
            shown = [entry for entry in describe(listed, targets) if entry.url]
            for entry in shown:
                entry.url = absolute_url(entry.url)
        if shown:
            context = {"shown": shown, "frequency": frequency, "more": len(items) - len(listed)}
            messages.append(_message(user, "digest", context, _unsubscribe_url(user, ALL_KINDS)))
        included += [n.pk for n in items]
    if messages:
        get_connection().send_messages(messages)
    Notification.objects.filter(pk__in=included).update(emailed_at=now)
    return len(messages)
