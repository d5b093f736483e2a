"""The Content-Security-Policy holds: a representative page of every app, with its htmx
interactions, raises no `securitypolicyviolation` event in Chromium (and logs no CSP error),
under the site's strict policy; the CMS and the Django admin under theirs."""

import pytest

from tests.browser.conftest import PASSWORD, login, make_account

pytestmark = pytest.mark.django_db(transaction=True)

REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__reportCsp({
        page: location.pathname + location.search,
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        sample: event.sample,
        source: event.sourceFile + ":" + event.lineNumber,
    });
});
"""


@pytest.fixture
def watched(open_page):
    """`open_page`, with every CSP violation of every page it opens collected in `violations`."""
    violations: list = []

    def _open():
        page = open_page()
        page.context.expose_binding("__reportCsp", lambda source, report: violations.append(report))
        page.context.add_init_script(REPORTER)
        page.on(
            "console",
            lambda msg: (
                violations.append({"page": page.url, "console": msg.text})
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        return page

    _open.violations = violations
    return _open


def visit(page, paths):
    for path in paths:
        response = page.goto(path)
        assert response.status < 500, path
        assert response.headers.get("content-security-policy"), path
        page.wait_for_load_state("load")


def test_the_site_raises_no_csp_violation(watched, seeded_plan):
    from gcmhub.accounts.models import Role
    from gcmhub.taxonomy.models import Organisation
    from gcmhub.workplan.models import Activity
    from tests.browser.test_accessibility import _hub_data

    data = _hub_data()
    plan, slug = seeded_plan, seeded_plan.slug
    activity = Activity.objects.filter(priority__workplan=plan).leads_by("iom").order_by("pk").first()

    visitor = watched()
    visit(
        visitor,
        [
            "/en/",
            f"/en/workplan/{slug}/",
            f"/en/workplan/{slug}/activities/?objective=13",
            f"/en/workplan/activities/{activity.pk}/",
            f"/en/workplan/{slug}/calendar/",
            f"/en/workplan/{slug}/dashboard/",
            "/fr/gcm/objectives/13/",
            "/es/gcm/organisations/iom/",
            "/en/hub/",
            f"/en/hub/practices/{data['published'].slug}/",
            "/en/hub/calls/",
            "/en/hub/figures/",
            "/en/search/?q=migrants",
            "/api/v1/docs",
            "/en/accounts/login/",
            "/en/accounts/signup/",
            "/en/accounts/logout/",
            "/en/no-such-page/",
        ],
    )
    # An anonymous form: feedback on a Network tool.
    visitor.goto(f"/en/hub/resources/{data['tool'].slug}/")
    visitor.locator("#feedback input[name=rating][value='5']").check()
    visitor.locator("#feedback form button[type=submit]").click()
    visitor.wait_for_load_state()

    # htmx: a lead focal point posts a status update (swapped in without reloading).
    iom = Organisation.objects.get(slug="iom")
    make_account("focal@iom.example.org", kind=Role.Kind.NETWORK_FOCAL_POINT, organisation=iom)
    focal = watched()
    login(focal, "focal@iom.example.org", PASSWORD)
    focal.goto(f"/en/workplan/activities/{activity.pk}/")
    focal.evaluate("window.__noReload = true")
    focal.locator("#id_status-status").select_option("on_track")
    focal.locator("#id_status-percent_complete").fill("150")
    focal.get_by_role("button", name="Post the status update").click()
    focal.locator(".errorlist").first.wait_for()
    focal.locator("#id_status-percent_complete").fill("40")
    focal.locator("#id_status-narrative").fill("Two workshops held.")
    focal.get_by_role("button", name="Post the status update").click()
    focal.locator("#activity-updates .message--success").wait_for()
    assert focal.evaluate("window.__noReload === true")
    visit(
        focal, ["/en/accounts/profile/", "/en/accounts/tokens/", "/en/workplan/my-deadlines/", "/en/accounts/logout/"]
    )
    focal.get_by_role("button", name="Sign out").last.click()
    focal.wait_for_load_state()

    reviewer = watched()
    login(reviewer, "rita@example.org", PASSWORD)
    visit(reviewer, ["/en/hub/my/reviews/", f"/en/hub/my/reviews/{data['accepted'].pk}/"])

    secretariat = watched()
    login(secretariat, "sam@example.org", PASSWORD)
    visit(
        secretariat,
        [
            "/en/hub/review/",
            f"/en/hub/review/practices/{data['reviewed'].slug}/",
            "/en/hub/roster/",
            "/en/workplan/import/",
            "/en/accounts/roles/",
            "/en/hub/practices/new/",
        ],
    )

    assert not watched.violations, "\n".join(map(str, watched.violations))


def _ensure_page_tree():
    """The root page made by Wagtail's migration is gone after an earlier transactional test
    flushed the database; the CMS dashboard needs it."""
    from wagtail.models import Locale, Page

    if not Page.objects.exists():
        Locale.objects.get_or_create(language_code="en")
        Page.add_root(instance=Page(title="Root", slug="root"))


def test_the_cms_and_the_admin_work_under_their_own_policy(watched, reference_data):
    from gcmhub.accounts.models import Role

    _ensure_page_tree()

    sam = make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)
    sam.is_superuser = True
    sam.save(update_fields=["is_superuser"])
    page = watched()
    page.goto("/cms/login/")
    page.locator("input[name=username]").fill("sam@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/cms/")
    visit(page, ["/cms/", "/cms/pages/", "/cms/snippets/", "/cms/documents/", "/cms/users/", "/django-admin/"])
    assert not watched.violations, "\n".join(map(str, watched.violations))
