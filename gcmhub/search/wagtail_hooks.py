"""The search glossary in the CMS: the Secretariat adds concepts and corrects their terms (one per
line and language, the preferred term first). A save here marks the concept as edited, so that
loading the glossary file keeps it (see data/GLOSSARY.md). Only the Secretariat sees the screens."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, DateColumn
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView

from gcmhub.accounts.models import Role
from gcmhub.accounts.permissions import is_secretariat
from gcmhub.lib.cms_concurrency import VersionedAdminForm, VersionedSnippetViewSet
from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.search.glossary import file_languages, fold_term
from gcmhub.search.models import GlossaryConcept


class SecretariatPolicy(BasePermissionPolicy):
    """Every action to the Secretariat (and superusers), none to anyone else, whatever their
    Django permissions: the glossary changes what every search finds."""

    def user_has_permission(self, user, action):
        return bool(user.is_active and is_secretariat(user))

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def users_with_any_permission(self, actions):
        secretariat = Role.objects.active().filter(kind=Role.Kind.SECRETARIAT).values("user_id")
        return get_user_model().objects.filter(Q(is_superuser=True) | Q(pk__in=secretariat), is_active=True)


class TermsWidget(forms.MultiWidget):
    """One text area per language, one term per line."""

    template_name = "search/widgets/glossary_terms.html"

    def __init__(self, attrs=None):
        super().__init__([forms.Textarea(attrs={"rows": 3}) for _code in LANGUAGE_CODES], attrs)

    def decompress(self, value):
        value = value or {}
        return ["\n".join(value.get(code, [])) for code in LANGUAGE_CODES]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        required = set(file_languages())
        for code, subwidget in zip(LANGUAGE_CODES, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = language_name(code)
            subwidget["required"] = code in required
        return context


class TermsField(forms.MultiValueField):
    """{language: [term, ...]} from one text area per language."""

    widget = TermsWidget

    def __init__(self, **kwargs):
        fields = [forms.CharField(required=False) for _code in LANGUAGE_CODES]
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        terms = {}
        for code, text in zip(LANGUAGE_CODES, data_list or [""] * len(LANGUAGE_CODES), strict=True):
            lines = [" ".join(line.split()) for line in (text or "").splitlines()]
            if any(lines):
                terms[code] = [line for line in lines if line]
        return terms


class GlossaryConceptForm(VersionedAdminForm):
    terms = TermsField(label=_("Terms"), help_text=_("One term per line in each language, the preferred term first."))

    def save(self, commit=True):
        # The loader keeps what the Secretariat wrote (unless forced).
        self.instance.edited_in_cms = True
        return super().save(commit=commit)


class GlossaryIndexView(IndexView):
    def search_queryset(self, queryset):
        """Concepts whose slug or one of whose terms holds every word typed, accents and case aside."""
        if not self.is_searching:
            return queryset
        words = fold_term(self.search_query)
        if not words:
            return queryset
        found = []
        for pk, slug, terms in queryset.values_list("pk", "concept", "terms"):
            texts = [" ".join(fold_term(slug))] + [
                " ".join(fold_term(term)) for written in (terms or {}).values() for term in written
            ]
            if any(all(word in text for word in words) for text in texts):
                found.append(pk)
        return queryset.filter(pk__in=found)


class GlossaryConceptViewSet(VersionedSnippetViewSet):
    model = GlossaryConcept
    icon = "openquote"
    menu_label = _("Search glossary")
    menu_name = "search-glossary"
    add_to_admin_menu = True
    menu_order = 800
    index_view_class = GlossaryIndexView
    list_display = [
        "concept",
        "preferred_terms",
        BooleanColumn("in_use", label=_("Used by search")),
        BooleanColumn("edited_in_cms", label=_("Edited in the CMS")),
        DateColumn("updated_at", label=_("Updated")),
    ]
    list_filter = ["in_use", "edited_in_cms"]
    search_fields = ["concept"]  # shows the search box; GlossaryIndexView searches the terms too
    list_per_page = 50
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("concept"), FieldPanel("in_use")]), FieldPanel("terms")],
        base_form_class=GlossaryConceptForm,
    )


register_permission_policy(GlossaryConcept, SecretariatPolicy(GlossaryConcept))
register_snippet(GlossaryConceptViewSet)
