"""Writes of the Hub's library: proposals, the Hub team's decisions, CMS status changes and
feedback on the Network's tools. Every status change is a `ResourceEvent`; e-mails leave after
the commit, through the task worker."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django_tasks import task

from gcmhub.accounts.models import Role, User
from gcmhub.accounts.tasks import absolute_url, render_email
from gcmhub.knowledge.models import Resource, ResourceEvent, ResourceFile, ToolFeedback
from gcmhub.lib.i18n import active_language


def _record_event(resource: Resource, actor, from_status: str, note: str = "") -> ResourceEvent:
    return ResourceEvent.objects.create(
        resource=resource,
        actor=actor if actor and actor.is_authenticated else None,
        from_status=from_status,
        to_status=resource.status,
        note=note,
    )


@transaction.atomic
def do_propose_resource(user: User, form) -> Resource:
    """Save a valid `ResourceProposalForm` as a proposal with its files; mail the Hub team on commit."""
    resource = form.save(commit=False)
    resource.status = Resource.Status.PROPOSED
    resource.proposed_by = user
    resource.published_at = None
    resource.save()
    form.save_m2m()
    for order, (language, upload) in enumerate(form.uploaded_files()):
        ResourceFile.objects.create(resource=resource, language=language, file=upload, sort_order=order)
    _record_event(resource, user, "")
    transaction.on_commit(lambda: send_resource_proposed.enqueue(resource.pk))
    return resource


@transaction.atomic
def do_decide_resource(user: User, resource: Resource, decision: str, note: str = "") -> Resource:
    """Publish (`decision="publish"`) or decline a proposal; mail the proposer on commit."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status != Resource.Status.PROPOSED:
        raise ValueError(f"resource {resource.pk} is {resource.status}, not proposed")
    from_status = resource.status
    if decision == "publish":
        resource.status = Resource.Status.PUBLISHED
        resource.published_at = timezone.now()
    elif decision == "decline":
        resource.status = Resource.Status.DECLINED
    else:
        raise ValueError(f"unknown decision {decision!r}")
    resource.save(update_fields=["status", "published_at", "updated_at"])
    event = _record_event(resource, user, from_status, note)
    if resource.proposed_by_id:
        transaction.on_commit(lambda: send_resource_decided.enqueue(event.pk))
    return resource


@transaction.atomic
def do_record_status_change(user: User, resource: Resource) -> ResourceEvent | None:
    """After the CMS saved `resource`: record its status change (if any) against the last event,
    stamp `published_at` on first publication, and tell the proposer about a decision."""
    last = resource.events.order_by("-created_at", "-id").first()
    from_status = last.to_status if last else ""
    if from_status == resource.status:
        return None
    if resource.status == Resource.Status.PUBLISHED and resource.published_at is None:
        resource.published_at = timezone.now()
        resource.save(update_fields=["published_at", "updated_at"])
    event = _record_event(resource, user, from_status)
    decided = resource.status in (Resource.Status.PUBLISHED, Resource.Status.DECLINED)
    if from_status == Resource.Status.PROPOSED and decided and resource.proposed_by_id:
        transaction.on_commit(lambda: send_resource_decided.enqueue(event.pk))
    return event


@transaction.atomic
def do_record_feedback(resource: Resource, user, form) -> ToolFeedback:
    """Save a valid `ToolFeedbackForm` about `resource` (anonymous users allowed)."""
    feedback = form.save(commit=False)
    feedback.resource = resource
    feedback.user = user if user is not None and user.is_authenticated else None
    feedback.language = active_language()
    feedback.save()
    return feedback


# E-mails --------------------------------------------------------------------------------------


def hub_team() -> list[User]:
    return list(
        User.objects.filter(
            pk__in=Role.objects.active().filter(kind=Role.Kind.SECRETARIAT).values("user_id"), is_active=True
        ).order_by("pk")
    )


@task()
def send_resource_proposed(resource_id: int) -> None:
    resource = Resource.objects.select_related("proposed_by").filter(pk=resource_id).first()
    if resource is None:
        return
    for member in hub_team():
        language = member.preferred_language or get_language() or "en"
        with translation.override(language):
            link = absolute_url(reverse("knowledge:resource_proposals"))
        context = {"resource": resource, "link": link, "recipient": member}
        render_email("knowledge/resources/email/proposed", context, to=member.email, language=language).send()


@task()
def send_resource_decided(event_id: int) -> None:
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
