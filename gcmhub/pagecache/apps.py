from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "gcmhub.pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from django.core.signals import setting_changed
        from django.db.models.signals import post_migrate

        from gcmhub.pagecache import fragments, generations, policy

        generations.connect_signals()
        post_migrate.connect(generations.after_migrate, sender=self, dispatch_uid="pagecache-after-migrate")
        setting_changed.connect(policy.on_setting_changed, dispatch_uid="pagecache-setting-changed")
        setting_changed.connect(fragments.forget_memos, dispatch_uid="pagecache-forget-memos")
