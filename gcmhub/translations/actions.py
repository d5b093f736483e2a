"""Writing translations: one segment from the workspace (`do_translate`), and the texts of an
import (`write_translations`, called by `exchange.apply`). Every write locks the object and bumps
its version, and records who translated and how."""

from django.db import transaction
from django.utils.translation import gettext as _

from gcmhub.lib.i18n import recorded_as
from gcmhub.translations.models import TranslationState
from gcmhub.translations.registry import Kind
from gcmhub.translations.status import Segment, fingerprint, segment_of


class TranslationRefused(Exception):
    """The page the translation was typed on is older than the texts: `current` is the segment
    as it is now, on `obj`."""

    def __init__(self, message: str, current: Segment, obj):
        super().__init__(message)
        self.message, self.current, self.obj = message, current, obj


class NothingToTranslate(Exception):
    """The field is (now) the object's source text, or has no source text."""


def text_fingerprint(text: str) -> str:
    """The fingerprint a form carries of the translation it started from ("" for none)."""
    return fingerprint(text) if text.strip() else ""


def write_translations(obj, texts: dict[str, str], language: str, *, status: str, by) -> None:
    """Set `obj`'s texts in `language` ({field: text}) and save them, recorded with `status` and
    author. `obj` comes from `Kind.lock` inside the caller's transaction."""
    for field, text in texts.items():
        setattr(obj, f"{field}_{language}", text)
    with recorded_as(status, by=by, only=[(field, language) for field in texts]):
        obj.save(update_fields=[f"{field}_{language}" for field in texts])


def do_translate(
    *, user, kind: Kind, pk, field: str, language: str, text: str, source_fingerprint: str, base_fingerprint: str
):
    """Save one translation by a person, if the source and the translation are still those the
    translator saw (their fingerprints); return (segment, object) as saved. Raises
    `TranslationRefused` (nothing written) or `NothingToTranslate`."""
    with transaction.atomic():
        obj = kind.lock(pk)
        current = segment_of(kind, obj, field, language)
        if current is None:
            raise NothingToTranslate
        if fingerprint(current.source) != source_fingerprint:
            message = _(
                "The source text changed since you opened this page: read it again above. "
                "Your translation is kept in the box; save again to keep it."
            )
        elif text_fingerprint(current.text) != (base_fingerprint or ""):
            message = _(
                "Someone saved another translation of this text since you opened this page: theirs is "
                "shown above. Your translation is kept in the box; save again to replace theirs."
            )
        else:
            write_translations(obj, {field: text}, language, status=TranslationState.Status.HUMAN, by=user)
            return segment_of(kind, obj, field, language) or current, obj
        # Raised inside the transaction: the version bump of `lock` is rolled back too.
        raise TranslationRefused(message, current, obj)
