"""The search page's journeys (issue 10) in Debian's Chromium: suggestions opened and chosen with
the keyboard alone (a name searches it, a title opens its page), the page on a phone with its
"Filters" toggle, axe-core with the suggestions open in every language, the engine's correction of
a typo, and the form without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, ui

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LANGUAGES = ("en", "fr", "es", "ar")


def _searchable_hub():
    """A few resources about Morocco and Mexico, indexed (the index outlives each test's database)."""
    from gcmhub.search import suggest
    from gcmhub.search.indexing import rebuild
    from gcmhub.taxonomy.models import Country, Objective
    from gcmhub.test import make_resource

    morocco, mexico = Country.objects.get(iso3="MAR"), Country.objects.get(iso3="MEX")
    six = Objective.objects.get(number=6)
    guide = make_resource(
        title_en="Guide on labour migration from Morocco",
        title_fr="Guide sur la migration de main-d’œuvre depuis le Maroc",
        objectives=[six],
        countries=[morocco],
    )
    for n in range(2):
        make_resource(title_en=f"Labour mobility report {n}", objectives=[six], countries=[morocco])
    make_resource(title_en="Guide on the return of children", objectives=[six], countries=[mexico])
    rebuild()
    suggest.forget_names()  # names of an earlier test's data (same process)
    return guide


def _box(page, lang="en"):
    return page.get_by_role("combobox", name=ui(lang, "Words to find"))


def _listbox(page, lang="en"):
    return page.get_by_role("listbox", name=ui(lang, "Suggestions"))


def _active_option(page):
    active = page.evaluate("document.activeElement.getAttribute('aria-activedescendant')")
    return page.locator(f"#{active}") if active else None


def test_it_suggests_names_and_titles_and_chooses_them_with_the_keyboard(page, reference_data):
    guide = _searchable_hub()
    page.set_viewport_size(DESKTOP)
    page.goto("/en/search/")
    box = _box(page)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    box.focus()
    box.press_sequentially("moroc")
    listbox = _listbox(page)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    morocco = listbox.get_by_role("option", name=re.compile(r"^Morocco\s*, Country"))
    expect(morocco).to_be_visible()
    expect(
        listbox.get_by_role("option", name=re.compile(r"^Guide on labour migration from Morocco\s*, Resource"))
    ).to_be_visible()
    # A polite live region says how many there are.
    status = page.locator("#search-page .search-suggest [role=status]")
    count = listbox.get_by_role("option").count()
    expect(status).to_have_text(f"{count} suggestions." if count > 1 else "1 suggestion.")

    # Down moves through the options (the focus stays in the box), Up comes back, Escape closes.
    page.keyboard.press("ArrowDown")
    first = _active_option(page)
    expect(first).to_have_attribute("aria-selected", "true")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert _active_option(page).get_attribute("id") == first.get_attribute("id")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("moroc")
    assert page.evaluate("document.activeElement.getAttribute('aria-activedescendant')") is None

    # Down opens the list again; the country is the first option: Enter searches the country.
    page.keyboard.press("ArrowDown")
    expect(listbox).to_be_visible()
    assert _active_option(page).text_content().startswith("Morocco")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/search/\?country=MA$"))
    expect(page.get_by_text("Country: Morocco", exact=False).first).to_be_visible()
    expect(page.locator(".search-hit").filter(has_text="Guide on labour migration from Morocco")).to_have_count(1)
    expect(page.locator(".search-hit").filter(has_text="Guide on the return of children")).to_have_count(0)

    # A title opens its page.
    box = _box(page)
    box.fill("")
    box.press_sequentially("guide on lab")
    option = _listbox(page).get_by_role("option", name=re.compile(r"^Guide on labour migration from Morocco"))
    expect(option).to_be_visible()
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        if _active_option(page).text_content().startswith("Guide on labour migration"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(guide.get_absolute_url()) + "$"))


def test_enter_without_a_chosen_suggestion_searches_the_words(page, reference_data):
    _searchable_hub()
    page.goto("/en/search/")
    box = _box(page)
    box.focus()
    box.press_sequentially("labour")
    expect(_listbox(page)).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/search/\?q=labour"))
    expect(page.locator("[data-search-status]")).to_contain_text(re.compile(r"\d+ matches\."))
    expect(page.locator(".search-hit").filter(has_text="Labour mobility report 1")).to_have_count(1)
    # The mouse chooses too.
    box = _box(page)
    box.fill("")
    box.press_sequentially("mexi")
    _listbox(page).get_by_role("option", name=re.compile(r"^Mexico")).click()
    page.wait_for_url(re.compile(r"/en/search/\?country=MX$"))


def test_the_results_come_first_and_the_filters_open_from_a_button_on_a_phone(page, reference_data):
    _searchable_hub()
    page.set_viewport_size(PHONE)
    page.goto("/en/search/?q=labour&objective=6")
    status = page.locator("[data-search-status]")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text(re.compile(r"^\s*\d+ matches\."))
    expect(status).to_contain_text("Filters in use: GCM objective: 6.")
    panel = page.locator("details.filter-panel")
    toggle = panel.locator("summary")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text(re.compile(r"^Filters\s+\(1 active\)$"))
    assert panel.get_attribute("open") is None
    first_hit = page.locator(".search-hit").first.bounding_box()
    assert toggle.bounding_box()["y"] > first_hit["y"]  # the results first
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    toggle.focus()
    page.keyboard.press("Enter")
    assert panel.get_attribute("open") is not None
    expect(page.get_by_role("group", name="Country")).to_be_visible()
    # The suggestions fit the screen.
    box = _box(page)
    box.fill("")
    box.press_sequentially("moro")
    listbox = _listbox(page)
    expect(listbox).to_be_visible()
    shape = listbox.bounding_box()
    assert shape["x"] >= 0 and shape["x"] + shape["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "search on a phone, suggestions open")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_search_page_with_suggestions_open_passes_axe(page, reference_data, lang):
    _searchable_hub()
    page.set_viewport_size(DESKTOP)
    page.goto(f"/{lang}/search/?q=labour")
    box = _box(page, lang)
    box.fill("")
    box.press_sequentially("ma")
    listbox = _listbox(page, lang)
    expect(listbox).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(listbox.locator("[aria-selected=true]")).to_have_count(1)
    assert_accessible(page, f"search page with suggestions open ({lang})")
    # A search that finds nothing, with its ways on.
    page.goto(f"/{lang}/search/?q=maroc&year=1990&country=ZZ")
    expect(page.locator(".no-results")).to_be_visible()
    assert_accessible(page, f"search that found nothing ({lang})")


def test_a_typo_is_corrected_with_a_way_back(page, reference_data):
    _searchable_hub()
    page.goto("/en/search/")
    box = _box(page)
    box.fill("mobilty")
    box.press("Enter")  # no suggestion chosen: the words as typed
    expect(page.locator(".search-correction")).to_contain_text("Showing results for mobility.")
    expect(page.locator(".search-hit").filter(has_text="Labour mobility report 1")).to_have_count(1)
    page.get_by_role("link", name="Search instead for “mobilty”").click()
    assert "exact=1" in page.url
    expect(page.locator(".search-correction")).to_have_count(0)


def test_the_form_works_without_javascript(browser, live_server, reference_data):
    _searchable_hub()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/en/search/")
        box = page.get_by_role("searchbox", name="Words to find")
        box.fill("labour")
        page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("[data-search-status]")).to_contain_text(re.compile(r"\d+ matches\."))
        expect(page.get_by_role("link", name="Labour mobility report 1")).to_be_visible()
        expect(page.get_by_role("listbox")).to_have_count(0)
    finally:
        context.close()


def test_a_french_visitor_finds_remittances_in_english_and_spanish(page, reference_data):
    """§9: "envois de fonds" finds the English and Spanish resources on remittances through the
    glossary, each marked with its language; the French one first."""
    from gcmhub.search.indexing import rebuild
    from gcmhub.test import make_resource

    make_resource(title_en="Cutting the cost of remittances in African corridors", source_language="en")
    make_resource(title_es="Remesas e inclusión financiera en Centroamérica", title_en="", source_language="es")
    make_resource(title_fr="Les envois de fonds des migrants sénégalais", title_en="", source_language="fr")
    make_resource(title_en="Skills recognition for migrant workers", source_language="en")  # not about it
    rebuild()
    page.set_viewport_size(DESKTOP)
    page.goto("/fr/search/")
    box = _box(page, "fr")
    box.fill("envois de fonds")
    box.press("Enter")  # no suggestion chosen: the words as typed
    hits = page.locator(".search-hit--resource")  # objective 20's page ("Envois de fonds") besides
    expect(hits).to_have_count(3)
    expect(hits.first).to_contain_text("Les envois de fonds des migrants sénégalais")
    english = hits.filter(has_text="Cutting the cost of remittances")
    expect(english.locator(".search-hit__language")).to_contain_text("Anglais")
    expect(english.locator(".search-hit__title a")).to_have_attribute("lang", "en")
    spanish = hits.filter(has_text="Remesas e inclusión financiera")
    expect(spanish.locator(".search-hit__language")).to_contain_text("Espagnol")
    expect(page.locator(".search-hit").filter(has_text="Skills recognition")).to_have_count(0)
    assert_accessible(page)


def test_the_header_box_suggests_on_every_page(page, reference_data):
    """The box in every page's header is the same combobox: a name chosen with the keyboard."""
    _searchable_hub()
    page.set_viewport_size(DESKTOP)
    page.goto("/en/hub/")
    box = page.get_by_role("combobox", name=ui("en", "Search the Hub"))
    box.fill("Moroc")
    listbox = page.get_by_role("listbox", name=ui("en", "Suggestions"))
    expect(listbox.get_by_role("option").first).to_be_visible()
    assert_accessible(page)
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/search/\?.*country=MA"))
