"""Downloads: the plan's activities as CSV and XLSX, the PDF progress report and iCalendar feeds.

The table and report downloads take the list page's GET filters, so "export what I see" is one
link. Texts come in the page's language (these URLs are language-prefixed); the calendar feeds
live outside the language prefix and accept `?lang=fr|es|en`.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.taxonomy.models import Organisation
from gcmhub.workplan import exports
from gcmhub.workplan.filters import ActivityFilterForm
from gcmhub.workplan.models import Activity, StatusUpdate, WorkPlan

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LATEST_UPDATES_PER_PRIORITY = 3
# A cached report is keyed by the plan's data version, so it is never stale; this only bounds
# how long an unused one takes room in the cache.
REPORT_CACHE_SECONDS = 24 * 3600


def _filtered(request, plan, form=None):
    """The filter form and the plan's activities it selects, exactly as on the list page (the
    same `Activity.objects.matching()`), in the plan's order."""
    form = form or ActivityFilterForm(request.GET, workplan=plan)
    activities = list(
        Activity.objects.matching(form.activity_filter()).for_list().order_by("priority__order", "order", "pk")
    )
    return form, activities


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _filename(plan, name: str, extension: str) -> str:
    return f"{plan.slug}-{name}-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def activities_csv(request, plan):
    plan = get_object_or_404(WorkPlan, slug=plan)
    _form, activities = _filtered(request, plan)
    return _download(exports.build_csv(activities), "text/csv; charset=utf-8", _filename(plan, "activities", "csv"))


@require_GET
def activities_xlsx(request, plan):
    plan = get_object_or_404(WorkPlan, slug=plan)
    form, activities = _filtered(request, plan)
    content = exports.build_xlsx(activities, plan=plan, filters=exports.describe_filters(form))
    return _download(content, XLSX_TYPE, _filename(plan, "activities", "xlsx"))


def latest_updates(activities, per_priority: int = LATEST_UPDATES_PER_PRIORITY) -> list[StatusUpdate]:
    """The newest updates of these activities, at most `per_priority` per priority, in one query."""
    ids = [a.pk for a in activities]
    if not ids:
        return []
    ranked = StatusUpdate.objects.filter(activity_id__in=ids).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("activity__priority_id")],
            order_by=[F("created_at").desc(), F("id").desc()],
        )
    )
    updates: list[StatusUpdate] = list(ranked.filter(rank__lte=per_priority).select_related("author", "organisation"))
    by_id = {a.pk: a for a in activities}
    for update in updates:
        update.activity = by_id[update.activity_id]  # already loaded, with its priority
    updates.sort(key=lambda u: (u.created_at, u.pk), reverse=True)
    return updates


def report_cache_key(plan, form, today) -> str:
    """The cached report's key: the plan's data version (bumped in the transaction of any change
    to its priorities, activities or status updates), the language, the day (overdue depends on
    it) and the filters in use."""
    filters = sorted((name, str(value)) for name, value in form.active_filters().items())
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    language = translation.get_language()
    # The plan's creation time tells apart two plans that got the same id (a database rebuilt
    # while a shared cache lived on).
    plan_key = f"{plan.pk}.{plan.created_at.timestamp():.6f}"
    return f"workplan-report:{plan_key}:{plan.data_version}:{language}:{today.isoformat()}:{digest}"


@require_GET
def progress_report_pdf(request, plan):
    """The PDF report, cached until the plan's data changes (see `report_cache_key`): building
    one takes a second or more, reading the plan's version costs nothing (it is on the plan's row)."""
    plan = get_object_or_404(WorkPlan, slug=plan)
    today = timezone.localdate()
    form = ActivityFilterForm(request.GET, workplan=plan)
    key = report_cache_key(plan, form, today)
    content = cache.get(key)
    if content is None:
        _form, activities = _filtered(request, plan, form)
        content = exports.build_report_pdf(
            plan, activities, latest_updates(activities), filters=exports.describe_filters(form), today=today
        )
        cache.set(key, content, REPORT_CACHE_SECONDS)
    return _download(content, "application/pdf", _filename(plan, "progress-report", "pdf"))


@require_GET
def deadlines_ics(request, plan, organisation=None):
    plan = get_object_or_404(WorkPlan, slug=plan)
    org = get_object_or_404(Organisation, slug=organisation) if organisation else None
    lang = request.GET.get("lang")
    lang = lang if lang in LANGUAGE_CODES else translation.get_language()
    with translation.override(lang):
        activities = list(Activity.objects.filter(priority__workplan=plan, periods__isnull=False).distinct().for_list())
        if org is not None:
            activities = [a for a in activities if any(o.pk == org.pk for o in (*a.leads, *a.participants))]
            name = _("%(plan)s: deadlines of %(organisation)s") % {"plan": plan.title, "organisation": org.label}
        else:
            name = _("%(plan)s: deadlines") % {"plan": plan.title}
        content = exports.build_ics(activities, name=name, site_url=settings.SITE_URL)
    filename = f"{plan.slug}-{org.slug}.ics" if org else f"{plan.slug}.ics"
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response
