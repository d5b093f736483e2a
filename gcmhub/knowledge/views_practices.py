"""The submitter's side of the repository of practices, and the public pages of practices and calls.

Who may do what (the review side lives in views_review):
- anyone reads a published practice, a call and the list of calls;
- any signed-in user drafts and submits practices, and reads "My submissions";
- the submitter edits, submits and withdraws their own practice while it is editable, and proposes
  an update of their published practice;
- the Hub team (Secretariat) and reviewers who accepted it read an unpublished practice, but do not
  edit someone else's draft: the text stays the submitter's, the Hub team's tools are screening
  and decisions (views_review).
"""

from functools import partial
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gcmhub import pagecache
from gcmhub.knowledge.actions import submissions as actions
from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.forms_practices import PracticeForm, WithdrawForm
from gcmhub.knowledge.models import CallForPractices, Practice, PracticeAttachment
from gcmhub.knowledge.permissions import (
    can_edit_practice,
    can_submit_practice,
    can_update_published_practice,
    can_view_practice,
    can_withdraw_practice,
    get_practice_for_user,
    is_hub_team,
)
from gcmhub.lib.concurrency import StaleObject, refuse_stale, set_bound_value
from gcmhub.lib.display import show
from gcmhub.lib.i18n import active_language, language_of, translated_names
from gcmhub.lib.prepared import prepared
from gcmhub.lib.urls import url_maker
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What the submitter can expect next, by status (shown in "My submissions" and on the practice).
NEXT_STEPS: dict[str, "StrOrPromise"] = {
    Practice.Status.DRAFT: _("Complete it and submit it for review."),
    Practice.Status.SUBMITTED: _("The Hub team screens it."),
    Practice.Status.RETURNED: _("Give the information the Hub team asked for, then submit it again."),
    Practice.Status.IN_REVIEW: _("Peer reviewers are reading it."),
    Practice.Status.REVIEWED: _("The Hub team decides on it."),
    Practice.Status.REVISION_REQUESTED: _("Revise it as the reviewers asked, then submit it again."),
    Practice.Status.PUBLISHED: _("Published. You may propose an update."),
    Practice.Status.DECLINED: _("None: it was not accepted."),
    Practice.Status.WITHDRAWN: _("None: you withdrew it."),
}


def _get_editable_practice(user, slug: str) -> Practice:
    """The practice if the user may edit it; 404 if they may not see it, 403 if they only may see it."""
    practice = get_practice_for_user(user, slug)
    if not can_edit_practice(user, practice):
        raise PermissionDenied
    return practice


def _call_from_query(request) -> CallForPractices | None:
    slug = request.GET.get("call", "").strip()
    if not slug:
        return None
    return CallForPractices.objects.filter(slug=slug).first()


def _handle_form(request, form: PracticeForm, *, practice: Practice | None, requested_call=None):
    """The shared POST/GET body of practice_new and practice_edit."""
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_save_practice(
                request.user,
                practice,
                actions.PracticeValues.from_cleaned(form.cleaned_data),
                expected_version=form.expected_version,
                attachments=form.cleaned_data.get("new_attachments", []),
            )
        except StaleObject as stale:
            refuse_stale(form, stale)
            return _render_form(request, form, practice, requested_call, status=409)
        except actions.PracticeStateError:
            # Only a saved practice stops being editable: a new draft always is.
            current = Practice.objects.filter(pk=practice.pk).first() if practice is not None else None
            refuse_stale(form, StaleObject(current))
            return _render_form(request, form, practice, requested_call, status=409)
        except ValidationError as error:
            form.add_submission_errors(error.message_dict)
            messages.error(request, gettext("Nothing was saved: please correct the errors below."))
            return _render_form(request, form, practice, requested_call)
        if request.POST.get("action") != "submit":
            messages.success(request, gettext("Your draft was saved."))
            return redirect("knowledge:practice_edit", slug=saved.slug)
        try:
            actions.do_submit_practice(request.user, saved, expected_version=saved.version)
        except actions.SubmissionIncomplete as incomplete:
            form.add_submission_errors(incomplete.errors)
            messages.warning(
                request,
                gettext(
                    "Your draft was saved with everything you typed, but it cannot be submitted yet: "
                    "please complete the fields marked below."
                ),
            )
            practice = saved
            # The draft is saved: the form now carries its new version, so saving again is no conflict.
            set_bound_value(form, "version", str(saved.version))
        except (StaleObject, actions.PracticeStateError):
            messages.warning(
                request,
                gettext(
                    "Your draft was saved but not submitted: someone changed the practice in the meantime. "
                    "Check it, then submit it again."
                ),
            )
            return redirect("knowledge:practice_edit", slug=saved.slug)
        else:
            messages.success(request, gettext("Thank you: your practice was submitted. The Hub team will screen it."))
            return redirect("knowledge:practice", slug=saved.slug)
    elif request.method == "POST":
        messages.error(request, gettext("Nothing was saved: please correct the errors below."))
        if form.conflict is not None:
            status = 409
    return _render_form(request, form, practice, requested_call, status=status)


def _render_form(request, form, practice, requested_call, status=None):
    call = practice.call if practice and practice.call_id else None
    if call is None and requested_call is not None:
        call = requested_call
    now = timezone.now()
    attachments = list(practice.attachments.all()) if practice and practice.pk else []
    if status is None:
        status = 400 if form.errors else 200
    return render(
        request,
        "knowledge/practices/form.html",
        {
            "form": form,
            "practice": practice if practice and practice.pk else None,
            "call": call,
            "call_is_open": call.is_open(now) if call else False,
            "call_not_yet_open": bool(call and now < call.opens_at),
            "attachments": attachments,
            "began_before_gcm": form.began_before_gcm(),
            "open_calls_exist": form.fields["call"].queryset.exists(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_new(request):
    if not can_submit_practice(request.user):
        raise PermissionDenied
    requested_call = _call_from_query(request)
    initial = {}
    if requested_call is not None and requested_call.is_open():
        initial["call"] = requested_call.pk
    form = PracticeForm(request.POST or None, request.FILES or None, initial=initial)
    return _handle_form(request, form, practice=None, requested_call=requested_call)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_edit(request, slug):
    practice = get_practice_for_user(request.user, slug)
    if not can_edit_practice(request.user, practice):
        if request.method == "POST" and practice.submitter_id == request.user.pk:
            return _refuse_no_longer_editable(request, practice)
        raise PermissionDenied
    form = PracticeForm(request.POST or None, request.FILES or None, instance=practice)
    return _handle_form(request, form, practice=practice)


def _refuse_no_longer_editable(request, practice: Practice):
    """The submitter's save of a practice submitted (or decided) from another page meanwhile:
    nothing is saved, and the page shows what they typed so that nothing is lost."""
    current = Practice.objects.get(pk=practice.pk)
    form = PracticeForm(request.POST, request.FILES, instance=practice)
    form.is_valid()
    form.show_conflict(
        current,
        message=gettext(
            "Nothing was saved: this practice was submitted or decided from another page, and can no "
            "longer be edited (status: %(status)s). What you typed is kept below so you can copy it."
        )
        % {"status": current.get_status_display()},
    )
    return _render_form(request, form, current, None, status=409)


@prepared
def practice_by_slug(slug: str):
    """The practice and what it links to, with its review route (one query, compiled once)."""
    return (
        Practice.objects.select_related("call", "implementing_organisation", "thematic_area", "update_of", "submitter")
        .with_review_route()
        .filter(slug=slug)
    )


@require_safe
@pagecache.cacheable(scopes=("knowledge", "taxonomy", "workplan"))
def practice_detail(request, slug):
    found = practice_by_slug(slug)
    if not found or not can_view_practice(request.user, found[0]):  # as get_practice_for_user
        raise Http404
    practice = found[0]
    user = request.user
    is_submitter = user.is_authenticated and practice.submitter_id == user.pk
    is_public_view = practice.is_published and practice.update_of_id is None
    return render(
        request,
        "knowledge/practices/detail.html",
        {
            "practice": practice,
            # The published practice is the same page for everyone but its submitter: kept.
            "kept_as": "knowledge:practice" if is_public_view and not is_submitter else "",
            "content": partial(practice_content, user, practice, is_submitter, is_public_view),
        },
    )


# A practice's lists, one query each as `prefetch_related` ran them, compiled once per process
# (`gcmhub.lib.prepared`): building and compiling six queries cost more than running them.
@prepared
def _practice_countries(pk: int):
    return Country.objects.filter(practices=pk)


@prepared
def _practice_regions(pk: int):
    return Region.objects.filter(practices=pk)


@prepared
def _practice_partners(pk: int):
    return Organisation.objects.filter(partner_practices=pk)


@prepared
def _practice_objectives(pk: int):
    return Objective.objects.filter(practices=pk)


@prepared
def _practice_principles(pk: int):
    return GuidingPrinciple.objects.filter(practices=pk)


@prepared
def _practice_attachments(pk: int):
    return PracticeAttachment.objects.filter(practice_id=pk)


def practice_content(user, practice, is_submitter: bool, is_public_view: bool) -> dict:
    pk = practice.pk
    lists = {
        "countries": _practice_countries(pk),
        "regions": _practice_regions(pk),
        "partners": _practice_partners(pk),
        "objectives": _practice_objectives(pk),
        "principles": _practice_principles(pk),
        "attachments": _practice_attachments(pk),
    }
    feedback, open_update = [], None
    if is_submitter or is_hub_team(user):
        feedback = list(practice.events.filter(visible_to_submitter=True).exclude(note=""))
    if is_submitter and practice.is_published:
        open_update = actions.open_update_of(practice)
    crumb_url = crumb_label = crumb_lang = ""
    if is_submitter:
        crumb_url, crumb_label = reverse("knowledge:my_submissions"), gettext("My submissions")
    elif practice.call_id:
        crumb_url, crumb_label = practice.call.get_absolute_url(), practice.call.title
        crumb_lang = language_of(practice.call, "title")
    return {
        **lists,
        "is_submitter": is_submitter,
        "is_public_view": is_public_view,
        "show_status": not is_public_view,
        "feedback": feedback,
        "next_step": NEXT_STEPS.get(practice.status, "") if is_submitter else "",
        "can_edit": can_edit_practice(user, practice),
        "can_withdraw": can_withdraw_practice(user, practice),
        "can_update": can_update_published_practice(user, practice) and practice.update_of_id is None,
        "open_update": open_update,
        "criteria": [label for value, label in Criterion.choices if value in practice.criteria_met],
        "page_language": active_language(),
        # Only web addresses: links typed through another channel (the API, the CMS) are not trusted.
        "links": [link for link in practice.link_list if link.startswith(("http://", "https://"))],
        "crumb_url": crumb_url,
        "crumb_label": crumb_label,
        "crumb_lang": crumb_lang,
    }


@login_required
@require_POST
def practice_update(request, slug):
    practice = get_practice_for_user(request.user, slug)
    if not can_update_published_practice(request.user, practice) or practice.update_of_id is not None:
        raise PermissionDenied
    update = actions.do_start_practice_update(request.user, practice)
    messages.success(
        request,
        gettext(
            "Edit your update and submit it: it goes through screening again, and the published "
            "practice stays as it is until the update is published."
        ),
    )
    return redirect("knowledge:practice_edit", slug=update.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_withdraw(request, slug):
    practice = get_practice_for_user(request.user, slug)
    if not can_withdraw_practice(request.user, practice):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_withdraw_practice(request.user, practice, form.cleaned_data["reason"])
        messages.success(request, gettext("Your practice was withdrawn."))
        return redirect("knowledge:my_submissions")
    return render(request, "knowledge/practices/withdraw.html", {"practice": practice, "form": form})


@login_required
@require_POST
def attachment_delete(request, slug, pk):
    practice = _get_editable_practice(request.user, slug)
    attachment = get_object_or_404(PracticeAttachment, pk=pk, practice=practice)
    actions.do_delete_attachment(request.user, attachment)
    messages.success(request, gettext("The file was removed."))
    return redirect(reverse("knowledge:practice_edit", args=[practice.slug]) + "#attachments")


@login_required
@require_safe
def my_submissions(request):
    practices = (
        Practice.objects.filter(submitter=request.user)
        .select_related("call", "update_of")
        .only(
            "slug",
            "title",
            "status",
            "round",
            "updated_at",
            "language",
            "submitter_id",
            "call__slug",
            *translated_names("call__title"),
            "call__source_language",
            "update_of__slug",
            "update_of__title",
        )
        .order_by("-updated_at", "-pk")
    )
    rows = [(p, NEXT_STEPS.get(p.status, "")) for p in practices]
    return render(request, "knowledge/practices/my_submissions.html", {"rows": rows})


def _published_practices():
    return Practice.objects.published().only("slug", "title", "summary", "language", "published_at", "call_id")


@require_safe
@pagecache.cacheable(scopes=("knowledge", "taxonomy"))
def call_list(request):
    return render(request, "knowledge/calls/list.html", {"content": call_list_content})


def call_list_content() -> dict:
    """The calls, open, upcoming and closed (the template keeps the list with `{% fragment %}`:
    it expires when a call opens or closes, `PAGE_CACHE_CLOCKS`)."""
    now = timezone.now()
    calls = list(
        CallForPractices.objects.annotate(
            published_count=Count(
                "practices", filter=Q(practices__status=Practice.Status.PUBLISHED, practices__update_of__isnull=True)
            )
        ).order_by("deadline")
    )
    open_calls = [c for c in calls if c.is_open(now)]
    upcoming = [c for c in calls if now < c.opens_at]
    closed = sorted((c for c in calls if c.deadline <= now), key=lambda c: c.deadline, reverse=True)
    return {"open_calls": open_calls, "upcoming_calls": upcoming, "closed_calls": closed, "now": now}


@require_safe
@pagecache.cacheable(scopes=("knowledge", "taxonomy"))
def call_detail(request, slug):
    found = call_by_slug(slug)
    if not found:
        raise Http404
    call = found[0]
    return render(request, "knowledge/calls/detail.html", {"call": call, "content": partial(call_content, call)})


@prepared
def call_by_slug(slug: str):
    return CallForPractices.objects.filter(slug=slug)


# The call page's lists, compiled once per process (`gcmhub.lib.prepared`).
@prepared
def _call_objectives(pk: int):
    return Objective.objects.filter(calls=pk)


@prepared
def _call_practices(pk: int):
    return _published_practices().filter(call_id=pk).order_by("-published_at")


def call_content(call) -> dict:
    practices = _call_practices(call.pk)
    practice_url = url_maker("knowledge:practice", str)
    for practice in practices:
        show(practice, url=practice_url(practice.slug))
    show(call, published_practices=practices)
    now = timezone.now()
    return {"is_open": call.is_open(now), "not_yet_open": now < call.opens_at, "objectives": _call_objectives(call.pk)}
