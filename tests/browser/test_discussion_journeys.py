"""Discussions in Debian's Chromium (issue 11 §7): a stakeholder comments in Spanish on a
pre-moderated topic, a moderator approves it, a Member State focal point replies in French; a
comment is flagged, hidden with a reason, appealed by its author and restored by a second
moderator (the first one sees the appeal but cannot decide it). Then axe-core on every page of the
discussions, in each language, on a wide screen and at 375 px.

Interface text is looked up with `ui(lang, ...)`, so the locators keep working once translated."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, assert_accessible, login, make_account, ui
from tests.browser.test_accessibility import _check

pytestmark = pytest.mark.django_db(transaction=True)


def _discussion(*, moderation="pre", moderators=(), slug="draft-guidance"):
    from django.utils import timezone

    from gcmhub.consultations.models import Question, Space, Topic

    now = timezone.now()
    space, _created = Space.objects.get_or_create(
        slug="champions",
        defaults={"source_language": "en", "title_en": "Champion countries", "title_fr": "Pays champions"},
    )
    topic = Topic.objects.create(
        space=space,
        slug=slug,
        source_language="en",
        title_en="Draft guidance on national implementation plans",
        title_fr="Projet d'orientations pour les plans nationaux",
        title_es="Proyecto de orientaciones para los planes nacionales",
        introduction_en="Please answer the questions below in the language you prefer.",
        languages=["en", "fr", "es"],
        time_zone="America/El_Salvador",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        published_at=now - datetime.timedelta(days=2),
        moderation=moderation,
    )
    topic.moderators.set(moderators)
    Question.objects.create(
        topic=topic,
        order=1,
        source_language="en",
        text_en="Would the six-step process help your government?",
        text_fr="Le processus en six étapes aiderait-il votre gouvernement ?",
        text_es="¿Ayudaría el proceso de seis pasos a su gobierno?",
    )
    return topic


def _comment_form(page, lang):
    """The comment's text box and its language menu."""
    from gcmhub.consultations.forms import BodyField, CommentForm

    body = page.get_by_role("textbox", name=re.compile("^" + re.escape(ui(lang, BodyField().label))))
    return body, page.get_by_label(ui(lang, CommentForm.base_fields["language"].label))


def _submit(page, lang, text):
    """Press the button by keyboard: focus it, then Enter."""
    button = page.get_by_role("button", name=ui(lang, text), exact=True)
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _decide(page, lang, decision_label, *, reason_label=None, note=""):
    page.get_by_label(ui(lang, decision_label), exact=True).check()
    if reason_label is not None:
        page.get_by_label(re.compile("^" + re.escape(ui(lang, "Reason from the code of conduct")))).select_option(
            label=ui(lang, reason_label)
        )
    if note:
        page.get_by_label(re.compile("^" + re.escape(ui(lang, "Note to the author")))).fill(note)
    _submit(page, lang, "Record the decision")


def test_a_spanish_comment_is_approved_and_answered_in_french(open_page, reference_data):
    from gcmhub.accounts.models import Role
    from gcmhub.consultations.models import Comment
    from gcmhub.taxonomy.models import Country

    moderator = make_account("mateo@example.org")
    stella = make_account("stella@example.org", language="es")
    make_account(
        "mounia@example.org",
        kind=Role.Kind.MEMBER_STATE_FOCAL_POINT,
        country=Country.objects.get(iso3="MAR"),
        language="fr",
    )
    topic = _discussion(moderators=[moderator])
    path = topic.get_absolute_url()[3:]  # without the language prefix

    # A stakeholder comments in Spanish; the topic is pre-moderated, so it waits.
    author = open_page(locale="es-ES")
    login(author, stella.email, PASSWORD, lang="es")
    author.goto(f"/es{path}")
    body, language = _comment_form(author, "es")
    expect(language).to_have_value("es")
    body.fill("Sí: el proceso en seis pasos ordena el trabajo entre ministerios.")
    author.get_by_label(ui("es", "It answers the question")).select_option(index=1)
    _submit(author, "es", "Post your comment")
    expect(author.locator(".messages")).to_contain_text(
        ui("es", "Thank you: your comment awaits moderation. It is shown to others once a moderator approves it.")
    )
    mine = author.locator(".comment--pending")
    expect(mine).to_contain_text(ui("es", "Awaiting moderation"))
    expect(mine.locator(".comment__body")).to_have_attribute("lang", "es")
    assert_accessible(author, "topic page with a comment awaiting moderation")

    # Other readers do not see it yet.
    visitor = open_page()
    visitor.goto(f"/en{path}")
    expect(visitor.locator(".comment")).to_have_count(0)

    # The moderator approves it from the queue.
    mod = open_page()
    login(mod, moderator.email, PASSWORD)
    mod.goto("/en/discussions/moderation/")
    assert_accessible(mod, "moderation queue")
    mod.get_by_role("link", name=re.compile("Stella")).first.click()
    assert_accessible(mod, "moderation of a comment")
    _decide(mod, "en", "Approve: publish it")
    expect(mod.locator(".messages")).to_contain_text(ui("en", "Your decision is recorded in the moderation log."))
    assert Comment.objects.get().status == Comment.Status.PUBLISHED

    # A Member State focal point reads it in French and replies in French.
    focal = open_page(locale="fr-FR")
    login(focal, "mounia@example.org", PASSWORD, lang="fr")
    focal.goto(f"/fr{path}")
    spanish = focal.locator(".comment").first
    expect(spanish.locator(".comment__body")).to_have_attribute("lang", "es")
    spanish.get_by_role("link", name=ui("fr", "Reply"), exact=True).click()
    body, language = _comment_form(focal, "fr")
    expect(language).to_have_value("fr")
    body.fill("Merci : au Maroc aussi, la coordination interministérielle a été la première étape.")
    _submit(focal, "fr", "Post your reply")
    assert_accessible(focal, "topic page after a reply")
    reply = Comment.objects.get(parent__isnull=False)
    assert (reply.language, reply.depth, reply.status) == ("fr", 1, Comment.Status.PENDING)

    # Approved in turn, it shows under the Spanish comment, marked French.
    mod.goto("/en/discussions/moderation/")
    mod.get_by_role("link", name=re.compile("Mounia")).first.click()
    _decide(mod, "en", "Approve: publish it")
    visitor.goto(f"/en{path}")
    nested = visitor.locator(".comment .comments .comment__body")
    expect(nested).to_have_attribute("lang", "fr")
    expect(nested).to_contain_text("coordination interministérielle")


def test_a_hidden_comment_is_appealed_and_restored_by_a_second_moderator(open_page, transactional_db):
    from gcmhub.consultations.models import Appeal, Comment, ModerationAction

    first = make_account("maria@example.org")
    second = make_account("samuel@example.org")
    alice = make_account("alice@example.org")
    make_account("oscar@example.org")
    topic = _discussion(moderation="post", moderators=[first, second], slug="mobility")
    comment = Comment.objects.create(
        topic=topic,
        author=alice,
        body="Our association answers migrants at +41 22 000 00 00, our public helpline.",
        language="en",
        status=Comment.Status.PUBLISHED,
    )
    Comment.objects.filter(pk=comment.pk).update(thread=comment)
    path = topic.get_absolute_url()[3:]

    # A reader flags it, with a reason from the code of conduct.
    reader = open_page()
    login(reader, "oscar@example.org", PASSWORD)
    reader.goto(f"/en{path}")
    reader.locator(f"#comment-{comment.pk}").get_by_role("link", name=ui("en", "Flag"), exact=True).click()
    reader.get_by_label(ui("en", "Personal data of someone")).check()
    reader.get_by_label(re.compile("^" + re.escape(ui("en", "Anything the moderators should know")))).fill(
        "A phone number."
    )
    assert_accessible(reader, "flag form")
    _submit(reader, "en", "Flag it")

    # The first moderator hides it with a reason.
    mod1 = open_page()
    login(mod1, first.email, PASSWORD)
    mod1.goto("/en/discussions/moderation/")
    expect(mod1.locator("main")).to_contain_text(ui("en", "Personal data of someone"))
    mod1.get_by_role("link", name=re.compile("Alice")).first.click()
    # A reason is needed: without it the decision is refused and the note kept.
    _decide(mod1, "en", "Hide it", note="A phone number is personal data here.")
    expect(mod1.locator(".error-summary")).to_be_visible()
    assert_accessible(mod1, "moderation form with errors")
    _decide(mod1, "en", "Hide it", reason_label="Personal data of someone")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.HIDDEN

    # Its author sees why and appeals.
    author = open_page()
    login(author, alice.email, PASSWORD)
    author.goto(f"/en{path}")
    author.get_by_role("link", name=ui("en", "Why, and how to appeal")).click()
    expect(author.locator("main")).to_contain_text(ui("en", "Personal data of someone"))
    author.get_by_label(re.compile("^" + re.escape(ui("en", "Why should the decision be reviewed?")))).fill(
        "It is our association's public helpline, printed on our leaflets."
    )
    assert_accessible(author, "appeal page")
    _submit(author, "en", "Send my appeal")
    assert Appeal.objects.count() == 1

    # The first moderator sees the appeal but cannot decide it.
    mod1.goto("/en/discussions/moderation/appeals/")
    expect(mod1.locator("main")).to_contain_text(
        ui("en", "You took this decision: another moderator decides the appeal.")
    )
    mod1.get_by_role("link", name=re.compile("Alice")).first.click()
    expect(mod1.locator("form[method=post]")).to_have_count(1)  # the header's sign-out only
    assert_accessible(mod1, "appeal seen by the moderator who decided")

    # The second moderator restores it.
    mod2 = open_page()
    login(mod2, second.email, PASSWORD)
    mod2.goto("/en/discussions/moderation/appeals/")
    mod2.get_by_role("link", name=re.compile("Alice")).first.click()
    mod2.get_by_label(ui("en", "Decision reversed")).check()
    mod2.get_by_label(re.compile("^" + re.escape(ui("en", "Note to the appellant")))).fill("A public helpline.")
    assert_accessible(mod2, "appeal decision form")
    _submit(mod2, "en", "Decide")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.APPEAL_GRANTED, actor=second).exists()
    visitor = open_page()
    visitor.goto(f"/en{path}")
    expect(visitor.locator(f"#comment-{comment.pk} .comment__body")).to_contain_text("public helpline")
    mod2.goto("/en/discussions/moderation/log/")
    expect(mod2.locator("table")).to_contain_text(ui("en", "Appeal granted: decision reversed"))


# axe-core on every page of the discussions ----------------------------------------------------


def _discussion_data():
    """A topic with questions, threads four levels deep, an edited comment, a pending one, a flag,
    a hidden comment with its appeal, a mute; returns what the paths need."""
    from gcmhub.accounts.models import Role
    from gcmhub.consultations import actions
    from gcmhub.consultations.models import Comment, Flag, Membership, Reason, TopicAttachment
    from gcmhub.test import make_resource

    sam = make_account("sam@example.org", kind=Role.Kind.SECRETARIAT)
    moderator = make_account("maria@example.org")
    stella = make_account("stella@example.org")
    topic = _discussion(moderation="post", moderators=[moderator])
    topic.resources.add(make_resource(title_en="Implementing the GCM: a guide"))
    topic.summary_report = make_resource(title_en="Summary of the consultation", title_fr="Synthèse")
    topic.save(update_fields=["summary_report"])
    TopicAttachment.objects.create(topic=topic, title="Draft guidance (PDF)", file="topics/draft.pdf")
    Membership.objects.create(space=topic.space, user=sam, role=Membership.Role.MANAGER)

    def comment(author, body, language="en", parent=None, **extra):
        made = Comment.objects.create(
            topic=topic,
            author=author,
            body=body,
            language=language,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            status=extra.pop("status", Comment.Status.PUBLISHED),
            **extra,
        )
        Comment.objects.filter(pk=made.pk).update(thread_id=parent.thread_id if parent else made.pk)
        made.refresh_from_db()
        return made

    root = comment(stella, "El proceso en seis pasos ayuda.", "es", question=topic.questions.first())
    one = comment(moderator, "Merci pour cette contribution.", "fr", root)
    two = comment(stella, "De nada.", "es", one)
    three = comment(sam, "A deeper reply.", "en", two)
    comment(stella, "Et encore plus loin.", "fr", three)
    edited = actions.do_edit_comment(root, stella, "El proceso en seis pasos ayuda mucho.", None)
    comment(stella, "Awaiting a moderator.", status=Comment.Status.PENDING)
    flagged = comment(stella, "Call me at +41 22 000 00 00.")
    Flag.objects.create(comment=flagged, user=sam, reason=Reason.PERSONAL_DATA)
    hidden = comment(stella, "Something rude.")
    action = actions.do_moderate(hidden, moderator, "hide", reason=Reason.ABUSE, note="Insult.")
    appeal = actions.do_appeal(action, stella, "I apologise: may I rephrase?")
    restriction = actions.do_restrict(stella, sam, space=topic.space, reason=Reason.ABUSE)
    actions.do_lift(restriction, sam)
    return {
        "topic": topic,
        "space": topic.space,
        "two": two,
        "edited": edited,
        "flagged": flagged,
        "action": action,
        "appeal": appeal,
        "stella": stella,
        "root": root,
    }


def _sweep(page, lang, paths) -> dict:
    """axe on each path at both widths (test_accessibility's _check); a page that does not answer
    200 is a finding too: an error page would pass."""
    found = {}
    for path in paths:
        response = page.goto(f"/{lang}{path}")
        if response.status != 200:
            found[path] = [("http", response.status)]
            continue
        assert page.locator("html").get_attribute("lang") == lang, path
        _check(page, path, found)
    return found


def _visitor_paths(data):
    topic, space = data["topic"], data["space"]
    base = f"/discussions/{space.slug}"
    return [
        "/discussions/",
        f"{base}/",
        f"{base}/{topic.slug}/",
        f"{base}/{topic.slug}/?page=2",
        f"{base}/{topic.slug}/threads/{data['two'].pk}/",
        f"/discussions/comments/{data['edited'].pk}/history/",
        "/discussions/code-of-conduct/",
    ]


def _author_paths(data):
    return [
        f"/discussions/{data['space'].slug}/{data['topic'].slug}/",
        f"/discussions/comments/{data['root'].pk}/edit/",
        f"/discussions/comments/{data['root'].pk}/delete/",
        f"/discussions/appeals/{data['action'].pk}/",
    ]


def _secretariat_paths(data):
    topic, space, stella = data["topic"], data["space"], data["stella"]
    return [
        f"/discussions/comments/{data['root'].pk}/reply/",
        f"/discussions/comments/{data['root'].pk}/reply/?quote=1",
        f"/discussions/comments/{data['flagged'].pk}/flag/",
        "/discussions/moderation/",
        f"/discussions/moderation/?topic={topic.slug}",
        f"/discussions/moderation/comments/{data['flagged'].pk}/",
        "/discussions/moderation/log/",
        f"/discussions/moderation/log/?space={space.slug}",
        "/discussions/moderation/appeals/",
        f"/discussions/moderation/appeals/{data['appeal'].pk}/",
        "/discussions/moderation/restrictions/",
        f"/discussions/{space.slug}/mute/{stella.pk}/",
        f"/discussions/moderation/suspend/{stella.pk}/",
        f"/discussions/{space.slug}/members/",
    ]


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar"])
def test_every_discussion_page_passes_axe(open_page, transactional_db, lang):
    data = _discussion_data()
    found = {}
    visitor = open_page()
    found.update({f"(visitor) {k}": v for k, v in _sweep(visitor, lang, _visitor_paths(data)).items()})

    author = open_page()
    login(author, "stella@example.org", PASSWORD, lang=lang)
    found.update({f"(author) {k}": v for k, v in _sweep(author, lang, _author_paths(data)).items()})
    # The comment form with errors (too long), the text kept.
    author.goto(f"/{lang}/discussions/{data['space'].slug}/{data['topic'].slug}/")
    body = author.locator("#id_body")
    body.fill("x" * 10_050)
    author.locator("#comment-form button[type=submit]").click()
    author.locator(".error-summary").wait_for()
    _check(author, "(author) comment form with errors", found)

    secretariat = open_page()
    login(secretariat, "sam@example.org", PASSWORD, lang=lang)
    found.update({f"(secretariat) {k}": v for k, v in _sweep(secretariat, lang, _secretariat_paths(data)).items()})
    assert not found, "\n".join(f"{path}: {items}" for path, items in found.items())


def test_the_thread_is_used_by_keyboard(page, transactional_db):
    """Tab reaches a comment's actions in order, and Enter follows them."""
    data = _discussion_data()
    login(page, "sam@example.org", PASSWORD)
    page.goto(f"/en/discussions/{data['space'].slug}/{data['topic'].slug}/")
    reply = page.locator(f"#comment-{data['root'].pk} .comment__actions a").first
    reply.focus()
    assert page.evaluate("document.activeElement.textContent") == ui("en", "Reply")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == ui("en", "Quote and reply")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reply/\?quote=1$"))
    expect(page.locator("#id_quote")).to_have_value(re.compile("seis pasos"))
