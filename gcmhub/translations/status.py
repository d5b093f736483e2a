"""The state of every translation: source, missing, source changed since ("stale"), suggested
(to review) or translated by a person — worked out from the texts and `TranslationState` rows.

`sync()` keeps the rows in step with the texts (called on every save, see signals.py); code that
knows who wrote a translation, and how, says so with `recorded_as(...)` around its save.
"""

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.i18n import LANGUAGE_CODES, TranslationRecording, translation_recording
from gcmhub.translations.models import TranslationState
from gcmhub.translations.registry import Kind, kind_of

MISSING = "missing"
STALE = "stale"
SUGGESTED = TranslationState.Status.SUGGESTED.value
TRANSLATED = TranslationState.Status.HUMAN.value
# What is left to do, in the order the workspace shows it.
STATES = (MISSING, STALE, SUGGESTED, TRANSLATED)
STATE_LABELS = {
    MISSING: _("missing"),
    STALE: _("source changed since"),
    SUGGESTED: _("suggested, to review"),
    TRANSLATED: _("translated by a person"),
}
TO_DO = (MISSING, STALE, SUGGESTED)


def fingerprint(text: str) -> str:
    """A short fingerprint of a text: the same for the same words, whatever the line endings."""
    normal = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").strip())
    return hashlib.sha256(normal.encode()).hexdigest()[:16]


@dataclass
class Segment:
    """One field of one object in one target language."""

    kind: Kind
    pk: int
    field: str
    language: str
    source_language: str
    source: str
    text: str
    state: str
    by_id: int | None = None
    at: object = None

    @property
    def id(self) -> str:
        return segment_id(self.kind.key, self.pk, self.field)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def max_length(self) -> int | None:
        return self.kind.column(self.field, self.language).max_length


def segment_id(key: str, pk, field: str) -> str:
    return f"{key}/{pk}/{field}"


def source_of(texts: dict[str, str], declared: str) -> tuple[str, str]:
    """(language, text) of the source: the declared source language's text, else the first
    language with text (a record whose source text was removed keeps its translations)."""
    if (texts.get(declared) or "").strip():
        return declared, texts[declared]
    for code in LANGUAGE_CODES:
        if (texts.get(code) or "").strip():
            return code, texts[code]
    return declared, ""


def _rows(kind: Kind, queryset) -> Iterator[tuple[int, str, dict[str, dict[str, str]]]]:
    """(pk, declared source language, {field: {language: text}}) of each object, in one query."""
    columns = [f"{field}_{code}" for field in kind.fields for code in LANGUAGE_CODES]
    names = ["pk", *(["source_language"] if kind.has_source_column else []), *columns]
    constant = getattr(kind.model, "source_language", "en")
    for values in queryset.values_list(*names):
        pk, rest = values[0], values[1:]
        declared = rest[0] if kind.has_source_column else constant
        texts = rest[1:] if kind.has_source_column else rest
        by_field: dict[str, dict[str, str]] = {}
        for i, column in enumerate(columns):
            field, code = column.rsplit("_", 1)
            by_field.setdefault(field, {})[code] = texts[i] or ""
        yield pk, declared or "en", by_field


_STATE_COLUMNS = ("status", "source_fingerprint", "by", "at")


def _state(text: str, source: str, row: tuple | None) -> tuple[str, int | None, object]:
    """(state, by, at) of a translation: `row` is its (status, source fingerprint, by, at)."""
    if not text.strip():
        return MISSING, None, None
    if row is None:  # written before the states were kept: a person's, who and when unknown
        return TRANSLATED, None, None
    status, source_fp, by_id, at = row
    if source_fp != fingerprint(source):
        return STALE, by_id, at
    return (SUGGESTED if status == SUGGESTED else TRANSLATED), by_id, at


def segments(kind: Kind, queryset, languages: Iterable[str]) -> Iterator[Segment]:
    """Every segment of the objects of `queryset` in `languages` (not their source language),
    in the queryset's order and the fields' declaration order. Two queries."""
    languages = list(languages)
    rows = TranslationState.objects.filter(content_type=kind.content_type, language__in=languages)
    states = {
        (object_id, field, language): tuple(rest)
        for object_id, field, language, *rest in rows.values_list("object_id", "field", "language", *_STATE_COLUMNS)
    }
    for pk, declared, by_field in _rows(kind, queryset):
        for field in kind.fields:
            texts = by_field[field]
            source_language, source = source_of(texts, declared)
            if not source.strip():
                continue
            for language in languages:
                if language == source_language:
                    continue
                text = texts.get(language, "")
                state, by_id, at = _state(text, source, states.get((pk, field, language)))
                yield Segment(kind, pk, field, language, source_language, source, text, state, by_id, at)


def segment_of(kind: Kind, obj, field: str, language: str) -> Segment | None:
    """The segment of one loaded object (None for its source language, or nothing to translate),
    its state read from its row (one query when it has a translation)."""
    declared = getattr(obj, "source_language", None) or "en"
    texts = {code: getattr(obj, f"{field}_{code}", "") or "" for code in LANGUAGE_CODES}
    source_language, source = source_of(texts, declared)
    if not source.strip() or language == source_language:
        return None
    text = texts[language]
    row = None
    if text.strip():
        row = (
            TranslationState.objects.filter(
                content_type=kind.content_type, object_id=obj.pk, field=field, language=language
            )
            .values_list(*_STATE_COLUMNS)
            .first()
        )
    state, by_id, at = _state(text, source, row)
    return Segment(kind, obj.pk, field, language, source_language, source, text, state, by_id, at)


def suggested_fields(obj, language: str) -> set[str]:
    """The fields of `obj` whose `language` text is a suggestion not yet reviewed (one query per
    object and language, remembered on the object)."""
    memo = obj.__dict__.setdefault("_suggested_fields", {})
    if language not in memo:
        memo[language] = set(
            TranslationState.objects.filter(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                language=language,
                status=SUGGESTED,
            ).values_list("field", flat=True)
        )
    return memo[language]


def counts(kind: Kind, queryset, languages: Iterable[str]) -> dict[str, Counter]:
    """{language: Counter(state → number of segments)}."""
    found: dict[str, Counter] = {language: Counter() for language in languages}
    for segment in segments(kind, queryset, found):
        found[segment.language][segment.state] += 1
    return found


# ---------------------------------------------------------------------------------------------
# Keeping the rows in step with the texts (`recorded_as`, in gcmhub.lib.i18n, says who and how)


def sync(model, instances: Iterable) -> None:
    """Bring the rows of `instances` in step with their texts: a new or changed translation is
    recorded (as `recorded_as` says, else as translated by a person, author unknown: an edit
    outside the workspace, such as the CMS); an emptied one, or the source's own, loses its row."""
    kind = kind_of(f"{model._meta.app_label}.{model._meta.model_name}")
    instances = [obj for obj in instances if obj.pk is not None]
    if kind is None or not instances:
        return
    content_type = ContentType.objects.get_for_model(model)
    existing = {
        (row.object_id, row.field, row.language): row
        for row in TranslationState.objects.filter(content_type=content_type, object_id__in=[o.pk for o in instances])
    }
    recording = translation_recording() or TranslationRecording(TRANSLATED, None, frozenset())
    by = recording.by if getattr(recording.by, "is_authenticated", False) else None
    now = timezone.now()
    create, update, delete = [], [], []
    for obj in instances:
        declared = getattr(obj, "source_language", None) or "en"
        for field in kind.fields:
            texts = {code: getattr(obj, f"{field}_{code}", "") or "" for code in LANGUAGE_CODES}
            source_language, source = source_of(texts, declared)
            for code, text in texts.items():
                row = existing.get((obj.pk, field, code))
                if code == source_language or not text.strip():
                    if row is not None:
                        delete.append(row.pk)
                    continue
                text_fp = fingerprint(text)
                forced = (field, code) in recording.only
                if row is not None and row.text_fingerprint == text_fp and not forced:
                    continue
                values = {
                    "status": recording.status,
                    "by": by,
                    "at": now,
                    "source_fingerprint": fingerprint(source),
                    "text_fingerprint": text_fp,
                }
                if row is None:
                    create.append(
                        TranslationState(
                            content_type=content_type, object_id=obj.pk, field=field, language=code, **values
                        )
                    )
                else:
                    for name, value in values.items():
                        setattr(row, name, value)
                    update.append(row)
    if delete:
        TranslationState.objects.filter(pk__in=delete).delete()
    if create:
        TranslationState.objects.bulk_create(create)
    if update:
        TranslationState.objects.bulk_update(update, ["status", "by", "at", "source_fingerprint", "text_fingerprint"])
