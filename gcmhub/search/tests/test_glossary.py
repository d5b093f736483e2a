"""The search glossary (issue 10 §2): the shipped file's shape, the loader, the lookup the engine
calls (`glossary.find`) and the CMS screens, open to the Secretariat only."""

import csv
import tempfile
import time
from io import StringIO
from pathlib import Path
from unittest import mock

from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from gcmhub.accounts.groups import sync_secretariat_group
from gcmhub.search import glossary
from gcmhub.search.analysis import folded_terms
from gcmhub.search.glossary import DATA_FILE, find, fold_term, read_glossary_file, split_terms
from gcmhub.search.glossary_loader import load_glossary
from gcmhub.search.models import GlossaryConcept
from gcmhub.test import BaseTestCase, make_user

HEADER = ["concept", "en", "fr", "es"]


def shipped_rows() -> list[list[str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def from_the_file():
    """Lookups read the shipped file, whatever the database holds."""
    glossary.invalidate()
    return mock.patch.object(glossary, "_read_database", return_value=None)


class GlossaryFileTests(SimpleTestCase):
    def test_it_has_the_header_and_one_full_row_per_concept(self):
        header, *rows = shipped_rows()
        self.assertEqual(header, HEADER)
        self.assertGreaterEqual(len(rows), 400)
        concepts = [row[0] for row in rows]
        self.assertEqual(len(concepts), len(set(concepts)), "a concept is listed twice")
        for row in rows:
            with self.subTest(concept=row[0]):
                self.assertEqual(len(row), len(HEADER))
                self.assertRegex(row[0], r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
                for language, cell in zip(HEADER[1:], row[1:], strict=True):
                    terms = split_terms(cell)
                    self.assertTrue(terms, f"no term in {language}")
                    self.assertEqual(cell, " | ".join(terms), "terms are separated by ' | ', without stray spaces")

    def test_no_term_is_listed_twice_in_a_language(self):
        _header, *rows = shipped_rows()
        owners: dict[tuple, str] = {}
        twice = []
        for row in rows:
            for language, cell in zip(HEADER[1:], row[1:], strict=True):
                for term in split_terms(cell):
                    key = (language, tuple(folded_terms(term)))
                    if key in owners:
                        twice.append(f"{term} ({language}): {owners[key]} and {row[0]}")
                    owners[key] = row[0]
        self.assertEqual(twice, [])

    def test_the_loader_accepts_every_row(self):
        rows, rejected = read_glossary_file()
        self.assertEqual([str(row) for row in rejected], [])
        self.assertEqual(len(rows), len(shipped_rows()) - 1)

    def test_it_holds_the_issues_examples(self):
        rows = {row.concept: row.terms for row in read_glossary_file()[0]}
        self.assertEqual(rows["remittances"]["en"][0], "remittances")
        self.assertIn("envois de fonds", rows["remittances"]["fr"])
        self.assertIn("remesas", rows["remittances"]["es"])
        self.assertEqual(rows["detention"]["en"][0], "detention")
        self.assertEqual(rows["detention"]["fr"][:2], ("rétention", "détention"))  # the UN French text's word first
        self.assertEqual(rows["detention"]["es"][0], "detención")
        self.assertEqual(rows["children"]["en"][0], "children")
        self.assertEqual(rows["children"]["fr"][0], "enfants")
        self.assertEqual(rows["children"]["es"][:2], ("niños", "menores"))
        self.assertEqual(rows["smuggling-of-migrants"]["en"][0], "smuggling of migrants")
        self.assertEqual(rows["smuggling-of-migrants"]["fr"][0], "trafic illicite de migrants")
        self.assertEqual(rows["smuggling-of-migrants"]["es"][0], "tráfico ilícito de migrantes")

    def test_every_term_alone_finds_its_own_concept(self):
        """No term is taken by another concept, even one of another language or one with the same stem."""
        self.addCleanup(glossary.invalidate)
        wrong = []
        with from_the_file():
            for row in read_glossary_file()[0]:
                for language, terms in row.terms.items():
                    for term in terms:
                        matches = find(term)
                        spans = [(m.concept, m.start, m.end) for m in matches]
                        if spans != [(row.concept, 0, len(fold_term(term)))]:
                            wrong.append(f"{term} ({language}, {row.concept}): {spans}")
        self.assertEqual(wrong, [])


class FindTests(TestCase):
    """`find` on the glossary the migration loaded into the test database."""

    def setUp(self):
        glossary.invalidate()
        # What a test changed is rolled back: the glossary in memory must not keep it.
        self.addCleanup(glossary.invalidate)

    def concepts(self, text):
        return [(match.concept, match.start, match.end) for match in find(text)]

    def test_the_migration_loaded_the_glossary(self):
        self.assertEqual(GlossaryConcept.objects.count(), len(read_glossary_file()[0]))
        self.assertEqual(GlossaryConcept.objects.get(concept="remittances").terms["es"][0], "remesas")

    def test_it_finds_multi_word_terms_and_the_longest_first(self):
        self.assertEqual(self.concepts("envois de fonds"), [("remittances", 0, 3)])
        self.assertEqual(
            self.concepts("trata de personas y tráfico ilícito de migrantes"),
            [("trafficking-in-persons", 0, 3), ("smuggling-of-migrants", 4, 8)],
        )
        # "migrant workers" and "workers" are inside "women migrant workers": the longest wins.
        self.assertEqual(self.concepts("women migrant workers"), [("women-migrant-workers", 0, 3)])
        self.assertEqual(
            self.concepts("alternatives to detention for migrant children"),
            [("alternatives-to-detention", 0, 3), ("migrant-children", 4, 6)],
        )

    def test_it_matches_stems_in_the_terms_language_and_ignores_accents_and_case(self):
        for query, concept in [
            ("remittance", "remittances"),
            ("Remesa", "remittances"),
            ("enfant", "children"),
            ("niño", "children"),
            ("RETENTION", "detention"),
            ("detencion", "detention"),
            ("envoi de fonds", "remittances"),
            ("Trabajadoras Migrantes", "women-migrant-workers"),
        ]:
            with self.subTest(query=query):
                self.assertEqual([m.concept for m in find(query)], [concept])

    def test_it_prefers_the_nearer_word_when_stems_agree(self):
        # English stems "employer" and "employment" alike; Spanish "niña" and "niño".
        self.assertEqual([m.concept for m in find("employer")], ["employers"])
        self.assertEqual([m.concept for m in find("employment")], ["employment"])
        self.assertEqual([m.concept for m in find("niña")], ["girls"])
        self.assertEqual([m.concept for m in find("niño")], ["children"])
        self.assertEqual([m.concept for m in find("minor")], ["children"])
        self.assertEqual([m.concept for m in find("minority")], ["minorities"])

    def test_a_query_leaves_out_the_terms_its_own_words_find(self):
        """ "migrante" finds "migrants" and "migrantes" through its stems already: only the terms
        with other words are searched as well (each costs a pass over a broad word's matches)."""
        from gcmhub.search.query import parse

        [expansion] = parse("migrante").expansions
        # (In the order of the concept's languages as the database keeps them: PostgreSQL's jsonb
        # orders keys by length, then alphabetically.)
        self.assertCountEqual(
            zip(expansion.terms, expansion.languages, strict=True),
            [(("personnes", "migrantes"), ("fr",)), (("personas", "migrantes"), ("es",))],
        )
        self.assertIn("migrants", expansion.labels["en"])  # still offered to the reader
        [expansion] = parse("remittances").expansions
        self.assertIn(("remesas",), expansion.terms)

    def test_it_describes_each_match(self):
        [match] = find("remesas")
        self.assertEqual((match.start, match.end, match.concept, match.language), (0, 1, "remittances", "es"))
        self.assertIn("envois de fonds", match.terms["fr"])
        self.assertIn(("envois", "de", "fonds"), match.folded)
        self.assertIn(("remittances",), match.folded)
        [match] = find("migration")  # English and French alike
        self.assertEqual(match.language, "")
        [match] = find("rétention")
        self.assertEqual(match.language, "fr")

    def test_it_gives_token_positions_left_to_right_without_overlap(self):
        text = "Les enfants, la rétention et les envois de fonds"
        tokens = folded_terms(text)
        matches = find(text)
        self.assertEqual([m.concept for m in matches], ["children", "detention", "remittances"])
        self.assertEqual(
            [tokens[m.start : m.end] for m in matches], [["enfants"], ["retention"], ["envois", "de", "fonds"]]
        )
        self.assertEqual(find(""), [])
        self.assertEqual(find("?!"), [])
        self.assertEqual(find("zebra quantum"), [])

    def test_it_reads_a_saved_concept_again_at_once(self):
        self.assertEqual(find("zzglossa"), [])
        concept = GlossaryConcept.objects.create(concept="test-concept", terms={"en": ["zzglossa"], "fr": ["zzglossé"]})
        self.assertEqual([m.concept for m in find("zzglossa")], ["test-concept"])
        concept.terms = {"en": ["yyglossa"], "fr": ["zzglossé"]}
        concept.save()
        self.assertEqual([m.concept for m in find("yyglossa")], ["test-concept"])
        concept.in_use = False
        concept.save()
        self.assertEqual(find("yyglossa"), [])
        concept.delete()
        self.assertEqual(find("zzglosse"), [])

    def test_it_sees_another_processs_change_within_the_reload_period(self):
        find("remesas")  # loaded
        GlossaryConcept.objects.filter(concept="remittances").update(
            terms={"en": ["remittances"], "fr": ["envois de fonds"], "es": ["giros"]}, version=99
        )  # no signal: as if another process had saved it
        self.assertEqual([m.concept for m in find("remesas")], ["remittances"])
        later = time.monotonic() + glossary.RELOAD_SECONDS + 1
        with mock.patch.object(glossary.time, "monotonic", return_value=later):
            self.assertNotIn("remittances", [m.concept for m in find("remesas")])
            self.assertEqual([m.concept for m in find("giros")], ["remittances"])

    def test_it_reads_the_glossary_with_one_query_and_checks_it_with_one(self):
        with self.assertNumQueries(1):
            find("remesas")
        with self.assertNumQueries(0):
            find("enfants")
        later = time.monotonic() + glossary.RELOAD_SECONDS + 1
        with mock.patch.object(glossary.time, "monotonic", return_value=later):
            with self.assertNumQueries(1), mock.patch.object(glossary, "_build") as build:
                self.assertEqual([m.concept for m in find("remesas")], ["remittances"])  # nothing changed
            build.assert_not_called()
            generation = glossary.generation()
        GlossaryConcept.objects.create(concept="test-concept", terms={"en": ["zzglossa"], "fr": ["zzglossé"]})
        self.assertNotEqual(glossary.generation(), generation)

    def test_it_reads_the_file_when_the_table_is_empty(self):
        GlossaryConcept.objects.all().delete()
        self.assertEqual([m.concept for m in find("remesas")], ["remittances"])

    def test_it_is_fast(self):
        query = "alternatives to detention for unaccompanied migrant children and their families in cities"
        find(query)
        runs = 200
        start = time.perf_counter()
        for _ in range(runs):
            find(query)
        self.assertLess((time.perf_counter() - start) / runs, 0.001)


class LoaderTests(TestCase):
    def setUp(self):
        self.addCleanup(glossary.invalidate)
        GlossaryConcept.objects.all().delete()
        folder = Path(tempfile.mkdtemp(prefix="gcmhub-glossary-"))
        self.path = folder / "glossary.csv"

    def write(self, *rows: str, header: str = "concept,en,fr,es"):
        self.path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    def load(self, *args) -> str:
        out = StringIO()
        call_command("load_glossary", "--file", str(self.path), *args, stdout=out)
        return out.getvalue()

    def test_it_creates_and_updates_concepts(self):
        self.write(
            "remittances,remittances,envois de fonds,remesas", "detention,detention,rétention | détention,detención"
        )
        self.assertIn("2 created, 0 updated, 0 unchanged", self.load())
        concept = GlossaryConcept.objects.get(concept="detention")
        self.assertEqual(concept.terms, {"en": ["detention"], "fr": ["rétention", "détention"], "es": ["detención"]})
        self.assertFalse(concept.edited_in_cms)
        self.write(
            "remittances,remittances,envois de fonds,remesas",
            "detention,detention | immigration detention,rétention | détention,detención",
        )
        self.assertIn("0 created, 1 updated, 1 unchanged", self.load())
        concept.refresh_from_db()
        self.assertEqual(concept.terms["en"], ["detention", "immigration detention"])
        self.assertEqual(concept.version, 2)  # an edit form opened before refuses its save

    def test_it_keeps_a_concept_edited_in_the_cms_unless_forced(self):
        self.write("remittances,remittances,envois de fonds,remesas")
        self.load()
        GlossaryConcept.objects.filter(concept="remittances").update(
            terms={"en": ["remittances"], "fr": ["envois de fonds"], "es": ["remesas", "giros"], "ar": ["تحويلات"]},
            edited_in_cms=True,
        )
        self.write("remittances,remittances | remittance flows,envois de fonds,remesas")
        output = self.load()
        self.assertIn("1 kept as edited in the CMS", output)
        self.assertIn("--force", output)
        concept = GlossaryConcept.objects.get(concept="remittances")
        self.assertEqual(concept.terms["es"], ["remesas", "giros"])
        self.assertIn("1 updated", self.load("--force"))
        concept.refresh_from_db()
        self.assertEqual(concept.terms["en"], ["remittances", "remittance flows"])
        self.assertEqual(concept.terms["es"], ["remesas"])
        self.assertEqual(concept.terms["ar"], ["تحويلات"])  # the file has no Arabic column: kept
        self.assertFalse(concept.edited_in_cms)

    def test_it_reports_each_rejected_row_and_loads_the_others(self):
        GlossaryConcept.objects.create(
            concept="giros", terms={"en": ["money orders"], "fr": ["mandats"], "es": ["giros"]}, edited_in_cms=True
        )
        self.write(
            "remittances,remittances,envois de fonds,remesas",
            "detention,detention,,detención",
            "remittances,remittance,envoi,remesa",
            "transfers,transfers,envois de fonds,transferencias",
            "Bad Slug,x,y,z",
            "orders,orders,ordres,giros",
            "short,only two",
        )
        output = self.load()
        self.assertIn("1 created", output)
        self.assertIn("6 rejected", output)
        self.assertIn("line 3 (detention): no term in French", output)
        self.assertIn("line 4 (remittances): duplicate concept", output)
        self.assertIn("line 5 (transfers): “envois de fonds” (French) is already a term of remittances", output)
        self.assertIn("line 6 (Bad Slug): the concept must be lowercase", output)
        self.assertIn("line 7 (orders): “giros” (Spanish) is already a term of giros", output)
        self.assertIn("line 8 (short): 2 cells instead of 4", output)
        self.assertEqual(sorted(GlossaryConcept.objects.values_list("concept", flat=True)), ["giros", "remittances"])

    def test_it_refuses_a_file_without_the_header(self):
        self.write("remittances,remittances,envois de fonds,remesas", header="slug,english,fr,es")
        with self.assertRaisesMessage(CommandError, "header"):
            self.load()
        self.write("remittances,remittances,envois de fonds,remesas", header="concept,en,fr,xx")
        with self.assertRaisesMessage(CommandError, "xx"):
            self.load()

    def test_it_loads_the_shipped_file(self):
        result = load_glossary()
        self.assertEqual(result.rejected, [])
        self.assertGreaterEqual(len(result.created), 400)
        self.assertEqual(load_glossary().unchanged, result.created)


def admin_url(view, *args):
    return reverse(f"wagtailsnippets_search_glossaryconcept:{view}", args=args)


def concept_form(concept, version=None, **terms):
    """The CMS form's fields: one text area per language of the site (terms_0 …), a term per line."""
    from gcmhub.lib.i18n import LANGUAGE_CODES

    data = {"concept": concept, "in_use": "on"}
    for i, code in enumerate(LANGUAGE_CODES):
        data[f"terms_{i}"] = "\n".join(terms.get(code, []))
    if version is not None:
        data["version"] = version
    return data


class GlossaryCmsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # sam's role comes from make_role; do_grant_role would also have put him in the CMS group.
        cls.sam.groups.add(sync_secretariat_group())
        # An editor with the CMS open and every Django permission on the glossary, but no Secretariat role.
        cls.editor = make_user("editor@example.org")
        editors = Group.objects.create(name="Glossary editors")
        editors.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            *Permission.objects.filter(content_type__app_label="search", codename__endswith="glossaryconcept"),
        )
        cls.editor.groups.add(editors)
        cls.concept = GlossaryConcept.objects.get(concept="remittances")

    def setUp(self):
        self.addCleanup(glossary.invalidate)

    def test_it_keeps_anonymous_visitors_and_stakeholders_out(self):
        response = self.client.get(admin_url("list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("wagtailadmin_login"), response["Location"])
        for user in (self.alice, self.fatima, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(admin_url("list")).status_code, 302)
                response = self.client.post(admin_url("edit", self.concept.pk), concept_form("remittances", 1))
                self.assertIn(response.status_code, (302, 403))
        self.concept.refresh_from_db()
        self.assertEqual(self.concept.version, 1)

    def test_it_is_closed_to_a_cms_user_who_is_not_the_secretariat(self):
        self.login(self.editor)
        self.assertEqual(self.client.get(reverse("wagtailadmin_home")).status_code, 200)
        self.assertNotContains(self.client.get(reverse("wagtailadmin_home")), "Search glossary")
        for url in (admin_url("list"), admin_url("add"), admin_url("edit", self.concept.pk)):
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, (302, 403))

    def test_it_lists_and_searches_the_concepts_for_the_secretariat(self):
        self.login(self.sam)
        self.assertContains(self.client.get(reverse("wagtailadmin_home")), "Search glossary")
        response = self.client.get(admin_url("list"))
        self.assertContains(response, "adverse drivers · facteurs négatifs · factores adversos")
        self.assertContains(response, f"{GlossaryConcept.objects.count()} glossary concepts")
        response = self.client.get(admin_url("list_results"), {"q": "Envíos de remesas"})
        self.assertContains(response, "remittances · envois de fonds · remesas")
        self.assertNotContains(response, "detention")
        response = self.client.get(admin_url("list_results"), {"q": "retention"})  # accents aside
        self.assertContains(response, "detention · rétention · detención")
        self.assertEqual(self.client.get(admin_url("add")).status_code, 200)
        response = self.client.get(admin_url("edit", self.concept.pk))
        self.assertContains(response, "envois de fonds\nenvoi de fonds")
        self.assertContains(response, 'name="version" value="1"')

    def test_the_secretariat_edits_a_concept_and_the_loader_keeps_it(self):
        self.login(self.sam)
        terms = {"en": ["remittances", "money transfers"], "fr": ["envois de fonds"], "es": ["remesas"]}
        response = self.client.post(admin_url("edit", self.concept.pk), concept_form("remittances", 1, **terms))
        self.assertEqual(response.status_code, 302)
        self.concept.refresh_from_db()
        self.assertEqual(self.concept.terms, terms)
        self.assertTrue(self.concept.edited_in_cms)
        self.assertEqual(self.concept.version, 2)
        self.assertEqual([m.concept for m in find("money transfers")], ["remittances"])
        self.assertIn("remittances", load_glossary().kept)
        self.concept.refresh_from_db()
        self.assertEqual(self.concept.terms, terms)

    def test_it_refuses_an_empty_language_a_taken_term_and_a_stale_save(self):
        self.login(self.sam)
        response = self.client.post(
            admin_url("add"), concept_form("remitting", en=["remitting"], fr=["envois de fonds"], es=[])
        )
        self.assertContains(response, "no term in Spanish")
        self.assertContains(response, "“envois de fonds” (French) is already a term of remittances")
        self.assertFalse(GlossaryConcept.objects.filter(concept="remitting").exists())
        response = self.client.post(
            admin_url("add"), concept_form("Remitting", en=["remitting"], fr=["virement"], es=["giro"])
        )
        self.assertContains(response, "Lowercase ASCII words joined by hyphens.")
        GlossaryConcept.objects.filter(pk=self.concept.pk).update(version=2)  # someone saved meanwhile
        terms = {"en": ["remittances"], "fr": ["envois de fonds"], "es": ["remesas"]}
        response = self.client.post(admin_url("edit", self.concept.pk), concept_form("remittances", 1, **terms))
        self.assertContains(response, "Someone else saved this while you were editing it")
        self.assertFalse(GlossaryConcept.objects.get(pk=self.concept.pk).edited_in_cms)

    def test_the_secretariat_adds_a_concept_with_an_arabic_term(self):
        self.login(self.sam)
        terms = {"en": ["remote work"], "fr": ["télétravail"], "es": ["teletrabajo"], "ar": ["العمل عن بعد"]}
        response = self.client.post(admin_url("add"), concept_form("remote-work", **terms))
        self.assertEqual(response.status_code, 302)
        concept = GlossaryConcept.objects.get(concept="remote-work")
        self.assertEqual(concept.terms, terms)
        self.assertEqual([m.concept for m in find("teletrabajo")], ["remote-work"])
