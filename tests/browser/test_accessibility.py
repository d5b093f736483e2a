"""axe-core (WCAG 2.1 A and AA rules) finds no violation on any page of the work plan, the
reference data, the accounts, the Hub (knowledge platform) and the search page, in English, French and
Spanish, for visitors and each signed-in role, on a wide screen and on a 375 px phone (where no page
may scroll sideways either)."""

import re

import pytest

from gcmhub.lib.i18n import LANGUAGE_CODES
from tests.browser.conftest import PASSWORD, axe_violations, login, make_account

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


def _findings(violations) -> list:
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations]


def _check(page, key: str, found: dict) -> None:
    """axe on the page as it is (a wide screen), then at 375 px; what fails goes into `found`."""
    if violations := axe_violations(page):
        found[key] = _findings(violations)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    # Let the scripts answer the resize (the filter panel folds, scrolling tables take the focus).
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    try:
        phone = _findings(axe_violations(page))
        # WCAG 1.4.10 (reflow): content fits the width; wide tables scroll inside their own region.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            phone.append(("horizontal-scroll", f"the page is {overflow}px wider than the phone", []))
        if phone:
            found[f"{key} (375 px)"] = phone
    finally:
        page.set_viewport_size(size)


def _older_plan():
    """A plan before the seed's, tagged like it, so the reference pages show their "other work
    plans" lines (objective 13, thematic area 2, IOM)."""
    import datetime

    from gcmhub.taxonomy.models import Objective, Organisation, ThematicArea
    from gcmhub.test import make_activity, make_priority, make_workplan

    older = make_workplan(slug="plan-2019", period_start=datetime.date(2019, 1, 1), is_current=False)
    priority = make_priority(
        older,
        objectives=[Objective.objects.get(number=13)],
        thematic_area=ThematicArea.objects.get(number=2),
        leads=[Organisation.objects.get(slug="iom")],
    )
    make_activity(priority)


def _public_paths(plan):
    from gcmhub.workplan.models import Activity

    _older_plan()

    priority = plan.priorities.order_by("order").first()
    activity = Activity.objects.filter(priority__workplan=plan).order_by("pk").first()
    slug = plan.slug
    return [
        "/",
        f"/workplan/{slug}/",
        f"/workplan/{slug}/activities/",
        f"/workplan/{slug}/activities/?objective=13&lead=unhcr",
        f"/workplan/{slug}/activities/?period=sometime",
        f"/workplan/{slug}/priorities/{priority.slug}/",
        f"/workplan/activities/{activity.pk}/",
        f"/workplan/{slug}/calendar/",
        f"/workplan/{slug}/dashboard/",
        "/gcm/objectives/",
        "/gcm/objectives/13/",
        "/gcm/principles/",
        "/gcm/principles/a/",
        "/gcm/thematic-areas/",
        "/gcm/thematic-areas/2/",
        "/gcm/countries/",
        "/gcm/countries/mar/",
        "/gcm/organisations/",
        "/gcm/organisations/iom/",
        "/workplan/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/sent/",
        "/accounts/verify/new-link/",
        "/accounts/verify/not-a-token/",
        "/accounts/password-reset/",
        "/accounts/logout/",
        "/accounts/password-reset/sent/",
        "/accounts/password-reset/MQ/not-a-token/",
        "/accounts/password-reset/complete/",
        "/no-such-page/",
        "/gcm/objectives/?q=%00",  # the 400 page (a NUL character refused)
    ]


def _secretariat_paths(plan, user):
    from gcmhub.workplan.models import Activity

    activity = Activity.objects.filter(priority__workplan=plan).leads_by("iom").order_by("pk").first()
    return [
        "/me/",
        "/notifications/",
        "/notifications/preferences/",
        "/accounts/profile/",
        "/accounts/tokens/",
        "/accounts/logout/",
        "/accounts/roles/",
        f"/accounts/roles/users/{user.pk}/",
        "/workplan/import/",
        "/workplan/deadlines-to-fix/",
        "/workplan/my-deadlines/",
        f"/workplan/activities/{activity.pk}/",
        f"/workplan/activities/{activity.pk}/deadline/",
        "/translations/",
        "/translations/en/workplan.activity/",
        "/translations/ar/taxonomy.country/",
        f"/translations/es/workplan.activity/{activity.pk}/text/",
        "/translations/es/export/",
        "/translations/es/import/",
    ]


def _sweep(page, lang, paths) -> dict:
    """axe on each path at both widths; a page that fails (5xx) is a finding too: an error page would pass."""
    found = {}
    for path in paths:
        response = page.goto(f"/{lang}{path}")
        if response.status >= 500:
            found[path] = [("http", response.status)]
            continue
        assert page.locator("html").get_attribute("lang") == lang, path
        _check(page, path, found)
    return found


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_page_passes_axe(page, seeded_plan, lang):
    from gcmhub.accounts.models import Role

    found = _sweep(page, lang, _public_paths(seeded_plan))

    sam = make_account("sam@example.org", kind=Role.Kind.SECRETARIAT, language=lang)
    login(page, sam.email, PASSWORD, lang=lang)
    found.update({f"(secretariat) {k}": v for k, v in _sweep(page, lang, _secretariat_paths(seeded_plan, sam)).items()})

    make_account("stella@example.org", language=lang)
    page.context.clear_cookies()
    login(page, "stella@example.org", PASSWORD, lang=lang)
    page.goto(f"/{lang}/workplan/import/")
    assert page.locator("h1").count() == 1
    _check(page, "(stakeholder, 403)", found)

    assert not found, "\n".join(f"{path}: {items}" for path, items in found.items())


# The knowledge platform (the Hub) and the search page -------------------------------------------


def _hub_data():
    """One of everything the Hub's pages show, set up through the ORM: a published practice, one
    in each step of the review, a reviewer in both steps of an assignment, calls open and closed,
    a Network tool with feedback, a proposed resource. Returns what the paths need."""
    import datetime

    from django.utils import timezone

    from gcmhub.accounts.models import Role
    from gcmhub.knowledge.criteria import Criterion
    from gcmhub.knowledge.models import Practice, Resource, Review, ReviewAssignment, ToolFeedback
    from gcmhub.taxonomy.models import Country, Objective, Organisation
    from gcmhub.test import make_assignment, make_call, make_practice, make_resource
    from tests.browser.conftest import make_hub_reviewer

    morocco, mexico = Country.objects.get(iso3="MAR"), Country.objects.get(iso3="MEX")
    six, thirteen = Objective.objects.get(number=6), Objective.objects.get(number=13)
    iom = Organisation.objects.get(slug="iom")
    stella = make_account("stella@example.org")
    make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)
    ines = make_account("ines@iom.example.org", kind=Role.Kind.NETWORK_FOCAL_POINT, organisation=iom)
    rita = make_hub_reviewer("rita@example.org", is_un=True)
    others = [make_hub_reviewer(f"reviewer{n}@example.org", is_un=n == 1) for n in (1, 2, 3)]

    now = timezone.now()
    open_call = make_call(
        title_en="Call for practices on fair recruitment",
        objectives=[six],
        title_fr="Appel à pratiques sur le recrutement équitable",
    )
    closed_call = make_call(
        title_en="Call for practices on alternatives to detention",
        objectives=[thirteen],
        opens_at=now - datetime.timedelta(days=90),
        deadline=now - datetime.timedelta(days=5),
    )
    published = make_practice(
        stella,
        objectives=[six],
        countries=[morocco],
        status=Practice.Status.PUBLISHED,
        call=closed_call,
        title="Ventanilla única para trabajadores migrantes",
        language="es",
        summary="Una ventanilla orienta a los trabajadores migrantes.",
        links="https://example.org/ventanilla",
    )
    draft = make_practice(
        stella, objectives=[six], countries=[morocco], title="Community sponsorship in Lyon", call=open_call
    )
    submitted = make_practice(
        stella,
        objectives=[thirteen],
        countries=[mexico],
        status=Practice.Status.SUBMITTED,
        title="Alternatives to detention for families",
    )
    screening = make_practice(
        stella,
        objectives=[thirteen],
        countries=[mexico],
        status=Practice.Status.IN_REVIEW,
        title="Case management for asylum seekers",
        language="fr",
    )
    scoring = make_practice(
        stella,
        objectives=[six],
        countries=[morocco],
        status=Practice.Status.IN_REVIEW,
        title="Recrutement équitable au Maroc",
        language="fr",
    )
    reviewed = make_practice(
        stella,
        objectives=[six],
        countries=[morocco],
        status=Practice.Status.REVIEWED,
        title="Skills partnership Morocco–Belgium",
    )
    invited = make_assignment(screening, rita)
    accepted = make_assignment(scoring, rita, state=ReviewAssignment.State.ACCEPTED)
    make_assignment(scoring, others[1])
    for reviewer in others:
        done = make_assignment(reviewed, reviewer, state=ReviewAssignment.State.SUBMITTED)
        Review.objects.create(
            assignment=done,
            scores=dict.fromkeys(Criterion.values, 4),
            recommendation="publish",
            comments_for_submitter="Clear and well documented.",
            comments_for_hub="Solid.",
        )

    tool = make_resource(
        title_en="Guidance on national implementation plans",
        is_network_tool=True,
        kind="guidance",
        title_fr="Guide des plans nationaux de mise en œuvre",
        objectives=[six],
        publishers=[iom],
    )
    ToolFeedback.objects.create(
        resource=tool,
        rating=4,
        how_used="To plan consultations.",
        improvements="A checklist.",
        country=morocco,
        language="en",
    )
    resource = make_resource(title_en="Migration data portal guide", objectives=[thirteen], countries=[mexico])
    make_resource(title_en="Proposed toolkit on labour migration", status=Resource.Status.PROPOSED, proposed_by=ines)
    return {
        "published": published,
        "draft": draft,
        "submitted": submitted,
        "screening": screening,
        "reviewed": reviewed,
        "invited": invited,
        "accepted": accepted,
        "rita": rita,
        "open_call": open_call,
        "closed_call": closed_call,
        "tool": tool,
        "resource": resource,
    }


_hub_sweep = _sweep


def _hub_visitor_paths(data):
    return [
        "/hub/",
        f"/hub/resources/{data['tool'].slug}/",
        f"/hub/resources/{data['resource'].slug}/",
        f"/hub/practices/{data['published'].slug}/",
        "/hub/calls/",
        f"/hub/calls/{data['open_call'].slug}/",
        f"/hub/calls/{data['closed_call'].slug}/",
        "/hub/figures/",
        "/search/",
        "/search/?q=migrants",
        "/search/?q=ventanilla&objective=6&sort=date",
        "/search/?q=zzzyyyxxx",
    ]


def _hub_stakeholder_paths(data):
    return [
        "/hub/my/submissions/",
        "/hub/practices/new/",
        f"/hub/practices/new/?call={data['closed_call'].slug}",
        f"/hub/practices/{data['draft'].slug}/edit/",
        f"/hub/practices/{data['draft'].slug}/",
        f"/hub/practices/{data['submitted'].slug}/",
        f"/hub/practices/{data['draft'].slug}/withdraw/",
    ]


def _hub_reviewer_paths(data):
    return [
        "/hub/my/reviews/",
        f"/hub/my/reviews/{data['invited'].pk}/",  # step 1: conflict of interest
        f"/hub/my/reviews/{data['accepted'].pk}/",  # step 2: scores, recommendation, full text
    ]


def _hub_secretariat_paths(data):
    return [
        "/hub/review/",
        f"/hub/review/practices/{data['submitted'].slug}/",  # screening
        f"/hub/review/practices/{data['screening'].slug}/",  # assignment
        f"/hub/review/practices/{data['reviewed'].slug}/",  # reviews and decision
        "/hub/roster/",
        "/hub/roster/?kind=un&language=fr",
        "/hub/roster/add/",
        f"/hub/roster/{data['rita'].pk}/",
        "/hub/resources/proposals/",
        "/hub/feedback/",
        f"/hub/feedback/{data['tool'].slug}/",
        "/hub/import/",
    ]


IMPORT_CSV = (
    "kind,language,title,summary,type,objectives,countries,submitter\n"
    "resource,fr,Guide des retours,Un guide.,guidance,6,Maroc,\n"
    "practice,es,Ventanilla,Una ventanilla.,,99,Atlantis,nobody@example.org\n"
)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_hub_and_search_page_passes_axe(open_page, reference_data, lang, tmp_path):
    data = _hub_data()
    found = {}

    visitor = open_page()
    found.update({f"(visitor) {k}": v for k, v in _hub_sweep(visitor, lang, _hub_visitor_paths(data)).items()})

    stakeholder = open_page()
    login(stakeholder, "stella@example.org", PASSWORD, lang=lang)
    found.update(
        {f"(stakeholder) {k}": v for k, v in _hub_sweep(stakeholder, lang, _hub_stakeholder_paths(data)).items()}
    )
    # A submission with errors next to the fields.
    stakeholder.goto(f"/{lang}/hub/practices/new/")
    stakeholder.locator("#id_links").fill("not a web address")
    stakeholder.locator("main form button[name=action][value=save]").click()
    stakeholder.locator(".error-summary").wait_for()
    _check(stakeholder, "(stakeholder) practice form with errors", found)

    reviewer = open_page()
    login(reviewer, "rita@example.org", PASSWORD, lang=lang)
    found.update({f"(reviewer) {k}": v for k, v in _hub_sweep(reviewer, lang, _hub_reviewer_paths(data)).items()})

    focal_point = open_page()
    login(focal_point, "ines@iom.example.org", PASSWORD, lang=lang)
    found.update(
        {f"(focal point) {k}": v for k, v in _hub_sweep(focal_point, lang, ["/hub/resources/propose/"]).items()}
    )

    secretariat = open_page()
    login(secretariat, "sam@example.org", PASSWORD, lang=lang)
    found.update(
        {f"(secretariat) {k}": v for k, v in _hub_sweep(secretariat, lang, _hub_secretariat_paths(data)).items()}
    )
    # An import report: one valid row, one with errors.
    upload = tmp_path / "hub-import.csv"
    upload.write_text(IMPORT_CSV, encoding="utf-8")
    secretariat.goto(f"/{lang}/hub/import/")
    secretariat.locator("input[type=file]").set_input_files(str(upload))
    secretariat.locator("main form button[type=submit]").first.click()
    secretariat.wait_for_url(re.compile(r"/hub/import/[A-Za-z0-9_-]+/$"))
    assert secretariat.locator("html").get_attribute("lang") == lang
    _check(secretariat, "(secretariat) import report", found)

    assert not found, "\n".join(f"{path}: {items}" for path, items in found.items())
