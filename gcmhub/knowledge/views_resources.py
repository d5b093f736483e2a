"""The Hub's front page, its library of resources (proposals, the Hub team's decisions, the public
page) and feedback on the Network's tools (the form, the Secretariat's results and exports)."""

from collections import defaultdict
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gcmhub import pagecache
from gcmhub.knowledge import permissions
from gcmhub.knowledge.actions.feedback import FeedbackValues, do_record_feedback
from gcmhub.knowledge.actions.resources import (
    ResourceStateError,
    ResourceValues,
    do_decide_resource,
    do_propose_resource,
)
from gcmhub.knowledge.criteria import Audience
from gcmhub.knowledge.forms_resources import (
    ResourceDecisionForm,
    ResourceProposalForm,
    ToolFeedbackContactForm,
    ToolFeedbackForm,
)
from gcmhub.knowledge.models import CallForPractices, Practice, Resource, ResourceFile, ToolFeedback
from gcmhub.lib import tabular, throttle
from gcmhub.lib.concurrency import StaleObject, refuse_stale
from gcmhub.lib.display import show
from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import LANGUAGE_CODES, active_language, language_of, translated_names
from gcmhub.lib.params import paginate
from gcmhub.lib.prepared import prepared
from gcmhub.lib.urls import url_maker
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region, note_rows

LATEST_ON_HOME = 6
# What the public pages show (gcmhub.pagecache): no account data.
KNOWLEDGE_PAGES = pagecache.cacheable(scopes=("knowledge", "taxonomy", "workplan"))
RATINGS = range(1, 6)


# The Hub's front page -------------------------------------------------------------------------


@require_safe
@KNOWLEDGE_PAGES
def hub_home(request):
    return render(
        request,
        "knowledge/home.html",
        {
            "content": hub_home_content,
            "can_propose": permissions.can_propose_resource(request.user),
            "is_hub_team": permissions.is_hub_team(request.user),
        },
    )


@prepared
def _latest_resources():
    return (
        Resource.objects.published()
        .only("slug", "kind", "source_language", *translated_names("title"), "publication_date", "published_at")
        .order_by("-published_at", "-id")[:LATEST_ON_HOME]
    )


@prepared
def _latest_practices():
    return (
        Practice.objects.published()
        .only("slug", "title", "language", "published_at")
        .order_by("-published_at", "-id")[:LATEST_ON_HOME]
    )


def hub_home_content() -> dict:
    """The open calls and the latest resources and practices (kept with `{% fragment %}`); the
    latter two by queries compiled once per process, their URLs and labels worked out here."""
    resources = _latest_resources()
    resource_url = url_maker("knowledge:resource", str)
    kind_labels = {value: str(label) for value, label in Resource.Kind.choices}
    for resource in resources:
        show(
            resource,
            url=resource_url(resource.slug),
            kind_label=kind_labels.get(resource.kind, resource.kind),
            title_language=language_of(resource, "title"),
        )
    practices = _latest_practices()
    practice_url = url_maker("knowledge:practice", str)
    for practice in practices:
        show(practice, url=practice_url(practice.slug))
    calls = CallForPractices.objects.open().order_by("deadline")
    return {"resources": resources, "practices": practices, "calls": calls}


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
        try:
            resource = do_propose_resource(
                request.user, ResourceValues.from_cleaned(form.cleaned_data), form.uploaded_files()
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
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
    rows = [(r, forms_by_pk.get(r.pk) or ResourceDecisionForm(prefix=f"r{r.pk}", current=r)) for r in proposals]
    decided = [form for form in forms_by_pk.values() if form.conflict is not None and form.conflict.current]
    return render(
        request, "knowledge/resources/proposals.html", {"rows": rows, "decided_meanwhile": decided}, status=status
    )


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
    resource = get_object_or_404(Resource, slug=slug)
    form = ResourceDecisionForm(request.POST, prefix=f"r{resource.pk}", current=resource)
    if not form.is_valid():
        return _render_proposals(request, {resource.pk: form}, status=409 if form.conflict else 400)
    decision = form.cleaned_data["decision"]
    try:
        do_decide_resource(
            request.user, resource, decision, form.cleaned_data["note"], expected_version=form.expected_version
        )
    except (StaleObject, ResourceStateError) as error:
        current = error.current if isinstance(error, StaleObject) else error.resource
        refuse_stale(form, StaleObject(current), message=_decided_meanwhile_message(current))
        return _render_proposals(request, {resource.pk: form}, status=409)
    if decision == ResourceDecisionForm.PUBLISH:
        messages.success(request, gettext("“%(title)s” is published.") % {"title": resource.title})
    else:
        messages.success(request, gettext("“%(title)s” is declined.") % {"title": resource.title})
    return redirect("knowledge:resource_proposals")


def _decided_meanwhile_message(current: Resource | None) -> str:
    if current is None:
        return gettext("This proposal was deleted meanwhile: nothing was recorded.")
    if current.status != Resource.Status.PROPOSED:
        return gettext(
            "Someone else decided on “%(title)s” first: it is now “%(status)s”. Nothing was recorded; your note is kept below."
        ) % {"title": current.title, "status": current.get_status_display()}
    return gettext(
        "“%(title)s” changed while you were on this page. Nothing was recorded: check it, then decide again."
    ) % {"title": current.title}


@prepared
def resource_by_slug(slug: str):
    return Resource.objects.select_related(
        "thematic_area",
        "output_of_priority__workplan",
        "output_of_activity__priority__workplan",
    ).filter(slug=slug)


def _resource_for_page(user, slug: str) -> Resource:
    """The resource and what it links to (one query, compiled once); 404 unless `user` may see it.
    Its lists (files, publishers, places, objectives, principles) come with `resource_content`."""
    found = resource_by_slug(slug)
    if not found or not permissions.can_view_resource(user, found[0]):
        raise Http404
    return found[0]


# A resource's lists, one query each as `prefetch_related` ran them, compiled once per process
# (`gcmhub.lib.prepared`): building and compiling six queries cost more than running them.
@prepared
def _resource_files(pk: int):
    return ResourceFile.objects.filter(resource_id=pk).order_by("sort_order", "id")


@prepared
def _resource_publishers(pk: int):
    return Organisation.objects.filter(published_resources=pk)


@prepared
def _resource_countries(pk: int):
    return Country.objects.filter(resources=pk)


@prepared
def _resource_regions(pk: int):
    return Region.objects.filter(resources=pk)


@prepared
def _resource_objectives(pk: int):
    return Objective.objects.filter(resources=pk)


@prepared
def _resource_principles(pk: int):
    return GuidingPrinciple.objects.filter(resources=pk)


def resource_content(resource) -> dict:
    """What the page shows of the resource, the same for everyone who may see it (the template
    keeps it with `{% fragment %}`)."""
    pk = resource.pk
    audience_names = dict(Audience.choices)
    lang = active_language()
    # Names inside a sentence ("Also available in: anglais, espagnol"; "– anglais, 2 MB").
    other_versions = [
        (code, language_name(code, in_sentence=True))
        for code in LANGUAGE_CODES
        if code != lang and getattr(resource, f"title_{code}")
    ]
    files = [(f, language_name(f.language, in_sentence=True)) for f in _resource_files(pk)]
    return {
        "files": files,
        "publishers": _resource_publishers(pk),
        "countries": _resource_countries(pk),
        "regions": _resource_regions(pk),
        "objectives": _resource_objectives(pk),
        "principles": _resource_principles(pk),
        "languages": [language_name(code, in_sentence=True) for code in resource.languages],
        "audiences": [audience_names.get(code, code) for code in resource.audiences],
        "other_versions": other_versions,
        # Discussions this resource summarises, or about this tool (one query, through the relations).
        **_discussions_of(resource),
    }


def _discussions_of(resource) -> dict:
    topics = resource.summarised_topics.model._default_manager.filter(
        Q(summary_report=resource) | Q(tool=resource), published_at__isnull=False
    ).select_related("space")
    found = list(topics.order_by("pk"))
    return {
        "summarised_topics": [t for t in found if t.summary_report_id == resource.pk],
        "feedback_topic": next((t for t in found if t.tool_id == resource.pk), None),
    }


def _render_detail(request, resource, feedback_form=None, status=200):
    """The resource's page; on a tool's page, the feedback form: `feedback_form` as posted (its
    errors and what was typed), or else the empty fields (kept: built only when not kept) and the
    e-mail field alone, prefilled for a signed-in visitor."""
    can_feedback = permissions.can_give_feedback(request.user, resource)
    contact_field = None
    if can_feedback and feedback_form is None:
        contact_field = ToolFeedbackContactForm(user=request.user)["contact_email"]
    return render(
        request,
        "knowledge/resources/detail.html",
        {
            "resource": resource,
            "content": partial(resource_content, resource),
            "can_feedback": can_feedback,
            "feedback_form": feedback_form if can_feedback else None,
            "empty_feedback_form": _empty_feedback_form,
            "contact_field": contact_field,
            "can_publish": permissions.can_publish_resource(request.user)
            and resource.status == Resource.Status.PROPOSED,
            "can_view_feedback": can_feedback and permissions.can_view_feedback_results(request.user),
        },
        status=status,
    )


def _empty_feedback_form() -> dict:
    return {"form": ToolFeedbackForm()}


@require_safe
@pagecache.cacheable(scopes=("knowledge", "taxonomy", "workplan", "discussiontopics"))
def resource_detail(request, slug):
    return _render_detail(request, _resource_for_page(request.user, slug))


@require_POST
@throttle.limit_posts("anonymous_form")
def resource_feedback(request, slug):
    resource = _resource_for_page(request.user, slug)
    if not permissions.can_give_feedback(request.user, resource):
        raise Http404
    form = ToolFeedbackForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_detail(request, resource, feedback_form=form, status=400)
    do_record_feedback(resource, request.user, FeedbackValues.from_cleaned(form.cleaned_data))
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
    return render(request, "knowledge/feedback/results.html", {"content": feedback_results_content})


def feedback_results_content() -> dict:
    """The table of every tool's ratings: the same for every Secretariat member, so the template
    keeps it (scope "toolfeedback": a new piece of feedback shows at once)."""
    tools = list(
        Resource.objects.filter(is_network_tool=True)
        .only("slug", "status", "source_language", *translated_names("title"))
        .annotate(feedback_count=Count("feedback"), average=Avg("feedback__rating"))
        .order_by("-feedback_count", "title_en", "id")
    )
    distribution: defaultdict[int, dict[int, int]] = defaultdict(dict)  # {resource pk: {rating: count}}
    for row in (
        ToolFeedback.objects.filter(resource__is_network_tool=True)
        .values("resource_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    ):
        distribution[row["resource_id"]][row["rating"]] = row["n"]
    rows = [(tool, [(rating, distribution[tool.pk].get(rating, 0)) for rating in RATINGS]) for tool in tools]
    return {"rows": rows, "ratings": RATINGS}


FEEDBACK_PAGE_SIZE = 50


@login_required
@require_safe
def feedback_tool(request, slug):
    _check_feedback_access(request.user)
    tool = get_object_or_404(Resource, slug=slug, is_network_tool=True)
    return render(
        request,
        "knowledge/feedback/tool.html",
        {"tool": tool, "content": partial(feedback_tool_content, tool, request.GET.get("page"))},
    )


def feedback_tool_content(tool, page_number) -> dict:
    """One tool's ratings (counted by the database) and a page of its comments, newest first."""
    counts = dict.fromkeys(RATINGS, 0)
    for rating, n in tool.feedback.values_list("rating").annotate(n=Count("id")).order_by():
        counts[rating] = n
    total = sum(counts.values())
    average = round(sum(rating * n for rating, n in counts.items()) / total, 1) if total else None
    page = paginate(
        tool.feedback.select_related("country").order_by("-created_at", "-id"),
        FEEDBACK_PAGE_SIZE,
        page_number,
        count=total,
    )
    return {"page": page, "total": total, "average": average, "counts": sorted(counts.items())}


FEEDBACK_COLUMN_WIDTHS = (40, 40, 17, 12, 60, 60, 20, 12, 30, 10)


def _export_columns() -> list[tabular.Column]:
    headers = [
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
    return [tabular.Column(header, width) for header, width in zip(headers, FEEDBACK_COLUMN_WIDTHS, strict=True)]


def _export_rows():
    """Every piece of feedback, newest first, read in chunks (an export may hold thousands)."""
    queryset = ToolFeedback.objects.select_related("resource", "country").order_by("-created_at", "-id")
    noted = {}
    for item in queryset.iterator(chunk_size=500):
        if item.country is not None and item.country.note:
            noted[item.country.pk] = item.country
        yield [
            item.resource.title,
            item.resource.get_absolute_url(),
            timezone.localtime(item.created_at).replace(second=0, microsecond=0),
            item.rating,
            item.how_used,
            item.improvements,
            item.country.marked_name if item.country else "",
            gettext("Yes") if item.may_contact else gettext("No"),
            item.contact_email if item.may_contact else "",
            item.language,
        ]
    yield from note_rows(noted.values(), len(FEEDBACK_COLUMN_WIDTHS))


@login_required
@require_safe
def feedback_export(request, fmt):
    _check_feedback_access(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filename = f"tool-feedback-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return tabular.csv_response(filename, _export_columns(), _export_rows())
    return tabular.xlsx_response(filename, [tabular.Sheet(gettext("Feedback"), _export_columns(), _export_rows())])
