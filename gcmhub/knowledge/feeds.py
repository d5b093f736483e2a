"""The Atom feed of what the Hub publishes: the newest published resources and practices, merged
by the moment they were published, in the language of `?lang=` (English by default) with each
text falling back to the language it was written in."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gcmhub.knowledge.models import Practice, Resource
from gcmhub.lib.cleantext import strip_controls
from gcmhub.lib.i18n import LANGUAGE_CODES

FEED_SIZE = 50


def feed_entries(limit: int = FEED_SIZE) -> list[Resource | Practice]:
    """Newest published resources and practices, newest first; four queries."""
    resources = (
        Resource.objects.published()
        .filter(published_at__isnull=False)
        .prefetch_related("objectives", "publishers")
        .order_by("-published_at", "-pk")[:limit]
    )
    practices = (
        Practice.objects.published()
        .filter(published_at__isnull=False)
        .select_related("implementing_organisation")
        .prefetch_related("objectives")
        .order_by("-published_at", "-pk")[:limit]
    )
    items = [*resources, *practices]
    items.sort(key=lambda item: item.published_at, reverse=True)
    return items[:limit]


def _entry_id(request: HttpRequest, item) -> str:
    """A tag URI that stays the same in every language and after a title change."""
    kind = "resource" if isinstance(item, Resource) else "practice"
    return f"tag:{request.get_host().split(':')[0]},2018:{kind}:{item.pk}"


@require_GET
def hub_atom(request: HttpRequest) -> HttpResponse:
    lang = request.GET.get("lang", "en")
    if lang not in LANGUAGE_CODES:
        lang = "en"
    with translation.override(lang):
        feed = feedgenerator.Atom1Feed(
            title=_("Migration Network Hub: new resources and practices"),
            link=request.build_absolute_uri(reverse("knowledge:home")),
            description=_("Resources and practices newly published on the Hub of the UN Network on Migration."),
            language=lang,
            feed_url=request.build_absolute_uri(),
        )
        for item in feed_entries():
            if isinstance(item, Resource):
                author = ", ".join(org.label for org in item.publishers.all())
                kind = _("Resource")
            else:
                author = item.implementer_name
                kind = _("Practice")
            feed.add_item(
                # XML cannot hold control characters: one in a title made the whole feed fail.
                title=strip_controls(item.title),
                link=request.build_absolute_uri(item.get_absolute_url()),
                description=strip_controls(item.summary),
                unique_id=_entry_id(request, item),
                unique_id_is_permalink=False,
                pubdate=item.published_at,
                updateddate=item.updated_at,
                author_name=strip_controls(author) or None,
                categories=[kind, *(str(o) for o in item.objectives.all())],
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        feed.write(response, "utf-8")
    response["Content-Language"] = lang
    return response
