"""Events in Debian's Chromium (issue 11 §7): a user registers for a listening session and gets the
.ics (the confirmation e-mail's attachment and the page's download), is put on the waitlist of a
full one, and gets the seat when someone cancels. Then axe-core on every event page, in each
language, on a wide screen and at 375 px.

Interface text is looked up with `ui(lang, ...)`, so the locators keep working once translated."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, login, make_account, ui
from tests.browser.test_accessibility import _check

pytestmark = pytest.mark.django_db(transaction=True)


def _events():
    from django.utils import timezone

    from gcmhub.consultations.models import Event, EventSeries
    from gcmhub.test import make_event, make_resource

    series = EventSeries.objects.create(
        slug="imrf-listening",
        source_language="en",
        title_en="Listening sessions ahead of the IMRF",
        title_fr="Sessions d'écoute en vue du Forum",
        description_en="Region by region, the Network listens to stakeholders before the Forum.",
    )
    common = {"series": series, "time_zone": "Africa/Nairobi", "interpretation_languages": ["en", "fr"]}
    open_session = make_event(
        slug="africa-civil-society",
        title_en="Listening session with civil society in Africa",
        title_fr="Session d'écoute avec la société civile en Afrique",
        description_en="What should the Forum hear from the region?",
        agenda_en="1. Welcome\n2. Testimonies\n3. Open floor",
        capacity=50,
        speakers=[("Amina Diallo", "West African migrants' network")],
        **common,
    )
    full = make_event(
        slug="migrant-organisations",
        title_en="Listening session with migrant-led organisations",
        capacity=1,
        required_questions=["organisation"],
        **common,
    )
    held = make_event(
        slug="americas",
        title_en="Listening session: Latin America and the Caribbean",
        starts_at=timezone.now() - datetime.timedelta(days=20),
        recording_url="https://video.example.org/americas",
        summary_report=make_resource(title_en="Summary of the listening session for the Americas"),
        format=Event.Format.HYBRID,
        place="CEPAL, Santiago de Chile",
        **common,
    )
    return {"series": series, "open": open_session, "full": full, "held": held}


def _without_browser_checks(page):
    """Take off the browser's own form checks (`required`, `maxlength`), as an old browser or a
    script would send the form: the server's answer is what is tested."""
    page.evaluate(
        "document.querySelectorAll('[required], [maxlength]')"
        ".forEach((el) => { el.removeAttribute('required'); el.removeAttribute('maxlength'); })"
    )


def _press(page, lang, text):
    """Press a button by keyboard: focus it, then Enter."""
    button = page.get_by_role("button", name=ui(lang, text), exact=True)
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_user_registers_gets_the_ics_waits_and_is_promoted(open_page):
    from django.core import mail
    from icalendar import Calendar

    from gcmhub.consultations import actions_events
    from gcmhub.consultations.models import Registration

    data = _events()
    stella = make_account("stella@example.org", language="es")
    kwame = make_account("kwame@example.org")
    actions_events.do_register(data["full"], kwame, actions_events.Answers(organisation="Pan-African Forum"))
    mail.outbox.clear()

    # Stella registers for the open session, in Spanish.
    page = open_page(locale="es-ES")
    login(page, stella.email, PASSWORD, lang="es")
    page.goto(f"/es/events/{data['open'].slug}/")
    expect(page.locator("main")).not_to_contain_text(data["open"].online_link)
    page.get_by_role("link", name=ui("es", "Register"), exact=True).click()
    page.get_by_label(ui("es", "Your organisation")).fill("Red de Migrantes Latinoamericanos")
    page.get_by_label(ui("es", "Accessibility needs")).fill("Subtítulos en español")
    _press(page, "es", "Register")
    expect(page.locator(".messages")).to_contain_text(ui("es", "You are registered."))
    expect(page.locator("main")).to_contain_text(data["open"].online_link)

    # The confirmation e-mail carries the event as an .ics file with the link.
    confirmation = [m for m in mail.outbox if m.to == [stella.email]][-1]
    name, content, mimetype = confirmation.attachments[0]
    assert (name, mimetype) == ("africa-civil-society.ics", "text/calendar; charset=utf-8")
    vevent = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Listening session with civil society in Africa"
    assert data["open"].online_link in str(vevent["DESCRIPTION"])

    # And the page gives the same file.
    with page.expect_download() as download:
        page.get_by_role("link", name=ui("es", "Add to your calendar (.ics)")).click()
    downloaded = Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT")[0]
    assert str(downloaded["UID"]) == str(vevent["UID"])

    # The second session is full: the page says so, and registering puts her on the waitlist.
    page.goto(f"/es/events/{data['full'].slug}/")
    expect(page.locator(".event-seats--full")).to_be_visible()
    page.get_by_role("link", name=ui("es", "Join the waitlist"), exact=True).click()
    expect(page.locator("main")).to_contain_text(
        ui(
            "es",
            "This event is full. Registering puts you on the waitlist: if a seat frees up, it is yours in the order "
            "of registration and we will e-mail you.",
        )
    )
    # The organisation is required: without the browser's own check, the server refuses, the text kept.
    _without_browser_checks(page)
    page.get_by_label(ui("es", "Accessibility needs")).fill("Interpretación al español")
    _press(page, "es", "Join the waitlist")
    expect(page.get_by_label(ui("es", "Accessibility needs"))).to_have_value("Interpretación al español")
    expect(page.locator(".error-summary")).to_be_visible()
    page.get_by_label(ui("es", "Your organisation")).fill("Red de Migrantes Latinoamericanos")
    _press(page, "es", "Join the waitlist")
    expect(page.locator(".messages")).to_contain_text(
        ui(
            "es",
            "The event is full: you are on the waitlist. If a seat frees up, it is yours in the order of "
            "registration and we will e-mail you.",
        )
    )
    assert Registration.objects.get(user=stella, event=data["full"]).status == Registration.Status.WAITLISTED
    expect(page.locator("main")).not_to_contain_text(data["full"].online_link)

    # Kwame cancels from his registrations; Stella gets his seat and is told.
    other = open_page()
    login(other, kwame.email, PASSWORD)
    other.goto("/en/events/mine/")
    other.get_by_role("link", name=f"{ui('en', 'Cancel my registration')} — {data['full'].title}").click()
    _press(other, "en", "Cancel my registration")
    expect(other.locator(".messages")).to_contain_text(
        ui("en", "Your registration is cancelled. Thank you for freeing your seat.")
    )
    assert Registration.objects.get(user=stella, event=data["full"]).status == Registration.Status.CONFIRMED
    promoted = [m for m in mail.outbox if m.to == [stella.email]][-1]
    assert promoted.attachments and promoted.attachments[0][0] == "migrant-organisations.ics"
    page.reload()
    expect(page.locator("main")).to_contain_text(ui("es", "You are registered."))
    expect(page.locator("main")).to_contain_text(data["full"].online_link)

    # Her registrations page lists both, each with its calendar file.
    page.goto("/es/events/mine/")
    expect(page.get_by_role("link", name=ui("es", "Add to your calendar (.ics)"))).to_have_count(2)


def _sweep(page, lang, paths) -> dict:
    found = {}
    for path in paths:
        response = page.goto(f"/{lang}{path}")
        if response.status != 200:
            found[path] = [("http", response.status)]
            continue
        assert page.locator("html").get_attribute("lang") == lang, path
        _check(page, path, found)
    return found


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar"])
def test_every_event_page_passes_axe(open_page, lang):
    from gcmhub.accounts.models import Role
    from gcmhub.consultations import actions_events

    data = _events()
    stella = make_account("stella@example.org")
    make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)
    actions_events.do_register(data["open"], stella, actions_events.Answers(organisation="=1+1", question="Data?"))
    kwame = make_account("kwame@example.org")
    actions_events.do_register(data["full"], kwame, actions_events.Answers(organisation="Forum"))
    actions_events.do_register(data["full"], stella, actions_events.Answers(organisation="Red"))
    found = {}

    visitor = open_page()
    visitor_paths = [
        "/events/",
        "/events/?when=past",
        "/events/?kind=listening_session&series=imrf-listening",
        "/events/series/imrf-listening/",
        f"/events/{data['open'].slug}/",
        f"/events/{data['full'].slug}/",
        f"/events/{data['held'].slug}/",
    ]
    found.update({f"(visitor) {k}": v for k, v in _sweep(visitor, lang, visitor_paths).items()})

    person = open_page()
    login(person, stella.email, PASSWORD, lang=lang)
    person_paths = [
        "/events/mine/",
        f"/events/{data['open'].slug}/",
        f"/events/{data['open'].slug}/register/",
        f"/events/{data['open'].slug}/cancel/",
        f"/events/{data['full'].slug}/cancel/",
    ]
    found.update({f"(registrant) {k}": v for k, v in _sweep(person, lang, person_paths).items()})
    # The registration form with an error (the organisation is required), the text kept.
    other = open_page()
    login(other, kwame.email, PASSWORD, lang=lang)
    other.goto(f"/{lang}/events/{data['open'].slug}/")
    other.goto(f"/{lang}/events/{data['held'].slug}/register/")
    _check(other, "(person) registration closed", found)
    from gcmhub.consultations.models import Event

    Event.objects.filter(pk=data["open"].pk).update(required_questions=["organisation", "country"])
    other.goto(f"/{lang}/events/{data['open'].slug}/register/")
    other.locator("#id_question").fill("¿Y los datos?")
    _without_browser_checks(other)
    other.locator("main form button[type=submit]").click()
    other.locator(".error-summary").wait_for()
    _check(other, "(person) registration form with errors", found)

    secretariat = open_page()
    login(secretariat, "sam@example.org", PASSWORD, lang=lang)
    organiser_paths = [
        f"/events/{data['open'].slug}/",
        f"/events/{data['open'].slug}/attendees/",
        f"/events/{data['full'].slug}/attendees/",
        f"/events/{data['open'].slug}/announce/",
    ]
    found.update({f"(secretariat) {k}": v for k, v in _sweep(secretariat, lang, organiser_paths).items()})
    secretariat.goto(f"/{lang}/events/{data['open'].slug}/announce/")
    _without_browser_checks(secretariat)
    secretariat.locator("main form button[type=submit]").click()
    secretariat.locator(".error-summary").wait_for()
    _check(secretariat, "(secretariat) announcement with errors", found)
    assert not found, "\n".join(f"{path}: {items}" for path, items in found.items())
