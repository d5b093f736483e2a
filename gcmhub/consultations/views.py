"""The discussion pages readers and authors use: spaces, topics, threads, and a comment's own pages
(reply, edit, delete, flag, history). Moderation lives in views_moderation.

Who may do what (permissions.py): anyone reads a public space or topic, the members a restricted
one; a signed-in reader with a verified address comments while the topic is open, unless muted or
suspended; the author edits while the topic is open and deletes at any time; any other reader
flags a published comment.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from gcmhub import pagecache
from gcmhub.consultations import actions, threads
from gcmhub.consultations.forms import CommentForm, EditCommentForm, FlagForm
from gcmhub.consultations.models import SHOWN_DEPTH, Comment, Flag, ModerationAction, Reason, Space, Topic, Visibility
from gcmhub.consultations.permissions import (
    can_delete_comment,
    can_edit_comment,
    can_flag,
    comment_refusal,
    get_comment_for_user,
    get_space_for_user,
    get_topic_for_user,
    is_member,
    is_moderator,
    is_space_manager,
)
from gcmhub.consultations.render import render_forest
from gcmhub.lib import throttle
from gcmhub.lib.concurrency import StaleObject, refuse_stale
from gcmhub.lib.i18n import active_language, translated_names
from gcmhub.lib.params import paginate

# Topics count in a scope of their own (settings.PAGE_CACHE_OWN_SCOPES).
CACHE_SCOPES = ("consultations", "discussiontopics", "knowledge", "taxonomy", "accounts")
THROTTLE_SCOPE = "comment"


# Spaces -----------------------------------------------------------------------------------------


@require_safe
@pagecache.cacheable(scopes=CACHE_SCOPES)
def space_list(request):
    user = request.user
    spaces = list(
        Space.objects.listed()
        .annotate(
            topic_count=Count("topics", filter=Q(topics__published_at__isnull=False), distinct=True),
        )
        .order_by("-created_at", "id")
    )
    readable = []
    memberships = {}
    if user.is_authenticated:
        memberships = {s.pk: is_member(user, s) for s in spaces}
    for space in spaces:
        if space.visibility == Visibility.PUBLIC or memberships.get(space.pk):
            readable.append(space)
    return render(request, "consultations/space_list.html", {"spaces": readable})


def _space_topics(user, space: Space) -> list[Topic]:
    """The topics of the space the user may read, with their comment counts (one query)."""
    topics = Topic.objects.filter(space=space).annotate(
        comment_count=Count("comments", filter=Q(comments__status=Comment.Status.PUBLISHED))
    )
    if is_space_manager(user, space):
        return list(topics.order_by("-opens_at", "id"))
    readable = Q(published_at__isnull=False)
    if not is_member(user, space):
        readable &= Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        readable |= Q(moderators=user)
    return list(topics.filter(readable).distinct().order_by("-opens_at", "id"))


@require_safe
@pagecache.cacheable(scopes=CACHE_SCOPES)
def space_detail(request, space):
    space = get_space_for_user(request.user, space)
    now = timezone.now()
    groups: dict[str, list[Topic]] = {"open": [], "upcoming": [], "closed": [], "draft": []}
    for topic in _space_topics(request.user, space):
        topic.space = space
        groups[topic.state(now)].append(topic)
    pagecache.valid_until(request, _next_change(groups["open"] + groups["upcoming"], now))
    return render(
        request,
        "consultations/space_detail.html",
        {"space": space, **groups, "can_manage": is_space_manager(request.user, space)},
    )


def _next_change(topics: list[Topic], now):
    moments = [m for t in topics for m in (t.opens_at, t.closes_at) if m and m > now]
    return min(moments, default=None)


# Topics -----------------------------------------------------------------------------------------


def _topic_context(request, topic: Topic) -> dict:
    """What the topic page shows beside its comments: moderators, questions, documents."""
    moderators = list(topic.moderators.only("full_name", "email").order_by("full_name", "email"))
    topic._moderator_ids = {m.pk for m in moderators}  # is_moderator reads it
    questions = list(topic.questions.all())
    return {
        "moderators": moderators,
        "questions": questions,
        "attachments": list(topic.attachments.all()),
        "resources": list(
            topic.resources.published().only("slug", "source_language", *translated_names("title")).order_by("pk")
        ),
    }


def _comment_form_context(request, topic: Topic, form) -> dict:
    user = request.user
    refusal = comment_refusal(user, topic)
    return {
        "form": form,
        "refusal": refusal,
        "can_comment": refusal is None,
        "login_url": f"{reverse('accounts:login')}?next={request.get_full_path()}",
    }


@require_http_methods(["GET", "HEAD", "POST"])
@pagecache.cacheable(scopes=CACHE_SCOPES)
def topic_detail(request, space, topic):
    topic = get_topic_for_user(request.user, space, topic)
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = _topic_context(request, topic)
    form = None
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST, request.FILES, questions=context["questions"])
        response, status = _post_comment(request, topic, form, parent=None)
        if response is not None:
            return response
    elif user.is_authenticated:
        form = CommentForm(questions=context["questions"])
    moderator = is_moderator(user, topic)
    visible = threads.reader_q(user, moderator=moderator)
    roots_qs = threads.comment_rows().filter(visible, topic=topic, depth=0).order_by("created_at", "id")
    count = Comment.objects.filter(visible, topic=topic, depth=0).count()
    page = paginate(roots_qs, threads.PER_PAGE, request.GET.get("page"), count=count)
    questions = {q.pk: q for q in context["questions"]}
    forest = threads.build_forest(
        list(page.object_list), user, moderator=moderator, questions=questions, max_replies=threads.MAX_REPLIES
    )
    now = timezone.now()
    _mark_actions(forest, user, topic, moderator, now)
    pagecache.valid_until(request, _next_change([topic], now))
    return render(
        request,
        "consultations/topic_detail.html",
        {
            "topic": topic,
            "space": topic.space,
            "state": topic.state(now),
            "page": page,
            "forest": forest,
            "forest_html": render_forest(forest, space_slug=topic.space.slug, topic_slug=topic.slug),
            "comment_total": count,
            "is_moderator": moderator,
            "pending_count": (
                Comment.objects.filter(topic=topic, status=Comment.Status.PENDING).count() if moderator else 0
            ),
            "page_language": active_language(),
            **context,
            **_comment_form_context(request, topic, form),
        },
        status=status,
    )


def _walk(nodes: list[threads.Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _mark_actions(forest: list[threads.Node], user, topic: Topic, moderator: bool, now) -> None:
    """Set `comment.can` on every comment shown: what the reader may do with it (read by the
    template). One query at most: the decisions the reader may appeal on their own comments."""
    signed_in = user.is_authenticated
    is_open = topic.state(now) == "open"
    nodes = list(_walk(forest))
    appealable: dict[int, int] = {}
    if signed_in:
        own_held = [
            n.comment.pk
            for n in nodes
            if n.comment.author_id == user.pk and n.comment.status in (Comment.Status.HIDDEN, Comment.Status.REFUSED)
        ]
        if own_held:
            for comment_id, action_id in (
                ModerationAction.objects.filter(
                    comment_id__in=own_held, subject=user, kind__in=ModerationAction.APPEALABLE
                )
                .order_by("created_at", "id")
                .values_list("comment_id", "pk")
            ):
                appealable[comment_id] = action_id
    for node in nodes:
        comment = node.comment
        published = comment.status == Comment.Status.PUBLISHED
        own = signed_in and comment.author_id == user.pk
        can = {
            "reply": signed_in and is_open and published,
            "edit": own and is_open and comment.status in (Comment.Status.PENDING, Comment.Status.PUBLISHED),
            "delete": own and comment.status != Comment.Status.DELETED,
            "flag": signed_in and not own and published,
            "moderate": moderator and comment.status != Comment.Status.DELETED,
            "appeal": appealable.get(comment.pk) if own else None,
            "see_hidden": own or moderator,
        }
        can["any"] = any(value for key, value in can.items() if key != "see_hidden")
        comment.can = can


def _post_comment(request, topic: Topic, form: CommentForm, parent: Comment | None):
    """(redirect, 200) once posted; (None, status) with the form's errors otherwise: what was typed
    stays in the form."""
    user = request.user
    refusal = comment_refusal(user, topic)
    if refusal is not None:
        form.is_valid()
        form.add_error(None, gettext("Your comment was not posted: %(reason)s") % {"reason": refusal})
        return None, 403 if topic.state() == "open" else 400
    try:
        throttle.hit_and_check(THROTTLE_SCOPE, request, f"user:{user.pk}")
    except throttle.Throttled as exc:
        form.is_valid()
        minutes = max(1, -(-exc.retry_after // 60))
        form.add_error(
            None,
            gettext(
                "You have posted many comments in a short time: please wait %(minutes)s minutes, then post "
                "again. Your text is kept below."
            )
            % {"minutes": minutes},
        )
        return None, 429
    if not form.is_valid():
        return None, 400
    cleaned = form.cleaned_data
    quote_of = None
    if cleaned.get("quote_of"):
        quote_of = Comment.objects.filter(pk=cleaned["quote_of"], topic=topic, status=Comment.Status.PUBLISHED).first()
    try:
        comment = actions.do_post_comment(
            topic,
            user,
            actions.NewComment(
                body=cleaned["body"],
                language=cleaned["language"],
                parent=parent,
                question=cleaned.get("question"),
                quote_of=quote_of,
                quote=cleaned.get("quote") or "",
            ),
            attachments=cleaned.get("attachments") or [],
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None, 400
    if comment.status == Comment.Status.PENDING:
        messages.success(
            request,
            gettext("Thank you: your comment awaits moderation. It is shown to others once a moderator approves it."),
        )
    else:
        messages.success(request, gettext("Your comment is published."))
    return redirect(comment.get_absolute_url()), 200


@require_safe
@pagecache.cacheable(scopes=CACHE_SCOPES)
def thread_detail(request, space, topic, pk):
    """A reply and its replies, beyond the depth the topic page shows ("continue this thread")."""
    topic = get_topic_for_user(request.user, space, topic)
    user = request.user
    moderator = is_moderator(user, topic)
    visible = threads.reader_q(user, moderator=moderator)
    top = threads.comment_rows().filter(visible, topic=topic, pk=pk).first()
    if top is None:
        raise Http404
    questions = {q.pk: q for q in topic.questions.all()}
    forest = threads.build_forest([top], user, moderator=moderator, questions=questions)
    _mark_actions(forest, user, topic, moderator, timezone.now())
    top.topic = topic
    # Where the reply shows among the earlier replies of its thread.
    parent_url = _page_anchor(top)
    return render(
        request,
        "consultations/thread.html",
        {
            "topic": topic,
            "space": topic.space,
            "forest": forest,
            "forest_html": render_forest(forest, space_slug=topic.space.slug, topic_slug=topic.slug),
            "top": top,
            "parent_url": parent_url,
            "page_language": active_language(),
            "is_moderator": moderator,
        },
    )


def _thread_page_root(comment: Comment) -> Comment | None:
    """The reply whose thread page shows `comment` (None: the topic page shows it): thread pages
    start at depths SHOWN_DEPTH, 2×SHOWN_DEPTH…"""
    if comment.depth <= SHOWN_DEPTH:
        return None
    target = ((comment.depth - 1) // SHOWN_DEPTH) * SHOWN_DEPTH
    current = comment
    while current.depth > target:
        parent_id = current.parent_id
        if parent_id is None:
            break
        current = Comment.objects.only("depth", "parent_id", "topic_id").get(pk=parent_id)
    return current


def _page_anchor(comment: Comment) -> str:
    """The address of the page that shows `comment`, with its anchor."""
    topic = comment.topic
    root = _thread_page_root(comment)
    if root is not None:
        url = reverse("consultations:thread", args=[topic.space.slug, topic.slug, root.pk])
        return f"{url}#comment-{comment.pk}"
    first = (
        comment if comment.depth == 0 else Comment.objects.only("created_at").get(pk=comment.thread_id or comment.pk)
    )
    before = (
        Comment.objects.filter(topic_id=comment.topic_id, depth=0)
        .filter(Q(status__in=[Comment.Status.PUBLISHED, *threads.PLACEHOLDER_STATUSES]))
        .filter(Q(created_at__lt=first.created_at) | Q(created_at=first.created_at, pk__lt=first.pk))
        .count()
    )
    page = before // threads.PER_PAGE + 1
    suffix = f"?page={page}" if page > 1 else ""
    return f"{topic.get_absolute_url()}{suffix}#comment-{comment.pk}"


@require_safe
def comment_link(request, pk):
    comment = get_comment_for_user(request.user, pk)
    return redirect(_page_anchor(comment))


# A comment's own pages ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_reply(request, pk):
    parent = get_comment_for_user(request.user, pk)
    topic = parent.topic
    if parent.status != Comment.Status.PUBLISHED:
        raise PermissionDenied
    quoting = request.GET.get("quote") == "1" or "quote_of" in request.POST
    initial = {"quote_of": parent.pk, "quote": parent.body[:2000]} if quoting else {}
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST, request.FILES, reply=True, quoting=quoting)
        response, status = _post_comment(request, topic, form, parent=parent)
        if response is not None:
            return response
    else:
        form = CommentForm(reply=True, quoting=quoting, initial=initial)
    return render(
        request,
        "consultations/reply.html",
        {
            "parent": parent,
            "topic": topic,
            "space": topic.space,
            "quoting": quoting,
            "page_language": active_language(),
            **_comment_form_context(request, topic, form),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request, pk):
    comment = get_comment_for_user(request.user, pk)
    if not can_edit_comment(request.user, comment):
        raise PermissionDenied
    form = EditCommentForm(request.POST or None, current=comment, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid() and form.conflict is None:
            try:
                actions.do_edit_comment(comment, request.user, form.cleaned_data["body"], form.expected_version)
            except StaleObject as stale:
                refuse_stale(form, stale, message=_stale_comment_message(stale.current))
                status = 409
            except ValidationError as error:
                form.add_error("body", error)
                status = 400
            else:
                messages.success(request, gettext("Your comment was changed; the earlier text is kept in its history."))
                return redirect(comment.get_absolute_url())
        else:
            status = 409 if form.conflict is not None else 400
    return render(
        request,
        "consultations/comment_edit.html",
        {"comment": comment, "topic": comment.topic, "space": comment.topic.space, "form": form},
        status=status,
    )


def _stale_comment_message(current) -> str:
    if current is None:
        return gettext(
            "This comment was deleted while you were editing it. Your text is kept below so you can copy it."
        )
    return gettext(
        "Nothing was saved: this comment changed while you were editing it (a moderator's decision or your own "
        "edit on another page). The saved text is shown here and yours is kept in the form: check it, then save "
        "again to replace it."
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_delete(request, pk):
    comment = get_comment_for_user(request.user, pk)
    if not can_delete_comment(request.user, comment):
        raise PermissionDenied
    if request.method == "POST":
        actions.do_delete_comment(comment, request.user)
        messages.success(request, gettext("Your comment was deleted. Its place in the thread says so."))
        return redirect(_page_anchor(comment))
    return render(
        request,
        "consultations/comment_delete.html",
        {"comment": comment, "topic": comment.topic, "space": comment.topic.space},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_flag(request, pk):
    comment = get_comment_for_user(request.user, pk)
    if not can_flag(request.user, comment):
        raise PermissionDenied
    already = Flag.objects.filter(comment=comment, user=request.user).first()
    form = FlagForm(request.POST or None)
    if request.method == "POST" and already is None and form.is_valid():
        actions.do_flag(comment, request.user, form.cleaned_data["reason"], form.cleaned_data["note"])
        messages.success(request, gettext("Thank you: the moderators will look at this comment."))
        return redirect(_page_anchor(comment))
    status = 400 if form.errors else (409 if request.method == "POST" and already else 200)
    return render(
        request,
        "consultations/comment_flag.html",
        {"comment": comment, "topic": comment.topic, "space": comment.topic.space, "form": form, "already": already},
        status=status,
    )


@require_safe
def comment_history(request, pk):
    comment = get_comment_for_user(request.user, pk)
    if comment.status == Comment.Status.DELETED:
        raise Http404
    revisions = list(comment.revisions.order_by("-edited_at", "-id"))
    return render(
        request,
        "consultations/comment_history.html",
        {"comment": comment, "topic": comment.topic, "space": comment.topic.space, "revisions": revisions},
    )


# The code of conduct ------------------------------------------------------------------------------


@require_safe
@pagecache.cacheable(scopes=())
def code_of_conduct(request):
    return render(request, "consultations/code_of_conduct.html", {"reasons": Reason.choices})
