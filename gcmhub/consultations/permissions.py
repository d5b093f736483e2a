"""Who may read, comment on and moderate discussions (issue 11 §1–2), shared by the pages, the
CMS and the API.

- A public space or topic is read by everyone; a restricted one by its space's members, its
  moderators, the space's managers and the Secretariat.
- Comments need an active account with a verified e-mail address, a topic open now, and no mute in
  the space nor site-wide suspension.
- A topic's moderators, its space's managers and the Secretariat moderate; a moderator never
  decides an appeal against their own decision.
- Space managers manage members and mute people in their space; the Secretariat suspends
  site-wide.
"""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts.permissions import focal_point_organisation_ids, is_secretariat
from gcmhub.consultations.models import Appeal, Comment, Membership, ModerationAction, Restriction, Space, Topic


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _memberships(user) -> dict[int, str]:
    """{space id: role} of the user, loaded once per user object."""
    if not _signed_in(user):
        return {}
    cached = getattr(user, "_gcm_spaces", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("space_id", "role"))
        user._gcm_spaces = cached
    return cached


def is_space_manager(user, space: Space) -> bool:
    return is_secretariat(user) or _memberships(user).get(space.pk) == Membership.Role.MANAGER


def is_member(user, space: Space) -> bool:
    return space.pk in _memberships(user) or is_secretariat(user)


def can_read_space(user, space: Space) -> bool:
    if space.archived_at and not is_space_manager(user, space):
        return False
    return space.visibility == "public" or is_member(user, space)


def is_moderator(user, topic: Topic) -> bool:
    if not _signed_in(user):
        return False
    if is_space_manager(user, topic.space):
        return True
    ids = getattr(topic, "_moderator_ids", None)
    if ids is None:
        ids = set(topic.moderators.values_list("pk", flat=True))
        topic._moderator_ids = ids
    return user.pk in ids


def can_read_topic(user, topic: Topic) -> bool:
    if not topic.published_at or topic.space.archived_at:
        return is_moderator(user, topic)
    if not can_read_space(user, topic.space):
        return is_moderator(user, topic)
    if topic.restricted:
        return is_member(user, topic.space) or is_moderator(user, topic)
    return True


def is_restricted_in(user, space: Space | None) -> Restriction | None:
    """The user's active mute in this space or site-wide suspension, if any."""
    if not _signed_in(user):
        return None
    restrictions = Restriction.objects.active().filter(user=user).select_related("action")
    for restriction in restrictions:
        if restriction.space_id is None or (space is not None and restriction.space_id == space.pk):
            return restriction
    return None


def comment_refusal(user, topic: Topic, moment=None) -> str | None:
    """Why the user may not comment on the topic now (a sentence for the page), or None."""
    if not _signed_in(user):
        return str(_("Sign in to comment."))
    if not getattr(user, "email_verified", False):
        return str(_("Confirm your e-mail address to comment: follow the link we sent you."))
    if not can_read_topic(user, topic):
        return str(_("This discussion is open to the members of its space only."))
    state = topic.state(moment or timezone.now())
    if state == "upcoming":
        return str(_("This topic is not open for comments yet."))
    if state in ("closed", "draft"):
        return str(_("This topic is closed for comments."))
    restriction = is_restricted_in(user, topic.space)
    if restriction is not None:
        if restriction.space_id is None:
            return str(_("Your account is suspended: you may not comment."))
        return str(_("You are muted in this space: you may not comment here."))
    return None


def can_comment(user, topic: Topic, moment=None) -> bool:
    return comment_refusal(user, topic, moment) is None


def is_tool_owner(user, topic: Topic) -> bool:
    """On a tool's feedback topic: a focal point of an organisation that published the tool (their
    comments are the Network's replies), or the Secretariat."""
    if topic.tool is None or not _signed_in(user):
        return False
    if is_secretariat(user):
        return True
    organisations = focal_point_organisation_ids(user)
    return bool(organisations) and topic.tool.publishers.filter(pk__in=organisations).exists()


def can_edit_comment(user, comment: Comment) -> bool:
    """The author edits their own comment while the topic is open (a moderator edits out personal
    data through `can_moderate`)."""
    return (
        _signed_in(user)
        and comment.author_id == user.pk
        and comment.status in (Comment.Status.PENDING, Comment.Status.PUBLISHED)
        and comment.topic.state() == "open"
    )


def can_delete_comment(user, comment: Comment) -> bool:
    return _signed_in(user) and comment.author_id == user.pk and comment.status != Comment.Status.DELETED


def can_flag(user, comment: Comment) -> bool:
    return (
        _signed_in(user)
        and comment.author_id != user.pk
        and comment.status == Comment.Status.PUBLISHED
        and can_read_topic(user, comment.topic)
    )


def can_moderate(user, comment: Comment) -> bool:
    return is_moderator(user, comment.topic)


def can_mute(user, space: Space) -> bool:
    return is_space_manager(user, space)


def can_suspend(user) -> bool:
    return is_secretariat(user)


def can_lift(user, restriction: Restriction) -> bool:
    if restriction.space is None:
        return is_secretariat(user)
    return is_space_manager(user, restriction.space)


def can_appeal(user, action: ModerationAction) -> bool:
    return (
        _signed_in(user)
        and action.subject_id == user.pk
        and action.kind in ModerationAction.APPEALABLE
        and not Appeal.objects.filter(action=action).exists()
    )


def can_decide_appeal(user, appeal: Appeal) -> bool:
    """Another moderator of the same place: never the one whose decision is appealed."""
    action = appeal.action
    if not _signed_in(user) or action.actor_id == user.pk or appeal.outcome:
        return False
    if action.comment is not None:
        return is_moderator(user, action.comment.topic)
    if action.space is not None:
        return is_space_manager(user, action.space)
    return is_secretariat(user)


def can_manage_members(user, space: Space) -> bool:
    return is_space_manager(user, space)


def can_read_moderation_log(user, space: Space | None = None) -> bool:
    """The Secretariat reads the whole log; a space's managers and its topics' moderators read the
    space's (without a space: whether the user reads any part of it)."""
    if is_secretariat(user):
        return True
    if space is None:
        return moderates_anything(user)
    return is_space_manager(user, space) or (
        _signed_in(user) and Topic.objects.filter(space=space, moderators=user).exists()
    )


def can_export_comments(user, topic: Topic) -> bool:
    return is_moderator(user, topic)


# Fetch and authorize in one step (404 for what the user may not read) ------------------------


def get_space_for_user(user, slug: str) -> Space:
    space = Space.objects.filter(slug=slug).first()
    if space is None or not can_read_space(user, space):
        raise Http404
    return space


def get_topic_for_user(user, space_slug: str, slug: str) -> Topic:
    topic = (
        Topic.objects.select_related("space", "tool", "summary_report")
        .filter(slug=slug, space__slug=space_slug)
        .first()
    )
    if topic is None or not can_read_topic(user, topic):
        raise Http404
    return topic


def can_see_comment(user, comment: Comment) -> bool:
    """Published and deleted comments are seen by the topic's readers; one waiting, hidden or refused
    by its author and the moderators."""
    if not can_read_topic(user, comment.topic):
        return False
    if comment.status in (Comment.Status.PUBLISHED, Comment.Status.DELETED):
        return True
    return (_signed_in(user) and comment.author_id == user.pk) or is_moderator(user, comment.topic)


def get_comment_for_user(user, pk: int) -> Comment:
    comment = Comment.objects.select_related("topic__space", "topic__tool", "author").filter(pk=pk).first()
    if comment is None or not can_see_comment(user, comment):
        raise Http404
    return comment


# Lists (the API's): what `can_read_space` and `can_read_topic` let the user read, as filters ---


def readable_spaces_q(user) -> Q:
    """The listed spaces the user reads, as a filter on Space (the discussions' first page)."""
    public = Q(visibility="public")
    if is_secretariat(user):
        return Q()
    if not _signed_in(user):
        return public
    return public | Q(pk__in=list(_memberships(user)))


def readable_topics_q(user) -> Q | None:
    """The topics `can_read_topic` lets the user read, as a filter on Topic (None: every topic, for
    the Secretariat). A subquery for the moderated topics, so the rows stay distinct."""
    if is_secretariat(user):
        return None
    readable = Q(published_at__isnull=False, space__archived_at__isnull=True)
    public = Q(visibility="public", space__visibility="public")
    if not _signed_in(user):
        return readable & public
    memberships = _memberships(user)
    managed = [pk for pk, role in memberships.items() if role == Membership.Role.MANAGER]
    moderated = Topic.moderators.through.objects.filter(user_id=user.pk).values("topic_id")
    return (readable & (public | Q(space_id__in=list(memberships)))) | Q(space_id__in=managed) | Q(pk__in=moderated)


# What a moderator's queues and log cover ----------------------------------------------------


def managed_space_ids(user) -> set[int]:
    return {pk for pk, role in _memberships(user).items() if role == Membership.Role.MANAGER}


def moderated_topics_q(user) -> Q | None:
    """The topics the user moderates, as a filter on Topic (None: every topic, for the Secretariat;
    an empty filter `Q(pk__in=[])` for someone who moderates nothing)."""
    if is_secretariat(user):
        return None
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(moderators=user) | Q(space_id__in=managed_space_ids(user))


def moderates_anything(user) -> bool:
    if not _signed_in(user):
        return False
    if is_secretariat(user) or managed_space_ids(user):
        return True
    return Topic.objects.filter(moderators=user).exists()


def moderation_log_q(user) -> Q | None:
    """The log entries the user may read, as a filter on ModerationAction (None: all): actions in
    the spaces they manage and on comments of topics they moderate."""
    if is_secretariat(user):
        return None
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(space_id__in=managed_space_ids(user)) | Q(comment__topic__moderators=user)


def can_see_action(user, action: ModerationAction) -> bool:
    """The person concerned, and those who may read the log where it was taken."""
    if not _signed_in(user):
        return False
    if action.subject_id == user.pk or is_secretariat(user):
        return True
    if action.comment is not None and is_moderator(user, action.comment.topic):
        return True
    return action.space is not None and is_space_manager(user, action.space)


def can_read_appeal(user, appeal: Appeal) -> bool:
    """The appellant, and the moderators of the place (the one whose decision is appealed sees it
    too, and cannot decide it)."""
    action = appeal.action
    if not _signed_in(user):
        return False
    if appeal.appellant_id == user.pk or is_secretariat(user):
        return True
    if action.comment is not None:
        return is_moderator(user, action.comment.topic)
    return action.space is not None and is_space_manager(user, action.space)
