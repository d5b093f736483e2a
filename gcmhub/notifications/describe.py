"""The text and address of notifications, written when shown, in the active language.

Targets are loaded with one query per kind of target (with what their text needs), whatever the
number of notifications: the notification centre and a digest of hundreds cost the same few
queries.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from gcmhub.notifications.models import Notification

# What each target model loads with it.
RELATED = {
    "consultations.comment": ("topic__space", "author"),
    "consultations.moderationaction": ("comment__topic__space", "space"),
    "workplan.statusupdate": ("activity__priority",),
    "consultations.registration": ("event",),
    "consultations.eventnotice": ("event",),
}


@dataclass
class Shown:
    notification: Notification
    text: str
    url: str
    quote: str = ""  # a short excerpt (a comment's first words), in `quote_language`
    quote_language: str = ""


def load_targets(notifications: list[Notification]) -> dict[tuple[int, int], Any]:
    """{(content type id, object id): target} of these notifications, one query per kind of target."""
    by_type: dict[int, set[int]] = defaultdict(set)
    for notification in notifications:
        by_type[notification.content_type_id].add(notification.object_id)
    targets = {}
    for type_id, pks in by_type.items():
        content_type = ContentType.objects.get_for_id(type_id)
        model = content_type.model_class()
        if model is None:
            continue
        rows = model._default_manager.filter(pk__in=pks)
        related = RELATED.get(f"{content_type.app_label}.{content_type.model}")
        if related:
            rows = rows.select_related(*related)
        for obj in rows:
            targets[(type_id, obj.pk)] = obj
    return targets


def _excerpt(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _comment(notification: Notification, comment) -> Shown:
    topic = comment.topic
    name = comment.author.display_name()
    if comment.status != "published":
        return Shown(
            notification,
            _("A comment in “%(topic)s” is no longer shown.") % {"topic": topic.title},
            topic.get_absolute_url(),
        )
    if notification.kind == "reply":
        text = _("%(name)s replied to your comment in “%(topic)s”.") % {"name": name, "topic": topic.title}
    else:
        text = _("%(name)s commented in “%(topic)s”.") % {"name": name, "topic": topic.title}
    return Shown(notification, text, comment.get_absolute_url(), _excerpt(comment.body), comment.language)


def _moderation(notification: Notification, action) -> Shown:
    decision = action.get_kind_display()
    if action.comment_id is not None:
        text = _("About your comment in “%(topic)s”: %(decision)s.") % {
            "topic": action.comment.topic.title,
            "decision": decision,
        }
    else:
        text = _("About your account: %(decision)s.") % {"decision": decision}
    if action.reason:
        text += " " + _("Reason: %(reason)s.") % {"reason": action.get_reason_display()}
    try:
        url = reverse("consultations:appeal", args=[action.pk])
    except NoReverseMatch:
        url = action.comment.topic.get_absolute_url() if action.comment_id else ""
    return Shown(notification, text, url)


def _knowledge(notification: Notification, item) -> Shown:
    if item._meta.model_name == "practice":
        text = _("New practice: “%(title)s”.") % {"title": item.title}
    else:
        text = _("New resource: “%(title)s”.") % {"title": item.title}
    return Shown(notification, text, item.get_absolute_url())


def _activity_update(notification: Notification, update) -> Shown:
    activity = update.activity
    status = update.get_status_display() if update.status else _("a note")
    text = _("Update on “%(activity)s”: %(status)s.") % {"activity": activity.label, "status": status}
    return Shown(notification, text, activity.get_absolute_url(), _excerpt(update.narrative))


def _registration(notification: Notification, registration) -> Shown:
    event = registration.event
    if notification.kind == "event_seat":
        text = _("A seat freed up: you are now registered for “%(event)s”.") % {"event": event.title}
    elif registration.status == "confirmed":
        text = _("You are registered for “%(event)s”.") % {"event": event.title}
    elif registration.status == "waitlisted":
        text = _("You are on the waitlist of “%(event)s”.") % {"event": event.title}
    else:
        text = _("Your registration for “%(event)s” is cancelled.") % {"event": event.title}
    return Shown(notification, text, event.get_absolute_url())


def _event_notice(notification: Notification, notice) -> Shown:
    event = notice.event
    if notice.kind == "cancelled":
        text = _("“%(event)s” is cancelled.") % {"event": event.title}
    else:
        text = _("“%(event)s” has changed.") % {"event": event.title}
    return Shown(notification, text, event.get_absolute_url(), _excerpt(notice.note))


def _gone(notification: Notification) -> Shown:
    return Shown(notification, _("This item has been removed."), "")


DESCRIBERS = {
    "reply": _comment,
    "topic_comment": _comment,
    "moderation": _moderation,
    "new_knowledge": _knowledge,
    "activity_update": _activity_update,
    "event_registration": _registration,
    "event_seat": _registration,
    "event_changed": _event_notice,
}


def describe(notifications: Iterable[Notification], targets: dict | None = None) -> list[Shown]:
    """The notifications as shown, in the active language (`targets` from `load_targets` when
    the caller loaded them for several readers at once)."""
    notifications = list(notifications)
    if targets is None:
        targets = load_targets(notifications)
    shown = []
    for notification in notifications:
        target = targets.get((notification.content_type_id, notification.object_id))
        describer = DESCRIBERS.get(notification.kind)
        shown.append(describer(notification, target) if target is not None and describer else _gone(notification))
    return shown
