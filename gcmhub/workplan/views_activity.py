"""The activity page, its status updates and contribution notes, and "my deadlines".

The two write views answer htmx requests (`HX-Request`) with the updates region only, and plain
form posts with a redirect (success) or the whole page (errors), so they work without JavaScript.

The activity page's details and history are the same for every visitor: the template keeps them
with `{% fragment … using … %}` (gcmhub.pagecache), and `activity_details`/`activity_history`
compute them only when they must be rendered. What is the visitor's own (the forms, for those who
may post) is rendered at each request; a visitor without a focal-point or Secretariat role costs
no query beyond finding the activity.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gcmhub.accounts import permissions as roles
from gcmhub.lib.formats import date_text, percent_text
from gcmhub.lib.prepared import prepared
from gcmhub.lib.urls import url_maker
from gcmhub.workplan import permissions
from gcmhub.workplan.actions import NewerUpdates, do_add_contribution_note, do_post_status_update
from gcmhub.workplan.calendar import describe_periods
from gcmhub.workplan.forms import ContributionNoteForm, StatusUpdateForm, add_action_errors
from gcmhub.workplan.models import Activity, Status, StatusUpdate, attach_row_details
from gcmhub.workplan.rows import RowBuilder
from gcmhub.workplan.tasks import deadline_groups_for_user
from gcmhub.workplan.views import priority_objectives, published_outputs


def get_activity(pk: int) -> Activity:
    """The activity with everything its page reads (reading is public)."""
    return get_object_or_404(Activity.objects.for_list(), pk=pk)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _with_row_details(activity) -> Activity:
    """The activity's periods, leads and participants as plain rows (three queries), once."""
    if not hasattr(activity, "participant_list"):
        attach_row_details([activity], participants=True)
    return activity


# The page's other queries, compiled once per process (`gcmhub.lib.prepared`): building and
# compiling them cost more than running them.
@prepared
def _activity_outputs(activity_id: int):
    # The Hub's resources through the reverse relation: the work plan imports nothing of the Hub.
    resources = Activity._meta.get_field("resources").related_model._default_manager
    return published_outputs(resources.filter(output_of_activity_id=activity_id))


@prepared
def _activity_updates(activity_id: int):
    return StatusUpdate.objects.filter(activity_id=activity_id).select_related("author", "organisation")


def activity_details(activity) -> dict:
    """What the page shows of the activity besides its history (`{% fragment %}`'s content)."""
    _with_row_details(activity)
    return {
        "periods": describe_periods(activity.period_list),
        "is_overdue": activity.is_overdue(),
        "objectives": priority_objectives(activity.priority_id),
        "outputs": _activity_outputs(activity.pk),
    }


def activity_history(activity) -> dict:
    """The status history, with what each update shows worked out once per request (status
    labels, organisation URLs from one `reverse()`, dates): update_history.html only prints."""
    history = _activity_updates(activity.pk)
    status_labels = {value: str(label) for value, label in Status.choices}
    # As {% blocktranslate %} does: the translated sentence as it is, the number put in.
    percent_format = _("%(percent)s complete")
    organisation_url = url_maker("taxonomy:organisation", str)
    for update in history:
        update.status_label = status_labels.get(update.status, update.status)
        if update.percent_complete is not None:
            update.percent_text = mark_safe(percent_format % {"percent": percent_text(update.percent_complete)})
        if update.organisation is not None:
            update.organisation_url = organisation_url(update.organisation.slug)
        created = timezone.localtime(update.created_at)
        update.created_iso = dateformat.format(created, "c")
        update.created_text = date_text(created)
    return {"history": history}


def _render_activity(
    request, activity, *, status_form=None, note_form=None, confirmation="", partial=False, status=200
):
    user = request.user
    # Only the Secretariat and focal points may write: only their pages need the organisations.
    may_write = roles.is_secretariat(user) or bool(roles.focal_point_organisation_ids(user))
    if may_write:
        _with_row_details(activity)
    can_status = may_write and permissions.can_post_status(user, activity)
    can_note = may_write and permissions.can_add_note(user, activity)
    if (can_status and status_form is None) or (can_note and note_form is None):
        latest = getattr(activity, "latest_update", None)
        if latest is None:  # an activity not from `activity_by_pk`
            latest = activity.updates.order_by("-pk").values_list("pk", flat=True).first()
        latest = latest or 0
        if can_status and status_form is None:
            status_form = StatusUpdateForm(activity=activity, latest_update=latest)
        if can_note and note_form is None:
            note_form = ContributionNoteForm(
                organisations=permissions.note_organisations(user, activity), latest_update=latest
            )
    context = {
        "activity": activity,
        "priority": activity.priority,
        "details": functools.partial(activity_details, activity),
        "history_content": functools.partial(activity_history, activity),
        "can_post_status": can_status,
        "can_add_note": can_note,
        "status_form": status_form if can_status else None,
        "note_form": note_form if can_note else None,
        "confirmation": confirmation,
        "is_htmx": partial,
    }
    template = "workplan/includes/update_region_response.html" if partial else "workplan/activity_detail.html"
    return render(request, template, context, status=status)


def _posted(request, activity, confirmation):
    if _is_htmx(request):
        return _render_activity(request, get_activity(activity.pk), confirmation=confirmation, partial=True)
    messages.success(request, confirmation)
    return redirect(activity.get_absolute_url() + "#updates")


def _invalid(request, activity, **forms):
    # htmx only swaps 2xx responses; a plain post gets the whole page with a 400 (409 when the
    # page was older than the latest update).
    if _is_htmx(request):
        return _render_activity(request, activity, partial=True, **forms)
    stale = any(form.newer_updates for form in forms.values())
    return _render_activity(request, activity, status=409 if stale else 400, **forms)


@prepared
def activity_by_pk(pk: int):
    """The activity, its priority, plan and thematic area, and the id of its latest update (the
    forms carry it to refuse posts from a page older than the last update)."""
    latest = StatusUpdate.objects.filter(activity=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return (
        Activity.objects.select_related("priority__workplan", "priority__thematic_area")
        .annotate(latest_update=Subquery(latest))
        .filter(pk=pk)
    )


def get_activity_for_page(pk: int) -> Activity:
    """The activity with its priority, plan and thematic area (one query, compiled once); the
    rest of what its page reads comes with the parts that show it (`activity_details`)."""
    found = activity_by_pk(pk)
    if not found:
        raise Http404("No activity has this number.")
    return found[0]


@require_GET
def activity_detail(request, pk):
    return _render_activity(request, get_activity_for_page(pk))


@login_required
@require_POST
def post_status_update(request, pk):
    activity = get_activity(pk)
    if not permissions.can_post_status(request.user, activity):
        raise PermissionDenied
    form = StatusUpdateForm(request.POST, request.FILES, activity=activity)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_post_status_update(
                activity=activity,
                author=request.user,
                status=data["status"],
                percent_complete=data["percent_complete"],
                narrative=data["narrative"],
                evidence_links=data["evidence_links"],
                evidence_file=data["evidence_file"],
                organisation=permissions.status_organisation(request.user, activity),
                latest_seen=data["latest_update"],
            )
        except NewerUpdates as newer:
            form.show_newer_updates(newer.newer, newer.newer[-1].pk)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _posted(request, activity, _("Your status update is posted."))
    return _invalid(request, activity, status_form=form)


@login_required
@require_POST
def post_note(request, pk):
    activity = get_activity(pk)
    if not permissions.can_add_note(request.user, activity):
        raise PermissionDenied
    organisations = permissions.note_organisations(request.user, activity)
    form = ContributionNoteForm(request.POST, request.FILES, organisations=organisations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_add_contribution_note(
                activity=activity,
                author=request.user,
                narrative=data["narrative"],
                organisation=data["organisation"],
                evidence_links=data["evidence_links"],
                evidence_file=data["evidence_file"],
                latest_seen=data["latest_update"],
            )
        except NewerUpdates as newer:
            form.show_newer_updates(newer.newer, newer.newer[-1].pk)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _posted(request, activity, _("Your note on your contribution is posted."))
    return _invalid(request, activity, note_form=form)


@login_required
@require_GET
def my_deadlines(request):
    """The activities of the visitor's organisations (all of them for the Secretariat) that are
    overdue or due soon. The list depends only on those organisations: the template keeps it per
    set of organisations with `{% fragment %}`."""
    user = request.user
    all_organisations = roles.is_secretariat(user)
    org_ids = sorted(roles.focal_point_organisation_ids(user))
    context = {
        "all_organisations": all_organisations,
        "is_focal_point": bool(org_ids),
        "organisations_key": "all" if all_organisations else ",".join(str(pk) for pk in org_ids),
        "content": functools.partial(my_deadlines_content, user),
    }
    return render(request, "workplan/my_deadlines.html", context)


def _deadline_row(builder: RowBuilder, activity):
    row = builder.row(activity, with_periods=False)
    row.due_iso, row.due_date_text = builder.date_texts(activity.due_date)
    return row


def my_deadlines_content(user) -> dict:
    today = timezone.localdate()
    groups = deadline_groups_for_user(user, today)
    builder = RowBuilder(None, today, text_length=160)
    rows: dict = {}
    for group in groups:
        group["rows"] = [
            rows.get(a.pk) or rows.setdefault(a.pk, _deadline_row(builder, a)) for a in group["activities"]
        ]
    return {
        "groups": groups,
        "today": today,
        "count": len({a.pk for g in groups for a in g["activities"]}),
    }
