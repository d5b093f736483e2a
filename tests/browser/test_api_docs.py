"""The API reference at /api/v1/docs: no axe violation in English, French and Spanish, and the
keyboard reaches its table of contents."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

IN_TOC = "() => !!document.activeElement.closest('nav.api-toc')"


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_api_reference_is_accessible_and_reachable_by_keyboard(page, lang):
    page.goto(f"/api/v1/docs?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(IN_TOC):
            break
    assert page.evaluate(IN_TOC), "Tab never reached the table of contents"
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href.startswith("#")

    # Following a contents link with Enter moves to the section it names.
    for _ in range(5):
        if page.evaluate("(document.activeElement.getAttribute('href') || '').startsWith('#op-')"):
            break
        page.keyboard.press("Tab")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_function("(target) => location.hash === target", arg=target)
    assert page.locator(f"{target} h3").is_visible()
