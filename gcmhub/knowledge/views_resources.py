"""The Hub's front page, its library of resources (proposals, the Hub team's decisions, the public
page) and feedback on the Network's tools (the form, the Secretariat's results and exports)."""

import csv
import io
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gcmhub import pagecache
from gcmhub.knowledge import permissions
from gcmhub.knowledge.actions_resources import do_decide_resource, do_propose_resource, do_record_feedback
from gcmhub.knowledge.criteria import Audience, ResourceLanguage
from gcmhub.knowledge.forms_resources import ResourceDecisionForm, ResourceProposalForm, ToolFeedbackForm
from gcmhub.knowledge.models import CallForPractices, Practice, Resource, ResourceFile, ToolFeedback
from gcmhub.lib.i18n import LANGUAGE_CODES, Language, active_language

LATEST_ON_HOME = 6
# What the public pages show (gcmhub.pagecache): no account data.
KNOWLEDGE_PAGES = pagecache.cacheable(scopes=("knowledge", "taxonomy", "workplan"))
RATINGS = range(1, 6)


# The Hub's front page -------------------------------------------------------------------------


@require_safe
@KNOWLEDGE_PAGES
def hub_home(request):
    resources = (
        Resource.objects.published()
        .only("slug", "kind", "source_language", "title_en", "title_fr", "title_es", "publication_date", "published_at")
        .order_by("-published_at", "-id")[:LATEST_ON_HOME]
    )
    practices = (
        Practice.objects.published()
        .only("slug", "title", "language", "published_at")
        .order_by("-published_at", "-id")[:LATEST_ON_HOME]
    )
    calls = CallForPractices.objects.open().order_by("deadline")
    return render(
        request,
        "knowledge/home.html",
        {
            "resources": resources,
            "practices": practices,
            "calls": calls,
            "can_propose": permissions.can_propose_resource(request.user),
            "is_hub_team": permissions.is_hub_team(request.user),
        },
    )


# Resources ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def resource_propose(request):
    if not permissions.can_propose_resource(request.user):
        raise PermissionDenied
    form = ResourceProposalForm(
        request.POST or None, request.FILES or None, initial={"source_language": active_language()}
    )
    if request.method == "POST" and form.is_valid():
        resource = do_propose_resource(request.user, form)
        messages.success(request, gettext("Thank you: the Hub team will review your proposal."))
        return redirect(resource)
    return render(request, "knowledge/resources/propose.html", {"form": form}, status=400 if form.is_bound else 200)


def _proposals():
    return (
        Resource.objects.filter(status=Resource.Status.PROPOSED)
        .select_related("proposed_by")
        .prefetch_related("files", "publishers")
        .order_by("created_at", "id")
    )


def _render_proposals(request, forms_by_pk=None, status=200):
    forms_by_pk = forms_by_pk or {}
    proposals = list(_proposals())
    rows = [(r, forms_by_pk.get(r.pk) or ResourceDecisionForm(prefix=f"r{r.pk}")) for r in proposals]
    return render(request, "knowledge/resources/proposals.html", {"rows": rows}, status=status)


@login_required
@require_safe
def resource_proposals(request):
    if not permissions.can_publish_resource(request.user):
        raise PermissionDenied
    return _render_proposals(request)


@login_required
@require_POST
def resource_decide(request, slug):
    if not permissions.can_publish_resource(request.user):
        raise PermissionDenied
    resource = get_object_or_404(Resource, slug=slug, status=Resource.Status.PROPOSED)
    form = ResourceDecisionForm(request.POST, prefix=f"r{resource.pk}")
    if not form.is_valid():
        return _render_proposals(request, {resource.pk: form}, status=400)
    do_decide_resource(request.user, resource, form.cleaned_data["decision"], form.cleaned_data["note"])
    if form.cleaned_data["decision"] == ResourceDecisionForm.PUBLISH:
        messages.success(request, gettext("“%(title)s” is published.") % {"title": resource.title})
    else:
        messages.success(request, gettext("“%(title)s” is declined.") % {"title": resource.title})
    return redirect("knowledge:resource_proposals")


def _resource_for_page(user, slug: str) -> Resource:
    """The resource with everything its page reads; 404 unless `user` may see it."""
    resource = get_object_or_404(
        Resource.objects.select_related(
            "thematic_area",
            "output_of_priority__workplan",
            "output_of_activity__priority__workplan",
        ).prefetch_related(
            Prefetch("files", queryset=ResourceFile.objects.order_by("sort_order", "id")),
            "publishers",
            "countries",
            "regions",
            "objectives",
            "principles",
        ),
        slug=slug,
    )
    if not permissions.can_view_resource(user, resource):
        raise Http404
    return resource


def _render_detail(request, resource, feedback_form=None, status=200):
    can_feedback = permissions.can_give_feedback(request.user, resource)
    if can_feedback and feedback_form is None:
        feedback_form = ToolFeedbackForm(user=request.user)
    language_names = dict(ResourceLanguage.choices)
    audience_names = dict(Audience.choices)
    lang = active_language()
    other_versions = [
        (code, Language(code).label) for code in LANGUAGE_CODES if code != lang and getattr(resource, f"title_{code}")
    ]
    files = [(f, language_names.get(f.language, f.language)) for f in resource.files.all()]
    return render(
        request,
        "knowledge/resources/detail.html",
        {
            "resource": resource,
            "files": files,
            "languages": [language_names.get(code, code) for code in resource.languages],
            "audiences": [audience_names.get(code, code) for code in resource.audiences],
            "other_versions": other_versions,
            "feedback_form": feedback_form if can_feedback else None,
            "can_publish": permissions.can_publish_resource(request.user)
            and resource.status == Resource.Status.PROPOSED,
            "can_view_feedback": can_feedback and permissions.can_view_feedback_results(request.user),
        },
        status=status,
    )


@require_safe
@KNOWLEDGE_PAGES
def resource_detail(request, slug):
    return _render_detail(request, _resource_for_page(request.user, slug))


@require_POST
def resource_feedback(request, slug):
    resource = _resource_for_page(request.user, slug)
    if not permissions.can_give_feedback(request.user, resource):
        raise Http404
    form = ToolFeedbackForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_detail(request, resource, feedback_form=form, status=400)
    do_record_feedback(resource, request.user, form)
    messages.success(request, gettext("Thank you for your feedback."))
    return redirect(resource.get_absolute_url() + "#feedback")


# Feedback results (Secretariat) -----------------------------------------------------------------


def _check_feedback_access(user):
    if not permissions.can_view_feedback_results(user):
        raise PermissionDenied


@login_required
@require_safe
def feedback_results(request):
    _check_feedback_access(request.user)
    tools = list(
        Resource.objects.filter(is_network_tool=True)
        .only("slug", "status", "source_language", "title_en", "title_fr", "title_es")
        .annotate(feedback_count=Count("feedback"), average=Avg("feedback__rating"))
        .order_by("-feedback_count", "title_en", "id")
    )
    distribution = defaultdict(dict)
    for row in (
        ToolFeedback.objects.filter(resource__is_network_tool=True)
        .values("resource_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    ):
        distribution[row["resource_id"]][row["rating"]] = row["n"]
    rows = [(tool, [(rating, distribution[tool.pk].get(rating, 0)) for rating in RATINGS]) for tool in tools]
    return render(request, "knowledge/feedback/results.html", {"rows": rows, "ratings": RATINGS})


@login_required
@require_safe
def feedback_tool(request, slug):
    _check_feedback_access(request.user)
    tool = get_object_or_404(Resource, slug=slug, is_network_tool=True)
    feedback = list(tool.feedback.select_related("country").order_by("-created_at", "-id"))
    counts = dict.fromkeys(RATINGS, 0)
    for item in feedback:
        counts[item.rating] = counts.get(item.rating, 0) + 1
    average = round(sum(f.rating for f in feedback) / len(feedback), 1) if feedback else None
    return render(
        request,
        "knowledge/feedback/tool.html",
        {
            "tool": tool,
            "feedback": feedback,
            "average": average,
            "counts": sorted(counts.items()),
        },
    )


def _export_rows():
    """Header and rows of every piece of feedback, newest first."""
    header = [
        gettext("Tool"),
        gettext("Tool address"),
        gettext("Date"),
        gettext("Usefulness (1–5)"),
        gettext("How it was used"),
        gettext("What to improve"),
        gettext("Country"),
        gettext("May be contacted"),
        gettext("E-mail"),
        gettext("Language"),
    ]
    queryset = ToolFeedback.objects.select_related("resource", "country").order_by("-created_at", "-id")
    rows = []
    for item in queryset:
        rows.append(
            [
                item.resource.title,
                item.resource.get_absolute_url(),
                timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
                item.rating,
                item.how_used,
                item.improvements,
                item.country.name if item.country else "",
                gettext("Yes") if item.may_contact else gettext("No"),
                item.contact_email if item.may_contact else "",
                item.language,
            ]
        )
    return header, rows


@login_required
@require_safe
def feedback_export(request, fmt):
    _check_feedback_access(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = _export_rows()
    filename = f"tool-feedback-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(rows)
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = gettext("Feedback")[:31]
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
