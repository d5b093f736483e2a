"""Discussions: spaces, topics with their questions, and comments.

Reads answer what the pages show the same reader (`consultations.permissions`): public spaces and
topics to everyone, restricted ones to their members, moderators and the Secretariat (404 to
others); of a topic's comments, the published ones, with the places of deleted and hidden ones
kept as placeholders without text, so that threads hold together.

Writes take a token and go through the pages' rules and actions: `comment_refusal` (a verified
address, an open topic, no mute or suspension), the "comment" throttle, `do_post_comment` (the
topic's pre-moderation and the new accounts' rule), `can_edit_comment` and `do_edit_comment` (with
`If-Match`, see `preconditions`), `can_delete_comment`, `can_flag` and `do_flag`. Bad input is
refused with the actions' own messages.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router
from ninja import Status as HttpStatus

from gcmhub.api.auth import token_auth, token_user
from gcmhub.api.errors import NON_FIELD_ERRORS, ApiValidationError
from gcmhub.api.preconditions import (
    IF_MATCH_DOC,
    PreconditionMissing,
    PreconditionRequiredOut,
    expected_version,
    missing_body,
    set_etag,
    stale_detail,
)
from gcmhub.api.responses import json_answer, kept_json_answer
from gcmhub.api.schemas.common import Error, Pagination, ValidationErrorOut, paginate_rows, translations
from gcmhub.api.schemas.consultations import (
    CommentConflictOut,
    CommentEditIn,
    CommentIn,
    CommentList,
    CommentOut,
    CommentPostedOut,
    FlagIn,
    FlagOut,
    RetryOut,
    SpaceList,
    SpaceOut,
    TopicDetailOut,
    TopicList,
)
from gcmhub.consultations import actions
from gcmhub.consultations.models import Comment, CommentAttachment, Flag, Reason, Space, Topic
from gcmhub.consultations.permissions import (
    can_delete_comment,
    can_edit_comment,
    can_flag,
    can_read_topic,
    can_see_comment,
    comment_refusal,
    get_comment_for_user,
    get_space_for_user,
    readable_spaces_q,
    readable_topics_q,
)
from gcmhub.lib import throttle
from gcmhub.lib.concurrency import StaleObject
from gcmhub.lib.i18n import LANGUAGE_CODES, choice_label, pick
from gcmhub.lib.params import MAX_ID
from gcmhub.lib.urls import absolute_url_maker
from gcmhub.taxonomy.models import Country, Objective

router = Router(tags=["Discussions"])

# What the discussions' answers show: kept (for anonymous readers) until one of these changes.
# Topics count in a scope of their own (settings.PAGE_CACHE_OWN_SCOPES); authors' names are accounts'.
CACHE_SCOPES = ("consultations", "discussiontopics", "knowledge", "taxonomy", "accounts")
THROTTLE_SCOPE = "comment"  # the pages' own (gcmhub.consultations.views)
MAX_COMMENTS_PAGE = 100  # a comment holds up to 10,000 characters: pages of comments stay small

WRITE_ERRORS = {400: ValidationErrorOut, 401: Error, 403: Error, 404: Error}
# A placeholder keeps its place in the thread and shows no text.
PLACEHOLDERS = (Comment.Status.DELETED, Comment.Status.HIDDEN)
SHOWN = (Comment.Status.PUBLISHED, *PLACEHOLDERS)


def _answer(request: HttpRequest, name: str, compute, schema) -> HttpResponse:
    """Anonymous readers all see the same public answer: it is kept (gcmhub/api/responses.py).
    A token's reader may see restricted spaces and topics: answered each time."""
    if request.user.is_authenticated:
        return json_answer(compute(), schema)
    return kept_json_answer(request, name, CACHE_SCOPES, compute, schema)


class _Urls:
    """The absolute addresses of one answer's items, one `reverse()` per kind."""

    def __init__(self, request: HttpRequest):
        self.space = absolute_url_maker(request, "consultations:space", str)
        self.topic = absolute_url_maker(request, "consultations:topic", str, str)
        self.comment = absolute_url_maker(request, "consultations:comment", int)
        self.api_comments = absolute_url_maker(request, "api-v1:list_topic_comments", str)
        self.feed = absolute_url_maker(request, "discussion_feeds:topic_atom", str)
        self.site = request.build_absolute_uri("/")[:-1]


# Spaces -----------------------------------------------------------------------------------------


def space_out(space: Space, urls: _Urls) -> dict:
    """Reads `space.topic_count`: annotate it (`_spaces()`)."""
    return {
        "slug": space.slug,
        "title": space.title,
        "titles": translations(space, "title"),
        "description": space.description,
        "descriptions": translations(space, "description"),
        "source_language": space.source_language,
        "visibility": space.visibility,
        "topic_count": space.topic_count,
        "created_at": space.created_at,
        "url": urls.space(space.slug),
    }


def _spaces():
    return Space.objects.annotate(
        topic_count=Count("topics", filter=Q(topics__published_at__isnull=False), distinct=True)
    ).order_by("-created_at", "id")


@router.get("/spaces", response={200: SpaceList, 400: ValidationErrorOut}, summary="List discussion spaces")
def list_spaces(request: HttpRequest, page: Query[Pagination]):
    return _answer(request, "api:spaces", lambda: spaces_page(request, page), SpaceList)


def spaces_page(request: HttpRequest, page: Pagination) -> dict:
    qs = Space.objects.listed().filter(readable_spaces_q(request.user))
    rows = paginate_rows(_spaces().filter(pk__in=qs.values("pk")), page)
    urls = _Urls(request)
    return {"count": qs.count(), "items": [space_out(space, urls) for space in rows]}


@router.get("/spaces/{slug}", response={200: SpaceOut, 404: Error}, summary="One discussion space")
def get_space(request: HttpRequest, slug: str):
    space = get_space_for_user(request.user, slug)
    return json_answer(space_out(_spaces().get(pk=space.pk), _Urls(request)), SpaceOut)


# Topics -----------------------------------------------------------------------------------------


class TopicFilters(Pagination):
    space: str | None = Field(None, max_length=120, description="Slug of a space.")
    state: str | None = Field(
        None,
        pattern="^(open|upcoming|closed)$",
        description="`open` for comments now, `upcoming` (opens later) or `closed`.",
    )
    objective: int | None = Field(None, ge=1, le=MAX_ID, description="Number of a GCM objective.")
    country: str | None = Field(None, max_length=3, description="ISO 3166 alpha-2 or alpha-3 code.")


def _topics():
    return (
        Topic.objects.select_related("space", "tool", "summary_report")
        .only(
            *("slug", "source_language", "languages", "visibility", "moderation", "time_zone"),
            *("opens_at", "closes_at", "published_at", "created_at"),
            *(f"{name}_{code}" for name in ("title", "introduction", "audience") for code in LANGUAGE_CODES),
            *("space__slug", "space__visibility", "space__archived_at", "tool__slug", "summary_report__slug"),
        )
        .annotate(comment_count=Count("comments", filter=Q(comments__status=Comment.Status.PUBLISHED)))
        .prefetch_related(
            Prefetch("objectives", Objective.objects.only("number"), to_attr="out_objectives"),
            Prefetch("countries", Country.objects.order_by("iso3"), to_attr="out_countries"),
        )
    )


def topic_out(topic: Topic, urls: _Urls, now) -> dict:
    """Reads what `_topics()` loads."""
    lists = vars(topic)  # the `to_attr` lists, which the model does not declare
    public = not topic.restricted
    return {
        "slug": topic.slug,
        "space": topic.space.slug,
        "title": topic.title,
        "titles": translations(topic, "title"),
        "introduction": topic.introduction,
        "introductions": translations(topic, "introduction"),
        "audience": topic.audience,
        "audiences": translations(topic, "audience"),
        "source_language": topic.source_language,
        "languages": list(topic.languages or []),
        "state": topic.state(now),
        "restricted": not public,
        "moderation": topic.moderation,
        "time_zone": topic.time_zone,
        "opens_at": topic.opens_at,
        "closes_at": topic.closes_at,
        "published_at": topic.published_at,
        "objectives": sorted(o.number for o in lists["out_objectives"]),
        "countries": [{"iso2": c.iso2, "iso3": c.iso3, "name": c.name} for c in lists["out_countries"]],
        "comment_count": lists["comment_count"],
        "tool": topic.tool.slug if topic.tool else None,
        "summary_report": topic.summary_report.slug if topic.summary_report else None,
        "url": urls.topic(topic.space.slug, topic.slug),
        "comments": urls.api_comments(topic.slug),
        "feed": urls.feed(topic.slug) if public and topic.published_at else None,
    }


def _state_q(state: str, now) -> Q:
    published = Q(published_at__isnull=False)
    if state == "open":
        return (
            published
            & (Q(opens_at__isnull=True) | Q(opens_at__lte=now))
            & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        )
    if state == "upcoming":
        return published & Q(opens_at__gt=now)
    return published & Q(closes_at__lte=now)


@router.get(
    "/topics",
    response={200: TopicList, 400: ValidationErrorOut},
    summary="List discussion topics",
    description="Newest first. Those of restricted spaces only with a token of a member.",
)
def list_topics(request: HttpRequest, filters: Query[TopicFilters]):
    return _answer(request, "api:topics", lambda: topics_page(request, filters), TopicList)


def topics_page(request: HttpRequest, filters: TopicFilters) -> dict:
    now = timezone.now()
    qs = Topic.objects.all()
    readable = readable_topics_q(request.user)
    if readable is not None:
        qs = qs.filter(readable)
    if filters.space:
        qs = qs.filter(space__slug=filters.space)
    if filters.state:
        qs = qs.filter(_state_q(filters.state, now))
    if filters.objective:
        qs = qs.filter(objectives__number=filters.objective)
    if filters.country:
        code = filters.country.strip().upper()
        qs = qs.filter(Q(countries__iso2=code) if len(code) == 2 else Q(countries__iso3=code))
    ordered = _topics().filter(pk__in=qs.values("pk")).order_by("-opens_at", "-created_at", "-pk")
    rows = paginate_rows(ordered, filters)
    urls = _Urls(request)
    return {"count": qs.values("pk").distinct().count(), "items": [topic_out(topic, urls, now) for topic in rows]}


def _readable_topic(user, slug: str, *, for_output: bool = True) -> Topic:
    """The topic (with what `topic_out` reads `for_output`); 404 for what `can_read_topic` refuses."""
    topics = _topics() if for_output else Topic.objects.select_related("space")
    topic = topics.filter(slug=slug).first()
    if topic is None or not can_read_topic(user, topic):
        raise Http404
    return topic


@router.get(
    "/topics/{slug}",
    response={200: TopicDetailOut, 404: Error},
    summary="One discussion topic, with its questions in every language",
)
def get_topic(request: HttpRequest, slug: str):
    topic = _readable_topic(request.user, slug)
    data = topic_out(topic, _Urls(request), timezone.now())
    data["questions"] = [
        {
            "id": q.pk,
            "text": pick(q, "text"),
            "texts": translations(q, "text"),
            "source_language": q.source_language,
        }
        for q in topic.questions.order_by("order", "pk")
    ]
    data["moderators"] = [
        m.display_name() for m in topic.moderators.only("full_name", "email").order_by("full_name", "email")
    ]
    data["principles"] = sorted(p.code for p in topic.principles.all())
    data["thematic_areas"] = sorted(a.number for a in topic.thematic_areas.all())
    data["resources"] = list(topic.resources.published().order_by("pk").values_list("slug", flat=True))
    return json_answer(data, TopicDetailOut)


# Comments ---------------------------------------------------------------------------------------


class CommentFilters(Pagination):
    limit: int = Field(50, ge=1, le=MAX_COMMENTS_PAGE, description="Comments per page (at most 100).")
    thread: int | None = Field(None, ge=1, le=MAX_ID, description="Only the comments of one thread (its first id).")


def _comment_rows():
    return Comment.objects.select_related("author").only(
        *("topic_id", "question_id", "parent_id", "thread_id", "depth", "quote_of_id", "quote"),
        *("author_id", "author__full_name", "author__email", "language", "body", "status", "network_reply"),
        *("created_at", "edited_at", "published_at", "version"),
    )


def _attachments_of(comments: list[Comment]) -> dict[int, list[CommentAttachment]]:
    """The files of the comments that show their text (one query, none when there is none)."""
    with_text = [c.pk for c in comments if c.status not in PLACEHOLDERS]
    found: dict[int, list[CommentAttachment]] = defaultdict(list)
    if with_text:
        for attachment in CommentAttachment.objects.filter(comment_id__in=with_text).only(
            "comment_id", "file", "title", "size"
        ):
            found[attachment.comment_id].append(attachment)
    return found


def comment_out(comment: Comment, topic_slug: str, urls: _Urls, attachments: list[CommentAttachment]) -> dict:
    """Reads `comment.author`: select it. A placeholder shows no text, no quote and no file."""
    placeholder = comment.status in PLACEHOLDERS
    return {
        "id": comment.pk,
        "topic": topic_slug,
        "parent": comment.parent_id,
        "thread": comment.thread_id or comment.pk,
        "depth": comment.depth,
        "question": comment.question_id,
        "quote_of": comment.quote_of_id,
        "quote": "" if placeholder else comment.quote,
        "status": comment.status,
        "status_label": choice_label(Comment.Status, comment.status),
        "language": comment.language,
        "author": comment.author.display_name(),
        "network_reply": comment.network_reply,
        "body": "" if placeholder else comment.body,
        "edited": comment.edited_at is not None,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "published_at": comment.published_at,
        "attachments": [
            {
                "title": a.title,
                "filename": a.filename,
                "url": urls.site + a.get_absolute_url(),
                "size": a.size,
            }
            for a in ([] if placeholder else attachments)
        ],
        "url": urls.comment(comment.pk),
    }


@router.get(
    "/topics/{slug}/comments",
    response={200: CommentList, 400: ValidationErrorOut, 404: Error},
    summary="The comments of a topic",
    description=(
        "Oldest first, every depth (rebuild threads with `parent`, `thread` and `depth`). Published comments; "
        "deleted and hidden ones keep their place as placeholders without text."
    ),
    url_name="list_topic_comments",
)
def list_topic_comments(request: HttpRequest, slug: str, filters: Query[CommentFilters]):
    topic = _readable_topic(request.user, slug, for_output=False)
    return _answer(request, "api:comments", lambda: comments_page(request, topic, filters), CommentList)


def comments_page(request: HttpRequest, topic: Topic, filters: CommentFilters) -> dict:
    shown = Q(topic=topic, status__in=SHOWN)
    if filters.thread:
        shown &= Q(thread_id=filters.thread)
    count = Comment.objects.filter(shown).count()
    rows = paginate_rows(_comment_rows().filter(shown).order_by("created_at", "id"), filters)
    urls = _Urls(request)
    attachments = _attachments_of(rows)
    return {"count": count, "items": [comment_out(c, topic.slug, urls, attachments.get(c.pk, [])) for c in rows]}


def _comment_answer(request: HttpRequest, comment: Comment) -> dict:
    comment = _comment_rows().select_related("topic").get(pk=comment.pk)
    return comment_out(comment, comment.topic.slug, _Urls(request), _attachments_of([comment]).get(comment.pk, []))


@router.get(
    "/comments/{id:id}",
    response={200: CommentOut, 404: Error},
    summary="One comment",
    description="The `ETag` header names the version: send it in `If-Match` to edit your comment. "
    "Your own comments are shown to you while they await moderation or after a refusal.",
)
def get_comment(request: HttpRequest, id: int, response: HttpResponse):
    comment = get_comment_for_user(request.user, id)
    set_etag(response, comment.etag)
    return _comment_answer(request, comment)


# Writes -----------------------------------------------------------------------------------------

# Which field an action's refusal is about (`actions.CommentRefused` codes).
REFUSAL_FIELDS = {"empty": "body", "too_long": "body", "only_links": "body", "parent": "parent"}


def _refused(error) -> ApiValidationError:
    field = REFUSAL_FIELDS.get(getattr(error, "code", None) or "", NON_FIELD_ERRORS)
    return ApiValidationError({field: list(error.messages)})


def _throttled(exc: throttle.Throttled) -> HttpResponse:
    """429 with the pages' message (without their "your text is kept below")."""
    minutes = max(1, -(-exc.retry_after // 60))
    detail = gettext(
        "You have posted many comments in a short time: please wait %(minutes)s minutes, then post again."
    ) % {"minutes": minutes}
    response = json_answer({"detail": detail}, RetryOut)
    response.status_code = 429
    response["Retry-After"] = str(exc.retry_after)
    return response


@router.post(
    "/topics/{slug}/comments",
    auth=token_auth,
    response={201: CommentPostedOut, **WRITE_ERRORS, 429: RetryOut},
    summary="Comment on a topic, or reply to a comment",
    description=(
        "As on the site: a verified e-mail address, a topic open for comments, no mute in the space nor "
        "suspension (403 says which). On a pre-moderated topic, and for a new account's first comments, the "
        "comment awaits moderation (`status` `pending`, and `detail` says so). Comments are rate-limited "
        "(429, with `Retry-After`)."
    ),
)
def post_comment(request: HttpRequest, slug: str, payload: CommentIn):
    user = token_user(request)
    topic = _readable_topic(user, slug, for_output=False)
    refusal = comment_refusal(user, topic)
    if refusal is not None:
        if topic.state() == "open":
            return HttpStatus(403, {"detail": refusal})
        raise ApiValidationError({NON_FIELD_ERRORS: [refusal]})
    try:
        throttle.hit_and_check(THROTTLE_SCOPE, request, f"user:{user.pk}")
    except throttle.Throttled as exc:
        return _throttled(exc)
    errors: dict[str, list[str]] = {}
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.select_related("topic__space").filter(pk=payload.parent).first()
        if parent is None or parent.topic_id != topic.pk or not can_see_comment(user, parent):
            errors["parent"] = [gettext("The comment you reply to is no longer shown.")]
    question = None
    if payload.question is not None and parent is None:
        question = topic.questions.filter(pk=payload.question).first()
        if question is None:
            errors["question"] = [gettext("Select a valid choice. That choice is not one of the available choices.")]
    quote_of = None
    if payload.quote_of is not None:
        quote_of = Comment.objects.filter(pk=payload.quote_of, topic=topic, status=Comment.Status.PUBLISHED).first()
        if quote_of is None:
            errors["quote_of"] = [gettext("The comment you quote is not shown in this topic.")]
    if errors:
        raise ApiValidationError(errors)
    try:
        comment = actions.do_post_comment(
            topic,
            user,
            actions.NewComment(
                body=payload.body,
                language=payload.language.value,
                parent=parent,
                question=question,
                quote_of=quote_of,
                quote=payload.quote,
            ),
        )
    except actions.CommentRefused as error:
        raise _refused(error) from error
    data = _comment_answer(request, comment)
    if comment.status == Comment.Status.PENDING:
        data["detail"] = gettext(
            "Thank you: your comment awaits moderation. It is shown to others once a moderator approves it."
        )
    else:
        data["detail"] = gettext("Your comment is published.")
    return HttpStatus(201, data)


def _get_own_comment(user, pk: int, allowed) -> Comment:
    comment = get_comment_for_user(user, pk)
    if not allowed(user, comment):
        raise PermissionDenied
    return comment


@router.patch(
    "/comments/{id:id}",
    auth=token_auth,
    response={200: CommentOut, **WRITE_ERRORS, 412: CommentConflictOut, 428: PreconditionRequiredOut},
    summary="Edit your comment while its topic is open (the earlier text is kept in its history)",
    description=IF_MATCH_DOC,
)
def edit_comment(request: HttpRequest, id: int, payload: CommentEditIn, response: HttpResponse):
    user = token_user(request)
    comment = _get_own_comment(user, id, can_edit_comment)
    try:
        expected = expected_version(request, required=True)
    except PreconditionMissing:
        return HttpStatus(428, missing_body())
    try:
        comment = actions.do_edit_comment(comment, user, payload.body, expected)
    except StaleObject as stale:
        if stale.current is None:
            raise Http404 from stale
        current = _comment_answer(request, stale.current)
        return HttpStatus(412, {"detail": stale_detail(), "etag": stale.current.etag, "current": current})
    except actions.CommentRefused as error:
        raise ApiValidationError({"body": list(error.messages)}) from error
    set_etag(response, comment.etag)
    return _comment_answer(request, comment)


@router.delete(
    "/comments/{id:id}",
    auth=token_auth,
    response={204: None, **WRITE_ERRORS},
    summary="Delete your comment (its place in the thread says it was deleted)",
)
def delete_comment(request: HttpRequest, id: int):
    user = token_user(request)
    comment = _get_own_comment(user, id, can_delete_comment)
    actions.do_delete_comment(comment, user)
    return HttpStatus(204, None)


@router.post(
    "/comments/{id:id}/flag",
    auth=token_auth,
    response={201: FlagOut, **WRITE_ERRORS, 409: Error},
    summary="Flag a comment to the moderators, with a reason from the code of conduct",
    description="Once per comment and reader (409 the second time); not your own comments.",
)
def flag_comment(request: HttpRequest, id: int, payload: FlagIn):
    user = token_user(request)
    comment = _get_own_comment(user, id, can_flag)
    already = Flag.objects.filter(comment=comment, user=user).first()
    if already is not None:
        return HttpStatus(
            409,
            {
                "detail": gettext("You flagged this comment already (%(reason)s). The moderators will look at it.")
                % {"reason": choice_label(Reason, already.reason)}
            },
        )
    flag = actions.do_flag(comment, user, payload.reason.value, payload.note)
    return HttpStatus(
        201,
        {
            "detail": gettext("Thank you: the moderators will look at this comment."),
            "reason": flag.reason,
            "reason_label": choice_label(Reason, flag.reason),
            "created_at": flag.created_at,
        },
    )
