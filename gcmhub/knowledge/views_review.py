"""Peer review pages: the Hub team's queue, a practice's review page (screening, assignment,
decision), the reviewer's "My reviews" and review form, and the reviewer roster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gcmhub.accounts.models import User
from gcmhub.accounts.permissions import is_reviewer
from gcmhub.knowledge import review
from gcmhub.knowledge.criteria import Criterion, CrossCuttingIssue
from gcmhub.knowledge.forms_review import (
    AssignForm,
    ConflictForm,
    DecisionForm,
    ReviewerProfileForm,
    ReviewForm,
    RosterAddForm,
    RosterFilterForm,
    ScreeningForm,
    WithdrawForm,
)
from gcmhub.knowledge.models import Practice, PracticeEvent, ReviewAssignment, ReviewerProfile
from gcmhub.knowledge.permissions import can_manage_roster, can_read_for_review, is_hub_team
from gcmhub.lib.concurrency import StaleObject, refuse_stale
from gcmhub.lib.display import show

Status = Practice.Status
State = ReviewAssignment.State


def _check_hub_team(user) -> None:
    if not is_hub_team(user):
        raise PermissionDenied


def _error_messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _refuse_stale_step(form, stale: StaleObject, practice: Practice) -> None:
    """Tell the Hub team member that the practice changed under their feet, with its latest steps."""
    latest = list(
        PracticeEvent.objects.filter(practice_id=practice.pk).select_related("actor").order_by("-created_at", "-id")[:3]
    )
    refuse_stale(
        form,
        stale,
        newer=reversed(latest),
        message=_(
            "Someone changed this practice while you were on this page (it is now “%(status)s”), so nothing "
            "was recorded. Check its current state below; what you typed is kept."
        )
        % {"status": stale.current.get_status_display() if stale.current else ""},
    )
    if stale.current is not None:
        practice.status, practice.version = stale.current.status, stale.current.version


# The Hub team's queue ---------------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request):
    _check_hub_team(request.user)
    sections: dict[str, list[Practice]] = {"screen": [], "in_review": [], "decision": [], "returned": []}
    for practice in review.practices_for_queue():
        practice.coverage = review.review_coverage(practice)
        if practice.status == Status.SUBMITTED:
            sections["screen"].append(practice)
        elif practice.status == Status.IN_REVIEW:
            sections["in_review"].append(practice)
        elif practice.status == Status.REVIEWED:
            sections["decision"].append(practice)
        else:
            sections["returned"].append(practice)
    return render(request, "knowledge/review/queue.html", {"sections": sections})


# A practice's review page ------------------------------------------------------------------------


def _get_practice_for_hub(user, slug: str) -> Practice:
    _check_hub_team(user)
    return get_object_or_404(
        review.with_review_data(
            Practice.objects.select_related(
                "submitter", "implementing_organisation", "thematic_area", "update_of", "call"
            )
        ),
        slug=slug,
    )


def _render_review_practice(request, practice: Practice, status: int = 200, **forms):
    coverage = review.review_coverage(practice)
    show_assign = practice.status in (Status.IN_REVIEW, Status.REVIEWED)
    show_decide = review.can_be_decided(practice, coverage)
    candidates = review.reviewer_candidates(practice) if show_assign else []
    if show_assign and "assign_form" not in forms:
        forms["assign_form"] = AssignForm(
            candidates=candidates,
            auto_id="assign_%s",
            initial={"is_extra": coverage["needs_extra"] or practice.status == Status.REVIEWED},
        )
    if practice.status == Status.SUBMITTED:
        forms.setdefault("screen_form", ScreeningForm(auto_id="screen_%s", current=practice))
    if show_decide:
        forms.setdefault("decision_form", DecisionForm(auto_id="decide_%s", current=practice))
    rounds: dict[int, list[ReviewAssignment]] = {}
    for assignment in practice.assignments.all():
        if assignment.state == State.SUBMITTED:
            show(assignment, rows=review.score_rows(assignment.review))
        rounds.setdefault(assignment.round, []).append(assignment)
    status_labels = dict(Status.choices)
    events = list(PracticeEvent.objects.filter(practice=practice).select_related("actor"))
    for event in events:
        show(
            event,
            from_label=status_labels.get(event.from_status, event.from_status),
            to_label=status_labels.get(event.to_status, event.to_status),
        )
    context = {
        "practice": practice,
        "coverage": coverage,
        "rounds": sorted(rounds.items(), reverse=True),
        "criteria": Criterion.choices,
        "events": events,
        "candidates": candidates[:10],
        "open_states": review.OPEN_STATES,
        "withdraw_form": forms.pop("withdraw_form", None),
        "withdraw_pk": forms.pop("withdraw_pk", None),
        **forms,
    }
    return render(request, "knowledge/review/practice.html", context, status=status)


@login_required
@require_GET
def review_practice(request, slug):
    practice = _get_practice_for_hub(request.user, slug)
    return _render_review_practice(request, practice)


@login_required
@require_POST
def screen(request, slug):
    practice = _get_practice_for_hub(request.user, slug)
    form = ScreeningForm(request.POST, auto_id="screen_%s", current=practice)
    if form.is_valid():
        try:
            review.do_screen_practice(
                request.user,
                practice,
                form.cleaned_data["decision"],
                form.cleaned_data["note"],
                expected_version=form.expected_version,
            )
        except StaleObject as stale:
            _refuse_stale_step(form, stale, practice)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Screening recorded: %(status)s.") % {"status": practice.get_status_display()})
            return redirect("knowledge:review_practice", slug=practice.slug)
    return _render_review_practice(request, practice, status=409 if form.conflict else 400, screen_form=form)


@login_required
@require_POST
def assign(request, slug):
    practice = _get_practice_for_hub(request.user, slug)
    candidates = review.reviewer_candidates(practice) if practice.status in (Status.IN_REVIEW, Status.REVIEWED) else []
    form = AssignForm(request.POST, candidates=candidates, auto_id="assign_%s")
    if form.is_valid():
        profile = form.cleaned_data["reviewer"]
        try:
            review.do_assign_reviewer(
                request.user,
                practice,
                profile.user,
                form.cleaned_data["due_date"],
                is_extra=form.cleaned_data["is_extra"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is invited to review.") % {"name": profile})
            return redirect("knowledge:review_practice", slug=practice.slug)
    elif not candidates and practice.status not in (Status.IN_REVIEW, Status.REVIEWED):
        form.add_error(None, review._state_error(practice))
    return _render_review_practice(request, practice, status=400, assign_form=form)


@login_required
@require_POST
def withdraw_assignment(request, slug, pk):
    practice = _get_practice_for_hub(request.user, slug)
    assignment = get_object_or_404(ReviewAssignment.objects.select_related("reviewer"), pk=pk, practice=practice)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            review.do_withdraw_assignment(request.user, assignment, form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is withdrawn from the review.") % {"name": assignment.reviewer})
            return redirect("knowledge:review_practice", slug=practice.slug)
    return _render_review_practice(request, practice, status=400, withdraw_form=form, withdraw_pk=assignment.pk)


@login_required
@require_POST
def decide(request, slug):
    practice = _get_practice_for_hub(request.user, slug)
    form = DecisionForm(request.POST, auto_id="decide_%s", current=practice)
    if form.is_valid():
        try:
            review.do_decide_practice(
                request.user,
                practice,
                form.cleaned_data["decision"],
                form.cleaned_data["feedback"],
                expected_version=form.expected_version,
            )
        except StaleObject as stale:
            _refuse_stale_step(form, stale, practice)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision recorded: %(status)s.") % {"status": practice.get_status_display()})
            return redirect("knowledge:review_practice", slug=practice.slug)
    return _render_review_practice(request, practice, status=409 if form.conflict else 400, decision_form=form)


# The reviewer's pages ----------------------------------------------------------------------------


def _check_reviewer(user) -> None:
    if not is_reviewer(user):
        raise PermissionDenied


@login_required
@require_GET
def my_reviews(request):
    _check_reviewer(request.user)
    assignments = list(
        ReviewAssignment.objects.filter(reviewer=request.user)
        .select_related("practice", "review")
        .order_by("due_date", "id")
    )
    due = [
        a
        for a in assignments
        if a.state in review.OPEN_STATES and a.practice.status == Status.IN_REVIEW and a.round == a.practice.round
    ]
    past = sorted((a for a in assignments if a not in due), key=lambda a: a.assigned_at, reverse=True)
    return render(request, "knowledge/review/my_reviews.html", {"due": due, "past": past})


@login_required
@require_http_methods(["GET", "POST"])
def review_assignment(request, pk):
    _check_reviewer(request.user)
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related(
            "practice__implementing_organisation", "practice__thematic_area", "practice__submitter", "review"
        ),
        pk=pk,
        reviewer=request.user,
    )
    practice = assignment.practice
    is_open = (
        assignment.state in review.OPEN_STATES
        and practice.status == Status.IN_REVIEW
        and assignment.round == practice.round
    )
    submitted = assignment.review if assignment.state == State.SUBMITTED else None
    # A submitted review may be changed while the round is still open (see review.py).
    can_read = can_read_for_review(request.user, assignment)
    can_change = (
        can_read
        and submitted is not None
        and practice.status == Status.IN_REVIEW
        and assignment.round == practice.round
    )
    data = request.POST if request.method == "POST" and (is_open or can_change) else None
    conflict_form = ConflictForm(data) if assignment.state == State.INVITED else None
    review_form = ReviewForm(data) if assignment.state == State.ACCEPTED else None
    change_form = ReviewForm(data, initial=_review_initial(submitted), current=submitted) if can_change else None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and not (is_open or can_change):
        messages.error(request, _("This review is closed: nothing was changed."))
    elif conflict_form is not None and conflict_form.is_valid():
        declared = conflict_form.cleaned_data
        try:
            review.do_declare_conflict(request.user, assignment, declared["has_conflict"], declared["note"])
        except ValidationError as error:
            conflict_form.add_error(None, error)
        else:
            if declared["has_conflict"]:
                messages.success(request, _("Thank you: the Hub team will find another reviewer."))
            else:
                messages.success(request, _("Thank you: you can now read the practice and review it."))
            return redirect("knowledge:review_assignment", pk=assignment.pk)
    elif review_form is not None and review_form.is_valid():
        sheet = review_form.cleaned_data
        try:
            review.do_submit_review(
                request.user,
                assignment,
                review_form.scores,
                sheet["recommendation"],
                sheet["comments_for_submitter"],
                sheet["comments_for_hub"],
            )
        except ValidationError as error:
            review_form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your review is submitted."))
            return redirect("knowledge:review_assignment", pk=assignment.pk)
    elif change_form is not None and submitted is not None and change_form.is_valid():
        sheet = change_form.cleaned_data
        try:
            review.do_edit_review(
                request.user,
                submitted,
                change_form.scores,
                sheet["recommendation"],
                sheet["comments_for_submitter"],
                sheet["comments_for_hub"],
                expected_version=change_form.expected_version,
            )
        except StaleObject as stale:
            refuse_stale(change_form, stale)
            submitted = stale.current
        except ValidationError as error:
            change_form.add_error(None, error)
        else:
            messages.success(request, _("Your review is changed."))
            return redirect("knowledge:review_assignment", pk=assignment.pk)
    if change_form is not None and change_form.conflict is not None:
        status = 409
    context = {
        "assignment": assignment,
        "practice": practice,
        "conflict_form": conflict_form,
        "review_form": review_form,
        "change_form": change_form,
        "review": submitted,
        "rows": review.score_rows(submitted) if submitted else [],
        "is_open": is_open,
        "can_read": can_read,
    }
    return render(request, "knowledge/review/assignment.html", context, status=status)


def _review_initial(submitted) -> dict:
    if submitted is None:
        return {}
    initial = {f"score_{criterion}": score for criterion, score in (submitted.scores or {}).items()}
    initial.update(
        recommendation=submitted.recommendation,
        comments_for_submitter=submitted.comments_for_submitter,
        comments_for_hub=submitted.comments_for_hub,
    )
    return initial


# Roster --------------------------------------------------------------------------------------------


def _check_can_manage_roster(user) -> None:
    if not can_manage_roster(user):
        raise PermissionDenied


@login_required
@require_GET
def roster(request):
    _check_can_manage_roster(request.user)
    filters = RosterFilterForm(request.GET or None)
    profiles = filters.filter_language(filters.filter(review.roster_profiles()))
    labels = dict(CrossCuttingIssue.choices)
    for profile in profiles:
        profile.cross_cutting_labels = [labels.get(v, v) for v in profile.cross_cutting or []]
    return render(request, "knowledge/review/roster.html", {"profiles": profiles, "filters": filters})


@login_required
@require_http_methods(["GET", "POST"])
def roster_edit(request, user_id=None):
    _check_can_manage_roster(request.user)
    data = request.POST if request.method == "POST" else None
    form: ReviewerProfileForm
    if user_id is None:
        person = None
        form = RosterAddForm(data, initial={"is_active": True})
    else:
        person = get_object_or_404(User, pk=user_id)
        profile = get_object_or_404(ReviewerProfile, user=person)
        form = ReviewerProfileForm(data, instance=profile)
    if form.is_valid():
        profile = form.save(commit=False)
        if isinstance(form, RosterAddForm):  # a new entry: the person the e-mail address named
            profile.user = person = form.person
        try:
            review.do_save_reviewer_profile(
                request.user,
                profile,
                form.cleaned_data["objectives"],
                form.cleaned_data["regions"],
                expected_version=form.expected_version,
            )
        except StaleObject as stale:
            refuse_stale(form, stale)
        else:
            messages.success(request, _("Roster entry saved: %(name)s.") % {"name": profile})
            return redirect("knowledge:roster")
    context = {"form": form, "person": person}
    status = 409 if form.conflict else 400 if request.method == "POST" else 200
    return render(request, "knowledge/review/roster_edit.html", context, status=status)
