from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gcmhub.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from gcmhub.accounts import actions, signals
        from gcmhub.accounts.groups import sync_secretariat_group_after_migrate
        from gcmhub.accounts.middleware import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="gcmhub_session_signed_in_at")

        signals.password_changed.connect(
            actions.on_password_changed, dispatch_uid="gcmhub_revoke_tokens_on_password_change"
        )

        # Once per migrate run (sender=this app), not once per installed app.
        post_migrate.connect(sync_secretariat_group_after_migrate, sender=self, dispatch_uid="gcmhub_secretariat_group")
