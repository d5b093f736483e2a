"""The kinds of notification and the kinds of object one may follow.

A kind says what a notification is about and how often it is e-mailed unless the user chose
otherwise. A followable kind names a model and who may follow one of its objects (whoever may read
it). Descriptions (`describe`) are written when shown, in the reader's language.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from gcmhub.notifications.models import Frequency


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # a lazy translation, for the preferences page
    help: Any
    default: str  # Frequency


KINDS = {
    kind.key: kind
    for kind in (
        Kind(
            "reply",
            _("Replies to my comments"),
            _("Someone answers a comment you wrote in a discussion."),
            Frequency.IMMEDIATE,
        ),
        Kind(
            "topic_comment",
            _("New comments in discussions I follow"),
            _("A comment is published in a topic or space you follow."),
            Frequency.DAILY,
        ),
        Kind(
            "moderation",
            _("Moderators' decisions about me"),
            _(
                "A moderator approves, hides or refuses your comment, or restricts your account (you always get an e-mail with the reason)."
            ),
            Frequency.NEVER,
        ),
        Kind(
            "new_knowledge",
            _("New practices and resources on what I follow"),
            _("A practice or resource is published on an objective, country or organisation you follow."),
            Frequency.WEEKLY,
        ),
        Kind(
            "event_registration",
            _("My registrations for events"),
            _(
                "You register for an event or join its waitlist (you always get an e-mail with the event for your calendar)."
            ),
            Frequency.NEVER,
        ),
        Kind(
            "event_seat",
            _("A seat for me from a waitlist"),
            _("A seat frees up at an event whose waitlist you are on: it is yours (you always get an e-mail)."),
            Frequency.NEVER,
        ),
        Kind(
            "event_changed",
            _("Changes to events I registered for or follow"),
            _("The organisers announce a change of time, place or programme, or cancel the event."),
            Frequency.IMMEDIATE,
        ),
        Kind(
            "activity_update",
            _("Status updates of activities I follow"),
            _("The lead of a work-plan activity you follow reports on its progress."),
            Frequency.DAILY,
        ),
    )
}


# Followable objects: "app_label.model" → what the follow button says it is.
FOLLOWABLE = {
    "consultations.space": _("discussion space"),
    "consultations.topic": _("discussion topic"),
    "consultations.event": _("event"),
    "taxonomy.objective": _("GCM objective"),
    "taxonomy.country": _("country"),
    "taxonomy.organisation": _("organisation"),
    "knowledge.practice": _("practice"),
    "workplan.activity": _("activity"),
}


def followable_model(key: str) -> type[models.Model] | None:
    if key not in FOLLOWABLE:
        return None
    return apps.get_model(key)


def key_of(obj) -> str:
    return obj._meta.label_lower


def content_type_of(obj) -> ContentType:
    return ContentType.objects.get_for_model(type(obj))


def may_follow(user, obj) -> bool:
    """Whoever may read the object may follow it."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    key = key_of(obj)
    if key == "consultations.space":
        from gcmhub.consultations.permissions import can_read_space

        return can_read_space(user, obj)
    if key == "consultations.topic":
        from gcmhub.consultations.permissions import can_read_topic

        return can_read_topic(user, obj)
    if key == "consultations.event":
        from gcmhub.consultations.permissions_events import can_read_event

        return can_read_event(user, obj)
    if key == "knowledge.practice":
        return obj.is_published
    return key in FOLLOWABLE
