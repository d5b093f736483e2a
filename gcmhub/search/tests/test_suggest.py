"""Suggestions while typing (issue 10 §7): names of organisations, countries and objectives from a
per-process index, titles from the engine, at most ten, fast, as JSON for static/js/search.js."""

import statistics
import time
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from gcmhub.knowledge.models import Resource
from gcmhub.search import get_backend, suggest
from gcmhub.search.engine import Suggestion
from gcmhub.search.tests.helpers import HubTestCase, SearchTestCase
from gcmhub.test import make_activity, make_country, make_objective, make_organisation, make_resource


def suggest_url(lang="en"):
    with translation.override(lang):
        return reverse("search:suggest")


class NamesTestCase(SearchTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mexico = make_country(
            "MX", "MEX", name_en="Mexico", name_fr="Mexique", name_es="México", other_names="United Mexican States"
        )
        cls.ivory = make_country(
            "CI",
            "CIV",
            name_en="Côte d’Ivoire",
            name_fr="Côte d’Ivoire",
            name_es="Côte d’Ivoire",
            other_names="Ivory Coast",
        )
        cls.o7 = make_objective(
            7,
            short_en="Vulnerabilities",
            title_en="Address and reduce vulnerabilities in migration",
            title_fr="S’attaquer aux facteurs de vulnérabilité liés aux migrations et les réduire",
        )
        cls.o17 = make_objective(17, short_en="Discrimination", title_en="Eliminate all forms of discrimination")
        cls.unhcr = make_organisation(
            "UNHCR",
            name_en="United Nations High Commissioner for Refugees",
            name_fr="Haut-Commissariat des Nations Unies pour les réfugiés",
            acronym_fr="HCR",
        )

    def setUp(self):
        super().setUp()
        suggest.forget_names()
        self.addCleanup(suggest.forget_names)
        patcher = mock.patch.object(type(get_backend()), "suggest", return_value=[], create=True)
        self.engine = patcher.start()
        self.addCleanup(patcher.stop)

    def get(self, text, lang="en"):
        return self.client.get(suggest_url(lang), {"q": text})

    def labels(self, text, lang="en"):
        return [s["label"] for s in self.get(text, lang).json()["suggestions"]]


class NameSuggestionTests(NamesTestCase):
    def test_it_suggests_countries_in_the_readers_language_from_any_of_their_names(self):
        response = self.get("mex")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["suggestions"],
            [
                {
                    "kind": "country",
                    "kind_label": "Country or area",
                    "label": "Mexico",
                    "url": "/en/search/?country=MX",
                    "lang": "",
                    "document": False,
                }
            ],
        )
        self.assertEqual(self.labels("mexique", lang="en"), ["Mexico"])  # its French name
        self.assertEqual(self.labels("mex", lang="fr"), ["Mexique"])
        self.assertEqual(self.get("mex", lang="fr").json()["suggestions"][0]["url"], "/fr/search/?country=MX")
        self.assertEqual(self.labels("cote d iv"), ["Côte d’Ivoire"])  # accents and punctuation ignored
        self.assertEqual(self.labels("ivory"), ["Côte d’Ivoire"])  # another name
        self.assertEqual(self.labels("MAROC"), ["Morocco"])

    def test_it_suggests_objectives_by_number_and_words(self):
        self.assertEqual(self.labels("7"), ["Objective 7: Address and reduce vulnerabilities in migration"])
        self.assertEqual(
            self.labels("objective"),
            [
                "Objective 7: Address and reduce vulnerabilities in migration",
                "Objective 17: Eliminate all forms of discrimination",
            ],
        )
        self.assertEqual(self.labels("objective 17"), ["Objective 17: Eliminate all forms of discrimination"])
        self.assertEqual(self.labels("vulnerab"), ["Objective 7: Address and reduce vulnerabilities in migration"])
        url = self.get("7").json()["suggestions"][0]["url"]
        self.assertEqual(url, "/en/search/?objective=7")
        # In French, the French title; the English one finds it too.
        for text in ("vulnerab", "reduce vulnerab", "attaquer"):
            labels = self.labels(text, lang="fr")
            self.assertEqual(len(labels), 1)
            self.assertTrue(
                labels[0].endswith(": S’attaquer aux facteurs de vulnérabilité liés aux migrations et les réduire")
            )

    def test_it_suggests_organisations_by_name_acronym_and_alias(self):
        expected = ["United Nations High Commissioner for Refugees (UNHCR)"]
        self.assertEqual(self.labels("unhcr"), expected)
        self.assertEqual(self.labels("high commissioner for ref"), expected)
        self.assertEqual(self.labels("HCR"), expected)  # its French acronym
        self.assertEqual(self.labels("hcr", lang="fr"), ["Haut-Commissariat des Nations Unies pour les réfugiés (HCR)"])
        self.assertEqual(self.get("unhcr").json()["suggestions"][0]["url"], "/en/search/?publisher=unhcr")
        self.unhcr.aliases.create(alias="UN Refugee Agency")
        self.assertEqual(self.labels("refugee agency"), expected)

    def test_it_puts_names_that_start_with_the_text_first(self):
        make_country("TZ", "TZA", name_en="Tanzania, United Republic of")
        self.assertEqual(
            self.labels("united"),
            [
                "United Nations High Commissioner for Refugees (UNHCR)",  # starts with it
                "Tanzania, United Republic of",  # a word starts with it (countries before organisations)
                "Office of the United Nations High Commissioner for Human Rights (OHCHR)",
                "Mexico",  # a word of another name starts with it
            ],
        )

    def test_it_follows_changes_to_the_names(self):
        self.assertEqual(self.labels("mex"), ["Mexico"])
        self.mexico.name_en = "Mexican United States"
        self.mexico.save(update_fields=["name_en"])
        self.assertEqual(self.labels("mex"), ["Mexican United States"])
        self.mexico.delete()
        self.assertEqual(self.labels("mex"), [])

    def test_it_gives_at_most_ten_and_says_how_many(self):
        for n in range(15):
            make_organisation(f"ORG{n}", name_en=f"Agency number {n}")
        response = self.get("agency").json()
        self.assertEqual(len(response["suggestions"]), 10)
        self.assertEqual(response["status"], "10 suggestions.")
        self.assertEqual(self.get("mex").json()["status"], "1 suggestion.")
        self.assertEqual(self.get("qqqq").json(), {"suggestions": [], "status": "No suggestions."})

    def test_it_answers_anything_typed(self):
        for text in ("", "   ", "-", '""', "*", "AND", "😀", "'; DROP TABLE x; --", "<script>", "a" * 5000, "\x07mex"):
            with self.subTest(text=text[:20]):
                response = self.get(text)
                self.assertEqual(response.status_code, 200)
                self.assertIsInstance(response.json()["suggestions"], list)
        self.assertEqual(self.get("").json(), {"suggestions": [], "status": ""})
        self.assertEqual(self.labels("\x07mex"), ["Mexico"])
        # What reaches the engine is bounded.
        self.get("migration " * 500)
        text = self.engine.call_args.args[0]
        self.assertLessEqual(len(text), suggest.MAX_CHARS)
        # NUL is refused on every page (gcmhub.lib.textinput).
        self.assertEqual(self.get("\x00").status_code, 400)

    def test_it_accepts_get_only(self):
        self.assertEqual(self.client.post(suggest_url(), {"q": "mex"}).status_code, 405)

    def test_it_reads_the_database_once_per_language_then_not_at_all(self):
        with self.assertNumQueries(4):  # objectives, countries, aliases, organisations
            self.get("mex")
        with self.assertNumQueries(0):
            self.get("moro")
            self.get("7")
        with self.assertNumQueries(4):
            self.get("mex", lang="fr")

    def test_it_forgets_the_names_after_a_while(self):
        self.get("mex")
        with mock.patch("gcmhub.search.suggest.time.monotonic", return_value=time.monotonic() + 301):
            with self.assertNumQueries(4):
                self.get("mex")


class DocumentSuggestionTests(NamesTestCase):
    def test_it_links_the_engines_titles_to_their_pages(self):
        resource = make_resource(title_en="Mexico labour guide")
        hidden = make_resource(title_en="Mexico draft", status=Resource.Status.PROPOSED)
        activity = make_activity(text_en="Mexico workshop")
        self.engine.return_value = [
            Suggestion(f"resource:{resource.pk}", "resource", "Mexico labour guide", "en"),
            Suggestion(f"resource:{hidden.pk}", "resource", "Mexico draft", "en"),  # not public: left out
            Suggestion(f"activity:{activity.pk}", "activity", "Atelier Mexique", "fr"),
            Suggestion(f"country:{self.mexico.pk}", "country", "Mexico", "en"),  # a name: from the names
            Suggestion("resource:999999", "resource", "Gone", "en"),
        ]
        with self.assertNumQueries(1 + 4):  # the resources; the names, once
            suggestions = self.get("mexico").json()["suggestions"]
        self.assertEqual(
            [(s["kind"], s["label"], s["url"], s["lang"], s["document"]) for s in suggestions],
            [
                ("country", "Mexico", "/en/search/?country=MX", "", False),
                ("resource", "Mexico labour guide", resource.get_absolute_url(), "", True),
                ("activity", "Atelier Mexique", f"/en/workplan/activities/{activity.pk}/", "fr", True),
            ],
        )
        self.assertEqual(self.engine.call_args.args, ("mexico", "en", 10))

    def test_it_keeps_room_for_titles_among_many_names(self):
        for n in range(12):
            make_organisation(f"MX{n}", name_en=f"Mexico agency {n}")
        resources = [make_resource(title_en=f"Mexico guide {n}") for n in range(8)]
        self.engine.return_value = [Suggestion(f"resource:{r.pk}", "resource", r.title_en, "en") for r in resources]
        kinds = [s["kind"] for s in self.get("mexico").json()["suggestions"]]
        self.assertEqual(kinds, ["country"] + ["organisation"] * 4 + ["resource"] * 5)
        self.engine.return_value = self.engine.return_value[:2]
        kinds = [s["kind"] for s in self.get("mexico").json()["suggestions"]]
        self.assertEqual(kinds, ["country"] + ["organisation"] * 7 + ["resource"] * 2)

    def test_it_works_with_an_engine_that_suggests_nothing(self):
        with mock.patch("gcmhub.search.suggest.get_backend", return_value=object()):
            self.assertEqual(self.labels("mex"), ["Mexico"])


class EngineSuggestionTests(HubTestCase):
    """The real engine's titles (gcmhub.search.backends)."""

    def setUp(self):
        super().setUp()
        suggest.forget_names()

    def test_it_suggests_titles_that_start_with_the_words_typed(self):
        suggestions = self.client.get(suggest_url(), {"q": "alternatives to chi"}).json()["suggestions"]
        self.assertIn(
            ("resource", "Alternatives to child detention", self.detention_fr.get_absolute_url()),
            [(s["kind"], s["label"], s["url"]) for s in suggestions],
        )
        suggestions = self.client.get(suggest_url("fr"), {"q": "alternatives a la dete"}).json()["suggestions"]
        self.assertIn("Alternatives à la détention des enfants", [s["label"] for s in suggestions])


@override_settings(DEBUG=False)
class SuggestionSpeedTests(SearchTestCase):
    """≤ 10 ms at the 95th percentile for the names, on the reference data `make demo` loads."""

    def setUp(self):
        super().setUp()
        from gcmhub.taxonomy.reference import load_reference_data

        load_reference_data()
        suggest.forget_names()
        self.addCleanup(suggest.forget_names)

    def test_it_answers_within_ten_milliseconds(self):
        words = ["m", "mo", "mor", "moro", "7", "objective 1", "iom", "inter", "united nat", "cote d", "zzz", "s"]
        with mock.patch.object(type(get_backend()), "suggest", return_value=[], create=True):
            self.client.get(suggest_url(), {"q": "warm"})
            timings = []
            for _round in range(10):
                for text in words:
                    started = time.perf_counter()
                    response = self.client.get(suggest_url(), {"q": text})
                    timings.append((time.perf_counter() - started) * 1000)
                    self.assertEqual(response.status_code, 200)
        p95 = statistics.quantiles(timings, n=20)[-1]
        self.assertLess(p95, 10, f"p95 {p95:.1f} ms")
        self.assertEqual(
            self.client.get(suggest_url(), {"q": "iom"}).json()["suggestions"][0]["label"],
            "International Organization for Migration (IOM)",
        )
