"""Atom feeds of discussions: the newest published comments of public topics, all together and per
topic, in the language of `?lang=` (English by default) for the feed's own words. Restricted spaces
and topics never appear: a feed reader signs in as no one."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gcmhub.consultations.models import Comment, Topic
from gcmhub.consultations.permissions import can_read_topic, readable_topics_q
from gcmhub.lib.cleantext import strip_controls
from gcmhub.lib.i18n import LANGUAGE_CODES

FEED_SIZE = 50


def feed_comments(topic: Topic | None = None, limit: int = FEED_SIZE) -> list[Comment]:
    """The newest published comments of public topics (or of `topic`), newest first; one query."""
    comments = Comment.objects.filter(status=Comment.Status.PUBLISHED, published_at__isnull=False)
    if topic is not None:
        comments = comments.filter(topic=topic)
    else:
        public = readable_topics_q(AnonymousUser())
        comments = comments.filter(
            topic__in=Topic.objects.filter(public) if public is not None else Topic.objects.all()
        )
    return list(
        comments.select_related("author", "topic__space")
        .only(
            *("body", "language", "created_at", "published_at", "edited_at", "network_reply", "parent_id"),
            *("author__full_name", "author__email", "topic__slug", "topic__source_language"),
            *(f"topic__title_{code}" for code in LANGUAGE_CODES),
            "topic__space__slug",
        )
        .order_by("-published_at", "-pk")[:limit]
    )


def _entry_id(request: HttpRequest, comment: Comment) -> str:
    """A tag URI that stays the same in every language and after an edit."""
    return f"tag:{request.get_host().split(':')[0]},2018:comment:{comment.pk}"


def _feed(request: HttpRequest, title: str, link: str, description: str, topic: Topic | None) -> HttpResponse:
    lang = _language(request)
    with translation.override(lang):
        feed = feedgenerator.Atom1Feed(
            title=title,
            link=request.build_absolute_uri(link),
            description=description,
            language=lang,
            feed_url=request.build_absolute_uri(),
        )
        for comment in feed_comments(topic):
            author = comment.author.display_name()
            if comment.parent_id:
                entry_title = _("Reply by %(author)s in “%(topic)s”")
            else:
                entry_title = _("Comment by %(author)s in “%(topic)s”")
            feed.add_item(
                # XML cannot hold control characters: one in a title made the Hub's feed fail.
                title=strip_controls(entry_title % {"author": author, "topic": comment.topic.title}),
                link=request.build_absolute_uri(comment.get_absolute_url()),
                description=strip_controls(comment.body),
                unique_id=_entry_id(request, comment),
                unique_id_is_permalink=False,
                pubdate=comment.published_at,
                updateddate=comment.edited_at or comment.published_at,
                author_name=strip_controls(author) or None,
                categories=[_("The Network's reply")] if comment.network_reply else [],
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        feed.write(response, "utf-8")
    response["Content-Language"] = lang
    return response


@require_GET
def comments_atom(request: HttpRequest) -> HttpResponse:
    with translation.override(_language(request)):
        title = _("Migration Network Hub: new comments in discussions")
        description = _("Comments newly published in the public discussions of the UN Network on Migration.")
        link = reverse("consultations:spaces")
    return _feed(request, title, link, description, None)


@require_GET
def topic_atom(request: HttpRequest, topic: str) -> HttpResponse:
    found = Topic.objects.select_related("space").filter(slug=topic).first()
    if found is None or not can_read_topic(AnonymousUser(), found):
        raise Http404
    with translation.override(_language(request)):
        title = _("Comments on “%(title)s”") % {"title": found.title}
        description = _("Comments newly published on this discussion topic.")
        link = found.get_absolute_url()
    return _feed(request, strip_controls(title), link, description, found)


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "en")
    return lang if lang in LANGUAGE_CODES else "en"
