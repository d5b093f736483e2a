"""Typed access to a form's fields: django-stubs types `form.fields` as `dict[str, Field]`, and a
form that sets a field's `queryset` or `choices` in `__init__` needs the declared field class."""

from typing import TypeVar

from django import forms

_Field = TypeVar("_Field", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """`form.fields[name]`, which the form declares as a `kind` (TypeError if it does not)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field
