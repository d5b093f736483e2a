"""Optimistic concurrency in the CMS (Wagtail snippet edit views): the edit form carries the
object's version, and a save from an older page is refused with a clear message and what the
editor typed kept (see `gcmhub.lib.concurrency`).

Use `VersionedSnippetViewSet` instead of `SnippetViewSet` for a model with a `version`; a custom
base form (`base_form_class`) subclasses `VersionedAdminForm`.
"""

from django.utils.translation import gettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from gcmhub.lib.concurrency import StaleObject, VersionedFormMixin, claim_instance


class VersionedAdminForm(VersionedFormMixin, WagtailAdminModelForm):
    """A hidden `version` field (rendered by Wagtail with the fields no panel shows); the version
    is checked in `clean()` for an early message and claimed in `save()`, atomically with it."""

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        expected = self.cleaned_data.get("version")
        if self.conflict is None and self.instance.pk and expected is not None and expected != self.instance.version:
            # `instance` is still the row as saved: construct_instance runs after clean().
            current = self.instance._meta.model._default_manager.get(pk=self.instance.pk)
            self.show_conflict(current, message=cms_stale_message())
        return cleaned

    def save(self, commit=True):
        if self.instance.pk:
            claim_instance(self.instance, self.expected_version)  # StaleObject: VersionedEditView
        return super().save(commit=commit)


def cms_stale_message() -> str:
    return gettext(
        "Someone else saved this while you were editing it. Nothing was saved: the fields that differ "
        "are listed with their saved value; your changes are kept in the form. Save again to replace "
        "their version, or reload the page to start from it."
    )


class VersionedEditView(EditView):
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StaleObject as stale:  # saved by someone else between clean() and save()
            form.show_conflict(stale.current, message=cms_stale_message())
            return self.form_invalid(form)

    def form_invalid(self, form):
        conflict = getattr(form, "conflict", None)
        if conflict is not None and not getattr(self, "_conflict_reported", False):
            self._conflict_reported = True
            from django.contrib import messages

            rows = "; ".join(f"{row.label}: {row.saved}" for row in conflict.rows)
            messages.error(self.request, f"{conflict.message} {rows}".strip())
        return super().form_invalid(form)


class VersionedSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose edit form carries and checks the object's version."""

    edit_view_class = VersionedEditView

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        base = handler.base_form_class
        if base is None or not issubclass(base, VersionedAdminForm):
            if base is not None:
                raise TypeError(f"{base.__name__} must subclass VersionedAdminForm")
            handler.base_form_class = VersionedAdminForm
        return handler
