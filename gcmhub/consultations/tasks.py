"""E-mails of discussions, sent off the request by the task worker, each in the recipient's
preferred language. Tasks take primary keys only; a row deleted meanwhile means nothing to send."""

from django.urls import reverse
from django.utils import translation
from django_tasks import task

from gcmhub.accounts.tasks import absolute_url, render_email
from gcmhub.consultations.models import ModerationAction

EMAIL_DIR = "consultations/email"


@task()
def send_moderation_notice(action_id: int) -> None:
    """Tell the person concerned what a moderator decided, the reason from the code of conduct,
    the moderator's note, and how to appeal (once) where the decision may be appealed."""
    action = (
        ModerationAction.objects.select_related("subject", "comment__topic__space", "space")
        .filter(pk=action_id)
        .first()
    )
    if action is None or not action.subject.is_active:
        return
    user = action.subject
    with translation.override(user.preferred_language):
        conduct = absolute_url(reverse("consultations:code_of_conduct"))
        appeal = (
            absolute_url(reverse("consultations:appeal", args=[action.pk]))
            if action.kind in ModerationAction.APPEALABLE
            else ""
        )
        topic = absolute_url(action.comment.topic.get_absolute_url()) if action.comment is not None else ""
    context = {"user": user, "action": action, "conduct_link": conduct, "appeal_link": appeal, "topic_link": topic}
    render_email(f"{EMAIL_DIR}/moderation", context, to=user.email, language=user.preferred_language).send()


REGISTRATION_EMAILS = ("confirmed", "waitlisted", "promoted", "reminder")


@task()
def send_registration_email(registration_id: int, kind: str) -> None:
    """Tell a person of their registration, in their language: confirmed (with the event as an
    .ics file), on the waitlist, promoted from the waitlist (with the .ics), or reminded before the
    event (with the .ics). A registration cancelled meanwhile gets nothing."""
    from gcmhub.consultations.ics import event_ics, ics_filename
    from gcmhub.consultations.models import Registration

    if kind not in REGISTRATION_EMAILS:
        return
    registration = Registration.objects.select_related("event", "user").filter(pk=registration_id).first()
    if registration is None or not registration.user.is_active:
        return
    expected = Registration.Status.WAITLISTED if kind == "waitlisted" else Registration.Status.CONFIRMED
    if registration.status != expected:
        return
    user, event = registration.user, registration.event
    language = user.preferred_language or registration.language
    with translation.override(language):
        context = {
            "user": user,
            "event": event,
            "registration": registration,
            "kind": kind,
            "event_link": absolute_url(event.get_absolute_url()),
            "mine_link": absolute_url(reverse("events:mine")),
            "cancel_link": absolute_url(reverse("events:cancel", args=[event.slug])),
        }
        message = render_email(f"{EMAIL_DIR}/registration", context, to=user.email, language=language)
        if kind != "waitlisted":
            message.attach(ics_filename(event), event_ics(event, with_link=True), "text/calendar; charset=utf-8")
    message.send()
