"""Writes on follows, notifications and preferences; the digests.

`notify` is idempotent: a user is told once of a kind of news about one object (a second save of
a published comment tells nobody again). Each notification's e-mail delivery is decided when it is
created, from the user's preference for its kind; immediate ones are queued on commit, the others
wait for `send_digests` (cron, docs/deploy.md).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gcmhub.notifications.models import Follow, Frequency, Notification, Preference
from gcmhub.notifications.registry import FOLLOWABLE, KINDS, key_of

DIGEST_BATCH = 500  # users per query when building digests


def is_following(user, obj) -> bool:
    if not (user and user.is_authenticated):
        return False
    content_type = ContentType.objects.get_for_model(type(obj))
    return Follow.objects.filter(user=user, content_type=content_type, object_id=obj.pk).exists()


def do_follow(user, obj) -> Follow:
    if key_of(obj) not in FOLLOWABLE:
        raise ValueError(f"{key_of(obj)} cannot be followed")
    content_type = ContentType.objects.get_for_model(type(obj))
    follow, _created = Follow.objects.get_or_create(user=user, content_type=content_type, object_id=obj.pk)
    return follow


def do_unfollow(user, obj) -> None:
    content_type = ContentType.objects.get_for_model(type(obj))
    Follow.objects.filter(user=user, content_type=content_type, object_id=obj.pk).delete()


def followers(model, pks: Iterable[int]) -> set[int]:
    """The ids of the users following any of these objects of `model`."""
    pks = list(pks)
    if not pks:
        return set()
    content_type = ContentType.objects.get_for_model(model)
    rows = Follow.objects.filter(content_type=content_type, object_id__in=pks).values_list("user_id", flat=True)
    return set(rows)


def frequencies(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's e-mail frequency for the kind (its default when they chose none)."""
    user_ids = list(user_ids)
    chosen = dict(Preference.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "frequency"))
    default = KINDS[kind].default
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def notify(user_ids: Iterable[int], kind: str, target, actor=None) -> list[Notification]:
    """Tell these users (but the actor) of `kind` about `target`, once each."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = {pk for pk in user_ids if pk and (actor is None or pk != actor.pk)}
    if not ids:
        return []
    content_type = ContentType.objects.get_for_model(type(target))
    already = set(
        Notification.objects.filter(
            user_id__in=ids, kind=kind, content_type=content_type, object_id=target.pk
        ).values_list("user_id", flat=True)
    )
    delivery = frequencies(ids - already, kind)
    created = Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                content_type=content_type,
                object_id=target.pk,
                actor=actor,
                delivery=delivery[user_id],
            )
            for user_id in sorted(ids - already)
        ],
        ignore_conflicts=True,
    )
    _count_new(user_id for user_id in ids - already)
    immediate = [n for n in created if n.delivery == Frequency.IMMEDIATE]
    if immediate:
        from gcmhub.notifications import tasks

        keys = [(n.user_id, n.kind, n.content_type_id, n.object_id) for n in immediate]
        transaction.on_commit(lambda: tasks.send_immediate.enqueue(keys))
    return created


def _count_new(user_ids: Iterable[int]) -> None:
    """The users' unread counts, one more each (`User.unread_notifications`); `update()` sends no
    signal, so the page cache's "accounts" scope is not bumped by news."""
    from gcmhub.accounts.models import User

    User.objects.filter(pk__in=list(user_ids)).update(unread_notifications=F("unread_notifications") + 1)


def recount(user) -> int:
    """Set the user's unread count from their notifications (after reading some)."""
    from gcmhub.accounts.models import User

    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    User.objects.filter(pk=user.pk).update(unread_notifications=count)
    user.unread_notifications = count
    return count


def do_mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of the user's notifications read; returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    changed = rows.update(read_at=timezone.now())
    if changed:
        recount(user)
    return changed


def do_set_preferences(user, chosen: dict[str, str]) -> None:
    """Store the user's e-mail frequency per kind; waiting notifications follow the new choice."""
    with transaction.atomic():
        for kind, frequency in chosen.items():
            if kind not in KINDS or frequency not in Frequency.values:
                continue
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"frequency": frequency})
            Notification.objects.filter(user=user, kind=kind, emailed_at__isnull=True).exclude(
                delivery=Frequency.IMMEDIATE
            ).update(delivery=frequency)


def do_unsubscribe(user, kind: str) -> None:
    do_set_preferences(user, {kind: Frequency.NEVER})


# --- Digests -------------------------------------------------------------------------------------

DIGEST_WINDOWS = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}


def waiting_users(frequency: str) -> list[int]:
    """The users with notifications waiting for this frequency's digest (verified addresses only)."""
    rows = Notification.objects.filter(
        delivery=frequency,
        emailed_at__isnull=True,
        read_at__isnull=True,
        user__email_verified=True,
        user__is_active=True,
    )
    return sorted(set(rows.values_list("user_id", flat=True)))


def send_digests(frequency: str, *, now=None) -> int:
    """Build and send the digests of one frequency: one e-mail per user, with everything waiting
    for it; what the user read on the site meanwhile is left out. Returns the number of e-mails."""
    from gcmhub.notifications.digest import send_digest_batch

    now = now or timezone.now()
    users = waiting_users(frequency)
    sent = 0
    for start in range(0, len(users), DIGEST_BATCH):
        sent += send_digest_batch(users[start : start + DIGEST_BATCH], frequency, now)
    return sent


def group_by_user(notifications: Iterable[Notification]) -> dict[int, list[Notification]]:
    grouped: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        grouped[notification.user_id].append(notification)
    return grouped
