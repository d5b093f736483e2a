"""What people follow, what they are told, and how often (issue 11 §4).

- `Follow`: a user follows an object of a followable kind (a discussion space or topic, an
  objective, a country, an organisation, a practice, an activity — `registry.FOLLOWABLE`).
- `Notification`: one thing a user is told, in the site's notification centre and, depending on
  their `Preference` for its kind, by e-mail at once, in a daily or weekly digest, or never. It
  names its `kind`, its `target` (what it is about) and the object it points to; its text is
  written when it is shown, in the reader's language.
- `Preference`: per user and kind, the e-mail frequency; per user, the language of e-mails (the
  account's preferred language by default).

Notifications are created by listeners of the domain apps' signals (`emitters.py`): the domain
apps do not know this app.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never (on the site only)")


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("followed item")
        verbose_name_plural = _("followed items")
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id"], name="follow_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="follow_target")]

    def __str__(self):
        return f"{self.user_id} follows {self.content_type_id}:{self.object_id}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing a user is told. `kind` is a key of `registry.KINDS`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    # What it is about (a comment, a practice, a moderation decision…).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it was e-mailed, alone or in a digest; null while waiting (or never to be sent).
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Decided when created from the user's preference: "immediate", "daily", "weekly" or "never".
    delivery = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.NEVER)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_inbox"),
            # The digests: what waits for each frequency.
            models.Index(fields=["delivery", "emailed_at", "user"], name="notification_waiting"),
        ]
        constraints = [
            # One notice per user, kind and object: a second event on the same object is the same news.
            models.UniqueConstraint(fields=["user", "kind", "content_type", "object_id"], name="notification_once"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.user_id}"


class Preference(models.Model):
    """How often a user hears by e-mail of one kind of notification (`registry.KINDS`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    frequency = models.CharField(_("e-mail"), max_length=10, choices=Frequency.choices)

    class Meta:
        ordering = ["user_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once")]

    def __str__(self):
        return f"{self.user_id}: {self.kind} {self.frequency}"
