"""Notification e-mails sent off the request by the task worker."""

from django_tasks import task

from gcmhub.notifications import digest


@task()
def send_immediate(keys: list) -> int:
    """E-mail at once the notifications whose users chose "at once" for their kind."""
    return digest.send_immediate([tuple(key) for key in keys])


@task()
def send_digests(frequency: str) -> int:
    """Build and send one frequency's digests (`actions.send_digests`): queued by the
    `send-digests` command from cron, run by the worker, batched per user."""
    from gcmhub.notifications.actions import send_digests as send

    return send(frequency)
