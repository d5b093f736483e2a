import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictStr

from gcmhub.api.schemas.common import BodyId, Translations, enum_schema
from gcmhub.api.schemas.knowledge import CountryRef, LanguageChoice
from gcmhub.consultations.models import Reason

ReasonChoice = Annotated[Reason, enum_schema(Reason, "FlagReason")]
TopicState = Literal["draft", "upcoming", "open", "closed"]


class SpaceOut(Schema):
    slug: str
    title: str
    titles: Translations
    description: str
    descriptions: Translations
    source_language: str
    visibility: Literal["public", "restricted"]
    topic_count: int = Field(description="Published topics of the space.")
    created_at: datetime.datetime
    url: str


class SpaceList(Schema):
    count: int
    items: list[SpaceOut]


class QuestionOut(Schema):
    id: int
    text: str = Field(description="In the requested language, else the language it was written in.")
    texts: Translations
    source_language: str


class TopicOut(Schema):
    slug: str
    space: str = Field(description="Slug of the topic's space.")
    title: str
    titles: Translations
    introduction: str
    introductions: Translations
    audience: str
    audiences: Translations
    source_language: str
    languages: list[str] = Field(description="Languages the discussion is held in (comments may be in any).")
    state: TopicState
    restricted: bool = Field(description="Read by the members of its space only (the topic's or the space's choice).")
    moderation: Literal["pre", "post"] = Field(
        description="`pre`: comments are shown once a moderator approves them; `post`: at once."
    )
    time_zone: str
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    published_at: datetime.datetime | None
    objectives: list[int]
    countries: list[CountryRef]
    comment_count: int = Field(description="Published comments.")
    tool: str | None = Field(description="Slug of the Network tool this topic collects feedback on.")
    summary_report: str | None = Field(description="Slug of the resource that reports on the discussion.")
    url: str
    comments: str = Field(description="Address of the topic's comments in this API.")
    feed: str | None = Field(description="Atom feed of the topic's comments (public topics only).")


class TopicDetailOut(TopicOut):
    questions: list[QuestionOut]
    moderators: list[str] = Field(description="Display names of the topic's moderators.")
    principles: list[str]
    thematic_areas: list[int]
    resources: list[str] = Field(description="Slugs of the Hub's resources the topic links to.")


class TopicList(Schema):
    count: int
    items: list[TopicOut]


class CommentFileOut(Schema):
    title: str
    filename: str
    url: str = Field(description="Download address, answered after the same permission check as the comment.")
    size: int


class CommentOut(Schema):
    id: int
    topic: str = Field(description="Slug of the comment's topic.")
    parent: int | None = Field(description="The comment this one replies to.")
    thread: int = Field(description="The first comment of the thread (itself for a first comment).")
    depth: int = Field(description="0 for a first comment, 1 for a reply to it, and so on.")
    question: int | None = Field(description="Id of the topic's question the comment answers.")
    quote_of: int | None
    quote: str
    status: Literal["pending", "published", "hidden", "refused", "deleted"] = Field(
        description="Others see `published` comments, and `deleted` and `hidden` ones as placeholders without "
        "text; the author also sees their own `pending` and `refused` ones."
    )
    status_label: str
    language: str = Field(description="The language the comment is written in.")
    author: str = Field(description="The author's display name.")
    network_reply: bool = Field(description="Written by an owner of the tool: the Network's reply.")
    body: str = Field(description="Empty for a placeholder.")
    edited: bool
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    published_at: datetime.datetime | None
    attachments: list[CommentFileOut]
    url: str = Field(description="The comment's permalink on the site.")


class CommentList(Schema):
    count: int
    items: list[CommentOut]


class CommentPostedOut(CommentOut):
    detail: str = Field(description="Whether the comment is published or awaits moderation, in words.")


class CommentConflictOut(Schema):
    """412: the comment changed since the version sent in `If-Match`."""

    detail: str
    etag: str
    current: CommentOut


class CommentIn(Schema):
    """A comment on the topic, or a reply (`parent`). Files cannot be attached through the API."""

    model_config = ConfigDict(extra="forbid")

    body: StrictStr = Field(description="The text: words of your own, at most 10,000 characters.")
    language: LanguageChoice = Field(description="The language you write in.")
    parent: BodyId | None = Field(None, description="Id of the published comment you reply to.")
    question: BodyId | None = Field(None, description="Id of the topic's question you answer (first comments).")
    quote_of: BodyId | None = Field(None, description="Id of a published comment of the topic you quote.")
    quote: StrictStr = Field("", max_length=2000, description="The part of `quote_of` you answer.")


class CommentEditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: StrictStr


class FlagIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: ReasonChoice = Field(description="The ground from the code of conduct.")
    note: StrictStr = Field("", max_length=2000)


class FlagOut(Schema):
    detail: str
    reason: str
    reason_label: str
    created_at: datetime.datetime


class RetryOut(Schema):
    """429: too many comments in a short time; `Retry-After` gives the seconds to wait."""

    detail: str
