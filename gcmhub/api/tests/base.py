import datetime

from wagtail.models import APIToken

from gcmhub.test import (
    BaseTestCase,
    make_activity,
    make_objective,
    make_organisation,
    make_priority,
    make_workplan,
)

API = "/api/v1"


class ApiTestCase(BaseTestCase):
    """The personas plus a small work plan: IOM leads priority 1 (activities a1, a2; OHCHR
    participates); UNDP leads a2's sibling priority 2 (activity a3, objective 2)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.undp = make_organisation(
            "UNDP",
            name_en="United Nations Development Programme",
            acronym_fr="PNUD",
            acronym_es="PNUD",
            name_fr="Programme des Nations unies pour le développement",
        )
        cls.obj1 = make_objective(1)
        cls.obj2 = make_objective(2)
        cls.plan = make_workplan(slug="wp-2021", title_en="Work plan 2021-2022", title_fr="Plan de travail 2021-2022")
        cls.p1 = make_priority(cls.plan, leads=[cls.iom], participants=[cls.ohchr], objectives=[cls.obj1], code="1.1")
        cls.p2 = make_priority(cls.plan, leads=[cls.undp], objectives=[cls.obj2], code="2.1")
        cls.a1 = make_activity(
            cls.p1,
            periods=[(datetime.date(2021, 4, 1), datetime.date(2021, 6, 30))],
            text_en="Map return practices",
            text_fr="Cartographier les pratiques de retour",
            text_es="Mapear las prácticas de retorno",
            deadline_text="T2 2021",
        )
        cls.a2 = make_activity(cls.p1, ongoing=True, text_en="Keep the roster", text_fr="Tenir le registre")
        cls.a3 = make_activity(
            cls.p2,
            periods=[(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))],
            text_en="Train officials",
            text_fr="Former les agents",
            status="on_track",
        )

    @staticmethod
    def token_for(user) -> str:
        _instance, plaintext = APIToken.create_token(user=user, name="test")
        return plaintext

    def get_json(self, path, **kwargs):
        response = self.client.get(f"{API}{path}", **kwargs)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8", response.content)
        return response
