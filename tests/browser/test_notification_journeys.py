"""Notifications in Debian's Chromium (issue 11 §4, §7): a stakeholder who wrote in Spanish
chooses a daily digest for replies, a Member State focal point replies in French, the first author
sees the unread count in the header, opens the notification and lands on the reply, and gets it
in her daily digest, in Spanish; the Secretariat signs in and lands on a page with its queues.

Interface text is looked up with `ui(lang, ...)`, so the locators keep working once translated."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, assert_accessible, login, make_account, ui
from tests.browser.test_discussion_journeys import _discussion

pytestmark = pytest.mark.django_db(transaction=True)


def _post(topic, author, body, language, parent=None, moderator=None):
    from gcmhub.consultations import actions
    from gcmhub.consultations.models import Comment, ModerationAction

    comment = actions.do_post_comment(topic, author, actions.NewComment(body=body, language=language, parent=parent))
    if comment.status != Comment.Status.PUBLISHED:
        actions.do_moderate(comment, moderator, ModerationAction.Kind.APPROVE)
    comment.refresh_from_db()
    return comment


def test_a_reply_reaches_the_first_author_in_the_centre_and_her_daily_digest(open_page, reference_data):
    from django.core import mail

    from gcmhub.accounts.models import Role
    from gcmhub.notifications.actions import send_digests
    from gcmhub.taxonomy.models import Country

    moderator = make_account("mateo@example.org")
    stella = make_account("stella@example.org", language="es")
    mounia = make_account(
        "mounia@example.org",
        kind=Role.Kind.MEMBER_STATE_FOCAL_POINT,
        country=Country.objects.get(iso3="MAR"),
        language="fr",
    )
    topic = _discussion(moderation="post", moderators=[moderator])

    # Stella chooses a daily digest for replies, with the keyboard.
    page = open_page(locale="es-ES")
    login(page, stella.email, PASSWORD, lang="es")
    page.goto("/es/notifications/preferences/")
    assert_accessible(page, "notification preferences")
    group = page.get_by_role("group", name=re.compile(re.escape(ui("es", "Replies to my comments"))))
    daily = group.get_by_label(ui("es", "Daily digest"))
    daily.focus()
    page.keyboard.press("Space")
    expect(daily).to_be_checked()
    page.get_by_role("button", name=ui("es", "Save"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(ui("es", "Your choices are saved."))

    first = _post(
        topic, stella, "Sí: el proceso en seis pasos ordena el trabajo entre ministerios.", "es", moderator=moderator
    )
    _post(
        topic,
        mounia,
        "Au Maroc aussi, la coordination interministérielle a été la première étape.",
        "fr",
        parent=first,
        moderator=moderator,
    )

    # The header counts it (and the approval of her own comment); the centre lists it; opening it
    # lands on the reply.
    page.goto("/es/")
    header = page.get_by_role("link", name=re.compile("^" + re.escape(ui("es", "Notifications"))))
    expect(header).to_contain_text("2")
    header.click()
    assert_accessible(page, "notification centre")
    item = page.locator(".notification--unread").filter(has_text="Mounia")
    expect(item).to_have_count(1)
    item.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/es/discussions/champions/draft-guidance/"))
    expect(page.locator(".comment__body[lang=fr]")).to_contain_text("coordination interministérielle")
    page.goto("/es/notifications/")
    expect(page.locator(".notification--unread").filter(has_text="Mounia")).to_have_count(0)

    # The daily digest still carries what she had not read by then: reset and send it.
    from gcmhub.notifications.models import Notification

    Notification.objects.filter(user=stella).update(read_at=None)
    mail.outbox.clear()
    assert send_digests("daily") == 1
    [digest] = [message for message in mail.outbox if message.to == [stella.email]]
    assert "/es/" in digest.body and "Mounia" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_secretariat_lands_on_its_queues(open_page, reference_data):
    from gcmhub.accounts.models import Role
    from gcmhub.consultations.models import Comment

    sam = make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)
    author = make_account("new@example.org")
    topic = _discussion(moderation="pre")
    _comment = Comment.objects.create(topic=topic, author=author, language="en", body="A first comment.")
    page = open_page()
    login(page, sam.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/en/me/$"))
    assert_accessible(page, "the Secretariat's personal page")
    expect(page.get_by_role("heading", name=ui("en", "For the Secretariat"))).to_be_visible()
    expect(page.get_by_role("heading", name=ui("en", "Moderation"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("1")
    page.get_by_role("link", name=ui("en", "Open the moderation queue")).click()
    expect(page).to_have_url(re.compile(r"/en/discussions/moderation/"))
