"""The work plan's user journeys (issue 2), in Debian's Chromium, each page checked by axe-core."""

import datetime
import io
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from icalendar import Calendar

from tests.browser.conftest import PASSWORD, assert_accessible, login, make_account

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_newcomer_reads_the_plan_in_french_filters_it_opens_the_calendar_and_switches_to_english(page, seeded_plan):
    page.goto("/")
    assert page.url.endswith("/en/")  # the browser asks for English first
    page.goto("/fr/workplan/")
    assert urlparse(page.url).path == f"/fr/workplan/{seeded_plan.slug}/"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "2021-2022" in page.locator("h1").inner_text()
    assert_accessible(page, "overview (fr)")

    page.locator(f"main a[href='/fr/workplan/{seeded_plan.slug}/activities/']").first.click()
    page.locator("#id_objective").select_option("13")
    page.locator("#id_lead").select_option("unhcr")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    query = parse_qs(urlparse(page.url).query)
    assert query["objective"] == ["13"] and query["lead"] == ["unhcr"]
    rows = page.locator("main .activity-row")
    assert rows.count() == 5  # the five activities of the working group on alternatives to detention
    assert_accessible(page, "filtered activities (fr)")

    # The filtered view is a shareable URL: opening it afresh gives the same list.
    shared = page.url
    page.goto(shared)
    assert page.locator("main .activity-row").count() == 5

    page.locator(f"nav a[href^='/fr/workplan/{seeded_plan.slug}/calendar/']").first.click()
    page.wait_for_load_state()
    assert "/calendar/" in page.url
    assert page.locator("table").first.is_visible()
    assert_accessible(page, "calendar (fr)")

    page.locator(".lang-switcher a[hreflang=en]").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == f"/en/workplan/{seeded_plan.slug}/calendar/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page, "calendar (en)")


def test_a_lead_agencys_focal_point_logs_in_and_updates_an_activity(page, seeded_plan):
    from gcmhub.accounts.models import Role
    from gcmhub.taxonomy.models import Organisation
    from gcmhub.workplan.models import Activity

    iom = Organisation.objects.get(slug="iom")
    make_account("focal@iom.example.org", kind=Role.Kind.NETWORK_FOCAL_POINT, organisation=iom)
    activity = Activity.objects.filter(priority__workplan=seeded_plan).leads_by("iom").order_by("pk").first()

    login(page, "focal@iom.example.org", PASSWORD)
    page.goto(f"/en/workplan/activities/{activity.pk}/")
    assert_accessible(page, "activity page with forms")
    page.evaluate("window.__noReload = true")

    # A validation error keeps what was typed.
    page.locator("#id_status-status").select_option("on_track")
    page.locator("#id_status-percent_complete").fill("150")
    page.locator("#id_status-narrative").fill("Training piloted with three UN country teams.")
    page.get_by_role("button", name="Post the status update").click()
    page.locator(".errorlist").first.wait_for()
    assert page.locator("#id_status-narrative").input_value() == "Training piloted with three UN country teams."
    assert_accessible(page, "status form with errors")

    page.locator("#id_status-percent_complete").fill("60")
    page.get_by_role("button", name="Post the status update").click()
    page.locator("#activity-updates .message--success").wait_for()
    assert page.evaluate("window.__noReload === true"), "the update was posted without reloading the page"
    assert "Training piloted with three UN country teams." in page.locator("#activity-updates").inner_text()

    activity.refresh_from_db()
    assert activity.status == "on_track" and activity.percent_complete == 60
    assert activity.updates.get().author.email == "focal@iom.example.org"


ENGLISH_PLAN = """NETWORK WORK PLAN PRIORITIES FOR 2023-2024

As of 15 January 2023

CORE PRIORITIES

Core priority 1

The Migration Network Hub works as a one-stop shop of knowledge on migration

Activities:

1. Hold discussions on selected GCM objectives with experts, Member States and stakeholders.
 - Deadline: Q2 2023
2. Build spaces to collect feedback on the Network's tools and guidance.
 - Deadline: 2023-2024

Lead entity: IOM

Participating entities: OHCHR, UNDP, Northern Lights Migrant Coalition, The UN Migration Agency

GCM objectives: 1 and 23

Thematic area 1: Promoting fact-based and data-driven migration discourse, policy and planning
"""


def test_the_secretariat_uploads_a_plan_reviews_the_preview_maps_an_unknown_organisation_and_saves(
    page, seeded_plan, tmp_path
):
    from gcmhub.accounts.models import Role
    from gcmhub.taxonomy.models import Organisation
    from gcmhub.workplan.models import WorkPlan

    make_account("secretariat@example.org", kind=Role.Kind.SECRETARIAT)
    login(page, "secretariat@example.org", PASSWORD)
    document = tmp_path / "workplan-2023-2024.md"
    document.write_text(ENGLISH_PLAN, encoding="utf-8")

    page.goto("/en/workplan/import/")
    assert_accessible(page, "import upload")
    page.locator("input[type=file]").set_input_files(str(document))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/preview/" in page.url
    body = page.locator("main").inner_text()
    assert "Northern Lights Migrant Coalition" in body
    assert "Q2 2023" in body or "2023" in body
    assert_accessible(page, "import preview")

    # Saving without choosing is refused, and nothing is lost.
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    assert WorkPlan.objects.count() == 1

    # One unknown name is another name of IOM; the other is a new organisation.
    page.get_by_label("The UN Migration Agency").select_option(str(Organisation.objects.get(slug="iom").pk))
    page.get_by_label("Northern Lights Migrant Coalition").select_option("new")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()

    plan = WorkPlan.objects.exclude(pk=seeded_plan.pk).get()
    assert urlparse(page.url).path == f"/en/workplan/{plan.slug}/"
    assert plan.priorities.get().activities.count() == 2
    names = {o.name_en for o in plan.priorities.get().organisations.all()}
    assert "Northern Lights Migrant Coalition" in names
    assert Organisation.objects.resolving("The UN Migration Agency").get().slug == "iom"
    assert_accessible(page, "new plan overview")


def test_exports_download_and_open(page, seeded_plan, tmp_path):
    page.goto(f"/en/workplan/{seeded_plan.slug}/activities/?lead=iom")

    with page.expect_download() as xlsx_download:
        page.locator("a[href*='activities.xlsx']").first.click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    xlsx_path = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx_path)
    workbook = openpyxl.load_workbook(xlsx_path)
    sheet = workbook.worksheets[0]
    assert sheet.max_row > 2
    header = [cell.value for cell in sheet[1]]
    assert any("Activity" in str(h) or "activity" in str(h) for h in header)

    with page.expect_download() as csv_download:
        page.locator("a[href*='activities.csv']").first.click()
    assert "iom" in csv_download.value.url or "lead=iom" in csv_download.value.url
    assert csv_download.value.path().read_bytes().startswith(b"\xef\xbb\xbf")

    response = page.request.get(f"/feeds/workplan/{seeded_plan.slug}.ics")
    calendar = Calendar.from_ical(response.body())
    events = calendar.walk("VEVENT")
    assert events and isinstance(events[0].decoded("dtstart"), datetime.date)

    response = page.request.get(f"/en/workplan/{seeded_plan.slug}/report.pdf")
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    assert seeded_plan.title_en.split(":")[0] in text or seeded_plan.title_fr.split(":")[0] in text


def _pdf_text(pdf: bytes, tmp_path) -> str:
    import shutil
    import subprocess

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return io.BytesIO(pdf).getvalue().decode("latin-1")


def test_on_a_phone_the_work_plan_pages_fit_the_screen_and_show_results_before_filters(
    browser, live_server, seeded_plan
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812}, locale="en-GB")
    page = context.new_page()
    try:
        base = f"/en/workplan/{seeded_plan.slug}"
        for path in (f"{base}/", f"{base}/activities/", f"{base}/calendar/", f"{base}/dashboard/"):
            page.goto(path)
            # Nothing in the page's own content is wider than the screen.
            assert page.evaluate("document.querySelector('main').scrollWidth <= window.innerWidth"), path
            assert_accessible(page, f"{path} at 375 px")
            if path.endswith(("/activities/", "/calendar/")):
                results = page.locator("main h2").first.bounding_box()["y"]
                filters = page.locator("details.filter-panel").bounding_box()["y"]
                assert results < filters, path
        page.goto(f"{base}/calendar/")
        # The timeline scrolls with the page: it has no horizontal scrolling of its own.
        assert page.evaluate(
            "(() => { const t = document.querySelector('.timeline'); return t.scrollWidth <= t.clientWidth + 1; })()"
        )
        page.goto(f"{base}/")
        # Overview cards use the screen's width, and a value starts on its label's line.
        card = page.locator(".priority-card").first.bounding_box()
        assert card["width"] > 0.85 * 375 - 40
        label = page.locator(".priority-card__meta dt").first.bounding_box()
        value = page.locator(".priority-card__meta dd").first.bounding_box()
        assert abs(label["y"] - value["y"]) < 4
    finally:
        context.close()


def test_an_arabic_visitor_browses_the_work_plan_and_the_hub_right_to_left(page, seeded_plan):
    """Arabic, added by settings, a migration and its interface strings (issue 9 §1): pages are
    right-to-left, the interface is in Arabic, content not yet translated says its own language."""
    page.goto("/en/")
    page.locator(".lang-switcher a[hreflang=ar]").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/ar/"
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert_accessible(page, "home (ar)")

    page.goto("/ar/workplan/")
    assert urlparse(page.url).path == f"/ar/workplan/{seeded_plan.slug}/"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "خطة العمل" in page.locator("body").inner_text()  # the interface speaks Arabic
    # The plan is written in French and not translated yet: its title is marked as French.
    assert page.locator("h1 [lang=fr], h1[lang=fr]").count() >= 1
    assert_accessible(page, "overview (ar)")

    page.goto(f"/ar/workplan/{seeded_plan.slug}/activities/")
    assert page.locator("main .activity-row").count() > 0
    assert_accessible(page, "activities (ar)")

    page.goto(f"/ar/workplan/{seeded_plan.slug}/dashboard/")
    # The charts read right to left: bars grow from the right, labels on their right, the earliest
    # quarter on the right.
    chart = page.locator(".chart__svg").first
    bar, label = chart.locator("rect[fill^='url']").first.bounding_box(), chart.locator("text").first.bounding_box()
    assert label["x"] >= bar["x"] + bar["width"] - 1
    quarters = page.locator("#chart-deadlines .chart__label")
    assert quarters.first.bounding_box()["x"] > quarters.last.bounding_box()["x"]
    assert_accessible(page, "dashboard (ar)")

    page.goto("/ar/hub/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page, "hub (ar)")
