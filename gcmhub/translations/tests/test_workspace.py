"""The translation workspace: who sees it, side-by-side saving (htmx and plain), stale saves
refused with the text kept, limits, and bounded queries."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from gcmhub.accounts.models import Role
from gcmhub.taxonomy.models import Organisation
from gcmhub.test import BaseTestCase, make_activity, make_role, make_user
from gcmhub.translations.models import TranslationState
from gcmhub.translations.status import fingerprint
from gcmhub.workplan.models import Activity


class WorkspaceTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tara = make_user("tara@example.org", full_name="Tara Translator")
        make_role(cls.tara, Role.Kind.TRANSLATOR)
        cls.activity = make_activity(
            text_fr="Élaborer un guide sur les alternatives à la détention",
            text_en="",
            source_language="fr",
            leads=[cls.iom],
        )

    def save_url(self, activity=None, lang="en", field="text"):
        return reverse("translations:save", args=[lang, "workplan.activity", (activity or self.activity).pk, field])

    def post(self, text, *, source=None, base="", htmx=True, lang="en", activity=None):
        activity = activity or self.activity
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(
            self.save_url(activity, lang),
            {
                "text": text,
                "source_fingerprint": source or fingerprint(activity.text_fr),
                "base_fingerprint": base,
            },
            headers=headers,
        )

    def test_the_workspace_by_role(self):
        url = reverse("translations:workspace")
        self.assertEqual(self.client.get(url).status_code, 302)  # anonymous: sign in first
        for user, expected in (
            (self.alice, 403),
            (self.fatima, 403),
            (self.rita, 403),
            (self.ines, 200),
            (self.tara, 200),
            (self.sam, 200),
        ):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, expected)

    def test_saving_by_role(self):
        self.assertEqual(self.post("Develop a guide").status_code, 302)  # anonymous → sign in
        for user in (self.alice, self.fatima, self.rita):
            self.login(user)
            self.assertEqual(self.post("Develop a guide").status_code, 403, user.email)
        self.login(self.oscar)  # OHCHR's focal point: not their organisation's activity
        self.assertEqual(self.post("Develop a guide").status_code, 404)
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.text_en, "")
        for user in (self.ines, self.tara, self.sam):
            with self.subTest(user=user.email):
                self.activity.refresh_from_db()
                self.login(user)
                base = fingerprint(self.activity.text_en) if self.activity.text_en else ""
                response = self.post(f"Develop a guide ({user.email})", base=base)
                self.assertContains(response, "Saved.")
                self.assertContains(response, user.display_name())  # who translated it, and when
                self.activity.refresh_from_db()
                self.assertEqual(self.activity.text_en, f"Develop a guide ({user.email})")
                row = TranslationState.objects.get(
                    content_type=ContentType.objects.get_for_model(Activity), object_id=self.activity.pk, language="en"
                )
                self.assertEqual((row.status, row.by), (TranslationState.Status.HUMAN, user))

    def test_a_plain_post_redirects_to_the_list(self):
        self.login(self.sam)
        response = self.post("Develop a guide", htmx=False)
        self.assertRedirects(
            response,
            reverse("translations:segments", args=["en", "workplan.activity"])
            + f"#seg-workplan-activity-{self.activity.pk}-text",
            fetch_redirect_response=False,
        )

    def test_the_version_goes_up_so_an_older_edit_form_is_refused(self):
        version = self.activity.version
        self.login(self.sam)
        self.post("Develop a guide")
        self.activity.refresh_from_db()
        self.assertGreater(self.activity.version, version)

    def test_a_save_from_an_older_page_is_refused_and_the_text_kept(self):
        self.login(self.sam)
        self.post("Develop a guide")  # someone else saves first
        response = self.post("Draft a guide", base="")  # from a page that showed no translation
        self.assertContains(response, "Someone saved another translation")
        self.assertContains(response, "Draft a guide")
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.text_en, "Develop a guide")
        # Without JavaScript: a 409 and the text kept.
        response = self.post("Draft a guide", base="", htmx=False)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Draft a guide", status_code=409)
        # Saving again from the refusal (its fingerprints moved on) replaces it deliberately.
        response = self.post("Draft a guide", base=fingerprint("Develop a guide"))
        self.assertContains(response, "Saved.")

    def test_a_save_after_the_source_changed_is_refused(self):
        self.login(self.sam)
        old = fingerprint(self.activity.text_fr)
        Activity.objects.filter(pk=self.activity.pk).update(text_fr="Élaborer et publier un guide")
        response = self.post("Develop a guide", source=old, htmx=False)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "The source text changed", status_code=409)
        self.assertContains(response, "Élaborer et publier un guide", status_code=409)
        self.assertContains(response, "Develop a guide", status_code=409)

    def test_an_empty_or_too_long_translation_is_refused_with_the_limit(self):
        self.login(self.sam)
        self.assertContains(self.post(""), "Write the translation")
        organisation = Organisation.objects.get(pk=self.iom.pk)
        url = reverse("translations:save", args=["es", "taxonomy.organisation", organisation.pk, "name"])
        long_name = "x" * 301
        response = self.client.post(
            url,
            {"text": long_name, "source_fingerprint": fingerprint(organisation.name_en), "base_fingerprint": ""},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "at most 300 characters; this translation has 301")
        self.assertContains(response, long_name)

    def test_the_source_is_not_edited_here(self):
        self.login(self.sam)
        self.assertEqual(self.post("Élaborer", lang="fr").status_code, 404)

    def test_unknown_languages_kinds_and_fields(self):
        self.login(self.sam)
        self.assertEqual(
            self.client.get(reverse("translations:segments", args=["xx", "workplan.activity"])).status_code, 404
        )
        self.assertEqual(self.client.get(reverse("translations:segments", args=["en", "auth.user"])).status_code, 404)
        self.assertEqual(self.client.get(self.save_url(field="number")).status_code, 404)
        self.assertEqual(
            self.client.get("/en/translations/en/workplan.activity/99999999999999999999/text/").status_code, 404
        )

    def test_the_list_shows_source_and_target_side_by_side_in_bounded_queries(self):
        for n in range(5):
            make_activity(text_fr=f"Activité {n}", text_en="", source_language="fr")
        self.login(self.sam)
        url = reverse("translations:segments", args=["en", "workplan.activity"])
        self.client.get(url)
        with self.assertNumQueries(6):
            response = self.client.get(url)
        self.assertContains(response, 'lang="fr"')
        self.assertContains(response, "Élaborer un guide")
        for n in range(5):
            make_activity(text_fr=f"Activité bis {n}", text_en="", source_language="fr")
        with self.assertNumQueries(6):
            self.client.get(url)

    def test_the_counts(self):
        self.login(self.sam)
        response = self.client.get(reverse("translations:workspace"))
        self.assertContains(response, "Activities")
        self.assertContains(response, reverse("translations:segments", args=["en", "workplan.activity"]))
