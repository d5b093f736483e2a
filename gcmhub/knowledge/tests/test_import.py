import csv
import io
import json

from django.core.management import CommandError, call_command
from django.utils import translation

from gcmhub.knowledge.importer import (
    ImportFileError,
    ImportHasErrors,
    check_import_file,
    do_import_knowledge,
    read_rows,
)
from gcmhub.knowledge.models import Practice, PracticeEvent, Resource, ResourceEvent
from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import BaseTestCase, make_objective, make_priority, make_region, make_resource, make_thematic_area

HEADER = [
    "kind",
    "language",
    "title",
    "summary",
    "type",
    "publication_date",
    "publishers",
    "countries",
    "objectives",
    "principles",
    "thematic_area",
    "languages",
    "external_url",
    "submitter",
    "status",
]


def to_csv(rows, header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


class ImportDataMixin:
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.obj1, cls.obj2 = make_objective(1), make_objective(2)
        cls.area = make_thematic_area(3)
        cls.principle = GuidingPrinciple.objects.create(
            code="a", order=1, name_en="People-centred", name_fr="Dimension humaine", name_es="Centrada"
        )
        cls.africa = make_region(m49="002", name_en="Africa", name_fr="Afrique", name_es="África")

    def resource_row(self, **overrides):
        row = {
            "kind": "resource",
            "language": "fr",
            "title": "Guide des retours",
            "summary": "Un guide.",
            "type": "guidance",
            "publication_date": "2021-03-04",
            "publishers": "OIM; HCDH",
            "countries": "Maroc",
            "objectives": "1, 2",
            "principles": "a",
            "thematic_area": "3",
            "languages": "fr, en",
            "external_url": "https://example.org/guide",
        }
        row.update(overrides)
        return row

    def practice_row(self, **overrides):
        row = {
            "kind": "practice",
            "language": "es",
            "title": "Ventanilla única",
            "summary": "Una ventanilla.",
            "countries": "MAR",
            "objectives": "todos",
            "submitter": "alice@example.org",
        }
        row.update(overrides)
        return row


class ReadRowsTestCase(ImportDataMixin, BaseTestCase):
    def test_it_reads_csv_with_semicolons_and_numbers_rows_as_in_a_spreadsheet(self):
        data = to_csv([self.resource_row(), self.resource_row(title="Autre")], delimiter=";")
        read = read_rows(data, "file.csv")
        self.assertEqual([n for n, _row in read.rows], [2, 3])
        self.assertEqual(read.rows[0][1]["publishers"], "OIM; HCDH")
        self.assertEqual(read.ignored_columns, [])

    def test_it_reads_json_lists_and_reports_unknown_columns(self):
        data = json.dumps({"items": [self.resource_row(countries=["MA", "Morocco"], colour="red")]}).encode()
        read = read_rows(data, "file.json")
        self.assertEqual(read.rows[0][0], 1)
        self.assertEqual(read.rows[0][1]["countries"], ["MA", "Morocco"])
        self.assertEqual(read.ignored_columns, ["colour"])

    def test_it_reads_xlsx(self):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Kind", "Source language", "Title", "Objectives", "Publication date"])
        sheet.append(["resource", "en", "Excel guide", 2, None])
        out = io.BytesIO()
        workbook.save(out)
        rows = read_rows(out.getvalue(), "file.xlsx").rows
        self.assertEqual(rows, [(2, {"kind": "resource", "language": "en", "title": "Excel guide", "objectives": "2"})])

    def test_it_rejects_unreadable_files(self):
        for data, name in ((b"", "a.csv"), (b"{", "a.json"), (b"not a zip", "a.xlsx"), (b"x", "a.txt")):
            with self.subTest(name=name), self.assertRaises(ImportFileError):
                read_rows(data, name)


class ValidateTestCase(ImportDataMixin, BaseTestCase):
    def test_it_resolves_names_in_any_language(self):
        report = check_import_file(to_csv([self.resource_row()]), "f.csv")
        self.assertEqual(report.errors, [])
        row = report.rows[0]
        self.assertEqual(row.relations["publishers"], [self.iom.pk, self.ohchr.pk])
        self.assertEqual(row.relations["countries"], [self.morocco.pk])
        self.assertEqual(row.relations["objectives"], [self.obj1.pk, self.obj2.pk])
        self.assertEqual(row.relations["principles"], [self.principle.pk])
        self.assertEqual(row.values["thematic_area_id"], self.area.pk)
        self.assertEqual(row.values["title_fr"], "Guide des retours")
        self.assertEqual(row.values["languages"], ["fr", "en"])
        self.assertEqual((row.action, row.kind), ("create", "resource"))

    def test_it_lists_each_error_with_its_row_and_column(self):
        rows = [
            self.resource_row(),
            self.resource_row(title="B", publishers="Nobody", objectives="24", publication_date="03/04/2021"),
            self.practice_row(submitter="ghost@example.org", language="de"),
        ]
        report = check_import_file(to_csv(rows), "f.csv")
        found = {(e.row, e.field) for e in report.errors}
        self.assertEqual(
            found, {(3, "publishers"), (3, "objectives"), (3, "publication_date"), (4, "submitter"), (4, "language")}
        )
        self.assertEqual(report.counts()["valid"], 1)
        messages = {e.field: e.message for e in report.errors}
        self.assertEqual(messages["publishers"], "No organisation is known as “Nobody”.")
        self.assertEqual(messages["submitter"], "No account has the e-mail address ghost@example.org.")

    def test_it_writes_messages_in_the_active_language(self):
        with translation.override("fr"):
            report = check_import_file(to_csv([self.resource_row(kind="")]), "f.csv")
            self.assertEqual(report.errors[0].message, translation.gettext("This field is required."))

    def test_it_matches_existing_items_by_title_slug_or_id(self):
        existing = make_resource(title_en="Return guide", title_fr="Guide des retours")
        other = make_resource(title_en="Other", slug="other")
        rows = [self.resource_row(), self.resource_row(title="Nouveau", slug="other")]
        report = check_import_file(to_csv(rows, header=[*HEADER, "slug"]), "f.csv")
        self.assertEqual([(r.action, r.target) for r in report.rows], [("update", existing.pk), ("update", other.pk)])
        report = check_import_file(json.dumps([self.resource_row(id=999999)]).encode(), "f.json")
        self.assertEqual(report.errors[0].field, "id")

    def test_it_flags_the_same_item_twice_in_a_file(self):
        report = check_import_file(to_csv([self.resource_row(), self.resource_row()]), "f.csv")
        self.assertEqual([(e.row, e.field) for e in report.errors], [(3, "title")])


class DoImportTestCase(ImportDataMixin, BaseTestCase):
    def test_it_creates_resources_and_practices_with_their_links(self):
        report = check_import_file(to_csv([self.resource_row(), self.practice_row()]), "f.csv")
        result = do_import_knowledge(report, user=self.sam, filename="f.csv")
        self.assertEqual(
            (result.created, result.updated), ({"resource": 1, "practice": 1}, {"resource": 0, "practice": 0})
        )
        resource = Resource.objects.get()
        self.assertEqual(
            (resource.title_fr, resource.status, resource.kind, resource.source_language),
            ("Guide des retours", "published", "guidance", "fr"),
        )
        self.assertEqual(resource.slug, "guide-des-retours")
        self.assertEqual(set(resource.publishers.all()), {self.iom, self.ohchr})
        self.assertEqual(set(resource.objectives.all()), {self.obj1, self.obj2})
        self.assertEqual(resource.published_at.date().isoformat(), "2021-03-04")
        self.assertEqual(ResourceEvent.objects.get().note, "Imported from f.csv")
        practice = Practice.objects.get()
        self.assertEqual((practice.status, practice.submitter, practice.language), ("published", self.alice, "es"))
        self.assertEqual(set(practice.objectives.all()), {self.obj1, self.obj2})  # "todos"
        # One event: published by the import, reviewed on the previous platform (not by gcmhub's review).
        self.assertEqual(list(PracticeEvent.objects.values_list("action", flat=True)), ["imported"])
        self.assertIn(practice, Practice.objects.published())

    def test_it_imports_practices_as_submitted_when_asked(self):
        report = check_import_file(to_csv([self.practice_row(status="submitted")]), "f.csv")
        do_import_knowledge(report, user=self.sam)
        practice = Practice.objects.get()
        self.assertEqual((practice.status, practice.published_at), ("submitted", None))

    def test_it_updates_a_matching_item(self):
        existing = make_resource(title_en="Return guide", title_fr="Guide des retours", objectives=[self.obj2])
        report = check_import_file(to_csv([self.resource_row(objectives="1", summary="Nouveau résumé")]), "f.csv")
        result = do_import_knowledge(report, user=self.sam)
        self.assertEqual(result.updated["resource"], 1)
        existing.refresh_from_db()
        self.assertEqual(existing.summary_fr, "Nouveau résumé")
        self.assertEqual(list(existing.objectives.all()), [self.obj1])
        self.assertEqual(Resource.objects.count(), 1)

    def test_it_keeps_the_status_of_an_updated_resource_unless_the_row_gives_one(self):
        proposal = make_resource(title_en="Guide des retours", status="proposed")
        do_import_knowledge(check_import_file(to_csv([self.resource_row()]), "f.csv"))
        proposal.refresh_from_db()
        self.assertEqual((proposal.status, proposal.published_at), ("proposed", None))
        do_import_knowledge(check_import_file(to_csv([self.resource_row(status="published")]), "f.csv"))
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, "published")
        self.assertEqual(proposal.published_at.date().isoformat(), "2021-03-04")
        self.assertEqual(list(proposal.events.values_list("from_status", "to_status")), [("proposed", "published")])

    def test_it_saves_nothing_from_a_file_with_errors_unless_asked(self):
        report = check_import_file(
            to_csv([self.resource_row(), self.resource_row(title="B", countries="Atlantis")]), "f.csv"
        )
        with self.assertRaises(ImportHasErrors):
            do_import_knowledge(report, user=self.sam)
        self.assertFalse(Resource.objects.exists())
        result = do_import_knowledge(report, user=self.sam, valid_only=True)
        self.assertEqual((result.created["resource"], result.skipped), (1, 1))

    def test_it_links_an_output_of_the_work_plan(self):
        priority = make_priority(slug="core-1")
        report = check_import_file(json.dumps([self.resource_row(output_of="priority:core-1")]).encode(), "f.json")
        do_import_knowledge(report)
        self.assertEqual(Resource.objects.get().output_of_priority, priority)


class CommandTestCase(ImportDataMixin, BaseTestCase):
    def write(self, rows):
        from django.conf import settings

        path = settings.MEDIA_ROOT / "command-test.csv"
        path.write_bytes(to_csv(rows))
        return path

    def test_it_imports_a_file(self):
        out = io.StringIO()
        call_command("import_knowledge", str(self.write([self.resource_row()])), stdout=out)
        self.assertIn("resources 1 new", out.getvalue())
        self.assertEqual(Resource.objects.count(), 1)

    def test_it_refuses_a_file_with_errors_and_dry_run_saves_nothing(self):
        path = self.write([self.resource_row(), self.resource_row(title="B", objectives="99")])
        out = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_knowledge", str(path), stdout=out)
        self.assertIn("Row 3, objectives:", out.getvalue())
        call_command("import_knowledge", str(path), "--dry-run", "--valid-only", stdout=io.StringIO())
        self.assertFalse(Resource.objects.exists())
        call_command("import_knowledge", str(path), "--valid-only", stdout=io.StringIO())
        self.assertEqual(Resource.objects.count(), 1)
