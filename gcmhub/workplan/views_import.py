"""The Secretariat's work-plan import (upload → preview → save) and the deadlines to fix.

The upload waits in the upload stash (`gcmhub.lib.stash`) between the upload and the save: private,
under an unguessable key, reachable only by the user who uploaded it, for a day at most. The
preview reads it again on every visit, so it survives page loads and works behind several app
servers that share the stash.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gcmhub.lib import stash
from gcmhub.lib.concurrency import StaleObject, refuse_stale
from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import translated_names
from gcmhub.taxonomy.models import Organisation
from gcmhub.workplan.actions import do_fix_activity_deadline
from gcmhub.workplan.forms_import import DeadlineForm, MappingForm, UploadForm
from gcmhub.workplan.importer import (
    MAX_UPLOAD_BYTES,
    UnknownOrganisationsError,
    WorkPlanImportError,
    alias_map,
    do_import_workplan,
    parse_document,
    resolve,
)
from gcmhub.workplan.importer.translations import attach, is_translation, match
from gcmhub.workplan.models import Activity, Involvement, Priority
from gcmhub.workplan.permissions import can_fix_deadlines, can_import_workplan

STASH = "workplan-import"  # the upload stash's purpose for these uploads


def _check_import(user) -> None:
    if not can_import_workplan(user):
        raise PermissionDenied


def _load_preview(user, token: str) -> stash.Stashed:
    """The user's own stashed upload; 404 for a malformed, unknown, expired or someone else's token."""
    try:
        return stash.get(user, STASH, token)
    except stash.StashNotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _check_import(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    error = None
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        language = form.cleaned_data["language"] or None
        data = document.read()
        try:
            parse_document(data, document.name, language=language)
        except WorkPlanImportError as exc:
            error = exc.message
        else:
            token = stash.put(
                request.user,
                STASH,
                data,
                filename=document.name,
                extra={"language": language},
                max_bytes=MAX_UPLOAD_BYTES,
            )
            return redirect("workplan:import_preview", token=token)
    return render(request, "workplan/import_upload.html", {"form": form, "error": error})


def _with_orgs(names: list[str], resolution) -> list[tuple[str, Organisation | None]]:
    return [(name, resolution.organisations.get(name)) for name in names]


def _preview_blocks(parsed, resolution) -> list[dict]:
    """What the preview shows for each priority block, organisations resolved."""
    blocks = []
    for p_index, block in enumerate(parsed.priorities):
        activities = []
        for a_index, item in enumerate(block.activities):
            activities.append(
                {
                    "item": item,
                    "deadline": resolution.deadlines[(p_index, a_index)],
                    "leads": _with_orgs(item.leads, resolution),
                    "participants": _with_orgs(item.participants, resolution),
                }
            )
        blocks.append(
            {
                "block": block,
                "kind_label": Priority.Kind(block.kind).label,
                "groups": [
                    (label, _with_orgs(names, resolution))
                    for label, names in (
                        (Involvement.LEAD.label, block.leads),
                        (Involvement.PARTICIPANT.label, block.participants),
                        (Involvement.OBSERVER.label, block.observers),
                    )
                    if names
                ],
                "activities": activities,
            }
        )
    return blocks


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, token):
    _check_import(request.user)
    upload = _load_preview(request.user, token)
    data, filename = upload.data, upload.filename
    aliases = alias_map()
    try:
        parsed = parse_document(data, filename, language=upload.extra.get("language"), known=aliases)
    except WorkPlanImportError as exc:
        stash.delete(request.user, STASH, token)
        messages.error(request, exc.message)
        return redirect("workplan:import")
    resolution = resolve(parsed, aliases=aliases)
    if is_translation(parsed, resolution.existing_plan):
        return _translation_preview(request, token, filename, parsed, resolution.existing_plan)
    unknown = resolution.unknown
    organisations = (
        list(Organisation.objects.only("pk", *translated_names("name"), *translated_names("acronym")))
        if unknown
        else []
    )
    # Bound on POST even when empty: a plan without unknown organisations posts no field.
    form = MappingForm(request.POST if request.method == "POST" else None, unknown=unknown, organisations=organisations)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = do_import_workplan(parsed, mapping=form.mapping(), user=request.user, filename=filename, data=data)
        except UnknownOrganisationsError as exc:
            form.add_error(None, exc.message)
        except WorkPlanImportError as exc:
            error = exc.message
        else:
            stash.delete(request.user, STASH, token)
            summary = result.summary
            if result.created:
                text = _("The work plan “%(title)s” was created: %(priorities)s priorities, %(activities)s activities.")
            else:
                text = _("The work plan “%(title)s” was updated: %(priorities)s priorities, %(activities)s activities.")
            messages.success(
                request,
                text
                % {
                    "title": result.plan.title,
                    "priorities": summary["priorities"],
                    "activities": summary["activities"],
                },
            )
            if summary["unparsed_deadlines"] or summary["inferred_deadlines"]:
                messages.warning(request, _("Some deadlines need checking: see “Deadlines to fix”."))
            return redirect("workplan:overview", result.plan.slug)
    return render(
        request,
        "workplan/import_preview.html",
        {
            "token": token,
            "filename": filename,
            "parsed": parsed,
            "resolution": resolution,
            "existing_plan": resolution.existing_plan,
            "blocks": _preview_blocks(parsed, resolution),
            "unknown_count": len(unknown),
            "unparsed_count": len(resolution.unparsed),
            "inferred_count": len(resolution.inferred),
            "form": form,
            "error": error,
        },
    )


def _translation_preview(request, token, filename, parsed, plan):
    """The document is the plan in another language: what matches becomes its translations."""
    found = match(parsed, plan)
    if request.method == "POST":
        summary = attach(parsed, found, user=request.user)
        stash.delete(request.user, STASH, token)
        messages.success(
            request,
            _(
                "The texts of “%(title)s” in %(language)s were added to the plan: %(priorities)s priorities, "
                "%(activities)s activities."
            )
            % {
                "title": plan.title,
                "language": language_name(parsed.source_language, in_sentence=True),
                "priorities": summary["priorities"],
                "activities": summary["activities"],
            },
        )
        return redirect("workplan:overview", plan.slug)
    return render(
        request,
        "workplan/import_translation_preview.html",
        {
            "token": token,
            "filename": filename,
            "parsed": parsed,
            "plan": plan,
            "found": found,
            "language": language_name(parsed.source_language, in_sentence=True),
            "plan_language": language_name(plan.source_language, in_sentence=True),
        },
    )


@login_required
@require_http_methods(["GET"])
def deadlines_to_fix(request):
    if not can_fix_deadlines(request.user):
        raise PermissionDenied
    activities = (
        Activity.objects.filter(deadline_state__in=[Activity.DeadlineState.UNPARSED, Activity.DeadlineState.INFERRED])
        .select_related("priority__workplan")
        .prefetch_related("periods")
        .order_by("priority__workplan__slug", "priority__order", "order")
    )
    return render(request, "workplan/deadlines_to_fix.html", {"activities": activities})


@login_required
@require_http_methods(["GET", "POST"])
def edit_deadline(request, pk):
    if not can_fix_deadlines(request.user):
        raise PermissionDenied
    activity = get_object_or_404(Activity.objects.select_related("priority__workplan"), pk=pk)
    form = DeadlineForm(request.POST if request.method == "POST" else None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            do_fix_activity_deadline(
                activity,
                text=form.cleaned_data["deadline_text"],
                confirm=form.cleaned_data["confirm"],
                user=request.user,
                expected_version=form.expected_version,
            )
        except StaleObject as stale:
            refuse_stale(form, stale)
            activity = stale.current
            return _render_deadline_form(request, activity, form, 409)
        if activity.deadline_state == Activity.DeadlineState.UNPARSED:
            messages.warning(request, _("The deadline was saved but still cannot be read."))
            return redirect("workplan:activity_deadline", activity.pk)
        messages.success(request, _("The deadline of %(activity)s was saved.") % {"activity": activity})
        return redirect("workplan:deadlines_to_fix")
    return _render_deadline_form(request, activity, form, 409 if form.conflict else 200)


def _render_deadline_form(request, activity, form, status):
    return render(
        request,
        "workplan/activity_deadline_form.html",
        {"activity": activity, "periods": list(activity.periods.all()), "form": form},
        status=status,
    )
