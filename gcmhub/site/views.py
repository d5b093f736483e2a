"""The home page, the root redirect to the visitor's language, and the 400/403/404 handlers (their
templates stay with the chrome in `gcmhub/templates/`: `lib` and Django render them by name)."""

from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET

from gcmhub import pagecache
from gcmhub.workplan.models import WorkPlan


@require_GET
def root_redirect(request):
    """Send / to the visitor's language: saved choice, then browser preference."""
    lang = translation.get_language_from_request(request, check_path=False)
    return redirect(f"/{lang}/")


@require_GET
@pagecache.cacheable()
def home(request):
    current = WorkPlan.objects.current()
    return render(request, "site/home.html", {"workplan": current})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
