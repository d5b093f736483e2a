import datetime
import io
import time
from pathlib import Path

import docx
from django.test import TestCase

from gcmhub.taxonomy.models import Organisation, OrganisationAlias, normalize_name
from gcmhub.taxonomy.organisations_data import load_organisations, read_organisations
from gcmhub.test import make_objective, make_thematic_area, make_user
from gcmhub.workplan.actions import do_fix_activity_deadline
from gcmhub.workplan.importer import (
    NEW,
    UnknownOrganisationsError,
    WorkPlanImportError,
    do_import_workplan,
    parse_document,
    resolve,
    split_organisations,
)
from gcmhub.workplan.models import (
    Activity,
    ActivityOrganisation,
    ActivityPeriod,
    ImportRun,
    Involvement,
    Priority,
    PriorityOrganisation,
    StatusUpdate,
    WorkPlan,
)

SEED = Path(__file__).resolve().parents[1] / "data" / "workplan-2021-2022-fr.txt"
DATA = Path(__file__).resolve().parent / "data"


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def load_taxonomy() -> None:
    """Objectives 1..23, thematic areas 1..5 and the organisations reference file (the full
    reference data, with 250 countries, is not needed here and takes seconds to load)."""
    for n in range(1, 24):
        make_objective(n)
    for n in range(1, 6):
        make_thematic_area(n)
    load_organisations()


def known_names() -> set[str]:
    names = set()
    for entry in read_organisations():
        for key in ("name_en", "name_fr", "name_es", "acronym_en", "acronym_fr", "acronym_es"):
            if entry.get(key):
                names.add(normalize_name(entry[key]))
        names.update(normalize_name(a) for a in entry["aliases"])
    return names


class OrganisationsDataTest(TestCase):
    def test_it_names_no_spelling_twice(self):
        owners = {}
        for entry in read_organisations():
            names = [entry.get(k) for k in ("name_en", "name_fr", "name_es", "acronym_en", "acronym_fr", "acronym_es")]
            for name in [*names, *entry["aliases"]]:
                if name:
                    key = normalize_name(name)
                    self.assertIn(owners.setdefault(key, entry["slug"]), (entry["slug"],), name)

    def test_it_loads_idempotently(self):
        count = load_organisations()
        orgs, aliases = Organisation.objects.count(), OrganisationAlias.objects.count()
        self.assertEqual(count, orgs)
        self.assertEqual(load_organisations(), count)
        self.assertEqual((Organisation.objects.count(), OrganisationAlias.objects.count()), (orgs, aliases))

    def test_it_updates_changed_rows_by_slug(self):
        load_organisations()
        Organisation.objects.filter(slug="ioe").update(name_en="Wrong")
        load_organisations()
        self.assertEqual(Organisation.objects.get(slug="ioe").name_en, "International Organisation of Employers")

    def test_it_resolves_names_in_three_languages_to_one_organisation(self):
        load_organisations()
        for name in ("OIM", "IOM", "Organización Internacional para las Migraciones"):
            self.assertEqual(list(Organisation.objects.resolving(name).values_list("slug", flat=True)), ["iom"])
        for name, slug in [
            ("HCDH", "ohchr"),
            ("ACNUDH", "ohchr"),
            ("ONU-Mujeres", "un-women"),
            ("CMNUCC", "unfccc"),
            ("PMA", "wfp"),
            ("ONU-Hábitat", "un-habitat"),
            ("OIE", "ioe"),
            ("APRNN", "aprrn"),
            ("QUINO", "quno"),
            ("BIDDH/OSCE", "odihr"),
            ("CICM", "icmc"),
            ("CGLU", "uclg"),
        ]:
            self.assertEqual(Organisation.objects.resolving(name).get().slug, slug, name)
        self.assertEqual(Organisation.objects.get(slug="jill-alpes").kind, Organisation.Kind.PERSON)
        self.assertEqual(Organisation.objects.get(slug="special-rapporteur-migrants").kind, Organisation.Kind.BODY)
        self.assertTrue(Organisation.objects.get(slug="unhcr").is_network_member)


class SplitOrganisationsTest(TestCase):
    known = known_names()

    def test_it_keeps_known_names_that_contain_a_conjunction(self):
        names, _, _ = split_organisations(
            "OIM ; Cités et gouvernements locaux unis (CGLU) ; Grand groupe des enfants et des jeunes des Nations Unies "
            "et Women's Refugee Commission",
            self.known,
        )
        self.assertEqual(
            names,
            [
                "OIM",
                "Cités et gouvernements locaux unis (CGLU)",
                "Grand groupe des enfants et des jeunes des Nations Unies",
                "Women's Refugee Commission",
            ],
        )

    def test_it_splits_on_conjunctions_between_known_names(self):
        self.assertEqual(split_organisations("OMS et ONU-Habitat", self.known)[0], ["OMS", "ONU-Habitat"])
        self.assertEqual(split_organisations("IOM and UNDP", self.known)[0], ["IOM", "UNDP"])
        self.assertEqual(split_organisations("PNUD y ONU-Mujeres", self.known)[0], ["PNUD", "ONU-Mujeres"])

    def test_it_keeps_unknown_names_whole(self):
        self.assertEqual(split_organisations("Foo et Bar, OMS et Baz", self.known)[0], ["Foo et Bar", "OMS", "Baz"])

    def test_it_splits_slashes_between_known_names_only(self):
        self.assertEqual(
            split_organisations("Kaldor Centre/ISIM, BIDDH/OSCE", self.known)[0],
            ["Kaldor Centre", "ISIM", "BIDDH/OSCE"],
        )

    def test_it_keeps_represented_by_as_a_note(self):
        names, notes, _ = split_organisations(
            "ACT Alliance ; Comité d'action représenté par Migrant Forum in Asia", self.known
        )
        self.assertEqual(names, ["ACT Alliance", "Comité d'action"])
        self.assertEqual(notes, {"Comité d'action": "représenté par Migrant Forum in Asia"})

    def test_it_keeps_phrases_that_name_no_organisation_as_remarks(self):
        names, _, remarks = split_organisations("tous les membres du Comité exécutif", self.known)
        self.assertEqual((names, remarks), ([], ["tous les membres du Comité exécutif"]))

    def test_it_accepts_an_empty_list(self):
        self.assertEqual(split_organisations("", self.known), ([], {}, []))


class ParseSeedTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = parse_document(seed_bytes(), SEED.name, known=known_names())

    def block(self, kind, code="", title_start=""):
        for p in self.plan.priorities:
            if p.kind == kind and p.code == code and p.title.startswith(title_start):
                return p
        raise AssertionError(f"no block {kind} {code} {title_start}")

    def test_it_reads_the_plan_header(self):
        self.assertEqual(self.plan.title, "Plan de travail du Réseau : priorités pour 2021-2022")
        self.assertEqual(self.plan.titles["en"], "Network work plan: priorities for 2021-2022")
        self.assertEqual(self.plan.source_language, "fr")
        self.assertEqual(self.plan.as_of, "Au 28 avril 2021")
        self.assertEqual(
            (self.plan.period_start, self.plan.period_end), (datetime.date(2021, 1, 1), datetime.date(2022, 12, 31))
        )
        self.assertEqual(self.plan.slug, "2021-2022")

    def test_it_finds_17_blocks_and_60_activities(self):
        self.assertEqual(
            [(p.kind, p.code) for p in self.plan.priorities],
            [("core", c) for c in ("1", "2.1", "2.2", "3", "4", "5")]
            + [("working_group", "")] * 4
            + [("thematic", str(n)) for n in range(1, 8)],
        )
        self.assertEqual(
            [len(p.activities) for p in self.plan.priorities], [3, 3, 4, 3, 5, 4, 5, 5, 1, 1, 7, 2, 3, 3, 2, 5, 4]
        )
        numbered = [a for p in self.plan.priorities for a in p.activities if a.number]
        self.assertEqual((self.plan.activity_count, len(numbered)), (60, 59))

    def test_it_reads_the_unnumbered_activity_of_core_priority_3(self):
        activities = self.block("core", "3").activities
        self.assertEqual([a.number for a in activities], [1, 2, None])
        self.assertTrue(activities[2].text.startswith("Appui à la préparation du Forum"))
        self.assertEqual(
            activities[2].deadline_lines, ["3e trimestre-4e trimestre 2021 ; 1er trimestre-2e trimestre 2022"]
        )

    def test_it_joins_wrapped_lines(self):
        first = self.block("core", "2.1").activities[0]
        self.assertIn("examens nationaux volontaires", first.text)
        self.assertEqual(first.deadline_lines, ["2e trimestre 2021"])
        last = self.block("core", "4").activities[4]
        self.assertTrue(last.text.endswith("mise en œuvre du Pacte mondial."))
        self.assertEqual(
            self.block("thematic", "6").activities[4].deadline_lines, ["1er et 2e trimestres 2022", "2021-2022"]
        )

    def test_it_reads_titles(self):
        self.assertEqual(self.block("core", "4").title, "Parler d'une seule voix")
        self.assertEqual(self.block("working_group").title, "Alternatives à la détention des immigrants")

    def test_it_reads_objectives_and_thematic_areas(self):
        atd = self.block("working_group", "", "Alternatives")
        self.assertEqual((atd.objectives, atd.objectives_text, atd.thematic_area), ([13, 7, 10], "13, 7 et 10", 2))
        t2 = self.block("thematic", "2")
        self.assertTrue(t2.cross_cutting)
        self.assertEqual((t2.objectives, t2.all_objectives, t2.thematic_area), ([], False, 4))
        t6 = self.block("thematic", "6")
        self.assertTrue(t6.all_objectives)
        self.assertEqual(t6.thematic_area, 1)
        self.assertEqual(self.block("thematic", "3").objectives, [20])
        self.assertEqual(self.block("thematic", "1").thematic_area, 5)
        self.assertIsNone(self.block("core", "1").thematic_area)

    def test_it_reads_block_organisations(self):
        core21 = self.block("core", "2.1")
        self.assertEqual(core21.leads, ["OIM", "PNUD"])
        self.assertIn("Comité d'action", core21.participants)
        self.assertEqual(core21.org_notes["Comité d'action"], "représenté par Migrant Forum in Asia")
        atd = self.block("working_group", "", "Alternatives")
        self.assertEqual(atd.observers, ["Global Detention Project", "CICR"])
        self.assertEqual(len(self.block("core", "2.2").participants), 13)  # the list wraps over a blank line

    def test_it_reads_leads_per_activity_in_thematic_priorities(self):
        leads = {p.code: [a.leads for a in p.activities] for p in self.plan.priorities if p.kind == "thematic"}
        self.assertEqual(
            leads["1"],
            [
                ["OMS"],
                ["OMS"],
                ["OMS", "ONU-Habitat"],
                ["OMS"],
                ["OIM", "PNUD", "OMS", "OIT"],
                ["OIT", "OIM", "HCDH", "HCR", "UNICEF", "OMS"],
                ["OIT", "PNUD"],
            ],
        )
        self.assertEqual(leads["2"], [["OIM", "PNUD", "DESA"], ["OIM"]])
        self.assertEqual(leads["3"], [["FIDA"]] * 3)
        self.assertEqual(leads["4"], [["CCNUCC", "OIM"]] * 3)
        self.assertEqual(leads["5"], [["ONUDC", "OIM"]] * 2)
        t1 = self.block("thematic", "1")
        self.assertEqual(t1.activities[0].remarks, ["tous les membres du Comité exécutif"])
        self.assertEqual(t1.activities[4].participants, [])
        self.assertEqual(len(t1.activities[1].participants), 14)


class ResolveSeedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_taxonomy()

    def test_it_resolves_every_organisation_to_exactly_one(self):
        plan = parse_document(seed_bytes(), SEED.name)
        resolution = resolve(plan)
        self.assertEqual(resolution.unknown, [])
        by_name = {name: org.slug for name, org in resolution.organisations.items()}
        self.assertEqual(by_name["Organisation internationale des employeurs (OIE)"], "ioe")
        self.assertEqual(by_name["OIE"], "ioe")
        self.assertEqual(
            by_name["Centre de développement de l'Organisation de coopération et de développement économiques (OCDE)"],
            "oecd-development-centre",
        )
        self.assertEqual(by_name["OCDE"], "oecd")
        self.assertEqual(by_name["Asia Pacific Refugee Rights Network (APRNN)"], by_name["APRRN"])
        self.assertEqual(by_name["Quaker UN Office (QUINO)"], "quno")
        self.assertEqual(by_name["Jill Alpes (chercheur)"], "jill-alpes")
        self.assertEqual(
            by_name["Rapporteur spécial sur les droits humains des migrants"], "special-rapporteur-migrants"
        )
        self.assertEqual(
            by_name["Rapporteur spécial des Nations Unies sur les droits humains des migrants"],
            "special-rapporteur-migrants",
        )
        self.assertEqual(by_name["Expert Working Group on Addressing Women Rights in the GCM"], "ewg")
        self.assertEqual(by_name["Women in Migration Network (WIMN)"], by_name["WIMN"])

    def test_it_parses_every_deadline(self):
        resolution = resolve(parse_document(seed_bytes(), SEED.name))
        self.assertEqual(resolution.unparsed, [])
        self.assertEqual(len(resolution.deadlines), 60)


class ImportSeedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_taxonomy()
        cls.sam = make_user("sam-importer@example.org")

    def import_seed(self):
        data = seed_bytes()
        return do_import_workplan(parse_document(data, SEED.name), user=self.sam, filename=SEED.name, data=data)

    def test_it_imports_the_seed_quickly(self):
        started = time.perf_counter()
        result = self.import_seed()
        self.assertLess(time.perf_counter() - started, 2)
        plan = result.plan
        self.assertTrue(result.created)
        self.assertEqual(plan.slug, "2021-2022")
        self.assertEqual(plan.title_fr, "Plan de travail du Réseau : priorités pour 2021-2022")
        self.assertEqual(plan.source_language, "fr")
        self.assertEqual(plan.priorities.count(), 17)
        self.assertEqual(Activity.objects.filter(priority__workplan=plan).count(), 60)
        self.assertEqual(Activity.objects.filter(priority__workplan=plan, number__isnull=True).count(), 1)
        self.assertFalse(Activity.objects.filter(deadline_state=Activity.DeadlineState.UNPARSED).exists())
        self.assertEqual(Activity.objects.filter(deadline_state=Activity.DeadlineState.NONE).count(), 4)

    def test_it_saves_objectives_areas_and_organisations(self):
        plan = self.import_seed().plan
        atd = plan.priorities.get(slug="alternatives-a-la-detention-des-immigrants")
        self.assertEqual(sorted(atd.objectives.values_list("number", flat=True)), [7, 10, 13])
        self.assertEqual(atd.thematic_area.number, 2)
        self.assertEqual(
            list(atd.involvements.filter(role=Involvement.LEAD).values_list("organisation__slug", flat=True)),
            ["idc", "unhcr", "unicef"],
        )
        self.assertEqual(atd.involvements.filter(role=Involvement.OBSERVER).count(), 2)
        t6 = plan.priorities.get(slug="thematic-6")
        self.assertTrue(t6.all_objectives)
        self.assertTrue(plan.priorities.get(slug="thematic-2").cross_cutting)
        note = PriorityOrganisation.objects.get(priority__slug="core-2-1", organisation__slug="action-committee").note
        self.assertEqual(note, "représenté par Migrant Forum in Asia")
        activity = Activity.objects.get(priority__slug="thematic-1", number=3)
        self.assertEqual([o.slug for o in activity.leads], ["who", "un-habitat"])
        core1 = Activity.objects.for_list().get(priority__slug="core-1", number=1)
        self.assertEqual([o.slug for o in core1.leads], ["iom"])

    def test_it_sets_deadline_fields(self):
        self.import_seed()
        unnumbered = Activity.objects.get(priority__slug="core-3", number__isnull=True)
        self.assertEqual(unnumbered.deadline_text, "3e trimestre-4e trimestre 2021 ; 1er trimestre-2e trimestre 2022")
        self.assertEqual(unnumbered.periods.count(), 2)
        self.assertEqual(
            (unnumbered.start_date, unnumbered.due_date), (datetime.date(2021, 7, 1), datetime.date(2022, 6, 30))
        )
        two_lines = Activity.objects.get(priority__slug="thematic-6", number=5)
        self.assertEqual(two_lines.deadline_text, "1er et 2e trimestres 2022\n2021-2022")
        ongoing = Activity.objects.get(priority__slug="thematic-7", number=1)
        self.assertTrue(ongoing.ongoing)
        inferred = Activity.objects.get(priority__slug="alternatives-a-la-detention-des-immigrants", number=2)
        self.assertEqual(inferred.deadline_state, Activity.DeadlineState.INFERRED)

    def test_it_records_the_run_and_the_source_document(self):
        result = self.import_seed()
        run = ImportRun.objects.get()
        self.assertEqual((run.workplan, run.created_by, run.created), (result.plan, self.sam, True))
        self.assertEqual(run.summary["activities"], 60)
        self.assertEqual(run.summary["unparsed_deadlines"], [])
        self.assertEqual(len(run.summary["remarks"]), 2)
        self.assertEqual(len(result.plan.source_sha256), 64)
        self.assertEqual(result.plan.source_document.read(), seed_bytes())

    def test_it_reimports_without_duplicates_and_keeps_status_updates(self):
        plan = self.import_seed().plan
        activity = Activity.objects.get(priority__slug="core-1", number=2)
        StatusUpdate.objects.create(activity=activity, status="on_track", narrative="Going well", author=self.sam)
        counts = (
            Priority.objects.count(),
            Activity.objects.count(),
            ActivityPeriod.objects.count(),
            PriorityOrganisation.objects.count(),
            ActivityOrganisation.objects.count(),
        )
        result = self.import_seed()
        self.assertFalse(result.created)
        self.assertEqual(result.plan, plan)
        self.assertEqual(WorkPlan.objects.count(), 1)
        self.assertEqual(
            counts,
            (
                Priority.objects.count(),
                Activity.objects.count(),
                ActivityPeriod.objects.count(),
                PriorityOrganisation.objects.count(),
                ActivityOrganisation.objects.count(),
            ),
        )
        self.assertEqual(Activity.objects.get(priority__slug="core-1", number=2).pk, activity.pk)
        self.assertEqual(activity.updates.count(), 1)
        self.assertEqual(ImportRun.objects.count(), 2)

    def test_it_keeps_a_confirmed_deadline_on_reimport(self):
        self.import_seed()
        activity = Activity.objects.get(priority__slug="alternatives-a-la-detention-des-immigrants", number=2)
        do_fix_activity_deadline(activity, text=activity.deadline_text, confirm=True, user=self.sam)
        self.import_seed()
        activity.refresh_from_db()
        self.assertEqual(activity.deadline_state, Activity.DeadlineState.CONFIRMED)


class ImportOtherLanguagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_taxonomy()

    def test_it_imports_the_english_markdown_plan(self):
        data = (DATA / "workplan-en.md").read_bytes()
        parsed = parse_document(data, "workplan-en.md")
        self.assertEqual(parsed.source_language, "en")
        self.assertEqual(resolve(parsed).unknown, ["Friends of Imaginary Detention Reform"])
        result = do_import_workplan(
            parsed, mapping={"Friends of Imaginary Detention Reform": NEW}, data=data, filename="workplan-en.md"
        )
        plan = result.plan
        self.assertEqual(
            (plan.slug, plan.title_en, plan.as_of),
            ("2023-2024", "Network work plan: priorities for 2023-2024", "As of 15 March 2023"),
        )
        self.assertEqual(
            list(plan.priorities.values_list("slug", flat=True)),
            ["core-1", "alternatives-to-immigration-detention", "thematic-1"],
        )
        self.assertEqual(Activity.objects.filter(priority__workplan=plan).count(), 6)
        created = Organisation.objects.get(name_en="Friends of Imaginary Detention Reform")
        self.assertEqual(created.kind, Organisation.Kind.OTHER)
        self.assertTrue(PriorityOrganisation.objects.filter(organisation=created).exists())
        activity = Activity.objects.get(priority__workplan=plan, priority__slug="thematic-1", number=2)
        self.assertEqual(
            (activity.text_en, activity.source_language, activity.ongoing),
            ("Support UN country teams in their recovery plans", "en", True),
        )
        self.assertEqual(
            [
                o.slug
                for o in activity.organisations.filter(activity_involvements__role="lead").order_by(
                    "activity_involvements__order"
                )
            ],
            ["iom", "undp"],
        )

    def test_it_refuses_unmapped_unknown_organisations(self):
        data = (DATA / "workplan-en.md").read_bytes()
        with self.assertRaises(UnknownOrganisationsError) as ctx:
            do_import_workplan(parse_document(data, "workplan-en.md"), data=data)
        self.assertEqual(ctx.exception.names, ["Friends of Imaginary Detention Reform"])
        self.assertIn("Friends of Imaginary Detention Reform", ctx.exception.message)
        self.assertFalse(WorkPlan.objects.exists())

    def test_it_maps_an_unknown_name_to_an_existing_organisation_and_remembers_it(self):
        data = (DATA / "workplan-en.md").read_bytes()
        idc = Organisation.objects.get(slug="idc")
        do_import_workplan(
            parse_document(data, "workplan-en.md"), mapping={"Friends of Imaginary Detention Reform": idc.pk}
        )
        self.assertEqual(Organisation.objects.resolving("Friends of Imaginary Detention Reform").get(), idc)
        self.assertEqual(resolve(parse_document(data, "workplan-en.md")).unknown, [])

    def test_it_imports_the_spanish_text_plan(self):
        data = (DATA / "workplan-es.txt").read_bytes()
        parsed = parse_document(data, "workplan-es.txt")
        self.assertEqual(parsed.source_language, "es")
        self.assertEqual(resolve(parsed).unknown, [])
        plan = do_import_workplan(parsed, data=data, filename="workplan-es.txt").plan
        self.assertEqual(plan.title_es, "Plan de trabajo de la Red: prioridades para 2023-2024")
        self.assertEqual(list(plan.priorities.values_list("slug", flat=True)), ["core-2-1", "thematic-3"])
        t3 = plan.priorities.get(slug="thematic-3")
        self.assertTrue(t3.all_objectives)
        self.assertEqual(t3.thematic_area.number, 4)
        activity = t3.activities.get()
        self.assertEqual(activity.due_date, datetime.date(2023, 12, 31))
        self.assertEqual(sorted(activity.organisations.values_list("slug", flat=True)), ["ifad", "un-women", "undp"])

    def test_it_imports_a_docx_with_list_numbering(self):
        document = docx.Document()
        document.add_paragraph("PLAN DE TRAVAIL DU RÉSEAU PRIORITÉS POUR 2025-2026")
        for code, title, items in [
            (
                "1",
                "Le Pôle fonctionne",
                [("Organiser des discussions", "2025"), ("Créer des espaces", "2e trimestre 2025")],
            ),
            ("2", "Parler d'une seule voix", [("Stratégie de communication", "2026")]),
        ]:
            document.add_paragraph(f"Priorité essentielle {code}", style="Heading 2")
            document.add_paragraph(title)
            document.add_paragraph("Activités :")
            for text, deadline in items:
                document.add_paragraph(text, style="List Number")
                document.add_paragraph(f"Échéance : {deadline}", style="List Bullet")
            document.add_paragraph("Organismes chefs de file : OIM et HCDH")
        buffer = io.BytesIO()
        document.save(buffer)
        data = buffer.getvalue()
        parsed = parse_document(data, "plan.docx")
        self.assertEqual(parsed.source_language, "fr")
        self.assertEqual(
            [[(a.number, a.text, a.deadline_lines) for a in p.activities] for p in parsed.priorities],
            [
                [(1, "Organiser des discussions", ["2025"]), (2, "Créer des espaces", ["2e trimestre 2025"])],
                [(1, "Stratégie de communication", ["2026"])],
            ],
        )
        plan = do_import_workplan(parsed, data=data, filename="plan.docx").plan
        self.assertEqual(plan.slug, "2025-2026")
        self.assertEqual(Activity.objects.filter(priority__workplan=plan).count(), 3)
        self.assertEqual(PriorityOrganisation.objects.filter(priority__workplan=plan, role="lead").count(), 4)


class CorruptFilesTest(TestCase):
    def assert_refused(self, data: bytes, filename: str):
        with self.assertRaises(WorkPlanImportError) as ctx:
            do_import_workplan(parse_document(data, filename), data=data, filename=filename)
        self.assertTrue(str(ctx.exception.message))
        self.assertFalse(WorkPlan.objects.exists())
        self.assertFalse(ImportRun.objects.exists())
        return ctx.exception

    def test_it_refuses_a_pdf(self):
        self.assertIn("PDF", str(self.assert_refused(b"%PDF-1.7\n...", "plan.pdf").message))

    def test_it_refuses_random_bytes(self):
        self.assert_refused(bytes(range(256)) * 8, "plan.txt")

    def test_it_refuses_a_docx_that_is_not_a_zip(self):
        self.assert_refused(b"this is not a zip archive", "plan.docx")

    def test_it_refuses_a_broken_zip(self):
        self.assert_refused(b"PK\x03\x04" + b"\x00" * 200, "plan.docx")

    def test_it_refuses_a_text_without_priorities(self):
        self.assert_refused(b"Bonjour.\n\nCeci n'est pas un plan de travail.", "notes.txt")

    def test_it_refuses_an_empty_file_and_unknown_types(self):
        self.assert_refused(b"", "plan.txt")
        self.assert_refused(b"Core priority 1\nTitle\n", "plan.xlsx")
