"""Keep `WorkPlan.data_version` current: every change to a plan, its priorities, activities,
involvements and status updates bumps it in the same transaction, so whatever is cached by
version (the PDF report) is stale the moment the change commits, and never before.

Ordinary saves and deletes arrive as Django's model signals; bulk writes (the importer) announce
themselves through `gcmhub.lib.changes.content_changed`. Periods are written either by the
importer (announced) or with their activity's save (the deadline fix), so they need no receiver.
"""

from django.db.models.signals import post_delete, post_save

from gcmhub.lib.changes import content_changed
from gcmhub.workplan.models import (
    Activity,
    ActivityOrganisation,
    Priority,
    PriorityOrganisation,
    StatusUpdate,
    WorkPlan,
)


def _bump_priority_plan(sender, instance, **kwargs):
    WorkPlan.objects.filter(pk=instance.workplan_id).bump_data_version()


def _bump_activity_plan(sender, instance, **kwargs):
    WorkPlan.objects.filter(priorities=instance.priority_id).bump_data_version()


def _bump_by_activity_id(sender, instance, **kwargs):
    WorkPlan.objects.filter(priorities__activities=instance.activity_id).bump_data_version()


def _bump_by_priority_id(sender, instance, **kwargs):
    WorkPlan.objects.filter(priorities=instance.priority_id).bump_data_version()


def _on_content_changed(sender, pks, deleted=False, **kwargs):
    if sender is WorkPlan:
        plans = WorkPlan.objects.filter(pk__in=pks)
    elif sender is Priority:
        plans = WorkPlan.objects.filter(priorities__in=pks)
    elif sender in (Activity, StatusUpdate):
        field = "priorities__activities__in" if sender is Activity else "priorities__activities__updates__in"
        plans = WorkPlan.objects.filter(**{field: pks})
    else:
        return
    WorkPlan.objects.filter(pk__in=plans.values("pk")).bump_data_version()


def connect_signals() -> None:
    for signal in (post_save, post_delete):
        name = signal is post_save and "save" or "delete"
        signal.connect(_bump_priority_plan, sender=Priority, dispatch_uid=f"workplan-version-{name}-priority")
        signal.connect(_bump_activity_plan, sender=Activity, dispatch_uid=f"workplan-version-{name}-activity")
        signal.connect(
            _bump_by_activity_id, sender=ActivityOrganisation, dispatch_uid=f"workplan-version-{name}-activity-org"
        )
        signal.connect(
            _bump_by_priority_id, sender=PriorityOrganisation, dispatch_uid=f"workplan-version-{name}-priority-org"
        )
    # Status updates are never deleted on their own (only with their activity, which bumps).
    post_save.connect(_bump_by_activity_id, sender=StatusUpdate, dispatch_uid="workplan-version-save-update")
    content_changed.connect(_on_content_changed, dispatch_uid="workplan-version-content-changed")
