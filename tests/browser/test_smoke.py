import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "lang,heading", [("en", "Migration Network Hub"), ("fr", "Pôle du Réseau"), ("es", "Centro de la Red")]
)
def test_it_serves_the_home_page_accessibly_in_each_language(page, lang, heading):
    page.goto(f"/{lang}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert heading in page.locator("h1").inner_text()
    assert_accessible(page, f"home ({lang})")


def test_it_reaches_main_content_with_the_skip_link(page):
    page.goto("/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
