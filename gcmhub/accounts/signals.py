"""Signals of the accounts app."""

from django.dispatch import Signal

# Sent after a user's new password is saved (reset, change, admin, command); argument: user.
# `actions.do_revoke_api_tokens_after_password_change` listens.
password_changed = Signal()
