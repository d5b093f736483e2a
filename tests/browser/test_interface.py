"""The site's interface components in Debian's Chromium, with the keyboard alone: the header's menu
button on a phone, the filter panel (results first on a phone, a side column on a wide screen), and
the searchable pickers that replace long selects (countries, organisations). Each also works
without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, assert_accessible, login, make_account

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def _focused(page) -> str:
    """What has the focus: its accessible role and text, for assertions."""
    return page.evaluate(
        "() => { const e = document.activeElement; return `${e.tagName.toLowerCase()}|${e.id}|"
        "${(e.getAttribute('aria-label') || e.textContent).trim()}`; }"
    )


def _tab_to(page, predicate, limit=60):
    """Press Tab until `predicate(focused)` holds (the keyboard alone, as a person would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(_focused(page)):
            return
    pytest.fail(f"Tab never reached the element; last focus: {_focused(page)}")


# --------------------------------------------------------------------------------------------------
# The menu button
# --------------------------------------------------------------------------------------------------


def test_it_folds_the_navigation_behind_a_menu_button_on_a_phone(page):
    page.set_viewport_size(PHONE)
    page.goto("/en/")
    menu = page.get_by_role("button", name="Menu")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(main_nav).to_be_hidden()
    expect(page.get_by_role("navigation", name="Account")).to_be_hidden()
    # The search box and the language switcher stay in reach.
    expect(page.get_by_role("combobox", name="Search the Hub")).to_be_visible()
    expect(page.get_by_role("link", name="Français")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    _tab_to(page, lambda f: f.endswith("|Menu"))
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(main_nav.get_by_role("link", name="Work plan")).to_be_visible()
    # The focus stays on the button; the next Tab enters the menu it opened.
    assert _focused(page).endswith("|Menu")
    page.keyboard.press("Tab")
    assert _focused(page) == "a||Sign in"
    _tab_to(page, lambda f: f.endswith("|Calendar of action"))
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(main_nav).to_be_hidden()
    assert _focused(page).endswith("|Menu")
    # Space toggles it too, and the links lead somewhere.
    page.keyboard.press("Space")
    expect(menu).to_have_attribute("aria-expanded", "true")
    main_nav.get_by_role("link", name="Hub").click()
    expect(page).to_have_url(re.compile(r"/en/hub/$"))
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_it_shows_every_link_and_no_menu_button_on_a_wide_screen(page):
    page.set_viewport_size(DESKTOP)
    page.goto("/en/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Work plan")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()
    # Opened on a phone, then the window grows: everything shows.
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.set_viewport_size(DESKTOP)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Work plan")).to_be_visible()


def test_it_shows_the_navigation_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/en/")
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Work plan")).to_be_visible()
        expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()
        expect(page.locator("[data-menu-toggle]")).to_be_hidden()
    finally:
        context.close()


# --------------------------------------------------------------------------------------------------
# The filter panel
# --------------------------------------------------------------------------------------------------


def _searchable_hub():
    from gcmhub.search.indexing import rebuild
    from gcmhub.taxonomy.models import Country, Objective
    from gcmhub.test import make_resource

    morocco, mexico = Country.objects.get(iso3="MAR"), Country.objects.get(iso3="MEX")
    six = Objective.objects.get(number=6)
    for n in range(3):
        make_resource(title_en=f"Guide on labour migration {n}", objectives=[six], countries=[morocco])
    make_resource(title_en="Guide on return and reintegration", objectives=[six], countries=[mexico])
    rebuild()  # the index outlives each test's database


def test_it_puts_search_results_before_a_closed_filter_panel_on_a_phone(page, reference_data):
    _searchable_hub()
    page.set_viewport_size(PHONE)
    page.goto("/en/search/?q=guide&objective=6")
    panel = page.locator("details.filter-panel")
    toggle = panel.locator("summary")
    expect(toggle).to_have_text(re.compile(r"^Filters\s+\(1 active\)$"))
    assert panel.get_attribute("open") is None
    results = page.get_by_role("heading", name="Results", exact=True).bounding_box()
    assert toggle.bounding_box()["y"] > results["y"]
    expect(page.get_by_role("group", name="Country")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The link above the results opens the panel and moves the focus to its toggle.
    _tab_to(page, lambda f: "Go to the filters" in f)
    page.keyboard.press("Enter")
    assert panel.get_attribute("open") is not None
    assert _focused(page).startswith("summary|")
    # The keyboard folds and unfolds it; the filters inside work.
    page.keyboard.press("Enter")
    assert panel.get_attribute("open") is None
    page.keyboard.press("Enter")
    country = page.get_by_role("group", name="Country")
    expect(country).to_be_visible()
    country.get_by_label(re.compile(r"^Mexico")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 match.")).to_be_visible()
    expect(page.locator("details.filter-panel summary")).to_have_text(re.compile(r"\(2 active\)"))
    assert_accessible(page, "search on a phone, filters open")


def test_it_keeps_the_filter_panel_open_in_a_side_column_on_a_wide_screen(page, reference_data):
    _searchable_hub()
    page.set_viewport_size(DESKTOP)
    page.goto("/en/search/?q=guide")
    panel = page.locator("details.filter-panel")
    assert panel.get_attribute("open") is not None
    expect(panel.locator("summary")).to_be_hidden()
    expect(page.get_by_role("link", name="Go to the filters")).to_be_hidden()
    # Beside the results, at the start of the line.
    results = page.locator(".search-results").bounding_box()
    facets = panel.bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]
    assert abs(facets["y"] - results["y"]) < 40


def test_it_shows_the_filters_open_without_javascript(browser, live_server, reference_data):
    _searchable_hub()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/en/search/?q=guide")
        expect(page.get_by_role("group", name="Country")).to_be_visible()
        page.get_by_role("group", name="Country").get_by_label(re.compile(r"^Morocco")).check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_text("3 matches.")).to_be_visible()
    finally:
        context.close()


def test_it_filters_a_long_list_of_facet_values(page, reference_data):
    from gcmhub.search.indexing import rebuild
    from gcmhub.taxonomy.models import Country
    from gcmhub.test import make_resource

    for country in Country.objects.order_by("iso3")[:15]:
        make_resource(title_en=f"Guide for {country.name_en}", countries=[country])
    rebuild()
    page.set_viewport_size(DESKTOP)
    page.goto("/en/search/?q=guide")
    countries = page.get_by_role("group", name="Country")
    box = countries.get_by_role("searchbox", name="Filter the list: Country")
    box.fill("arub")
    expect(countries.get_by_label(re.compile(r"^Aruba"))).to_be_visible()
    expect(countries.get_by_label(re.compile(r"^Angola"))).to_be_hidden()
    expect(countries.get_by_role("status")).to_have_text("Shown: 1 of 15.")
    box.fill("")
    expect(countries.get_by_label(re.compile(r"^Angola"))).to_be_visible()


# --------------------------------------------------------------------------------------------------
# Searchable pickers
# --------------------------------------------------------------------------------------------------


def _combobox(page, name):
    return page.get_by_role("combobox", name=re.compile("^" + re.escape(name)))


def test_it_chooses_countries_and_an_organisation_with_the_keyboard_alone(page, reference_data):
    from gcmhub.knowledge.models import Practice

    make_account("stella@example.org")
    login(page, "stella@example.org", PASSWORD)
    page.goto("/en/hub/practices/new/")
    page.get_by_label(re.compile("^Title")).fill("Fair recruitment corridor")

    countries = _combobox(page, "Countries")
    expect(countries).to_have_attribute("aria-expanded", "false")
    # Keyboard only from here: Tab from the title to the countries box.
    page.get_by_label(re.compile("^Title")).focus()
    _tab_to(page, lambda f: f.startswith("input|id_countries|"))
    page.keyboard.type("maroc")  # the French name finds Morocco on the English page
    expect(countries).to_have_attribute("aria-expanded", "true")
    active = countries.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_have_text("Morocco")
    expect(page.locator(".picker [role=status]").first).to_have_text("Options shown: 1.")
    page.keyboard.press("Enter")
    chosen = page.get_by_role("list", name="Chosen: Countries")
    expect(chosen.get_by_role("button", name="Remove Morocco")).to_be_visible()
    expect(page.locator(f"#{active}")).to_have_attribute("aria-selected", "true")

    # Accents and case do not matter; arrows move through the matches.
    page.keyboard.press("Control+A")
    page.keyboard.type("MEXI")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#" + countries.get_attribute("aria-activedescendant"))).to_have_text("Mexico")
    page.keyboard.press("Enter")
    expect(chosen.get_by_role("button")).to_have_count(2)
    assert_accessible(page, "practice form, country picker open")
    page.keyboard.press("Escape")
    expect(countries).to_have_attribute("aria-expanded", "false")

    # Chips are buttons, before the box in the order of the list: remove Mexico with the keyboard
    # (the focus moves to the chip in its place), then choose it again.
    page.keyboard.press("Shift+Tab")
    assert _focused(page).endswith("|Remove Morocco")
    page.keyboard.press("Shift+Tab")
    assert _focused(page).endswith("|Remove Mexico")
    page.keyboard.press("Enter")
    expect(chosen.get_by_role("button")).to_have_count(1)
    assert _focused(page).endswith("|Remove Morocco")
    page.keyboard.press("Tab")
    page.keyboard.type("mexico")
    page.keyboard.press("Enter")
    expect(chosen.get_by_role("button")).to_have_count(2)

    # An organisation by its French acronym.
    _tab_to(page, lambda f: f.startswith("input|id_partner_organisations|"))
    page.keyboard.type("OIM")
    page.keyboard.press("Enter")
    partners = page.get_by_role("list", name="Chosen: Partner organisations")
    expect(partners.get_by_role("button", name=re.compile(r"^Remove .*IOM"))).to_be_visible()
    page.keyboard.press("Escape")

    page.locator("main form button[name=action][value=save]").click()
    expect(page.get_by_text("Your draft was saved.")).to_be_visible()
    practice = Practice.objects.get(title="Fair recruitment corridor")
    assert sorted(practice.countries.values_list("iso3", flat=True)) == ["MAR", "MEX"]
    assert list(practice.partner_organisations.values_list("slug", flat=True)) == ["iom"]
    # The saved choices come back as chips.
    expect(page.get_by_role("list", name="Chosen: Countries").get_by_role("button")).to_have_count(2)


def test_it_picks_a_single_organisation_and_can_clear_it(page, reference_data):
    make_account("stella@example.org")
    login(page, "stella@example.org", PASSWORD)
    page.goto("/en/hub/practices/new/")
    organisation = _combobox(page, "Implementing organisation")
    organisation.focus()
    page.keyboard.type("unhcr")
    page.keyboard.press("Enter")
    expect(organisation).to_have_attribute("aria-expanded", "false")
    chosen = page.get_by_role("list", name="Chosen: Implementing organisation")
    expect(chosen.get_by_role("button")).to_have_count(1)
    select = page.locator("select[name=implementing_organisation]")
    assert select.input_value() != ""
    # Another choice replaces it; removing it leaves "Not in the list".
    organisation.focus()
    page.keyboard.type("unicef")
    page.keyboard.press("Enter")
    expect(chosen.get_by_role("button", name=re.compile("UNICEF"))).to_have_count(1)
    chosen.get_by_role("button").press("Enter")
    expect(chosen.get_by_role("button")).to_have_count(0)
    assert select.input_value() == ""
    assert _focused(page).startswith("input|id_implementing_organisation|")


def test_it_lays_the_picker_out_right_to_left(page, reference_data):
    make_account("stella@example.org")
    login(page, "stella@example.org", PASSWORD)
    page.goto("/en/hub/practices/new/")
    page.evaluate("document.documentElement.dir = 'rtl'")
    countries = _combobox(page, "Countries")
    countries.focus()
    page.keyboard.type("mar")
    listbox = page.get_by_role("listbox", name="Countries")
    expect(listbox).to_be_visible()
    box, field = listbox.bounding_box(), countries.bounding_box()
    assert abs((box["x"] + box["width"]) - (field["x"] + field["width"])) < 2
    padding = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.picker__option')); "
        "return [parseFloat(s.paddingRight), parseFloat(s.paddingLeft)]; }"
    )
    assert padding[0] > padding[1]  # the check mark's room is on the right


def test_it_submits_the_plain_select_without_javascript(browser, live_server, reference_data):
    from gcmhub.knowledge.models import Practice
    from gcmhub.taxonomy.models import Country

    make_account("stella@example.org")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, "stella@example.org", PASSWORD)
        page.goto("/en/hub/practices/new/")
        page.get_by_label(re.compile("^Title")).fill("Plain select")
        countries = page.get_by_label(re.compile("^Countries"))
        expect(page.get_by_text("Hold Ctrl (Cmd on a Mac) to choose several.").first).to_be_visible()
        countries.select_option([str(Country.objects.get(iso3=c).pk) for c in ("MAR", "MEX")])
        page.locator("main form button[name=action][value=save]").click()
        expect(page.get_by_text("Your draft was saved.")).to_be_visible()
        practice = Practice.objects.get(title="Plain select")
        assert sorted(practice.countries.values_list("iso3", flat=True)) == ["MAR", "MEX"]
    finally:
        context.close()


def test_it_shows_option_labels_as_text_never_as_markup(page, reference_data):
    from gcmhub.taxonomy.models import Organisation

    Organisation.objects.create(
        slug="markup", name_en='Markup <img src=x onerror="window.injected = true"> Coalition', acronym_en=""
    )
    make_account("stella@example.org")
    login(page, "stella@example.org", PASSWORD)
    page.goto("/en/hub/practices/new/")
    _combobox(page, "Partner organisations").fill("markup")
    page.keyboard.press("Enter")
    chosen = page.get_by_role("list", name="Chosen: Partner organisations")
    expect(chosen.get_by_role("button")).to_contain_text('<img src=x onerror="window.injected = true">')
    assert page.evaluate("window.injected") is None
    assert page.locator(".picker img").count() == 0
