from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gcmhub.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from gcmhub.accounts.groups import sync_secretariat_group_after_migrate

        # Once per migrate run (sender=this app), not once per installed app.
        post_migrate.connect(sync_secretariat_group_after_migrate, sender=self, dispatch_uid="gcmhub_secretariat_group")
