from gcmhub.test import BaseTestCase
from gcmhub.workplan.models import Activity


class OtherParticipantsTests(BaseTestCase):
    def test_it_keeps_participants_that_are_not_organisations_and_shows_them(self):
        from pathlib import Path

        from gcmhub.taxonomy.organisations_data import load_organisations
        from gcmhub.workplan.importer import do_import_workplan, parse_document

        load_organisations()
        seed = Path(__file__).resolve().parents[1] / "data" / "workplan-2021-2022-fr.txt"
        data = seed.read_bytes()
        plan = do_import_workplan(parse_document(data, seed.name), filename=seed.name, data=data).plan
        activity = Activity.objects.get(
            priority__workplan=plan, priority__code="1", priority__kind="thematic", number=1
        )
        self.assertEqual(activity.other_participants, "tous les membres du Comité exécutif")
        response = self.client.get(f"/en/workplan/activities/{activity.pk}/")
        self.assertContains(response, '<p lang="fr" dir="ltr">tous les membres du Comité exécutif</p>', html=True)
