"""Deadlines that bite: the weekly digest of activities overdue or due soon.

One mail per person per week, listing every activity their organisation(s) lead that is overdue
or due within `settings.WORKPLAN_DIGEST_DAYS` days, in the current work plan(s). The Secretariat
gets the same list for every organisation. Tasks take primary keys only (stored as JSON).
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from gcmhub.accounts import permissions as roles
from gcmhub.accounts.models import Role, User
from gcmhub.accounts.tasks import render_email
from gcmhub.workplan.models import Activity, attach_row_details, overdue_q
from gcmhub.workplan.rows import attach_priorities


def due_activities(today: datetime.date | None = None) -> list[Activity]:
    """Open activities of current plans that are overdue or due within the digest window,
    overdue first, then by due date; with their lead organisations (`a.leads`). Three queries."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.WORKPLAN_DIGEST_DAYS)
    soon = Q(due_date__gte=today, due_date__lte=horizon)
    result = attach_row_details(
        attach_priorities(
            Activity.objects.of_current_plans()
            .open()
            .filter(overdue_q(today) | soon)
            .select_related("priority__workplan")
        ),
        periods=False,
    )
    for a in result:
        a.digest_overdue = a.is_overdue(today)
    result.sort(key=lambda a: (not a.digest_overdue, a.due_date or today, a.priority.order, a.order))
    return result


def group_by_lead(activities, organisation_ids: set[int] | None) -> list[dict]:
    """[{"organisation": org or None, "activities": [...]}], one group per lead organisation.

    `organisation_ids` None means every organisation (and a group for activities naming no lead).
    Keeps the order of `activities` inside each group; groups sorted by organisation label.
    """
    groups: dict[int | None, dict] = {}
    for a in activities:
        leads = a.leads
        if organisation_ids is not None:
            leads = [o for o in leads if o.pk in organisation_ids]
            if not leads:
                continue
        elif not leads:
            groups.setdefault(None, {"organisation": None, "activities": []})["activities"].append(a)
            continue
        for org in leads:
            groups.setdefault(org.pk, {"organisation": org, "activities": []})["activities"].append(a)
    return sorted(
        groups.values(),
        key=lambda g: (g["organisation"] is None, g["organisation"].label.lower() if g["organisation"] else ""),
    )


def deadline_groups_for_user(user, today: datetime.date | None = None) -> list[dict]:
    """What the user's digest and "my deadlines" page list (see `group_by_lead`)."""
    if roles.is_secretariat(user):
        return group_by_lead(due_activities(today), None)
    org_ids = roles.focal_point_organisation_ids(user)
    if not org_ids:
        return []
    return group_by_lead(due_activities(today), org_ids)


@task()
def send_deadline_digest(user_id: int) -> None:
    """Mail one user their digest, in their language; nothing when nothing is due."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    today = timezone.localdate()
    groups = deadline_groups_for_user(user, today)
    if not groups:
        return
    activities = {a.pk: a for g in groups for a in g["activities"]}.values()
    context = {
        "user": user,
        "groups": groups,
        "today": today,
        "days": settings.WORKPLAN_DIGEST_DAYS,
        "overdue_count": sum(1 for a in activities if a.digest_overdue),
        "due_soon_count": sum(1 for a in activities if not a.digest_overdue),
        "all_organisations": roles.is_secretariat(user),
    }
    language = user.preferred_language
    render_email("workplan/email/deadline_digest", context, to=user.email, language=language).send()


def queue_deadline_digests(today: datetime.date | None = None) -> int:
    """Enqueue one digest per lead focal point with something due, and one per Secretariat
    member; return how many were queued. Organisations with no focal point are skipped."""
    activities = due_activities(today)
    if not activities:
        return 0
    lead_ids = {org.pk for a in activities for org in a.leads}
    active = Role.objects.active().filter(user__is_active=True)
    user_ids = set(
        active.filter(kind=Role.Kind.NETWORK_FOCAL_POINT, organisation_id__in=lead_ids).values_list(
            "user_id", flat=True
        )
    )
    user_ids |= set(active.filter(kind=Role.Kind.SECRETARIAT).values_list("user_id", flat=True))
    for user_id in sorted(user_ids):
        send_deadline_digest.enqueue(user_id)
    return len(user_ids)
