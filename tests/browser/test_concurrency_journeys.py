"""Two pages edit the same practice (issue 8, lost updates): the first saves; the second is told
that someone else changed it, sees their version beside its own, keeps everything it typed, and
saves again on purpose. The conflict page passes the axe-core sweep."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, assert_accessible, login, make_account

pytestmark = pytest.mark.django_db(transaction=True)


def _open_edit(browser, live_server, email, url):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15000)
    page = context.new_page()
    login(page, email, PASSWORD)
    page.goto(url)
    return context, page


def test_two_pages_edit_one_practice_and_the_second_keeps_its_text(browser, live_server):
    from gcmhub.knowledge.models import Practice
    from gcmhub.test import make_practice

    author = make_account("amina@example.org")
    practice = make_practice(author, title="Job centre", summary="Jobs for migrants.")
    url = f"/en/hub/practices/{practice.slug}/edit/"

    first_context, first = _open_edit(browser, live_server, author.email, url)
    second_context, second = _open_edit(browser, live_server, author.email, url)
    try:
        first.get_by_label(re.compile("^Title")).fill("Job centre of Tangier")
        first.get_by_role("button", name="Save draft").click()
        expect(first.get_by_text("Your draft was saved.")).to_be_visible()

        second.get_by_label(re.compile("^Title")).fill("Job centre and training")
        second.get_by_label(re.compile("^Summary")).fill("Typed in the second page, never lost.")
        second.get_by_role("button", name="Save draft").click()

        conflict = second.locator("#conflict")
        expect(conflict).to_be_visible()
        expect(conflict.get_by_role("heading", name="Someone else changed this first")).to_be_visible()
        expect(conflict.locator("td.conflict-saved").first).to_have_text("Job centre of Tangier")
        expect(second.get_by_label(re.compile("^Title"))).to_have_value("Job centre and training")
        expect(second.get_by_label(re.compile("^Summary"))).to_have_value("Typed in the second page, never lost.")
        assert Practice.objects.get(pk=practice.pk).title == "Job centre of Tangier"
        assert_accessible(second, "practice form with a conflict")

        # Having read their version, the second page saves on purpose: it replaces it.
        second.get_by_role("button", name="Save draft").click()
        expect(second.get_by_text("Your draft was saved.")).to_be_visible()
        saved = Practice.objects.get(pk=practice.pk)
        assert (saved.title, saved.summary) == ("Job centre and training", "Typed in the second page, never lost.")
        assert saved.version == 3
    finally:
        first_context.close()
        second_context.close()
