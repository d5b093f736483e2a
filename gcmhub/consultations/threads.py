"""The read side of a discussion: which comments a reader sees, and threads built for the page.

A topic page shows a page of first comments (oldest first) and, under each, replies two levels
deep (`SHOWN_DEPTH`); a reply with deeper replies shows "continue this thread", a page of its own
built the same way from that reply. The comments of a page are read in a fixed number of queries
whatever their number: the first comments, their replies (one query over the threads), the
deeper replies' counts, and the attachments.

What a reader sees: published comments; the place of deleted and hidden ones (a placeholder that
keeps the thread readable); their own comments awaiting moderation or refused, marked so; and,
for a moderator, every comment awaiting moderation.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from gcmhub.consultations.models import SHOWN_DEPTH, Comment, CommentAttachment

PER_PAGE = 20  # first comments per page of a topic
MAX_REPLIES = 2  # replies shown under each comment on a topic's page; the rest on the thread's page
PLACEHOLDER_STATUSES = (Comment.Status.DELETED, Comment.Status.HIDDEN)


def reader_q(user, *, moderator: bool) -> Q:
    """The comments `user` sees in a thread, as a filter."""
    q = Q(status__in=[Comment.Status.PUBLISHED, *PLACEHOLDER_STATUSES])
    if moderator:
        q |= Q(status=Comment.Status.PENDING)
    if user is not None and user.is_authenticated:
        q |= Q(author_id=user.pk, status__in=[Comment.Status.PENDING, Comment.Status.REFUSED])
    return q


def comment_rows():
    """The columns a thread shows, with the author's name."""
    return Comment.objects.select_related("author").only(
        "topic_id",
        "question_id",
        "parent_id",
        "thread_id",
        "depth",
        "quote_of_id",
        "quote",
        "author_id",
        "author__full_name",
        "author__email",
        "language",
        "body",
        "status",
        "network_reply",
        "created_at",
        "edited_at",
        "version",
    )


@dataclass
class Node:
    comment: Comment
    children: list["Node"] = field(default_factory=list)
    more: int = 0  # replies below the shown depth: "continue this thread"


def _size(node: Node) -> int:
    """The comments of a branch: the node, what is shown below it and what is counted beyond."""
    return 1 + node.more + sum(_size(child) for child in node.children)


def _trim(node: Node, max_replies: int) -> None:
    """Keep the first `max_replies` replies of each comment; the others count in `more` (their
    branch is a "continue this thread" away)."""
    if len(node.children) > max_replies:
        node.more += sum(_size(hidden) for hidden in node.children[max_replies:])
        node.children = node.children[:max_replies]
    for child in node.children:
        _trim(child, max_replies)


def build_forest(
    tops: list[Comment], user, *, moderator: bool, questions: dict | None = None, max_replies: int | None = None
) -> list[Node]:
    """Each of `tops` (comments of one topic, all at one depth) with its replies `SHOWN_DEPTH`
    levels down — the first `max_replies` of each comment's replies when given (a topic page of a
    busy discussion stays a page: 5,000 comments in 200 threads would otherwise put 500 on it) —
    in one query for the replies, one for the counts below, one for the attachments."""
    if not tops:
        return []
    visible = reader_q(user, moderator=moderator)
    base = tops[0].depth
    nodes = {comment.pk: Node(comment) for comment in tops}
    replies = (
        comment_rows()
        .filter(visible, thread_id__in={c.thread_id for c in tops}, depth__gt=base, depth__lte=base + SHOWN_DEPTH)
        .order_by("depth", "created_at", "id")
    )
    # By depth, so a reply's parent is placed before it; replies of other branches are left out.
    for comment in replies:
        parent = nodes.get(comment.parent_id or 0)
        if parent is not None:
            node = nodes[comment.pk] = Node(comment)
            parent.children.append(node)
    edge = [node for node in nodes.values() if node.comment.depth == base + SHOWN_DEPTH]
    if edge:
        counts = dict(
            Comment.objects.filter(visible, parent_id__in=[node.comment.pk for node in edge])
            .order_by()
            .values_list("parent_id")
            .annotate(n=Count("id"))
            .values_list("parent_id", "n")
        )
        for node in edge:
            node.more = counts.get(node.comment.pk, 0)
    forest = [nodes[comment.pk] for comment in tops]
    if max_replies is not None:
        for node in forest:
            _trim(node, max_replies)
        nodes = {}
        stack = list(forest)
        while stack:
            node = stack.pop()
            nodes[node.comment.pk] = node
            stack.extend(node.children)
    attachments = defaultdict(list)
    with_text = [pk for pk, node in nodes.items() if node.comment.status not in PLACEHOLDER_STATUSES]
    for attachment in CommentAttachment.objects.filter(comment_id__in=with_text).only(
        "comment_id", "file", "title", "size"
    ):
        attachments[attachment.comment_id].append(attachment)
    questions = questions or {}
    for node in nodes.values():
        comment = node.comment
        comment.shown_attachments = attachments.get(comment.pk, [])  # type: ignore[attr-defined]
        comment.shown_question = questions.get(comment.question_id)  # type: ignore[attr-defined]
    return forest
