"""Each translation's state: source, missing, stale, suggested, translated — kept in step by every
save, whatever the path."""

from gcmhub.accounts.models import Role
from gcmhub.lib.changes import announce_changes
from gcmhub.lib.i18n import recorded_as
from gcmhub.test import BaseTestCase, make_activity, make_role, make_user
from gcmhub.translations.models import TranslationState
from gcmhub.translations.permissions import translatable
from gcmhub.translations.registry import kind_of, kinds
from gcmhub.translations.status import MISSING, STALE, SUGGESTED, TRANSLATED, segments
from gcmhub.workplan.models import Activity


def rows(obj, **filters):
    from django.contrib.contenttypes.models import ContentType

    return TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, **filters
    )


def states(obj, field="text"):
    kind = kind_of(f"{obj._meta.app_label}.{obj._meta.model_name}")
    found = segments(kind, type(obj).objects.filter(pk=obj.pk), ["en", "fr", "es", "ar"])
    return {s.language: s.state for s in found if s.field == field}


class StatesTests(BaseTestCase):
    def test_every_model_with_a_translated_field_is_a_kind(self):
        keys = {kind.key for kind in kinds()}
        self.assertLessEqual({"workplan.activity", "workplan.priority", "knowledge.resource", "taxonomy.country"}, keys)

    def test_a_new_text_is_missing_in_the_other_languages(self):
        activity = make_activity(text_fr="Élaborer un guide", text_en="", source_language="fr")
        self.assertEqual(states(activity), {"en": MISSING, "es": MISSING, "ar": MISSING})

    def test_a_translation_saved_anywhere_is_recorded_and_goes_stale_when_the_source_changes(self):
        activity = make_activity(text_fr="Élaborer un guide", text_en="", source_language="fr")
        activity.text_en = "Develop a guide"
        activity.save()
        self.assertEqual(states(activity)["en"], TRANSLATED)
        row = rows(activity).get(language="en")
        self.assertIsNone(row.by)  # saved outside the workspace: author unknown
        activity.text_fr = "Élaborer et publier un guide"
        activity.save()
        self.assertEqual(states(activity)["en"], STALE)
        activity.text_en = "Develop and publish a guide"
        activity.save()
        self.assertEqual(states(activity)["en"], TRANSLATED)

    def test_recorded_as_gives_the_status_and_the_author(self):
        activity = make_activity(text_fr="Élaborer un guide", text_en="", source_language="fr")
        activity.text_es = "Elaborar una guía"
        with recorded_as(SUGGESTED, by=self.sam):
            activity.save()
        row = rows(activity).get(language="es")
        self.assertEqual((row.status, row.by), (SUGGESTED, self.sam))
        self.assertEqual(states(activity)["es"], SUGGESTED)
        # Accepted as it is: the same text, recorded as a person's.
        with recorded_as(TRANSLATED, by=self.sam, only=[("text", "es")]):
            activity.save()
        self.assertEqual(states(activity)["es"], TRANSLATED)

    def test_an_emptied_translation_is_missing_again(self):
        activity = make_activity(text_fr="Élaborer un guide", text_en="Develop a guide", source_language="fr")
        activity.text_en = ""
        activity.save()
        self.assertEqual(states(activity)["en"], MISSING)
        self.assertFalse(rows(activity, language="en").exists())

    def test_bulk_writes_announced_are_followed(self):
        activity = make_activity(text_fr="Élaborer un guide", text_en="", source_language="fr")
        Activity.objects.filter(pk=activity.pk).update(text_en="Develop a guide")
        announce_changes(Activity, [activity.pk])
        self.assertTrue(rows(activity, language="en").exists())

    def test_deleting_the_object_deletes_its_states(self):
        activity = make_activity(text_fr="Élaborer un guide", text_en="Develop a guide", source_language="fr")
        kept = Activity(pk=activity.pk)
        activity.delete()
        self.assertFalse(rows(kept).exists())


class KindsForRolesTests(BaseTestCase):
    def test_who_translates_what(self):
        from gcmhub.translations.permissions import kinds_for

        translator = make_user("tara@example.org")
        make_role(translator, Role.Kind.TRANSLATOR)
        self.assertEqual(len(kinds_for(self.sam)), len(kinds()))
        self.assertEqual(len(kinds_for(translator)), len(kinds()))
        self.assertEqual(
            {k.key for k in kinds_for(self.ines)},
            {"workplan.activity", "workplan.priority", "knowledge.resource", "taxonomy.organisation"},
        )
        for user in (self.alice, self.fatima, self.rita):
            self.assertEqual(kinds_for(user), [])

    def test_a_focal_point_translates_their_organisations_activities_only(self):
        own = make_activity(text_fr="Avec l'OIM", source_language="fr", leads=[self.iom])
        other = make_activity(text_fr="Avec le HCDH", source_language="fr", leads=[self.ohchr])
        kind = kind_of("workplan.activity")
        self.assertEqual(list(translatable(kind, self.ines)), [own])
        self.assertEqual(list(translatable(kind, self.oscar)), [other])
        self.assertEqual(list(translatable(kind, self.alice)), [])
