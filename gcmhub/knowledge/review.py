"""The peer-review workflow of practices: screening, reviewer assignment, conflict-of-interest
declarations, reviews, decisions and reminders.

Every action runs in a transaction, claims the practice row (`gcmhub.lib.concurrency.claim`:
the version is bumped and the row locked; a screening or a decision taken from a page older than
the last change raises `StaleObject`, so of two Hub team members deciding at once the second is
told), checks the state it starts from (raising `ValidationError` with a message for people,
nothing changed) and records a `PracticeEvent` with who, when, why and the status before and
after. E-mails are queued on commit (`tasks`).

Rules of a round (documented for the Hub team in the review pages):
- a round needs at least one UN and two external reviews submitted ("1 UN + 2 external");
- when every active assignment of the round (not withdrawn, no conflict) is submitted and the rule
  is met, the practice becomes "reviewed" unless the reviewers disagree;
- reviewers disagree when their recommendations are not all the same, or when their average
  scores differ by `DISAGREEMENT_SPREAD` points or more; the round then stays in review with an
  "extra reviewer needed" event until an extra reviewer (`is_extra`) has submitted, after which
  the Hub team decides with all reviews in view (one extra reviewer per disagreement);
- earlier rounds' assignments and reviews are kept; each round is shown on its own;
- a reviewer may edit their submitted review while the practice is still in review (not once the
  round is complete and waiting for the decision); the edit is recorded and the round settled again.
"""

import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.accounts.models import Role, User
from gcmhub.accounts.permissions import is_reviewer
from gcmhub.knowledge import tasks
from gcmhub.knowledge.criteria import SCORE_MAX, SCORE_MIN, Criterion
from gcmhub.knowledge.models import Practice, PracticeEvent, Review, ReviewAssignment, ReviewerProfile
from gcmhub.knowledge.permissions import can_assign_reviewers, can_decide, can_manage_roster, can_screen
from gcmhub.lib.concurrency import claim, claim_instance

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Practice.Status
State = ReviewAssignment.State
Action = PracticeEvent.Action

DEFAULT_DUE_DAYS = 21
REMINDER_DAYS = 3  # remind when due within this many days (or overdue), at most once per this many days
DISAGREEMENT_SPREAD = 2  # average scores this far apart (or more) count as disagreement
REQUIRED_UN, REQUIRED_EXTERNAL = 1, 2

OPEN_STATES = (State.INVITED, State.ACCEPTED)
INACTIVE_STATES = (State.CONFLICT, State.WITHDRAWN)

SCREEN_DECISIONS = {
    "accept": (Status.IN_REVIEW, Action.ACCEPTED),
    "return": (Status.RETURNED, Action.RETURNED),
    "decline": (Status.DECLINED, Action.DECLINED),
}
FINAL_DECISIONS = {
    "publish": (Status.PUBLISHED, Action.PUBLISHED),
    "revise": (Status.REVISION_REQUESTED, Action.REVISION_REQUESTED),
    "decline": (Status.DECLINED, Action.DECLINED),
}


# Reading ---------------------------------------------------------------------------------------


def with_review_data(queryset):
    """Prefetch what `review_coverage` reads (assignments of every round with their review)."""
    return queryset.prefetch_related(
        Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("review", "reviewer"))
    )


def _round_assignments(practice: Practice, round_: int | None = None) -> list[ReviewAssignment]:
    round_ = practice.round if round_ is None else round_
    return [a for a in practice.assignments.all() if a.round == round_]


def reviews_disagree(reviews: list[Review]) -> bool:
    """Recommendations not all the same, or average scores `DISAGREEMENT_SPREAD` or more apart."""
    if len(reviews) < 2:
        return False
    if len({r.recommendation for r in reviews}) > 1:
        return True
    averages = [r.average_score for r in reviews if r.average_score is not None]
    return bool(averages) and max(averages) - min(averages) >= DISAGREEMENT_SPREAD


def score_rows(review: Review) -> list[tuple["StrOrPromise", int | None]]:
    """(criterion label, score) for every criterion, in the criteria's order."""
    return [(label, review.scores.get(value)) for value, label in Criterion.choices]


def review_coverage(practice: Practice, round_: int | None = None) -> dict:
    """Counts of the round's reviewers by kind, and whether the "1 UN + 2 external" rule is met.

    Reads `practice.assignments.all()` (with `review`): prefetch with `with_review_data` on lists.
    """
    assignments = _round_assignments(practice, round_)
    active = [a for a in assignments if a.state not in INACTIVE_STATES]
    submitted = [a for a in active if a.state == State.SUBMITTED]
    reviews = [a.review for a in submitted]
    un_active = sum(a.is_un for a in active)
    un_submitted = sum(a.is_un for a in submitted)
    disagree = reviews_disagree(reviews)
    extra_submitted = any(a.is_extra for a in submitted)
    extra_open = any(a.is_extra and a.state in OPEN_STATES for a in active)
    rule_met = un_submitted >= REQUIRED_UN and len(submitted) - un_submitted >= REQUIRED_EXTERNAL
    all_in = bool(active) and len(submitted) == len(active)
    return {
        "round": practice.round if round_ is None else round_,
        "un_active": un_active,
        "external_active": len(active) - un_active,
        "un_submitted": un_submitted,
        "external_submitted": len(submitted) - un_submitted,
        "active": len(active),
        "submitted": len(submitted),
        "pending": len(active) - len(submitted),
        "planned_rule_met": un_active >= REQUIRED_UN and len(active) - un_active >= REQUIRED_EXTERNAL,
        "rule_met": rule_met,
        "all_in": all_in,
        "conflicts": sum(a.state == State.CONFLICT for a in assignments),
        "overdue": sum(a.is_overdue for a in active),
        "disagree": disagree,
        "needs_extra": disagree and not extra_submitted and not extra_open,
        "extra_open": extra_open,
        "ready_for_decision": rule_met and all_in,
    }


def practices_for_queue():
    """Practices the Hub team follows, with what the queue shows; four queries in all."""
    return with_review_data(
        Practice.objects.filter(
            status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.REVIEWED, Status.RETURNED, Status.REVISION_REQUESTED]
        )
        .select_related("submitter", "update_of")
        .order_by("submitted_at", "id")
    )


def roster_profiles():
    """Roster entries with their user, expertise and current load (open assignments)."""
    from django.db.models import Count, Q

    return (
        ReviewerProfile.objects.select_related("user", "affiliation")
        .prefetch_related("objectives", "regions")
        .annotate(load=Count("user__review_assignments", filter=Q(user__review_assignments__state__in=OPEN_STATES)))
        .order_by("user__full_name", "user__email")
    )


def reviewer_candidates(practice: Practice) -> list[ReviewerProfile]:
    """Active roster entries who hold the reviewer role, best matches first.

    Each profile gets `match` (expertise objectives, language, region in common, a score) and
    `load`. The submitter and reviewers already assigned in this round are left out.
    """
    objective_ids = {o.pk for o in practice.objectives.all()}
    region_ids = {r.pk for r in practice.regions.all()}
    for country in practice.countries.all():
        region_ids.update(pk for pk in (country.region_id, country.subregion_id) if pk)
    taken = set(
        ReviewAssignment.objects.filter(practice=practice, round=practice.round).values_list("reviewer_id", flat=True)
    )
    reviewer_ids = Role.objects.active().filter(kind=Role.Kind.REVIEWER).values("user_id")
    profiles = (
        roster_profiles()
        .filter(is_active=True, user__is_active=True, user_id__in=reviewer_ids)
        .exclude(user_id=practice.submitter_id)
        .exclude(user_id__in=taken)
    )
    candidates = []
    for profile in profiles:
        objectives = [o for o in profile.objectives.all() if o.pk in objective_ids]
        regions = [r for r in profile.regions.all() if r.pk in region_ids]
        speaks = practice.language in (profile.languages or [])
        profile.match = {
            "objectives": objectives,
            "regions": regions,
            "language": speaks,
            "score": 2 * len(objectives) + (2 if speaks else 0) + len(regions),
        }
        candidates.append(profile)
    candidates.sort(key=lambda p: (-p.match["score"], p.load, str(p)))
    return candidates


# Helpers ---------------------------------------------------------------------------------------


def _lock(practice: Practice, expected_version: int | None = None) -> Practice:
    """Claim the row (bump its version, lock it; `StaleObject` if it is no longer
    `expected_version`) and refresh the caller's object from it (the state we check is current)."""
    fresh = claim(Practice, practice.pk, expected_version)
    for field in ("status", "round", "published_at", "update_of_id", "version"):
        setattr(practice, field, getattr(fresh, field))
    return practice


def _lock_assignment(assignment: ReviewAssignment) -> ReviewAssignment:
    fresh = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    for field in ("state", "round", "conflict_note", "declared_at", "last_reminder_at"):
        setattr(assignment, field, getattr(fresh, field))
    return assignment


def _record(practice: Practice, action, actor, from_status: str, note: str = "", *, visible=False) -> PracticeEvent:
    return PracticeEvent.objects.create(
        practice=practice,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=practice.status,
        round=practice.round,
        note=note,
        visible_to_submitter=visible,
    )


def _set_status(practice: Practice, status: str, **extra) -> None:
    practice.status = status
    for field, value in extra.items():
        setattr(practice, field, value)
    practice.save(update_fields=["status", "updated_at", *extra])


def _state_error(practice: Practice) -> ValidationError:
    return ValidationError(
        _("This cannot be done while the practice is “%(status)s”.") % {"status": practice.get_status_display()},
        code="state",
    )


def _notify_submitter(event: PracticeEvent) -> None:
    transaction.on_commit(lambda: tasks.send_submitter_notice.enqueue(event.pk))


def _notify_hub_team(event: PracticeEvent) -> None:
    transaction.on_commit(lambda: tasks.send_hub_team_notice.enqueue(event.pk))


def _settle_round(practice: Practice) -> str:
    """After a change to an assignment of an IN_REVIEW practice, say what follows: "reviewed" when
    the round is complete and the reviewers agree (or an extra reviewer has settled a
    disagreement), "extra" when they disagree and no extra reviewer is in, "" otherwise."""
    if practice.status != Status.IN_REVIEW:
        return ""
    coverage = review_coverage(with_review_data(Practice.objects.filter(pk=practice.pk)).get())
    if not coverage["ready_for_decision"]:
        return ""
    if coverage["needs_extra"]:
        return "extra"
    return "reviewed"


def _after_assignment_change(practice: Practice, action, actor, from_status: str, note: str = "") -> PracticeEvent:
    """Settle the round, record the event (with the resulting status) and any follow-up."""
    outcome = _settle_round(practice)
    if outcome == "reviewed":
        _set_status(practice, Status.REVIEWED)
    event = _record(practice, action, actor, from_status, note)
    if outcome == "reviewed":
        _notify_hub_team(event)
    elif outcome == "extra":
        already = PracticeEvent.objects.filter(
            practice=practice, round=practice.round, action=Action.EXTRA_REVIEWER_NEEDED
        ).exists()
        if not already:
            _notify_hub_team(_record(practice, Action.EXTRA_REVIEWER_NEEDED, None, practice.status))
    return event


# Screening -------------------------------------------------------------------------------------


@transaction.atomic
def do_screen_practice(
    user: User, practice: Practice, decision: str, note: str = "", *, expected_version: int | None = None
) -> PracticeEvent:
    """Accept a submitted practice for review, return it for information or decline it.

    A reason is required to return or decline; it is shown to the submitter and mailed to them.
    Raises `StaleObject` if the practice changed since `expected_version`.
    """
    if not can_screen(user):
        raise PermissionDenied
    if decision not in SCREEN_DECISIONS:
        raise ValidationError(_("Choose accept, return or decline."), code="decision")
    note = (note or "").strip()
    if decision != "accept" and not note:
        raise ValidationError(_("Give the submitter a reason."), code="note")
    _lock(practice, expected_version)
    if practice.status != Status.SUBMITTED:
        raise _state_error(practice)
    to_status, action = SCREEN_DECISIONS[decision]
    _set_status(practice, to_status)
    event = _record(practice, action, user, Status.SUBMITTED, note, visible=decision != "accept" or bool(note))
    _notify_submitter(event)
    return event


# Assignments -----------------------------------------------------------------------------------


def check_assign_reviewer(practice: Practice, reviewer: User, due_date: datetime.date) -> ReviewerProfile:
    """Raise `ValidationError` if `reviewer` cannot review this round; return their roster entry."""
    if practice.status not in (Status.IN_REVIEW, Status.REVIEWED):
        raise _state_error(practice)
    profile = ReviewerProfile.objects.filter(user=reviewer).first()
    if profile is None or not profile.is_active or not reviewer.is_active or not is_reviewer(reviewer):
        raise ValidationError(_("This person is not on the active reviewer roster."), code="roster")
    if reviewer.pk == practice.submitter_id:
        raise ValidationError(_("The submitter cannot review their own practice."), code="submitter")
    if ReviewAssignment.objects.filter(practice=practice, reviewer=reviewer, round=practice.round).exists():
        raise ValidationError(_("This reviewer is already assigned in this round."), code="assigned")
    if due_date < timezone.localdate():
        raise ValidationError(_("The due date is in the past."), code="due_date")
    return profile


@transaction.atomic
def do_assign_reviewer(
    user: User, practice: Practice, reviewer: User, due_date: datetime.date, is_extra: bool = False
) -> ReviewAssignment:
    """Invite a roster reviewer to the current round and e-mail them.

    Assigning to a REVIEWED practice adds an extra reviewer and puts it back in review.
    """
    if not can_assign_reviewers(user):
        raise PermissionDenied
    _lock(practice)
    profile = check_assign_reviewer(practice, reviewer, due_date)
    from_status = practice.status
    if practice.status == Status.REVIEWED:
        is_extra = True
        _set_status(practice, Status.IN_REVIEW)
    assignment = ReviewAssignment.objects.create(
        practice=practice,
        reviewer=reviewer,
        round=practice.round,
        is_un=profile.is_un,
        is_extra=is_extra,
        assigned_by=user,
        due_date=due_date,
    )
    _record(practice, Action.REVIEWER_ASSIGNED, user, from_status, str(profile))
    transaction.on_commit(lambda: tasks.send_review_invitation.enqueue(assignment.pk))
    return assignment


@transaction.atomic
def do_withdraw_assignment(user: User, assignment: ReviewAssignment, note: str) -> PracticeEvent:
    """Withdraw an open assignment (with a reason) and tell the reviewer."""
    if not can_assign_reviewers(user):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the reviewer is withdrawn."), code="note")
    practice = _lock(assignment.practice)
    _lock_assignment(assignment)
    if assignment.state not in OPEN_STATES:
        raise ValidationError(
            _("Only an assignment still waiting for a declaration or a review can be withdrawn."), code="state"
        )
    assignment.state = State.WITHDRAWN
    assignment.save(update_fields=["state"])
    event = _after_assignment_change(
        practice, Action.REVIEWER_REMOVED, user, practice.status, f"{assignment.reviewer}: {note}"
    )
    transaction.on_commit(lambda: tasks.send_assignment_withdrawn.enqueue(assignment.pk))
    return event


# The reviewer's steps --------------------------------------------------------------------------


def _check_reviewer(user: User, assignment: ReviewAssignment) -> None:
    if not (user.is_authenticated and assignment.reviewer_id == user.pk and is_reviewer(user)):
        raise PermissionDenied


@transaction.atomic
def do_declare_conflict(user: User, assignment: ReviewAssignment, has_conflict: bool, note: str = "") -> PracticeEvent:
    """Record the reviewer's conflict-of-interest declaration, made before they see the full text.

    A conflict (explained in `note`) ends the assignment and tells the Hub team to replace them.
    """
    _check_reviewer(user, assignment)
    note = (note or "").strip()
    if has_conflict and not note:
        raise ValidationError(_("Describe the conflict of interest."), code="note")
    practice = _lock(assignment.practice)
    _lock_assignment(assignment)
    if assignment.state != State.INVITED:
        raise ValidationError(_("You have already made your declaration for this review."), code="state")
    if practice.status != Status.IN_REVIEW or assignment.round != practice.round:
        raise ValidationError(_("This practice is no longer in review."), code="state")
    assignment.state = State.CONFLICT if has_conflict else State.ACCEPTED
    assignment.conflict_note = note if has_conflict else ""
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["state", "conflict_note", "declared_at"])
    if not has_conflict:
        return _record(practice, Action.NO_CONFLICT, user, practice.status)
    event = _after_assignment_change(practice, Action.CONFLICT_DECLARED, user, practice.status, note)
    if event.to_status != Status.REVIEWED:  # otherwise already told: every review is in
        _notify_hub_team(event)
    return event


def check_scores(scores: dict) -> dict:
    """The scores as {criterion: int} for every criterion, or `ValidationError`."""
    clean = {}
    for criterion in Criterion.values:
        raw = scores.get(criterion)
        try:
            value = None if raw is None else int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            raise ValidationError(
                _("Score every criterion from %(min)d to %(max)d.") % {"min": SCORE_MIN, "max": SCORE_MAX},
                code="scores",
            )
        clean[criterion] = value
    return clean


@transaction.atomic
def do_submit_review(
    user: User,
    assignment: ReviewAssignment,
    scores: dict,
    recommendation: str,
    comments_for_submitter: str = "",
    comments_for_hub: str = "",
) -> Review:
    """Record the review; when it completes the round, the practice moves on (see the module's rules)."""
    _check_reviewer(user, assignment)
    scores = check_scores(scores)
    if recommendation not in Review.Recommendation.values:
        raise ValidationError(_("Choose a recommendation."), code="recommendation")
    practice = _lock(assignment.practice)
    _lock_assignment(assignment)
    if assignment.state == State.INVITED:
        raise ValidationError(_("Declare any conflict of interest before reviewing."), code="state")
    if assignment.state != State.ACCEPTED:
        raise ValidationError(_("This review can no longer be submitted."), code="state")
    if practice.status != Status.IN_REVIEW or assignment.round != practice.round:
        raise ValidationError(_("This practice is no longer in review."), code="state")
    review = Review.objects.create(
        assignment=assignment,
        scores=scores,
        recommendation=recommendation,
        comments_for_submitter=(comments_for_submitter or "").strip(),
        comments_for_hub=(comments_for_hub or "").strip(),
    )
    assignment.state = State.SUBMITTED
    assignment.save(update_fields=["state"])
    _after_assignment_change(practice, Action.REVIEW_SUBMITTED, user, practice.status)
    return review


@transaction.atomic
def do_edit_review(
    user: User,
    review: Review,
    scores: dict,
    recommendation: str,
    comments_for_submitter: str = "",
    comments_for_hub: str = "",
    *,
    expected_version: int | None = None,
) -> Review:
    """Change a submitted review while the practice is still in review; the round is settled again.

    Raises `StaleObject` if the review changed since `expected_version` (edited in another tab).
    """
    assignment = review.assignment
    _check_reviewer(user, assignment)
    scores = check_scores(scores)
    if recommendation not in Review.Recommendation.values:
        raise ValidationError(_("Choose a recommendation."), code="recommendation")
    fresh = claim(Review, review.pk, expected_version)
    practice = _lock(assignment.practice)
    _lock_assignment(assignment)
    if assignment.state != State.SUBMITTED:
        raise ValidationError(_("This review can no longer be changed."), code="state")
    if practice.status != Status.IN_REVIEW or assignment.round != practice.round:
        raise ValidationError(_("This practice is no longer in review: the review cannot be changed."), code="state")
    fresh.scores = scores
    fresh.recommendation = recommendation
    fresh.comments_for_submitter = (comments_for_submitter or "").strip()
    fresh.comments_for_hub = (comments_for_hub or "").strip()
    fresh.save(update_fields=["scores", "recommendation", "comments_for_submitter", "comments_for_hub"])
    _after_assignment_change(practice, Action.REVIEW_EDITED, user, practice.status)
    return fresh


# Decision --------------------------------------------------------------------------------------


def can_be_decided(practice: Practice, coverage: dict | None = None) -> bool:
    """REVIEWED, or IN_REVIEW with every review in and the "1 UN + 2 external" rule met."""
    if practice.status == Status.REVIEWED:
        return True
    if practice.status != Status.IN_REVIEW:
        return False
    coverage = coverage or review_coverage(practice)
    return coverage["ready_for_decision"]


@transaction.atomic
def do_decide_practice(
    user: User, practice: Practice, decision: str, feedback: str = "", *, expected_version: int | None = None
) -> PracticeEvent:
    """Publish, request a revision or decline; the feedback is shown and mailed to the submitter.

    Publishing an update copies its content onto the published original (same address).
    Raises `StaleObject` if the practice changed since `expected_version` (a review came in or
    was edited, a reviewer was assigned, another member decided).
    """
    if not can_decide(user):
        raise PermissionDenied
    if decision not in FINAL_DECISIONS:
        raise ValidationError(_("Choose publish, request a revision or decline."), code="decision")
    feedback = (feedback or "").strip()
    if decision != "publish" and not feedback:
        raise ValidationError(_("Give the submitter feedback."), code="feedback")
    _lock(practice, expected_version)
    if practice.status not in (Status.REVIEWED, Status.IN_REVIEW):
        raise _state_error(practice)
    if not can_be_decided(practice, review_coverage(with_review_data(Practice.objects.filter(pk=practice.pk)).get())):
        raise ValidationError(
            _("A decision needs every review in and at least one UN and two external reviews."), code="coverage"
        )
    from_status = practice.status
    to_status, action = FINAL_DECISIONS[decision]
    if decision == "publish":
        _set_status(practice, to_status, published_at=timezone.now())
    else:
        _set_status(practice, to_status)
    event = _record(practice, action, user, from_status, feedback, visible=True)
    if decision == "publish" and practice.update_of_id:
        _publish_update(user, practice, feedback)
    _notify_submitter(event)
    return event


def _publish_update(user: User, update: Practice, feedback: str) -> None:
    from gcmhub.knowledge.actions.submissions import copy_practice_content  # imported late: no cycle

    original = claim(Practice, update.update_of_id, None)
    copy_practice_content(update, original)
    original.refresh_from_db()
    _record(original, Action.PUBLISHED, user, original.status, feedback, visible=True)


# Reminders -------------------------------------------------------------------------------------


def send_review_reminders(today: datetime.date | None = None) -> int:
    """Queue a reminder for every open assignment of a practice in review that is due within
    `REMINDER_DAYS` days or overdue and was not reminded in the last `REMINDER_DAYS` days; return
    how many were queued. Each reminder is recorded as an event."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = (
        ReviewAssignment.objects.filter(
            state__in=OPEN_STATES,
            practice__status=Status.IN_REVIEW,
            due_date__lte=today + datetime.timedelta(days=REMINDER_DAYS),
        )
        .exclude(last_reminder_at__gt=now - datetime.timedelta(days=REMINDER_DAYS))
        .select_related("practice", "reviewer")
    )
    count = 0
    for assignment in due:
        if assignment.round != assignment.practice.round:
            continue
        with transaction.atomic():
            assignment.last_reminder_at = now
            assignment.save(update_fields=["last_reminder_at"])
            practice = assignment.practice
            _record(practice, Action.REMINDER_SENT, None, practice.status, str(assignment.reviewer))
            transaction.on_commit(partial(tasks.send_review_reminder.enqueue, assignment.pk))
        count += 1
    return count


# Roster ----------------------------------------------------------------------------------------


@transaction.atomic
def do_save_reviewer_profile(
    user: User, profile: ReviewerProfile, objectives=None, regions=None, *, expected_version: int | None = None
) -> ReviewerProfile:
    """Add or update a roster entry; a new reviewer is granted the reviewer role if they lack it.

    Raises `StaleObject` if the entry changed since `expected_version`.
    """
    if not can_manage_roster(user):
        raise PermissionDenied
    from gcmhub.accounts.actions import do_grant_role

    if profile.pk:
        claim_instance(profile, expected_version)
    profile.save()
    if objectives is not None:
        profile.objectives.set(objectives)
    if regions is not None:
        profile.regions.set(regions)
    person = profile.user
    if not Role.objects.active().filter(user=person, kind=Role.Kind.REVIEWER).exists():
        do_grant_role(user=person, kind=Role.Kind.REVIEWER, granted_by=user)
    return profile
