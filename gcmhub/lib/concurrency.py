"""Optimistic concurrency: no edit silently overwrites another.

Every editable object carries a `version`, an integer bumped by each write through the actions
(`VersionedModel`). A page or an API client reads the version with the object (a hidden form field,
an `ETag`), and sends it back with its change. The action then claims the row with one
compare-and-set statement, `UPDATE … SET version = version + 1 WHERE pk = … AND version = n`
(`claim`), as the first write of its transaction: on PostgreSQL the statement takes the row lock,
on SQLite (transactions begin IMMEDIATE, see settings) the database's write lock, so of two saves
that read the same version only the first one passes; the second gets `StaleObject` with the row as
it is now, and is shown what changed while what its user typed is kept (`VersionedFormMixin`).

Writes that do not start from something the user saw (workflow steps on a locked row, the CMS's
own bookkeeping) call `claim(..., expected=None)`, which bumps the version without a check, so an
edit begun before them is refused afterwards.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F
from django.utils import formats
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

VERSION_FIELD = "version"

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class VersionedModel(models.Model):
    """An object that people edit: its `version` counts the writes made to it."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up with every change; an edit made from an older version is refused."),
    )

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        """The version as an HTTP entity tag (strong: the version names one representation)."""
        return f'"{self.version}"'


class StaleObject(Exception):
    """The object changed since the version the caller started from.

    `current` is the row as it is now (None if it was deleted meanwhile).
    """

    def __init__(self, current, expected: int | None = None):
        super().__init__(f"{type(current).__name__ if current else 'object'} changed since version {expected}")
        self.current = current
        self.expected = expected


_Versioned = TypeVar("_Versioned", bound=VersionedModel)


def claim(model: type[_Versioned], pk, expected: int | None) -> _Versioned:
    """Bump the row's version if it still is `expected` (any version when None), and return the
    row as it is now, write-locked until the transaction ends. Raise `StaleObject` otherwise.

    Must run inside `transaction.atomic`, as the first write of the transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run inside transaction.atomic")
    rows = model._default_manager.filter(pk=pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F(VERSION_FIELD) + 1):
        raise StaleObject(model._default_manager.filter(pk=pk).first(), expected)
    return model._default_manager.select_for_update().get(pk=pk)


def claim_instance(instance: VersionedModel, expected: int | None) -> None:
    """`claim` for an instance the caller goes on saving: only its `version` is refreshed."""
    # _meta.model, not type(): the instance may be a lazy object (request.user).
    model = cast("type[VersionedModel]", instance._meta.model)
    fresh = claim(model, instance.pk, expected)
    instance.version = fresh.version


# HTTP -------------------------------------------------------------------------------------------

_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*')


def parse_if_match(header: str | None) -> list[str] | None:
    """The entity tags of an `If-Match` header: None when absent, ["*"] for any, [] if unreadable."""
    if header is None:
        return None
    header = header.strip()
    if header == "*":
        return ["*"]
    tags, position = [], 0
    while position < len(header):
        match = _TAG.match(header, position)
        if not match:
            return []
        tags.append(match.group(1))
        position = match.end()
        if position < len(header):
            if header[position] != ",":
                return []
            position += 1
    return tags


def if_match_version(header: str | None) -> int | None | bool:
    """The version an `If-Match` header names: an int, None when absent, True for `*` (any
    version), False when it names no version this server gave (unreadable or not a number)."""
    tags = parse_if_match(header)
    if tags is None:
        return None
    if tags == ["*"]:
        return True
    for tag in tags:
        if tag.isdigit() and len(tag) <= 18:
            return int(tag)
    return False


# Forms ------------------------------------------------------------------------------------------


@dataclass
class ConflictRow:
    label: str
    saved: str
    yours: str


@dataclass
class Conflict:
    """What the conflict include shows: the object as saved now and, field by field, how it
    differs from what the user typed; or the newer items (status updates, events) they missed."""

    current: object
    rows: list[ConflictRow] = field(default_factory=list)
    newer: list = field(default_factory=list)
    message: str = ""


def _display(value, form_field=None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime | datetime.date):
        return formats.localize(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(_display(v, form_field) for v in value) or "—"
    choices = getattr(form_field, "choices", None)
    if choices is not None and not isinstance(form_field, forms.ModelChoiceField):
        labels = {str(k): v for k, v in choices if not isinstance(v, list | tuple)}
        if str(value) in labels:
            return str(labels[str(value)])
    return str(value)


def conflict_rows(form: forms.BaseForm, current) -> list[ConflictRow]:
    """The fields of a bound form whose typed value differs from the `current` object's."""
    rows = []
    for name, form_field in form.fields.items():
        if (
            name == VERSION_FIELD
            or isinstance(form_field, forms.FileField)
            or isinstance(form_field.widget, forms.HiddenInput)
        ):
            continue
        column = name
        if name in getattr(current, "_translated_fields", ()):
            # A form field named after a translated field edits the source language's text.
            column = f"{name}_{getattr(current, 'source_language', None) or 'en'}"
        try:
            model_field = current._meta.get_field(column)
        except FieldDoesNotExist:  # a form-only field: nothing saved to compare it with
            continue
        name_on_model = model_field.name
        if model_field.many_to_many:
            saved_value = list(getattr(current, name).all())
            initial = [obj.pk for obj in saved_value]
        elif model_field.is_relation:
            saved_value = getattr(current, name)
            initial = getattr(current, model_field.attname)
        else:
            saved_value = initial = getattr(current, name_on_model)
        typed = form[name].data
        if not form_field.has_changed(initial, typed):
            continue
        yours = form.cleaned_data.get(name, typed) if hasattr(form, "cleaned_data") else typed
        if model_field.choices and not model_field.is_relation:
            saved_text = str(dict(model_field.flatchoices).get(saved_value, saved_value) or "—")
        else:
            saved_text = _display(saved_value, form_field)
        rows.append(ConflictRow(str(form_field.label or name), saved_text, _display(yours, form_field)))
    return rows


class VersionedFormMixin(_FormBase):
    """A hidden `version` field: the version of the object the page showed.

    A ModelForm takes the version from its saved instance; other forms get `current=`, the object
    whose version they carry, from the view.
    After a refused save, `show_conflict(current)` adds the message, describes the other change
    and moves the hidden version to the current one, so saving again is a deliberate choice to
    replace it; everything typed stays in the form.
    """

    conflict: Conflict | None = None

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if current is None and instance is not None and instance.pk:
            current = instance
        self.versioned = current
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=current is not None, min_value=0
        )
        if current is not None:
            self.initial[VERSION_FIELD] = current.version
        self.conflict = None

    @property
    def expected_version(self) -> int | None:
        """The version the user saw; None for a new object."""
        if self.versioned is None:
            return None
        return self.cleaned_data.get(VERSION_FIELD)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if VERSION_FIELD in self.errors and self.versioned is not None:
            # Missing or garbled: the page predates versions, or was tampered with. Treat it as stale.
            del self.errors[VERSION_FIELD]
            fresh = self.versioned._meta.model._default_manager.filter(pk=self.versioned.pk).first()
            self.show_conflict(fresh)
        return cleaned

    def show_conflict(self, current, *, newer=(), message: str = "") -> Conflict:
        """Report a refused save on this (bound) form; see the class docstring."""
        self.conflict = Conflict(
            current=current,
            rows=conflict_rows(self, current) if current is not None and hasattr(current, "_meta") else [],
            newer=list(newer),
            message=message or stale_message(current),
        )
        if self.is_bound and current is not None and hasattr(current, VERSION_FIELD):
            set_bound_value(self, VERSION_FIELD, str(current.version))
        if hasattr(self, "cleaned_data"):
            self.add_error(
                None,
                forms.ValidationError(gettext("Nothing was saved: someone else changed this first."), code="stale"),
            )
        return self.conflict


def set_bound_value(form: forms.BaseForm, name: str, value: str) -> None:
    """Replace one field's value in a bound form's data (a copy: the request's data stays as it was)."""
    data = form.data.copy() if isinstance(form.data, MultiValueDict) else dict(form.data)
    data[form.add_prefix(name)] = value
    form.data = data


def stale_message(current) -> str:
    if current is None:
        return gettext("This was deleted while you were editing it.")
    return gettext(
        "Someone else changed this while you were editing it. Their version is shown here, and what you "
        "typed is kept in the form: check it, then save again to replace their changes, or reload the "
        "page to start from their version."
    )


def refuse_stale(form, stale: StaleObject, *, newer=(), message: str = "") -> Conflict:
    """Shorthand for the views: show `stale` on `form`."""
    return form.show_conflict(stale.current, newer=newer, message=message)
