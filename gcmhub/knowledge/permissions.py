"""Who may do what on the knowledge platform; shared by pages, the CMS and the API.

The "Hub team" is the Secretariat role: it screens, assigns reviewers, decides and publishes.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from gcmhub.accounts.permissions import focal_point_organisation_ids, is_reviewer, is_secretariat, is_stakeholder
from gcmhub.knowledge.models import Practice, Resource, ReviewAssignment


def is_hub_team(user) -> bool:
    return is_secretariat(user)


# Resources ------------------------------------------------------------------------------------


def can_propose_resource(user) -> bool:
    """Network members' focal points propose resources; the Hub team may too."""
    return is_hub_team(user) or bool(focal_point_organisation_ids(user))


def can_publish_resource(user) -> bool:
    return is_hub_team(user)


def can_view_resource(user, resource: Resource) -> bool:
    if resource.is_published:
        return True
    return is_hub_team(user) or (user.is_authenticated and resource.proposed_by_id == user.pk)


def get_resource_for_user(user, slug: str) -> Resource:
    resource = get_object_or_404(Resource, slug=slug)
    if not can_view_resource(user, resource):
        raise Http404
    return resource


def can_give_feedback(user, resource: Resource) -> bool:
    """Anyone, signed in or not, may rate a published Network tool."""
    return resource.is_published and resource.is_network_tool


def can_view_feedback_results(user) -> bool:
    return is_hub_team(user)


def can_import(user) -> bool:
    return is_hub_team(user)


# Practices ------------------------------------------------------------------------------------


def can_submit_practice(user) -> bool:
    return is_stakeholder(user)


def can_edit_practice(user, practice: Practice) -> bool:
    return user.is_authenticated and practice.submitter_id == user.pk and practice.is_editable


def can_update_published_practice(user, practice: Practice) -> bool:
    return user.is_authenticated and practice.submitter_id == user.pk and practice.is_published


# Statuses from which the submitter may withdraw a practice (not once published or decided).
WITHDRAWABLE_STATUSES = (
    Practice.Status.DRAFT,
    Practice.Status.SUBMITTED,
    Practice.Status.RETURNED,
    Practice.Status.IN_REVIEW,
    Practice.Status.REVIEWED,
    Practice.Status.REVISION_REQUESTED,
)


def can_withdraw_practice(user, practice: Practice) -> bool:
    return user.is_authenticated and practice.submitter_id == user.pk and practice.status in WITHDRAWABLE_STATUSES


def can_screen(user) -> bool:
    return is_hub_team(user)


def can_assign_reviewers(user) -> bool:
    return is_hub_team(user)


def can_decide(user) -> bool:
    return is_hub_team(user)


def can_manage_roster(user) -> bool:
    return is_hub_team(user)


def can_manage_calls(user) -> bool:
    return is_hub_team(user)


# A reviewer reads the full text (and the attachments) of a practice only while their review is
# live: they declared no conflict (accepted) or have submitted, in the practice's current round,
# while the round is open (the practice is in review, or reviewed and awaiting the decision), and
# they still hold the Reviewer role. Access ends when the role is revoked, or the assignment is
# withdrawn, ended by a conflict of interest, or replaced by a new round, or when the round is
# closed by a decision (published practices are public anyway).
REVIEWER_READING_STATES = (ReviewAssignment.State.ACCEPTED, ReviewAssignment.State.SUBMITTED)
REVIEW_OPEN_STATUSES = (Practice.Status.IN_REVIEW, Practice.Status.REVIEWED)


def can_read_for_review(user, assignment: ReviewAssignment) -> bool:
    """May the assigned reviewer read the practice's full text and attachments? (See above.)"""
    practice = assignment.practice
    return (
        user.is_authenticated
        and user.is_active
        and assignment.reviewer_id == user.pk
        and assignment.state in REVIEWER_READING_STATES
        and assignment.round == practice.round
        and practice.status in REVIEW_OPEN_STATUSES
        and is_reviewer(user)
    )


def can_view_practice(user, practice: Practice) -> bool:
    """Published practices are public; otherwise the submitter, the Hub team and the reviewers
    who may read it for their review (`can_read_for_review`)."""
    if practice.is_published and practice.update_of_id is None:
        return True
    if not user.is_authenticated:
        return False
    if practice.submitter_id == user.pk or is_hub_team(user):
        return True
    if practice.status not in REVIEW_OPEN_STATUSES or not user.is_active or not is_reviewer(user):
        return False
    return ReviewAssignment.objects.filter(
        practice=practice,
        reviewer=user,
        round=practice.round,
        state__in=REVIEWER_READING_STATES,
    ).exists()


def get_practice_for_user(user, slug: str) -> Practice:
    practice = get_object_or_404(Practice, slug=slug)
    if not can_view_practice(user, practice):
        raise Http404
    return practice


def can_review(user, assignment: ReviewAssignment) -> bool:
    """The assigned reviewer, while the assignment is open and they still hold the role."""
    return (
        user.is_authenticated
        and assignment.reviewer_id == user.pk
        and is_reviewer(user)
        and assignment.state in (ReviewAssignment.State.INVITED, ReviewAssignment.State.ACCEPTED)
    )
