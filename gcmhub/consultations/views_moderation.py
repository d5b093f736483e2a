"""Moderation with due process: the queues, a decision on a comment, the moderation log, appeals,
mutes and suspensions, a space's members, and the comments export for the report's authors.

Who may do what (permissions.py): a topic's moderators, its space's managers and the Secretariat
moderate its comments and read its part of the log; the person concerned appeals a decision once,
and another moderator of the place decides (the moderator whose decision is appealed sees the
appeal but cannot decide it); a space's managers mute people in the space and manage its members;
the Secretariat suspends site-wide and reads everything.
"""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gcmhub.consultations import actions
from gcmhub.consultations.forms import (
    AddMemberForm,
    AppealForm,
    DecideAppealForm,
    LiftForm,
    MemberRoleForm,
    ModerateForm,
    RestrictForm,
)
from gcmhub.consultations.models import (
    Appeal,
    Comment,
    Flag,
    Membership,
    ModerationAction,
    Restriction,
    Space,
    Topic,
)
from gcmhub.consultations.permissions import (
    can_appeal,
    can_decide_appeal,
    can_export_comments,
    can_lift,
    can_manage_members,
    can_moderate,
    can_mute,
    can_read_appeal,
    can_read_moderation_log,
    can_see_action,
    can_suspend,
    get_space_for_user,
    get_topic_for_user,
    is_restricted_in,
    managed_space_ids,
    moderated_topics_q,
    moderates_anything,
    moderation_log_q,
)
from gcmhub.lib.concurrency import StaleObject, refuse_stale
from gcmhub.lib.params import paginate
from gcmhub.lib.tabular import Column, Sheet, csv_response, xlsx_response

QUEUE_PER_PAGE = 25
LOG_PER_PAGE = 50
Kind = ModerationAction.Kind


def _require_moderator(user) -> None:
    if not moderates_anything(user):
        raise PermissionDenied


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _topics_in_scope(user):
    topics = Topic.objects.all()
    scope = moderated_topics_q(user)
    return topics if scope is None else topics.filter(scope).distinct()


# The queue ------------------------------------------------------------------------------------


@login_required
@require_safe
def moderation_queue(request):
    """Comments waiting for a moderator and comments flagged by readers, oldest first, in the
    topics the user moderates (all for the Secretariat); `?space=` and `?topic=` narrow it."""
    user = request.user
    _require_moderator(user)
    topics = _topics_in_scope(user)
    spaces = list(Space.objects.filter(pk__in=topics.values("space_id")).order_by("slug"))
    space = topic = None
    if request.GET.get("space"):
        space = next((s for s in spaces if s.slug == request.GET["space"]), None)
        if space is None:
            raise Http404
        topics = topics.filter(space=space)
    if request.GET.get("topic"):
        topic = topics.filter(slug=request.GET["topic"]).select_related("space").first()
        if topic is None:
            raise Http404
        topics = topics.filter(pk=topic.pk)
    open_flags = Flag.objects.filter(resolved_at__isnull=True).select_related("user").order_by("created_at")
    waiting = (
        Comment.objects.filter(topic__in=topics.values("pk"))
        .filter(
            Q(status=Comment.Status.PENDING)
            | Q(status=Comment.Status.PUBLISHED, flags__resolved_at__isnull=True, flags__isnull=False)
        )
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        .select_related("author", "topic__space")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="shown_flags"))
        .order_by("created_at", "id")
        .distinct()
    )
    page = paginate(waiting, QUEUE_PER_PAGE, request.GET.get("page"))
    return render(
        request,
        "consultations/moderation/queue.html",
        {"page": page, "spaces": spaces, "space": space, "topic": topic, "open_appeals": _open_appeals(user).count()},
    )


def _decisions_for(comment: Comment, has_flags: bool) -> list[str]:
    found = [
        kind
        for kind, (allowed_from, _to) in actions.COMMENT_DECISIONS.items()
        if comment.status in allowed_from and (kind != Kind.DISMISS_FLAGS or has_flags)
    ]
    return found


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderate_comment(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("topic__space", "author"), pk=pk)
    user = request.user
    if not can_moderate(user, comment):
        raise PermissionDenied if moderates_anything(user) else Http404
    flags = list(comment.flags.filter(resolved_at__isnull=True).select_related("user"))
    decisions = _decisions_for(comment, bool(flags))
    form = ModerateForm(
        request.POST or None,
        current=comment,
        decisions=decisions,
        needs_reason=actions.NEEDS_REASON,
        initial={"body": comment.body},
    )
    status = 200
    queue_url = f"{reverse('consultations:moderation')}?topic={comment.topic.slug}"
    if request.method == "POST":
        if form.is_valid() and form.conflict is None:
            cleaned = form.cleaned_data
            try:
                actions.do_moderate(
                    comment,
                    user,
                    cleaned["decision"],
                    reason=cleaned["reason"],
                    note=cleaned["note"],
                    body=cleaned.get("body") or "",
                    expected_version=form.expected_version,
                )
            except StaleObject as stale:
                refuse_stale(
                    form,
                    stale,
                    message=gettext(
                        "Nothing was done: this comment changed while you were deciding (another moderator's "
                        "decision, or an edit by its author). Check it as it is now, then decide again."
                    ),
                )
                status = 409
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                messages.success(request, gettext("Your decision is recorded in the moderation log."))
                return redirect(_safe_next(request, queue_url))
        else:
            status = 409 if form.conflict is not None else 400
    history = list(comment.moderation.select_related("actor").order_by("-created_at", "-id"))
    space = comment.topic.space
    return render(
        request,
        "consultations/moderation/comment.html",
        {
            "comment": comment,
            "topic": comment.topic,
            "space": space,
            "flags": flags,
            "form": form,
            "history": history,
            "restriction": is_restricted_in(comment.author, space),
            "can_mute": can_mute(user, space) and comment.author_id != user.pk,
            "can_suspend": can_suspend(user) and comment.author_id != user.pk,
            "next": _safe_next(request, queue_url),
        },
        status=status,
    )


# The log ----------------------------------------------------------------------------------------


@login_required
@require_safe
def moderation_log(request):
    user = request.user
    if not can_read_moderation_log(user):
        raise PermissionDenied
    entries = ModerationAction.objects.select_related("actor", "subject", "comment__topic__space", "space")
    scope = moderation_log_q(user)
    if scope is not None:
        entries = entries.filter(scope)
    space_ids = entries.order_by().values("space_id")
    spaces = list(Space.objects.filter(pk__in=space_ids).order_by("slug"))
    space = None
    if request.GET.get("space"):
        space = next((s for s in spaces if s.slug == request.GET["space"]), None)
        if space is None:
            raise Http404
        entries = entries.filter(space=space)
    page = paginate(entries.distinct().order_by("-created_at", "-id"), LOG_PER_PAGE, request.GET.get("page"))
    return render(request, "consultations/moderation/log.html", {"page": page, "spaces": spaces, "space": space})


# Appeals ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def appeal(request, pk):
    """The person concerned reads a decision about them and may appeal it, once."""
    action = get_object_or_404(
        ModerationAction.objects.select_related("actor", "comment__topic__space", "space", "subject"), pk=pk
    )
    user = request.user
    if not can_see_action(user, action):
        raise Http404
    existing = Appeal.objects.filter(action=action).select_related("decided_by").first()
    may_appeal = existing is None and can_appeal(user, action)
    form = AppealForm(request.POST or None) if may_appeal else None
    status = 200
    if request.method == "POST":
        if form is None:
            if action.subject_id != user.pk:
                raise PermissionDenied
            messages.error(request, gettext("This decision has been appealed already: an appeal is made once."))
            return redirect("consultations:appeal", pk=action.pk)
        if form.is_valid():
            try:
                actions.do_appeal(action, user, form.cleaned_data["text"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                messages.success(
                    request, gettext("Your appeal is sent: another moderator will decide and you will be told.")
                )
                return redirect("consultations:appeal", pk=action.pk)
        else:
            status = 400
    return render(
        request,
        "consultations/moderation/appeal.html",
        {
            "action": action,
            "appeal": existing,
            "form": form,
            "is_subject": action.subject_id == user.pk,
            "show_moderator": action.subject_id != user.pk,
        },
        status=status,
    )


def _appeals_in_scope(user):
    appeals = Appeal.objects.select_related(
        "action__actor", "action__subject", "action__comment__topic__space", "action__space", "decided_by"
    )
    scope = moderated_topics_q(user)
    if scope is None:
        return appeals
    topics = Topic.objects.filter(scope).values("pk")
    return appeals.filter(
        Q(action__comment__topic__in=topics)
        | Q(action__comment__isnull=True, action__space__in=managed_space_ids(user))
    ).distinct()


def _open_appeals(user):
    return _appeals_in_scope(user).filter(outcome="")


@login_required
@require_safe
def appeal_queue(request):
    user = request.user
    _require_moderator(user)
    open_appeals = list(_open_appeals(user).order_by("created_at", "id")[:200])
    decided = list(_appeals_in_scope(user).exclude(outcome="").order_by("-decided_at", "-id")[:20])
    for item in open_appeals:
        item.may_decide = can_decide_appeal(user, item)
    return render(request, "consultations/moderation/appeals.html", {"open_appeals": open_appeals, "decided": decided})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def appeal_decide(request, pk):
    item = get_object_or_404(
        Appeal.objects.select_related(
            "action__actor", "action__subject", "action__comment__topic__space", "action__space", "decided_by"
        ),
        pk=pk,
    )
    user = request.user
    if not can_read_appeal(user, item) or item.appellant_id == user.pk:
        raise Http404
    may_decide = can_decide_appeal(user, item)
    form = DecideAppealForm(request.POST or None) if may_decide else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.do_decide_appeal(item, user, form.cleaned_data["outcome"], form.cleaned_data["note"])
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, getattr(error, "messages", [str(error)])[0])
                status = 400
            else:
                messages.success(request, gettext("The appeal is decided; the appellant is told."))
                return redirect("consultations:appeals")
        else:
            status = 400
    return render(
        request,
        "consultations/moderation/appeal_decide.html",
        {"appeal": item, "action": item.action, "form": form, "own_decision": item.action.actor_id == user.pk},
        status=status,
    )


# Mutes and suspensions --------------------------------------------------------------------------


def _restrict(request, subject, space: Space | None):
    user = request.user
    if subject.pk == user.pk:
        raise PermissionDenied
    form = RestrictForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            until = form.cleaned_data["until"]
            moment = None
            if until is not None:
                moment = timezone.make_aware(datetime.datetime.combine(until, datetime.time.min))
                if moment <= timezone.now():
                    form.add_error("until", gettext("Choose a date after today, or leave it empty."))
            if not form.errors:
                actions.do_restrict(
                    subject,
                    user,
                    space=space,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    until=moment,
                )
                messages.success(request, gettext("Done: the person is told why and how to appeal."))
                return redirect("consultations:restrictions")
        status = 400
    return render(
        request,
        "consultations/moderation/restrict.html",
        {"subject": subject, "space": space, "form": form, "current": is_restricted_in(subject, space)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mute(request, space, user_id):
    space = get_space_for_user(request.user, space)
    if not can_mute(request.user, space):
        raise PermissionDenied
    subject = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    return _restrict(request, subject, space)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def suspend(request, user_id):
    if not can_suspend(request.user):
        raise PermissionDenied
    subject = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    return _restrict(request, subject, None)


@login_required
@require_safe
def restrictions(request):
    user = request.user
    _require_moderator(user)
    active = Restriction.objects.active().select_related("user", "space", "action__actor")
    if moderated_topics_q(user) is not None:
        active = active.filter(space_id__in=managed_space_ids(user))
    rows = list(active.order_by("-action__created_at")[:500])
    for row in rows:
        row.may_lift = can_lift(user, row)
    return render(request, "consultations/moderation/restrictions.html", {"rows": rows, "form": LiftForm()})


@login_required
@require_POST
def lift(request, pk):
    restriction = get_object_or_404(Restriction.objects.select_related("space", "user"), pk=pk)
    if not can_lift(request.user, restriction):
        raise PermissionDenied
    form = LiftForm(request.POST)
    if restriction.lifted_at is not None:
        messages.info(request, gettext("This restriction was lifted already."))
    elif form.is_valid():
        actions.do_lift(restriction, request.user, form.cleaned_data["note"])
        messages.success(request, gettext("The restriction is lifted."))
    return redirect("consultations:restrictions")


# Members of a space -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def members(request, space):
    space = get_space_for_user(request.user, space)
    if not can_manage_members(request.user, space):
        raise PermissionDenied
    form = AddMemberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            User = get_user_model()
            person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
            if person is None:
                form.add_error("email", gettext("No account has this address: ask the person to create one first."))
            elif Membership.objects.filter(space=space, user=person).exists():
                form.add_error("email", gettext("This person is a member already: change their role below."))
            else:
                actions.do_set_membership(space, person, form.cleaned_data["role"], request.user)
                messages.success(request, gettext("%(name)s is now a member.") % {"name": person})
                return redirect("consultations:members", space=space.slug)
        status = 400
    rows = list(space.memberships.select_related("user", "added_by").order_by("user__full_name", "user__email"))
    return render(
        request,
        "consultations/members.html",
        {"space": space, "form": form, "rows": rows, "role_form": MemberRoleForm},
        status=status,
    )


@login_required
@require_POST
def member_change(request, space, user_id):
    space = get_space_for_user(request.user, space)
    if not can_manage_members(request.user, space):
        raise PermissionDenied
    membership = get_object_or_404(Membership.objects.select_related("user"), space=space, user_id=user_id)
    if request.POST.get("action") == "remove":
        actions.do_set_membership(space, membership.user, None, request.user)
        messages.success(request, gettext("%(name)s is no longer a member.") % {"name": membership.user})
    else:
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Choose a role from the list."))
        else:
            actions.do_set_membership(space, membership.user, form.cleaned_data["role"], request.user)
            messages.success(request, gettext("The role of %(name)s is changed.") % {"name": membership.user})
    return redirect("consultations:members", space=space.slug)


# The comments export ----------------------------------------------------------------------------

EXPORT_FORMATS = ("xlsx", "csv")


@login_required
@require_safe
def comments_export(request, space, topic, fmt):
    topic = get_topic_for_user(request.user, space, topic)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if not can_export_comments(request.user, topic):
        raise PermissionDenied
    columns = [
        Column(gettext("Comment"), 10),
        Column(gettext("Thread"), 10),
        Column(gettext("In reply to"), 10),
        Column(gettext("Level"), 8),
        Column(gettext("Question"), 40),
        Column(gettext("Author"), 25),
        Column(gettext("Language"), 10),
        Column(gettext("Status"), 16),
        Column(gettext("The Network's reply"), 12),
        Column(gettext("Posted"), 18),
        Column(gettext("Edited"), 18),
        Column(gettext("Quoted text"), 40),
        Column(gettext("Text"), 80),
        Column(gettext("Attachments"), 30),
    ]
    questions = {q.pk: q.text for q in topic.questions.all()}
    statuses = dict(Comment.Status.choices)
    yes, no = gettext("Yes"), gettext("No")
    comments = (
        Comment.objects.filter(topic=topic)
        .exclude(status=Comment.Status.DELETED)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("thread_id", "created_at", "id")
    )
    rows = (
        [
            c.pk,
            c.thread_id,
            c.parent_id,
            c.depth,
            questions.get(c.question_id, ""),
            str(c.author),
            c.language,
            str(statuses.get(c.status, c.status)),
            yes if c.network_reply else no,
            c.created_at,
            c.edited_at,
            c.quote,
            c.body,
            ", ".join(a.filename for a in c.attachments.all()),
        ]
        for c in comments.iterator(chunk_size=500)
    )
    filename = f"comments-{topic.slug}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, columns, rows)
    about = [
        (gettext("Topic"), topic.title),
        (gettext("Space"), topic.space.title),
        (gettext("Exported"), timezone.now()),
        (gettext("Exported by"), str(request.user)),
    ]
    return xlsx_response(filename, [Sheet(gettext("Comments"), columns, rows, wrap=True, about=about)])
