"""Every e-mail of the Hub, sent off the request by the task worker: the library's proposals and
decisions, a practice submitted, and the peer review of practices.

Tasks take primary keys only (their arguments are stored as JSON); each mail is rendered in the
recipient's preferred language. A row deleted meanwhile means there is nothing to send.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from gcmhub.accounts.models import Role, User
from gcmhub.accounts.tasks import absolute_url, render_email
from gcmhub.knowledge.models import Practice, PracticeEvent, Resource, ResourceEvent, ReviewAssignment

EMAIL_DIR = "knowledge/review/email"


def _url_for(user: User, viewname: str, *args) -> str:
    with translation.override(user.preferred_language):
        return absolute_url(reverse(viewname, args=args))


def _send(user: User, template: str, context: dict) -> None:
    context = {"user": user, **context}
    render_email(f"{EMAIL_DIR}/{template}", context, to=user.email, language=user.preferred_language).send()


def hub_team_members():
    """Active users holding the Secretariat role: the Hub team."""
    ids = Role.objects.active().filter(kind=Role.Kind.SECRETARIAT).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


@task()
def send_submitter_notice(event_id: int) -> None:
    """Tell the submitter about a screening or a decision (with the reason or feedback, and on a
    decision the reviewers' comments for them, unsigned)."""
    event = PracticeEvent.objects.select_related("practice__submitter").filter(pk=event_id).first()
    if event is None:
        return
    practice = event.practice
    submitter = practice.submitter
    comments = []
    if (
        event.action
        in (PracticeEvent.Action.PUBLISHED, PracticeEvent.Action.REVISION_REQUESTED, PracticeEvent.Action.DECLINED)
        and event.from_status != "submitted"
    ):
        comments = [
            a.review.comments_for_submitter
            for a in ReviewAssignment.objects.filter(
                practice=practice, round=event.round, state="submitted"
            ).select_related("review")
            if a.review.comments_for_submitter
        ]
    context = {
        "event": event,
        "practice": practice,
        "comments": comments,
        "link": _url_for(submitter, "knowledge:practice", practice.slug),
        "submissions_link": _url_for(submitter, "knowledge:my_submissions"),
    }
    _send(submitter, "submitter_notice", context)


@task()
def send_review_invitation(assignment_id: int) -> None:
    assignment = (
        ReviewAssignment.objects.select_related("practice", "reviewer")
        .filter(pk=assignment_id, state=ReviewAssignment.State.INVITED)
        .first()
    )
    if assignment is None:
        return
    reviewer = assignment.reviewer
    context = {
        "assignment": assignment,
        "practice": assignment.practice,
        "link": _url_for(reviewer, "knowledge:review_assignment", assignment.pk),
    }
    _send(reviewer, "invitation", context)


@task()
def send_review_reminder(assignment_id: int) -> None:
    assignment = (
        ReviewAssignment.objects.select_related("practice", "reviewer")
        .filter(pk=assignment_id, state__in=[ReviewAssignment.State.INVITED, ReviewAssignment.State.ACCEPTED])
        .first()
    )
    if assignment is None:
        return
    reviewer = assignment.reviewer
    context = {
        "assignment": assignment,
        "practice": assignment.practice,
        "link": _url_for(reviewer, "knowledge:review_assignment", assignment.pk),
    }
    _send(reviewer, "reminder", context)


@task()
def send_assignment_withdrawn(assignment_id: int) -> None:
    assignment = ReviewAssignment.objects.select_related("practice", "reviewer").filter(pk=assignment_id).first()
    if assignment is None:
        return
    _send(assignment.reviewer, "withdrawn", {"assignment": assignment, "practice": assignment.practice})


@task()
def send_hub_team_notice(event_id: int) -> None:
    """Tell every Hub team member that a practice needs them: a conflict of interest to replace, an
    extra reviewer to assign, or every review in and a decision to take."""
    event = PracticeEvent.objects.select_related("practice").filter(pk=event_id).first()
    if event is None:
        return
    for member in hub_team_members():
        context = {
            "event": event,
            "practice": event.practice,
            "link": _url_for(member, "knowledge:review_practice", event.practice.slug),
        }
        _send(member, "hub_notice", context)


# The library ------------------------------------------------------------------------------------


@task()
def send_resource_proposed(resource_id: int) -> None:
    """Tell the Hub team that a resource was proposed."""
    resource = Resource.objects.select_related("proposed_by").filter(pk=resource_id).first()
    if resource is None:
        return
    for member in hub_team_members():
        language = member.preferred_language or "en"
        with translation.override(language):
            link = absolute_url(reverse("knowledge:resource_proposals"))
        context = {"resource": resource, "link": link, "recipient": member}
        render_email("knowledge/resources/email/proposed", context, to=member.email, language=language).send()


@task()
def send_resource_decided(event_id: int) -> None:
    """Tell the proposer that their resource was published or declined."""
    event = ResourceEvent.objects.select_related("resource__proposed_by").filter(pk=event_id).first()
    if event is None or event.resource.proposed_by is None:
        return
    proposer = event.resource.proposed_by
    language = proposer.preferred_language or "en"
    with translation.override(language):
        link = absolute_url(reverse("knowledge:resource", args=[event.resource.slug]))
    context = {
        "resource": event.resource,
        "event": event,
        "link": link,
        "recipient": proposer,
        "published": event.to_status == Resource.Status.PUBLISHED,
    }
    render_email("knowledge/resources/email/decided", context, to=proposer.email, language=language).send()


# Practices --------------------------------------------------------------------------------------


def hub_team_users():
    """Active Secretariat members and superusers: who screens practices."""
    return User.objects.filter(
        Q(roles__kind=Role.Kind.SECRETARIAT, roles__revoked_at__isnull=True) | Q(is_superuser=True),
        is_active=True,
    ).distinct()


@task()
def send_practice_submitted_email(practice_id: int) -> None:
    """Tell the Hub team (Secretariat) that a practice awaits screening, each in their language."""
    practice = Practice.objects.filter(pk=practice_id).select_related("submitter", "call").first()
    if practice is None:
        return
    for user in hub_team_users():
        with translation.override(user.preferred_language):
            link = absolute_url(reverse("knowledge:practice", args=[practice.slug]))
        context = {"user": user, "practice": practice, "link": link}
        render_email(
            "knowledge/practices/email/submitted", context, to=user.email, language=user.preferred_language
        ).send()
