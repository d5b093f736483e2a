"""The comments of a thread as HTML, written here rather than by the template engine.

A topic page of a busy discussion shows a hundred comments or more; each through
`includes/comment.html` took about 0.6 ms (tags, filters, `{% url %}` and a localised date per
comment), most of the page's time (bench/discussions.py). This writes the same markup —
`includes/comment.html` documents it and stays as its reference — with each translated string,
language name and address pattern worked out once per page. Everything from users is escaped.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat, linebreaksbr, truncatewords
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from gcmhub.consultations.threads import Node
from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import direction, language_of

ANY_PK = 987654321  # stands for a comment's id in address patterns


@dataclass
class _Page:
    """What every comment of a page shares: strings, addresses, language names."""

    space_slug: str
    topic_slug: str
    urls: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        for name in ("comment", "reply", "edit", "delete", "flag", "moderate", "history", "appeal"):
            self.urls[name] = reverse(f"consultations:{name}", args=[ANY_PK])
        self.urls["thread"] = reverse("consultations:thread", args=[self.space_slug, self.topic_slug, ANY_PK])
        self.urls["conduct"] = reverse("consultations:code_of_conduct")
        self.text = {
            "deleted": gettext("This comment was deleted by its author."),
            "hidden": gettext(
                'This comment was hidden by a moderator under the <a href="%(conduct_url)s">code of conduct</a>.'
            )
            % {"conduct_url": escape(self.urls["conduct"])},
            "network": gettext("The Network's reply"),
            "edited": gettext("edited (see history)"),
            "pending": gettext("Awaiting moderation"),
            "hidden_badge": gettext("Hidden by a moderator"),
            "refused": gettext("Refused by a moderator"),
            "answers": gettext("Answers the question:"),
            "reply": gettext("Reply"),
            "quote": gettext("Quote and reply"),
            "edit": gettext("Edit"),
            "delete": gettext("Delete"),
            "flag": gettext("Flag"),
            "moderate": gettext("Moderate"),
            "appeal": gettext("Why, and how to appeal"),
        }

    def url(self, name: str, pk) -> str:
        return self.urls[name].replace(str(ANY_PK), str(pk))

    def in_language(self, code: str) -> str:
        text = self.names.get(code)
        if text is None:
            name = language_name(code, in_sentence=True)
            text = self.names[code] = gettext("in %(language)s") % {"language": name}
        return text


def render_forest(forest: Iterable[Node], *, space_slug: str, topic_slug: str) -> SafeString:
    page = _Page(space_slug, topic_slug)
    return mark_safe("".join(_node(node, page) for node in forest))


def _node(node: Node, page: _Page) -> str:
    c = node.comment
    can = getattr(c, "can", None) or {}
    pk = str(c.pk)
    head_id = f"comment-{pk}-head"
    classes = f"comment comment--{escape(c.status)}" + (" comment--network" if c.network_reply else "")
    parts = [f'<li class="{classes}" id="comment-{pk}"><article class="comment__box" aria-labelledby="{head_id}">']
    if c.status == "deleted":
        parts.append(f'<p class="comment__placeholder" id="{head_id}">{page.text["deleted"]}</p>')
    elif c.status == "hidden" and not can.get("see_hidden"):
        parts.append(f'<p class="comment__placeholder" id="{head_id}">{page.text["hidden"]}</p>')
    else:
        parts.append(_head(c, page, head_id))
        question = getattr(c, "shown_question", None)
        if question is not None:
            code = language_of(question, "text")
            parts.append(
                format_html(
                    '<p class="comment__answers">{} <span lang="{}" dir="{}">{}</span></p>',
                    page.text["answers"],
                    code,
                    direction(code),
                    truncatewords(question.text, 25),
                )
            )
        if c.quote:
            parts.append(f'<blockquote class="comment__quote">{linebreaksbr(c.quote, autoescape=True)}</blockquote>')
        language = escape(c.language)
        parts.append(
            f'<div class="comment__body" lang="{language}" dir="{direction(c.language)}">'
            f"{linebreaks(c.body, autoescape=True)}</div>"
        )
        attachments = getattr(c, "shown_attachments", None)
        if attachments:
            items = "".join(
                format_html(
                    '<li><a href="{}">{}</a> <span class="muted">({})</span></li>',
                    attachment.get_absolute_url(),
                    str(attachment),
                    filesizeformat(attachment.size),
                )
                for attachment in attachments
            )
            parts.append(f'<ul class="comment__files">{items}</ul>')
        if can.get("any"):
            parts.append(_actions(c, can, page))
    parts.append("</article>")
    if node.children:
        parts.append('<ol class="comments">' + "".join(_node(child, page) for child in node.children) + "</ol>")
    if node.more:
        text = ngettext(
            "Continue this thread (%(counter)s reply)", "Continue this thread (%(counter)s replies)", node.more
        ) % {"counter": formats.number_format(node.more)}
        parts.append(format_html('<p><a href="{}">{}</a></p>', page.url("thread", pk), text))
    parts.append("</li>")
    return "".join(parts)


def _head(c, page: _Page, head_id: str) -> str:
    moment = timezone.localtime(c.created_at)
    parts = [
        f'<p class="comment__head" id="{head_id}">',
        f'<span class="comment__author">{conditional_escape(str(c.author))}</span>',
    ]
    if c.network_reply:
        parts.append(f' <span class="badge badge--network">{page.text["network"]}</span>')
    parts.append(
        format_html(
            ' <a href="{}" class="muted"><time datetime="{}">{}</time></a>',
            page.url("comment", c.pk),
            moment.isoformat(),
            formats.date_format(moment, "DATETIME_FORMAT"),
        )
    )
    parts.append(f' <span class="muted">{page.in_language(c.language)}</span>')
    if c.edited_at:
        parts.append(format_html(' <a href="{}">{}</a>', page.url("history", c.pk), page.text["edited"]))
    badge = {"pending": "pending", "hidden": "hidden_badge", "refused": "refused"}.get(c.status)
    if badge:
        parts.append(f' <span class="badge badge--pending">{page.text[badge]}</span>')
    parts.append("</p>")
    return "".join(parts)


def _actions(c, can: dict, page: _Page) -> str:
    items = []
    if can.get("reply"):
        reply = page.url("reply", c.pk)
        items.append(format_html('<li><a href="{}">{}</a></li>', reply, page.text["reply"]))
        items.append(format_html('<li><a href="{}?quote=1">{}</a></li>', reply, page.text["quote"]))
    for name in ("edit", "delete", "flag", "moderate"):
        if can.get(name):
            items.append(format_html('<li><a href="{}">{}</a></li>', page.url(name, c.pk), page.text[name]))
    if can.get("appeal"):
        items.append(
            format_html('<li><a href="{}">{}</a></li>', page.url("appeal", can["appeal"]), page.text["appeal"])
        )
    return '<ul class="comment__actions">' + "".join(items) + "</ul>"
