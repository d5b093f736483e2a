"""Ad-hoc: axe-core on every work-plan reading page in EN/FR/ES, with screenshots in /tmp
(run explicitly: `.venv/bin/pytest gcmhub/workplan/tests/axe_workplan_pages.py`; not collected by default)."""

import datetime

import pytest

from gcmhub.test import (
    make_activity,
    make_objective,
    make_organisation,
    make_priority,
    make_thematic_area,
    make_workplan,
)
from gcmhub.workplan.models import ActivityPeriod, Priority, Status
from tests.browser.conftest import assert_accessible, browser, page  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


def test_pages(page):  # noqa: F811
    iom = make_organisation("IOM", name_en="International Organization for Migration", acronym_fr="OIM")
    ohchr = make_organisation("OHCHR", acronym_fr="HCDH")
    area = make_thematic_area(1)
    objective = make_objective(1)
    plan = make_workplan(slug="wp", title_en="Work plan 2021-2022", title_fr="Plan de travail 2021-2022")
    core = make_priority(plan, code="2.1", slug="core", leads=[iom], participants=[ohchr], objectives=[objective],
                         thematic_area=area)
    thematic = make_priority(plan, kind=Priority.Kind.THEMATIC, code="3", slug="thematic", all_objectives=True)
    statuses = list(Status)
    for i in range(30):
        start = D(2021, 1, 1) + datetime.timedelta(days=25 * i)
        activity = make_activity(core if i % 2 else thematic, periods=[(start, start + datetime.timedelta(days=80))],
                                 leads=[ohchr] if i % 3 == 0 else [], status=statuses[i % 7], deadline_text="T2")
        if i % 5 == 0:
            ActivityPeriod.objects.filter(activity=activity).update(year_inferred=True)
    pages = ["", "priorities/core/", "activities/", "activities/?kind=core&period=2021-Q9", "activities/?q=zzz",
             "activities/?page=2", "calendar/", "calendar/?lead=iom", "dashboard/"]
    for lang in ("en", "fr", "es"):
        for url in pages:
            page.goto(f"/{lang}/workplan/wp/{url}")
            assert_accessible(page, f"{lang} {url}")
    for name, url in (("overview", ""), ("list", "activities/?kind=bogus&lead=iom"), ("calendar", "calendar/"),
                      ("dashboard", "dashboard/"), ("priority", "priorities/core/")):
        page.goto(f"/en/workplan/wp/{url}")
        page.screenshot(path=f"/tmp/gcm-workplan-{name}.png", full_page=True)  # noqa: S108
