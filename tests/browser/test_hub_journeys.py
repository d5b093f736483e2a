"""The Hub's user journeys (issue 3), in Debian's Chromium: a practice from a Spanish draft to a
peer-reviewed page found on the French search page, a call for practices closing at its deadline,
and a visitor's rating of a Network tool reaching the Secretariat's results.

Interface text is looked up with `ui(lang, ...)` (gettext), so the locators read what the page shows
in its language, translated or not yet."""

import datetime
import re
from urllib.parse import urlparse

import pytest
import time_machine
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, assert_accessible, login, make_account, make_hub_reviewer, ui

pytestmark = pytest.mark.django_db(transaction=True)


def _button(page, lang, text):
    return page.get_by_role("button", name=ui(lang, text), exact=True)


def _label(lang, name):
    """The label of the practice form's field `name` in `lang`."""
    from gcmhub.knowledge.forms_practices import PracticeForm

    return ui(lang, PracticeForm.base_fields[name].label)


def _field(page, lang, name):
    """The practice form's control for field `name`, found by its label (which may end with "(optional)")."""
    return page.get_by_label(re.compile("^" + re.escape(_label(lang, name))))


def _objective_label(lang, objective):
    """The objective as the pages of `lang` name it ("6. ...")."""
    from django.utils import translation

    with translation.override(lang):
        return str(objective)


def _field_box(page, control):
    """The .form-field block holding `control` (where its errors show)."""
    return page.locator(".form-field").filter(has=control)


def _fill_practice(page, lang, *, description, results, country, objective, start="2021-04-01"):
    """Fill what a submission needs besides title and summary, as a submitter would."""
    from gcmhub.knowledge.models import Practice

    _field(page, lang, "description").fill(description)
    _field(page, lang, "results").fill(results)
    # The countries are a searchable picker (static/js/picker.js): type the name, Enter chooses it.
    with translation.override(lang):
        page.get_by_role("combobox", name=re.compile("^" + re.escape(_label(lang, "countries")))).fill(str(country))
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _field(page, lang, "implementing_organisation_name").fill("Ayuntamiento de Tánger")
    _field(page, lang, "start_date").fill(start)
    page.get_by_role("group", name=_label(lang, "completion")).get_by_label(
        ui(lang, Practice.Completion.COMPLETED.label), exact=True
    ).check()
    page.get_by_role("group", name=_label(lang, "objectives")).get_by_label(
        _objective_label(lang, objective), exact=True
    ).check()


# --------------------------------------------------------------------------------------------------
# 1. A practice from a Spanish draft to the French search page
# --------------------------------------------------------------------------------------------------


def _review(page, lang, title, *, conflict=None, recommendation="Publish", score="4", comment=""):
    """A reviewer opens their review of `title` from "My reviews", declares, then scores (unless in conflict)."""
    page.goto(f"/{lang}/hub/my/reviews/")
    page.get_by_role("link", name=title, exact=True).first.click()
    declaration = page.get_by_role("group", name=ui(lang, "Conflict of interest"))
    if conflict:
        declaration.get_by_label(ui(lang, "I have a conflict of interest"), exact=True).check()
        page.get_by_label(ui(lang, "Describe the conflict of interest")).fill(conflict)
        _button(page, lang, "Send my declaration").click()
        expect(page.get_by_text(ui(lang, "Thank you: the Hub team will find another reviewer."))).to_be_visible()
        return
    declaration.get_by_label(
        ui(lang, "I have no conflict of interest with this practice, its implementers or its submitter")
    ).check()
    _button(page, lang, "Send my declaration").click()
    expect(page.get_by_text(ui(lang, "Thank you: you can now read the practice and review it."))).to_be_visible()
    # After the declaration, the full text shows under the score sheet.
    expect(page.get_by_role("heading", name=ui(lang, "Full text of the practice"))).to_be_visible()
    from gcmhub.knowledge.criteria import Criterion

    for criterion in Criterion:
        page.get_by_role("group", name=str(criterion.label), exact=True).get_by_label(score, exact=True).check()
    page.get_by_role("group", name=ui(lang, "Recommendation")).get_by_label(
        ui(lang, recommendation), exact=True
    ).check()
    if comment:
        page.get_by_label(ui(lang, "Comments for the submitter")).fill(comment)
    _button(page, lang, "Submit my review").click()
    expect(page.get_by_text(ui(lang, "Thank you: your review is submitted."))).to_be_visible()


def _assign(page, name):
    """The Hub team invites `name` from the roster on the practice's review page."""
    reviewer = page.get_by_label("Reviewer", exact=True)
    option = reviewer.locator("option", has_text=name).first
    reviewer.select_option(option.get_attribute("value"))
    page.get_by_role("button", name="Invite the reviewer").click()
    expect(page.get_by_text(f"{name} is invited to review.")).to_be_visible()


def _screen_accept(page, title):
    page.goto("/en/hub/review/")
    page.get_by_role("link", name=title, exact=True).first.click()
    page.get_by_role("group", name="Screening decision").get_by_label("Accept for peer review").check()
    page.get_by_role("button", name="Record the screening").click()
    expect(page.get_by_text("Screening recorded: In peer review.")).to_be_visible()


def test_a_practice_drafted_in_spanish_is_reviewed_revised_published_and_found_in_french(open_page, reference_data):
    from gcmhub.accounts.models import Role
    from gcmhub.knowledge.models import Practice, PracticeEvent, ReviewAssignment
    from gcmhub.taxonomy.models import Country, Objective

    morocco = Country.objects.get(iso3="MAR")
    objective = Objective.objects.get(number=6)
    make_account("lucia@example.org", language="es")
    make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)
    make_hub_reviewer("una@un.example.org", is_un=True)
    make_hub_reviewer("conflicted@example.org")
    make_hub_reviewer("ext-one@example.org")
    make_hub_reviewer("ext-two@example.org")
    title = "Integración laboral de trabajadores migrantes en Tánger"

    # -- The submitter starts a practice in the Spanish interface --------------------------------
    lucia = open_page("es-ES")
    login(lucia, "lucia@example.org", PASSWORD, lang="es")
    lucia.get_by_role("link", name=ui("es", "My submissions")).first.click()
    lucia.get_by_role("link", name=ui("es", "Submit a practice")).click()
    assert urlparse(lucia.url).path == "/es/hub/practices/new/"
    assert lucia.locator("html").get_attribute("lang") == "es"
    _field(lucia, "es", "title").fill(title)
    _field(lucia, "es", "summary").fill(
        "Una ventanilla única orienta a los trabajadores migrantes hacia empleos dignos."
    )
    _field(lucia, "es", "links").fill("www.tanger-empleo")  # not a web address

    # A draft may leave anything empty, but what is typed must make sense: the error shows next to
    # the field and in the summary, nothing is saved and nothing typed is lost.
    _button(lucia, "es", "Save draft").click()
    expect(lucia.get_by_role("alert")).to_contain_text(_label("es", "links"))
    expect(_field_box(lucia, _field(lucia, "es", "links")).locator(".errorlist")).to_contain_text("www.tanger-empleo")
    assert _field(lucia, "es", "title").input_value() == title
    assert not Practice.objects.exists()
    assert_accessible(lucia, "practice form with an error (es)")

    _field(lucia, "es", "links").fill("https://tanger.example.org/empleo")
    _button(lucia, "es", "Save draft").click()
    expect(lucia.get_by_text(ui("es", "Your draft was saved."))).to_be_visible()
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.DRAFT and practice.language == "es" and practice.title == title

    # Submitting the incomplete draft keeps it and marks each missing field.
    _button(lucia, "es", "Submit for review").click()
    summary = lucia.get_by_role("alert")
    expect(summary).to_contain_text(ui("es", "Describe the practice."))
    expect(summary).to_contain_text(ui("es", "Choose at least one GCM objective."))
    description_box = _field_box(lucia, _field(lucia, "es", "description"))
    expect(description_box.locator(".errorlist")).to_contain_text(ui("es", "Describe the practice."))
    expect(lucia.get_by_role("group", name=_label("es", "objectives")).locator(".errorlist")).to_contain_text(
        ui("es", "Choose at least one GCM objective.")
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT
    assert_accessible(lucia, "practice form with submission errors (es)")

    # She leaves, and comes back through "My submissions".
    lucia.goto("/es/")
    lucia.get_by_role("link", name=ui("es", "My submissions")).first.click()
    row = lucia.get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text(ui("es", Practice.Status.DRAFT.label))
    assert_accessible(lucia, "my submissions (es)")
    row.get_by_role("link", name=ui("es", "Edit “%(title)s”") % {"title": title}).click()
    assert _field(lucia, "es", "title").input_value() == title
    _fill_practice(
        lucia,
        "es",
        description="Orientación, formación y contratación justa.",
        results="Cuatrocientas personas contratadas en condiciones dignas.",
        country=morocco,
        objective=objective,
    )
    _button(lucia, "es", "Submit for review").click()
    expect(
        lucia.get_by_text(ui("es", "Thank you: your practice was submitted. The Hub team will screen it."))
    ).to_be_visible()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SUBMITTED and practice.round == 1

    # -- The Hub team screens it and assigns one UN and two external reviewers ------------------
    sam = open_page()
    login(sam, "sam@example.org", PASSWORD)
    sam.get_by_role("link", name="Review queue").click()
    assert_accessible(sam, "review queue")
    _screen_accept(sam, title)
    _assign(sam, "Una")
    _assign(sam, "Conflicted")
    _assign(sam, "Ext-One")
    assert practice.assignments.filter(round=1).count() == 3

    # One reviewer declares a conflict of interest, and is replaced.
    conflicted = open_page()
    login(conflicted, "conflicted@example.org", PASSWORD)
    _review(conflicted, "en", title, conflict="I advised the city of Tangier on this programme.")
    assert ReviewAssignment.objects.get(reviewer__email="conflicted@example.org").state == "conflict"
    sam.reload()
    round_one = sam.get_by_role("table", name="Reviewers of round 1")
    expect(round_one.get_by_role("row").filter(has_text="Conflicted")).to_contain_text("I advised the city of Tangier")
    _assign(sam, "Ext-Two")

    # The others declare no conflict, read the full text and review.
    reviewers = {}
    for email in ("una@un.example.org", "ext-one@example.org", "ext-two@example.org"):
        reviewers[email] = open_page()
        login(reviewers[email], email, PASSWORD)
        _review(
            reviewers[email],
            "en",
            title,
            recommendation="Publish after revision",
            score="3",
            comment="Please give the number of employers involved.",
        )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.REVIEWED

    # The Hub team requests a revision.
    sam.reload()
    assert_accessible(sam, "review page with reviews and the decision form")
    sam.get_by_role("group", name="Decision", exact=True).get_by_label("Request a revision").check()
    sam.get_by_label("Feedback for the submitter").fill("Gracias. Indique cuántas empresas participaron.")
    sam.get_by_role("button", name="Record the decision").click()
    expect(sam.get_by_text("Decision recorded: Revision requested.")).to_be_visible()

    # -- The submitter sees the feedback, revises and submits again -------------------------------
    lucia.goto("/es/hub/my/submissions/")
    lucia.get_by_role("link", name=title, exact=True).click()
    expect(lucia.get_by_text("Indique cuántas empresas participaron.")).to_be_visible()
    assert_accessible(lucia, "practice page with the Hub team's feedback (es)")
    lucia.get_by_role("link", name=ui("es", "Edit and submit")).click()
    _field(lucia, "es", "results").fill("Cuatrocientas personas contratadas en condiciones dignas por 35 empresas.")
    _button(lucia, "es", "Submit again for review").click()
    expect(
        lucia.get_by_text(ui("es", "Thank you: your practice was submitted. The Hub team will screen it."))
    ).to_be_visible()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SUBMITTED and practice.round == 2

    # -- Round 2: screening, three reviews, publication -------------------------------------------
    _screen_accept(sam, title)
    for name in ("Una", "Ext-One", "Ext-Two"):
        _assign(sam, name)
    for reviewer_page in reviewers.values():
        _review(reviewer_page, "en", title, recommendation="Publish", score="4")
    practice.refresh_from_db()
    assert practice.status == Practice.Status.REVIEWED and practice.round == 2
    sam.reload()
    sam.get_by_role("group", name="Decision", exact=True).get_by_label("Publish", exact=True).check()
    sam.get_by_role("button", name="Record the decision").click()
    expect(sam.get_by_text("Decision recorded: Published.")).to_be_visible()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert PracticeEvent.objects.filter(practice=practice, action="resubmitted", round=2).exists()

    # -- A visitor reads it, then finds it on the French search page ------------------------------
    visitor = open_page("fr-FR")
    visitor.goto(f"/es/hub/practices/{practice.slug}/")
    expect(visitor.locator(".peer-reviewed")).to_contain_text(ui("es", "Peer reviewed"))
    assert_accessible(visitor, "published practice (es)")

    visitor.goto("/fr/search/")
    visitor.get_by_label(ui("fr", "Words to find")).fill("intégration")  # the French word for "integración"
    visitor.get_by_role("main").get_by_role("button", name=ui("fr", "Search"), exact=True).click()
    hit = visitor.get_by_role("link", name=title, exact=True)
    expect(hit).to_be_visible()
    visitor.get_by_role("group", name=ui("fr", "GCM objective")).get_by_label(
        re.compile("^" + re.escape(_objective_label("fr", objective)))
    ).check()
    visitor.get_by_role("button", name=ui("fr", "Apply filters")).click()
    assert "objective=" in visitor.url and "q=int" in visitor.url
    expect(hit).to_be_visible()
    expect(visitor.locator(".search-hit").filter(has=hit)).to_contain_text(ui("fr", "Peer reviewed"))
    assert_accessible(visitor, "search page with a facet (fr)")

    # Without accents, the Spanish word finds it too.
    visitor.get_by_label(ui("fr", "Words to find")).fill("integracion tanger")
    visitor.get_by_role("main").get_by_role("button", name=ui("fr", "Search"), exact=True).click()
    expect(visitor.get_by_role("link", name=title, exact=True)).to_be_visible()


# --------------------------------------------------------------------------------------------------
# 2. A call for practices closes at its deadline
# --------------------------------------------------------------------------------------------------


def test_a_call_for_practices_closes_at_its_deadline(page, reference_data, settings):
    from django.utils import timezone

    settings.SESSION_IDLE_TIMEOUT = 6 * 3600  # the clock jumps 2 hours on below: stay signed in

    from gcmhub.knowledge.models import Practice
    from gcmhub.taxonomy.models import Country, Objective
    from gcmhub.test import make_call

    now = timezone.now()
    open_call = make_call(
        title_en="Call for practices on fair recruitment",
        deadline=now + datetime.timedelta(hours=2),
        objectives=[Objective.objects.get(number=6)],
    )
    closed_call = make_call(
        title_en="Call for practices on return and reintegration",
        opens_at=now - datetime.timedelta(days=90),
        deadline=now - datetime.timedelta(days=10),
    )
    make_account("stella@example.org")
    login(page, "stella@example.org", PASSWORD)

    # The list and the pages say which call is open.
    page.goto("/en/hub/calls/")
    assert_accessible(page, "calls")
    page.get_by_role("link", name=closed_call.title_en, exact=True).click()
    expect(page.get_by_text(re.compile("This call closed on"))).to_be_visible()
    expect(page.get_by_role("link", name="Submit a practice to this call")).to_have_count(0)
    assert_accessible(page, "closed call")

    # A form opened for the closed call says so and does not offer it.
    page.goto(f"/en/hub/practices/new/?call={closed_call.slug}")
    expect(page.get_by_text(re.compile("is closed: submissions to it are no longer accepted"))).to_be_visible()
    options = page.get_by_label("In answer to a call for practices").locator("option")
    expect(options.filter(has_text=closed_call.title_en)).to_have_count(0)

    # The open call takes a draft.
    page.goto("/en/hub/calls/")
    page.get_by_role("link", name=open_call.title_en, exact=True).click()
    expect(page.get_by_text(re.compile("Submissions to this call close on"))).to_be_visible()
    page.get_by_role("link", name="Submit a practice to this call").click()
    expect(page.get_by_text(re.compile("In answer to the call for practices"))).to_be_visible()
    assert page.get_by_label("In answer to a call for practices").input_value() == str(open_call.pk)
    _field(page, "en", "title").fill("Fair recruitment corridor Nepal–Qatar")
    _field(page, "en", "summary").fill("Recruitment without fees for workers.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft was saved.")).to_be_visible()
    practice = Practice.objects.get()
    assert practice.call_id == open_call.pk

    # The deadline passes (the server's clock moves on).
    with time_machine.travel(open_call.deadline + datetime.timedelta(minutes=5), tick=True):
        page.goto(f"/en/hub/calls/{open_call.slug}/")
        expect(page.get_by_text(re.compile("This call closed on"))).to_be_visible()
        expect(page.get_by_role("link", name="Submit a practice to this call")).to_have_count(0)

        page.goto("/en/hub/my/submissions/")
        page.get_by_role("link", name=re.compile("^Edit “")).click()
        expect(page.get_by_text(re.compile("is closed: submissions to it are no longer accepted"))).to_be_visible()
        _fill_practice(
            page,
            "en",
            description="Zero-fee recruitment.",
            results="1,200 workers hired.",
            country=Country.objects.get(iso3="NPL"),
            objective=Objective.objects.get(number=6),
        )
        page.get_by_role("button", name="Submit for review").click()
        # The call refuses it, next to the call field; the draft keeps everything.
        call_box = _field_box(page, _field(page, "en", "call"))
        expect(call_box.locator(".errorlist")).to_contain_text("This call closed on")
        practice.refresh_from_db()
        assert practice.status == Practice.Status.DRAFT and practice.results == "1,200 workers hired."
        assert_accessible(page, "practice form refused by a closed call")

        # Outside the call, it goes through.
        page.get_by_label("In answer to a call for practices").select_option(label="Not in answer to a call")
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_text(re.compile("Thank you: your practice was submitted"))).to_be_visible()
        practice.refresh_from_db()
        assert practice.status == Practice.Status.SUBMITTED and practice.call_id is None


# --------------------------------------------------------------------------------------------------
# 3. A visitor's rating of a Network tool reaches the Secretariat's results
# --------------------------------------------------------------------------------------------------


def test_a_visitors_rating_of_a_network_tool_appears_in_the_secretariats_results(open_page, reference_data):
    from gcmhub.accounts.models import Role
    from gcmhub.knowledge.models import ToolFeedback
    from gcmhub.test import make_resource

    tool = make_resource(
        title_en="Guidance on developing national implementation plans", is_network_tool=True, kind="guidance"
    )
    make_resource(title_en="Another Network tool", is_network_tool=True, kind="guidance")
    make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)

    visitor = open_page()
    visitor.goto(f"/en/hub/resources/{tool.slug}/")
    expect(visitor.get_by_role("heading", name="Tell us what you think of this tool")).to_be_visible()
    assert_accessible(visitor, "Network tool with its feedback form")
    # Sending without a rating keeps what was typed and says what is missing.
    visitor.get_by_label("How did you use it?").fill("To draft our national plan's consultation steps.")
    visitor.get_by_role("button", name="Send feedback").click()
    expect(visitor.get_by_role("group", name="How useful was it?").locator(".errorlist")).to_be_visible()
    assert (
        visitor.get_by_label("How did you use it?").input_value() == "To draft our national plan's consultation steps."
    )
    assert_accessible(visitor, "feedback form with an error")
    visitor.get_by_role("group", name="How useful was it?").get_by_label("4", exact=True).check()
    visitor.get_by_label("What should be improved?").fill("A checklist per step would help.")
    visitor.get_by_role("button", name="Send feedback").click()
    expect(visitor.get_by_text("Thank you for your feedback.")).to_be_visible()

    second = open_page()
    second.goto(f"/en/hub/resources/{tool.slug}/")
    second.get_by_role("group", name="How useful was it?").get_by_label("2", exact=True).check()
    second.get_by_role("button", name="Send feedback").click()
    expect(second.get_by_text("Thank you for your feedback.")).to_be_visible()
    assert ToolFeedback.objects.filter(resource=tool).count() == 2

    sam = open_page()
    login(sam, "sam@example.org", PASSWORD)
    sam.goto("/en/hub/feedback/")
    row = sam.get_by_role("row").filter(has=sam.get_by_role("link", name=tool.title_en))
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("2")  # responses
    expect(cells.nth(1)).to_have_text("3.0")  # average of 4 and 2
    assert_accessible(sam, "feedback results")
    row.get_by_role("link", name=tool.title_en).click()
    expect(sam.locator("main")).to_contain_text("3.0 out of 5")
    expect(sam.get_by_text("A checklist per step would help.")).to_be_visible()
    expect(sam.get_by_text("To draft our national plan's consultation steps.")).to_be_visible()
    assert_accessible(sam, "feedback on one tool")
