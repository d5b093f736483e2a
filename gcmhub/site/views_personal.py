"""The personal page a signed-in user lands on (issue 11 §4): what waits for them, by role.

Everyone: unread notifications, their practices in progress, their comments awaiting a moderator,
what they follow. A Network member's focal point: their organisations' activities due soon or
overdue. A Member State's focal point: their country's page and practices. A reviewer: reviews
due. A moderator or space manager: comments to moderate, flags, appeals to decide. The Secretariat:
practices to screen, proposed resources, the whole moderation queue, overdue activities.

Each section is one or two queries, whatever the numbers (tests pin them per role).
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gcmhub.accounts.permissions import (
    focal_point_country_ids,
    focal_point_organisation_ids,
    is_reviewer,
    is_secretariat,
)
from gcmhub.consultations.models import Appeal, Comment, Flag, Topic
from gcmhub.consultations.permissions import moderated_topics_q, moderates_anything
from gcmhub.knowledge.models import Practice, Resource, ReviewAssignment
from gcmhub.notifications.describe import describe
from gcmhub.notifications.models import Follow, Notification
from gcmhub.taxonomy.models import Country, Organisation
from gcmhub.workplan.models import Activity, Involvement

LISTED = 8  # items per section; each section links to the full list
DUE_WITHIN = datetime.timedelta(days=45)
OPEN_REVIEW_STATES = ("invited", "accepted")
# Practice statuses in which the submitter has something to do, or waits.
IN_PROGRESS = ("draft", "returned", "revision", "submitted", "in_review", "reviewed")


def moderation_summary(user) -> dict | None:
    """Counts of what waits for the user as a moderator, over the topics `moderated_topics_q`
    gives (every topic for the Secretariat); None for someone who moderates nothing."""
    if not moderates_anything(user):
        return None
    topics = moderated_topics_q(user)
    comments = (
        Comment.objects.all() if topics is None else Comment.objects.filter(topic__in=Topic.objects.filter(topics))
    )
    pending = comments.filter(status=Comment.Status.PENDING).count()
    flagged = (
        Flag.objects.filter(comment__in=comments.values("pk"), resolved_at__isnull=True)
        .values("comment_id")
        .distinct()
        .count()
    )
    # Another moderator's decisions only: nobody decides an appeal on their own (can_decide_appeal).
    appeals = Appeal.objects.filter(outcome="").exclude(action__actor=user)
    if topics is not None:  # the Secretariat also decides appeals against mutes and suspensions
        appeals = appeals.filter(action__comment__in=comments.values("pk"))
    return {"pending": pending, "flagged": flagged, "appeals": appeals.count()}


@login_required
@require_GET
def me(request):
    user = request.user
    today = timezone.localdate()
    secretariat = is_secretariat(user)
    unread = list(Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at")[:LISTED])
    context: dict = {
        "notifications": describe(unread),
        "practices": list(Practice.objects.filter(submitter=user, status__in=IN_PROGRESS).order_by("-id")[:LISTED]),
        "waiting_comments": list(
            Comment.objects.filter(author=user, status=Comment.Status.PENDING)
            .select_related("topic__space")
            .order_by("-created_at")[:LISTED]
        ),
        "following": Follow.objects.filter(user=user).count(),
        "moderation": moderation_summary(user),
    }
    organisation_ids = focal_point_organisation_ids(user)
    if organisation_ids:
        organisations = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("slug"))
        activities = Activity.objects.none()
        for organisation in organisations:
            activities = activities | Activity.objects.involving(organisation.slug, Involvement.LEAD)
        due = (
            activities.of_current_plans()
            .open()
            .filter(Q(due_date__lte=today + DUE_WITHIN) | Q(pk__in=Activity.objects.overdue(today).values("pk")))
            .select_related("priority")
            .order_by("due_date", "pk")
        )
        context["organisations"] = organisations
        context["activities_due"] = list(due[: LISTED * 2])
    country_ids = focal_point_country_ids(user)
    if country_ids:
        countries = list(Country.objects.filter(pk__in=country_ids))
        context["countries"] = countries
        context["country_practices"] = Practice.objects.published().filter(countries__in=countries).distinct().count()
    if is_reviewer(user):
        context["reviews_due"] = list(
            ReviewAssignment.objects.filter(
                reviewer=user, state__in=OPEN_REVIEW_STATES, practice__status=Practice.Status.IN_REVIEW
            )
            .select_related("practice")
            .order_by("due_date", "id")[:LISTED]
        )
    if secretariat:
        context["to_screen"] = Practice.objects.filter(status=Practice.Status.SUBMITTED).count()
        context["proposed_resources"] = Resource.objects.filter(status=Resource.Status.PROPOSED).count()
        context["overdue_activities"] = Activity.objects.of_current_plans().overdue(today).count()
    context["today"] = today
    return render(request, "site/me.html", context)
