"""axe-core (WCAG 2.1 A and AA rules) finds no violation on any page of the work plan, the
reference data and the accounts, in English, French and Spanish, for visitors and signed-in roles."""

import pytest

from tests.browser.conftest import PASSWORD, axe_violations, login, make_account

pytestmark = pytest.mark.django_db(transaction=True)


def _public_paths(plan):
    from gcmhub.workplan.models import Activity

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
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        "/no-such-page/",
    ]


def _secretariat_paths(plan, user):
    from gcmhub.workplan.models import Activity

    activity = Activity.objects.filter(priority__workplan=plan).leads_by("iom").order_by("pk").first()
    return [
        "/accounts/profile/",
        "/accounts/tokens/",
        "/accounts/roles/",
        f"/accounts/roles/users/{user.pk}/",
        "/workplan/import/",
        "/workplan/deadlines-to-fix/",
        "/workplan/my-deadlines/",
        f"/workplan/activities/{activity.pk}/",
    ]


def _sweep(page, lang, paths) -> dict:
    found = {}
    for path in paths:
        page.goto(f"/{lang}{path}")
        assert page.locator("html").get_attribute("lang") == lang, path
        violations = axe_violations(page)
        if violations:
            found[path] = [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
    return found


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
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
    violations = axe_violations(page)
    if violations:
        found["(stakeholder, 403)"] = [(v["id"], v["help"]) for v in violations]

    assert not found, "\n".join(f"{path}: {items}" for path, items in found.items())
