"""The home page, the root redirect to the visitor's language, and the 400/403/404 handlers (their
templates stay with the chrome in `gcmhub/templates/`: `lib` and Django render them by name)."""

from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from gcmhub import pagecache
from gcmhub.consultations.models import Event, Topic
from gcmhub.knowledge.models import CallForPractices, Practice, Resource
from gcmhub.workplan.models import StatusUpdate, WorkPlan


@require_GET
def root_redirect(request):
    """Send / to the visitor's language: saved choice, then browser preference."""
    lang = translation.get_language_from_request(request, check_path=False)
    return redirect(f"/{lang}/")


NEWEST = 5  # items per "what's new" list on the home page

# What the home page shows: not "consultations" (every comment would empty it), topics' own scope.
HOME_SCOPES = ("taxonomy", "workplan", "knowledge", "discussiontopics", "events")


@require_GET
@pagecache.cacheable(scopes=HOME_SCOPES)
def home(request):
    """The work plan, and what is new on the Hub: the next events, discussions open for comment,
    open calls, latest practices and resources, the work plan's latest status updates. One query
    per list."""
    now = timezone.now()
    context = {
        "workplan": WorkPlan.objects.current(),
        "practices": list(Practice.objects.published().order_by("-published_at", "-id")[:NEWEST]),
        "resources": list(Resource.objects.published().order_by("-published_at", "-id")[:NEWEST]),
        "calls": list(CallForPractices.objects.open(now).order_by("deadline")[:NEWEST]),
        "events": list(Event.objects.published().filter(cancelled_at__isnull=True).upcoming(now)[:NEWEST]),
        "topics": list(
            Topic.objects.published()
            .open_at(now)
            .filter(visibility="public", space__visibility="public")
            .select_related("space")
            .order_by("closes_at", "-published_at")[:NEWEST]
        ),
        "updates": list(
            StatusUpdate.objects.filter(kind=StatusUpdate.Kind.STATUS, activity__priority__workplan__is_current=True)
            .select_related("activity__priority", "organisation")
            .order_by("-created_at", "-id")[:NEWEST]
        ),
    }
    return render(request, "site/home.html", context)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
