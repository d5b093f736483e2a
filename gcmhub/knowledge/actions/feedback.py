"""Feedback on the Network's tools and guidance: anyone may give it, signed in or not."""

import dataclasses

from django.db import transaction

from gcmhub.knowledge.models import Resource, ToolFeedback
from gcmhub.lib.i18n import active_language
from gcmhub.taxonomy.models import Country


@dataclasses.dataclass
class FeedbackValues:
    rating: int
    how_used: str = ""
    country: Country | None = None
    improvements: str = ""
    may_contact: bool = False
    contact_email: str = ""

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> "FeedbackValues":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in cleaned.items() if name in names})


@transaction.atomic
def do_record_feedback(resource: Resource, user, values: FeedbackValues) -> ToolFeedback:
    """Record feedback about `resource` in the language of the page (anonymous users allowed)."""
    return ToolFeedback.objects.create(
        resource=resource,
        user=user if user is not None and user.is_authenticated else None,
        language=active_language(),
        rating=values.rating,
        how_used=values.how_used,
        country=values.country,
        improvements=values.improvements,
        may_contact=values.may_contact,
        contact_email=values.contact_email if values.may_contact else "",
    )
