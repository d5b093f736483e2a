"""Who is told what, from the domain apps' own saves (they do not know this app).

Each listener runs after the transaction commits (tags saved with an item are there by then) and
is idempotent (`actions.notify` tells a user once per kind and object), so saving a published
item again tells nobody twice.
"""

from django.db import transaction
from django.db.models.signals import post_save

from gcmhub.notifications.actions import followers, notify


def _after_commit(function, *args) -> None:
    transaction.on_commit(lambda: function(*args))


# --- Discussions ---------------------------------------------------------------------------------


def _readers(topic, user_ids: set[int]) -> set[int]:
    """Those of the users who may read the topic (a restricted topic's followers may have left)."""
    if not topic.restricted or not user_ids:
        return user_ids
    from gcmhub.accounts.models import User
    from gcmhub.consultations.permissions import can_read_topic

    return {user.pk for user in User.objects.filter(pk__in=user_ids, is_active=True) if can_read_topic(user, topic)}


def comment_published(comment_id: int) -> None:
    from gcmhub.consultations.models import Comment, Space, Topic

    comment = Comment.objects.select_related("topic__space", "parent", "author").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PUBLISHED:
        return
    topic = comment.topic
    replied_to: set[int] = set()
    if comment.parent is not None and comment.parent.status == Comment.Status.PUBLISHED:
        replied_to = _readers(topic, {comment.parent.author_id})
        notify(replied_to, "reply", comment, actor=comment.author)
    following = followers(Topic, [topic.pk]) | followers(Space, [topic.space_id])
    notify(_readers(topic, following - replied_to), "topic_comment", comment, actor=comment.author)


def _on_comment_saved(sender, instance, **kwargs):
    if instance.status == "published":
        _after_commit(comment_published, instance.pk)


def moderation_logged(action_id: int) -> None:
    from gcmhub.consultations.models import ModerationAction

    action = ModerationAction.objects.filter(pk=action_id).first()
    if action is not None:
        notify([action.subject_id], "moderation", action)


def _on_moderation_logged(sender, instance, created=False, **kwargs):
    if created and instance.kind != "dismiss":
        _after_commit(moderation_logged, instance.pk)


# --- Events ----------------------------------------------------------------------------------------


def registration_saved(registration_id: int, promoted: bool) -> None:
    """The person is told of their seat or place on the waitlist, and of a seat from the waitlist."""
    from gcmhub.consultations.models import Registration

    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return
    if promoted and registration.status == Registration.Status.CONFIRMED:
        notify([registration.user_id], "event_seat", registration)
    else:
        notify([registration.user_id], "event_registration", registration)


def _on_registration_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if created or (update_fields and "status" in update_fields):
        promoted = instance.promoted_at is not None and bool(update_fields) and "promoted_at" in update_fields
        _after_commit(registration_saved, instance.pk, promoted)


def event_notice_posted(notice_id: int) -> None:
    """A change or the cancellation, told to the people registered or waiting and the followers."""
    from gcmhub.consultations.models import Event, EventNotice, Registration

    notice = EventNotice.objects.select_related("actor").filter(pk=notice_id).first()
    if notice is None:
        return
    registrants = set(
        Registration.objects.filter(event_id=notice.event_id)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("user_id", flat=True)
    )
    notify(registrants | followers(Event, [notice.event_id]), "event_changed", notice, actor=notice.actor)


def _on_event_notice_saved(sender, instance, created=False, **kwargs):
    if created:
        _after_commit(event_notice_posted, instance.pk)


# --- The Hub's knowledge --------------------------------------------------------------------------


def practice_published(practice_id: int) -> None:
    from gcmhub.knowledge.models import Practice
    from gcmhub.taxonomy.models import Country, Objective, Organisation

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None or not practice.is_published or practice.update_of_id is not None:
        return
    organisations = [*practice.partner_organisations.values_list("pk", flat=True)]
    if practice.implementing_organisation_id:
        organisations.append(practice.implementing_organisation_id)
    users = (
        followers(Objective, practice.objectives.values_list("pk", flat=True))
        | followers(Country, practice.countries.values_list("pk", flat=True))
        | followers(Organisation, organisations)
    )
    notify(users - {practice.submitter_id}, "new_knowledge", practice)


def resource_published(resource_id: int) -> None:
    from gcmhub.knowledge.models import Resource
    from gcmhub.taxonomy.models import Country, Objective, Organisation

    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None or not resource.is_published:
        return
    users = (
        followers(Objective, resource.objectives.values_list("pk", flat=True))
        | followers(Country, resource.countries.values_list("pk", flat=True))
        | followers(Organisation, resource.publishers.values_list("pk", flat=True))
    )
    notify(users, "new_knowledge", resource)


def _on_practice_saved(sender, instance, **kwargs):
    if instance.status == "published" and instance.update_of_id is None:
        _after_commit(practice_published, instance.pk)


def _on_resource_saved(sender, instance, **kwargs):
    if instance.status == "published":
        _after_commit(resource_published, instance.pk)


# --- The work plan ---------------------------------------------------------------------------------


def status_update_posted(update_id: int) -> None:
    from gcmhub.workplan.models import Activity, StatusUpdate

    update = StatusUpdate.objects.filter(pk=update_id).first()
    if update is None:
        return
    notify(followers(Activity, [update.activity_id]), "activity_update", update, actor=update.author)


def _on_status_update_saved(sender, instance, created=False, **kwargs):
    if created:
        _after_commit(status_update_posted, instance.pk)


def connect_signals() -> None:
    from gcmhub.consultations.models import Comment, EventNotice, ModerationAction, Registration
    from gcmhub.knowledge.models import Practice, Resource
    from gcmhub.workplan.models import StatusUpdate

    post_save.connect(_on_comment_saved, sender=Comment, dispatch_uid="notify-comment")
    post_save.connect(_on_moderation_logged, sender=ModerationAction, dispatch_uid="notify-moderation")
    post_save.connect(_on_registration_saved, sender=Registration, dispatch_uid="notify-registration")
    post_save.connect(_on_event_notice_saved, sender=EventNotice, dispatch_uid="notify-event-notice")
    post_save.connect(_on_practice_saved, sender=Practice, dispatch_uid="notify-practice")
    post_save.connect(_on_resource_saved, sender=Resource, dispatch_uid="notify-resource")
    post_save.connect(_on_status_update_saved, sender=StatusUpdate, dispatch_uid="notify-status-update")
