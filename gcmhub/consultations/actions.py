"""Writes on discussions and their moderation: each inside a transaction, each moderation decision a
row of the moderation log (`ModerationAction`), e-mails scheduled on commit.

The callers (views, API) check permissions first (`permissions.py`); these functions check what
must hold whatever the caller: a comment goes to an open topic, an appeal is made once and is
decided by another moderator, a stale edit is refused (`StaleObject`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.consultations.models import (
    COMMENT_MAX_CHARS,
    Appeal,
    Comment,
    CommentAttachment,
    CommentRevision,
    Flag,
    Membership,
    ModerationAction,
    Question,
    Restriction,
    Space,
    Topic,
)
from gcmhub.consultations.permissions import is_tool_owner
from gcmhub.lib.cleantext import clean_text
from gcmhub.lib.concurrency import claim

# A new account's first comments wait for a moderator everywhere, whatever the topic's moderation.
TRUSTED_AFTER = 3  # comments published


Kind = ModerationAction.Kind


class CommentRefused(ValidationError):
    """A comment that cannot be posted as it is; the message says why."""


def check_body(body: str) -> str:
    """The comment's text, tidied; raise CommentRefused when it is empty, too long or only links."""
    text = clean_text(body or "")
    if not text.strip():
        raise CommentRefused(_("Write something before posting."), code="empty")
    if len(text) > COMMENT_MAX_CHARS:
        raise CommentRefused(
            _("A comment holds at most %(limit)s characters; this one has %(count)s.")
            % {"limit": f"{COMMENT_MAX_CHARS:,}", "count": f"{len(text):,}"},
            code="too_long",
        )
    words = [word for word in text.split() if not word.lower().startswith(("http://", "https://", "www."))]
    if not words:
        raise CommentRefused(_("A comment needs words of its own, not only links."), code="only_links")
    return text


def is_trusted(user) -> bool:
    return Comment.objects.filter(author=user, status=Comment.Status.PUBLISHED).count() >= TRUSTED_AFTER


@dataclass
class NewComment:
    body: str
    language: str
    parent: Comment | None = None
    question: Question | None = None
    quote_of: Comment | None = None
    quote: str = ""


def do_post_comment(topic: Topic, author, values: NewComment, attachments: Iterable = (), now=None) -> Comment:
    """Post a comment (or a reply). It waits for a moderator when the topic is pre-moderated or the
    author is new; else it is published at once."""
    now = now or timezone.now()
    if topic.state(now) != "open":
        raise CommentRefused(_("This topic is closed for comments."), code="closed")
    body = check_body(values.body)
    parent = values.parent
    if parent is not None and (parent.topic_id != topic.pk or parent.status not in (Comment.Status.PUBLISHED,)):
        raise CommentRefused(_("The comment you reply to is no longer shown."), code="parent")
    question = values.question if values.question is not None and values.question.topic_id == topic.pk else None
    quote_of = values.quote_of if values.quote_of is not None and values.quote_of.topic_id == topic.pk else None
    held = topic.moderation == Topic.Moderation.PRE or not is_trusted(author)
    with transaction.atomic():
        comment = Comment.objects.create(
            topic=topic,
            author=author,
            body=body,
            language=values.language,
            parent=parent,
            thread=parent.thread if parent is not None else None,
            depth=parent.depth + 1 if parent is not None else 0,
            question=question if parent is None else None,
            quote_of=quote_of,
            quote=clean_text(values.quote)[:2000] if quote_of is not None else "",
            status=Comment.Status.PENDING if held else Comment.Status.PUBLISHED,
            published_at=None if held else now,
            network_reply=is_tool_owner(author, topic),
            created_at=now,
        )
        if comment.thread_id is None:
            # Not a second save: its signals (search, notifications, page cache) ran on the first.
            Comment.objects.filter(pk=comment.pk).update(thread=comment)
            comment.thread = comment
        for upload in attachments:
            CommentAttachment.objects.create(comment=comment, file=upload, title=getattr(upload, "name", ""))
    return comment


def do_edit_comment(comment: Comment, editor, body: str, expected_version: int | None) -> Comment:
    """The author's edit: the earlier text is kept (shown as the comment's history)."""
    text = check_body(body)
    with transaction.atomic():
        current = claim(Comment, comment.pk, expected_version)
        if current.body != text:
            CommentRevision.objects.create(comment=current, body=current.body, edited_by=editor)
            current.body = text
            current.edited_at = timezone.now()
            current.save(update_fields=["body", "edited_at"])
    return current


def do_delete_comment(comment: Comment, user) -> Comment:
    """The author deletes their comment: the thread keeps its place, marked deleted; the text, its
    history and its attachments are gone."""
    with transaction.atomic():
        current = claim(Comment, comment.pk, None)
        current.status = Comment.Status.DELETED
        current.body = ""
        current.quote = ""
        current.save(update_fields=["status", "body", "quote"])
        current.revisions.all().delete()
        for attachment in current.attachments.all():
            attachment.file.delete(save=False)
            attachment.delete()
        current.flags.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    return current


def do_flag(comment: Comment, user, reason: str, note: str = "") -> Flag:
    flag, _created = Flag.objects.get_or_create(
        comment=comment, user=user, defaults={"reason": reason, "note": clean_text(note)[:2000]}
    )
    return flag


def _log(kind: str, actor, subject, *, comment=None, space=None, reason="", note="") -> ModerationAction:
    return ModerationAction.objects.create(
        kind=kind,
        actor=actor,
        subject=subject,
        comment=comment,
        space=space if space is not None else (comment.topic.space if comment is not None else None),
        reason=reason,
        note=clean_text(note)[:4000],
    )


# What each decision on a comment does: from which statuses, to which.
COMMENT_DECISIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    Kind.APPROVE: ((Comment.Status.PENDING,), Comment.Status.PUBLISHED),
    Kind.REFUSE: ((Comment.Status.PENDING,), Comment.Status.REFUSED),
    Kind.HIDE: ((Comment.Status.PUBLISHED,), Comment.Status.HIDDEN),
    Kind.RESTORE: ((Comment.Status.HIDDEN, Comment.Status.REFUSED), Comment.Status.PUBLISHED),
    Kind.REDACT: ((Comment.Status.PENDING, Comment.Status.PUBLISHED, Comment.Status.HIDDEN), None),
    Kind.DISMISS_FLAGS: ((Comment.Status.PUBLISHED,), None),
}
NEEDS_REASON = (Kind.REFUSE, Kind.HIDE, Kind.REDACT)


def do_moderate(
    comment: Comment, moderator, kind: str, *, reason: str = "", note: str = "", body: str = "", expected_version=None
) -> ModerationAction:
    """A moderator's decision on a comment, logged; the author is told why (hide, refuse, redact)."""
    if kind not in COMMENT_DECISIONS:
        raise ValidationError(_("Unknown moderation action."), code="kind")
    if kind in NEEDS_REASON and not reason:
        raise ValidationError(_("Choose the reason from the code of conduct."), code="reason")
    allowed_from, to_status = COMMENT_DECISIONS[kind]
    with transaction.atomic():
        current = claim(Comment, comment.pk, expected_version)
        if current.status not in allowed_from:
            raise ValidationError(
                _("This comment is “%(status)s”: it cannot be %(action)s.")
                % {"status": current.get_status_display(), "action": ModerationAction.Kind(kind).label.lower()},
                code="status",
            )
        fields = []
        if kind == Kind.REDACT:
            text = check_body(body)
            CommentRevision.objects.create(comment=current, body=current.body, edited_by=moderator)
            # The earlier texts held the personal data: none is kept.
            current.revisions.all().delete()
            current.body = text
            current.edited_at = timezone.now()
            fields += ["body", "edited_at"]
        if to_status is not None:
            current.status = to_status
            fields.append("status")
            if to_status == Comment.Status.PUBLISHED and current.published_at is None:
                current.published_at = timezone.now()
                fields.append("published_at")
        if fields:
            current.save(update_fields=fields)
        action = _log(kind, moderator, current.author, comment=current, reason=reason, note=note)
        current.flags.filter(resolved_at__isnull=True).update(resolved_at=action.created_at)
    if kind in ModerationAction.APPEALABLE:
        _tell(action)
    return action


def do_appeal(action: ModerationAction, user, text: str) -> Appeal:
    """The person concerned asks, once, that the decision be reviewed."""
    if action.subject_id != user.pk or action.kind not in ModerationAction.APPEALABLE:
        raise PermissionDenied
    text = clean_text(text or "").strip()
    if not text:
        raise ValidationError(_("Say why the decision should be reviewed."), code="empty")
    with transaction.atomic():
        if Appeal.objects.select_for_update().filter(action=action).exists():
            raise ValidationError(_("This decision has been appealed already: an appeal is made once."), code="twice")
        return Appeal.objects.create(action=action, appellant=user, text=text[:4000])


def do_decide_appeal(appeal: Appeal, moderator, outcome: str, note: str = "") -> ModerationAction:
    """Another moderator upholds or reverses the decision; reversing restores the comment or lifts
    the restriction. Logged, and the appellant is told."""
    if outcome not in Appeal.Outcome.values:
        raise ValidationError(_("Choose whether the decision is upheld or reversed."), code="outcome")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("action").get(pk=appeal.pk)
        original = appeal.action
        if original.actor_id == moderator.pk:
            raise PermissionDenied(_("A moderator never decides an appeal against their own decision."))
        if appeal.outcome:
            raise ValidationError(_("This appeal has been decided already."), code="decided")
        now = timezone.now()
        appeal.outcome, appeal.decided_by, appeal.decided_at = outcome, moderator, now
        appeal.decision_note = clean_text(note)[:4000]
        appeal.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
        if outcome == Appeal.Outcome.GRANTED:
            _reverse(original, moderator, now)
        kind = Kind.APPEAL_GRANTED if outcome == Appeal.Outcome.GRANTED else Kind.APPEAL_UPHELD
        action = _log(kind, moderator, original.subject, comment=original.comment, space=original.space, note=note)
    _tell(action)
    return action


def _reverse(original: ModerationAction, moderator, now) -> None:
    if original.comment_id is not None:
        comment = claim(Comment, original.comment_id, None)
        if comment.status in (Comment.Status.HIDDEN, Comment.Status.REFUSED):
            comment.status = Comment.Status.PUBLISHED
            comment.published_at = comment.published_at or now
            comment.save(update_fields=["status", "published_at"])
    restriction = Restriction.objects.filter(action=original, lifted_at__isnull=True).first()
    if restriction is not None:
        restriction.lifted_at, restriction.lifted_by = now, moderator
        restriction.save(update_fields=["lifted_at", "lifted_by"])


def do_restrict(user, actor, *, space: Space | None, reason: str, note: str = "", until=None) -> Restriction:
    """Mute the user in a space, or suspend them site-wide (`space` None); they are told why."""
    if not reason:
        raise ValidationError(_("Choose the reason from the code of conduct."), code="reason")
    with transaction.atomic():
        kind = Kind.MUTE if space is not None else Kind.SUSPEND
        action = _log(kind, actor, user, space=space, reason=reason, note=note)
        restriction = Restriction.objects.create(user=user, space=space, action=action, until=until)
    _tell(action)
    return restriction


def do_lift(restriction: Restriction, actor, note: str = "") -> ModerationAction:
    with transaction.atomic():
        restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
        restriction.lifted_at, restriction.lifted_by = timezone.now(), actor
        restriction.save(update_fields=["lifted_at", "lifted_by"])
        return _log(Kind.LIFT, actor, restriction.user, space=restriction.space, note=note)


def do_set_membership(space: Space, user, role: str | None, actor) -> Membership | None:
    """Add a member, change their role, or remove them (`role` None)."""
    if role is None:
        Membership.objects.filter(space=space, user=user).delete()
        return None
    membership, _created = Membership.objects.update_or_create(
        space=space, user=user, defaults={"role": role, "added_by": actor}
    )
    return membership


def _tell(action: ModerationAction) -> None:
    """The person concerned gets an e-mail in their language saying what was decided and why."""
    from gcmhub.consultations import tasks

    transaction.on_commit(lambda: tasks.send_moderation_notice.enqueue(action.pk))
