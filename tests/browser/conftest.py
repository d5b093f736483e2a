"""Browser journeys: Playwright driving Debian's Chromium (/usr/bin/chromium), never a
downloaded browser, against pytest-django's live server; axe-core (vendored) checks each page."""

import functools
import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make around it
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("GCMHUB_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page; return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be an inline script, which
        # the site's Content-Security-Policy refuses.
        page.evaluate(f"() => {{ {_axe_source()}\n }}")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def assert_accessible(page, context: str = ""):
    violations = axe_violations(page)
    if violations:
        summary = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in violations
        ]
        pytest.fail(f"axe-core violations on {context or page.url}:\n{json.dumps(summary, indent=2)}")


def login(page, email, password, lang="en"):
    page.goto(f"/{lang}/accounts/login/")
    page.locator("input[name=username], input[name=email]").first.fill(email)
    page.locator("input[type=password]").first.fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


PASSWORD = "journey-password-2021"


@pytest.fixture
def seeded_plan(transactional_db):
    """Reference data and the seed work plan, as `make demo` loads them."""
    from gcmhub.taxonomy.reference import load_reference_data
    from gcmhub.workplan.seed import load_seed_plan

    load_reference_data()
    return load_seed_plan()


def make_account(email, *, kind=None, organisation=None, country=None, language="en"):
    from gcmhub.accounts.actions import do_create_user, do_grant_role

    user = do_create_user(
        email=email, password=PASSWORD, full_name=email.split("@")[0].title(), preferred_language=language
    )
    if kind:
        do_grant_role(user=user, kind=kind, granted_by=None, organisation=organisation, country=country)
    return user


def ui(lang: str, message) -> str:
    """`message` as the interface shows it in `lang` (the English source until it is translated),
    so role and label locators keep working once the PO files are filled in. A lazy string (a form
    field's label, a choice) is rendered in `lang`."""
    from django.utils import translation

    with translation.override(lang):
        return translation.gettext(message) if isinstance(message, str) else str(message)  # lazy: as is


@pytest.fixture
def reference_data(transactional_db):
    """Objectives, principles, thematic areas, regions, countries and organisations, as `make demo` loads them."""
    from gcmhub.taxonomy.reference import load_reference_data

    load_reference_data()


@pytest.fixture
def open_page(browser, live_server):
    """A factory of pages, each in its own browser context (its own cookies): one per person of a
    journey, so several people stay signed in at once. JavaScript errors fail the test."""
    contexts, errors = [], []

    def _open(locale="en-GB"):
        context = browser.new_context(base_url=live_server.url, locale=locale, accept_downloads=True)
        context.set_default_timeout(15000)
        contexts.append(context)
        new_page = context.new_page()
        new_page.on("pageerror", lambda exc: errors.append(str(exc)))
        return new_page

    yield _open
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def make_hub_reviewer(email, *, is_un=False, language="en"):
    """A reviewer on the roster (gcmhub.test.make_reviewer) who signs in with PASSWORD."""
    from gcmhub.test import make_reviewer

    user = make_reviewer(email, is_un=is_un, full_name=email.split("@")[0].title(), preferred_language=language)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user
