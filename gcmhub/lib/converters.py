"""Path converters registered once (`gcmhub.apps.GcmhubConfig.ready`) and used by every urls.py.

`<id:pk>` matches an id or a reference number of at most 18 digits, which fits every integer
column of SQLite and PostgreSQL: a longer number is no object's id, so the path does not match
and answers 404 (a JSON 404 under /api/v1/) without reaching the database. Django's own `int`
matches any number of digits and leaves the overflow to each query.
"""

from django.urls import register_converter

from gcmhub.lib.params import MAX_ID_DIGITS


class IdConverter:
    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
