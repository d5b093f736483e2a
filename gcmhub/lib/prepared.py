"""Querysets compiled to SQL once per process, for the few fixed-shape queries of every request.

Django builds and compiles a queryset's SQL each time it runs it: 150–450 µs of CPU for a
one-table filter on the project machine, where running the SQL takes 10–20 µs. That is most of
what reading a session, its user and the user's roles costs, on every signed-in request.

    @prepared
    def active_roles_of(user_id):
        return Role.objects.active().filter(user_id=user_id)

    active_roles_of(user.pk)  # a list of Role instances, as list(queryset) would give

The decorated function takes `int` and `str` arguments only and returns a queryset whose SQL
depends on their values only through query parameters (no `None`, no lists of varying length, no
lookups that transform the value). At the first call per database and argument types, it is
called with distinct marker values, compiled once, and the parameters holding the markers are
found; every call then runs that SQL with the arguments in their place and builds the rows the
way the queryset would: model instances (with `select_related` relations and annotations),
dicts for `values()`, tuples for `values_list()`, values for `values_list(flat=True)`, with the
database's converters applied (dates on SQLite). `prefetch_related` runs as usual afterwards.
A queryset whose markers do not come out unchanged in the parameters raises `TypeError` at its
first call, so a misuse fails in the tests, not silently.

Queries run through Django's cursor wrapper: they are counted by `assertNumQueries` and logged
like any other.
"""

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

from django.core.signals import setting_changed
from django.db import connections
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
    prefetch_related_objects,
)

# Values no real argument takes: a marker found in the compiled parameters is an argument's slot.
_INT_MARKER = 7_316_020_911_000_000
_STR_MARKER = "\x1eprepared-argument-{}\x1e"


def _marker(index: int, value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"prepared queries take int and str arguments, not {type(value).__name__}")
    return _INT_MARKER + index if isinstance(value, int) else _STR_MARKER.format(index)


@dataclass
class _Plan:
    sql: str
    params: list
    slots: list[tuple[int, int, type]]  # (parameter position, argument index, argument type)
    shape: str  # "model", "values", "values_list", "flat"
    converters: list[tuple[int, list, Any]]
    prefetch: tuple
    # model rows
    model: Any = None
    init_list: list | None = None
    fields_start: int = 0
    fields_end: int = 0
    related_populators: list = dataclasses.field(default_factory=list)
    annotation_col_map: dict | None = None
    # dict rows
    names: list = dataclasses.field(default_factory=list)
    alias: str = "default"


def _compile(queryset, args: tuple) -> _Plan:
    if queryset._known_related_objects:
        raise TypeError("prepared queries cannot come from a related manager")
    iterable = queryset._iterable_class
    shapes = {
        ModelIterable: "model",
        ValuesIterable: "values",
        ValuesListIterable: "values_list",
        FlatValuesListIterable: "flat",
    }
    if iterable not in shapes:
        raise TypeError(f"prepared queries cannot yield {iterable.__name__} rows")
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    params = list(params)
    markers = [_marker(index, value) for index, value in enumerate(args)]
    slots = []
    for position, param in enumerate(params):
        for index, marker in enumerate(markers):
            if type(param) is type(marker) and param == marker:
                slots.append((position, index, type(marker)))
    missing = set(range(len(markers))) - {index for _position, index, _type in slots}
    if missing:
        raise TypeError(f"argument(s) {sorted(missing)} do not reach the SQL unchanged: this query cannot be prepared")
    connection = compiler.connection
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = []
    for position, expression in enumerate(fields):
        if expression:
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if found:
                converters.append((position, found, expression))
    plan = _Plan(
        sql=sql,
        params=params,
        slots=slots,
        shape=shapes[iterable],
        converters=converters,
        prefetch=tuple(queryset._prefetch_related_lookups),
    )
    if plan.shape == "model":
        select, klass_info = compiler.select, compiler.klass_info
        select_fields = klass_info["select_fields"]
        plan.model = klass_info["model"]
        plan.fields_start, plan.fields_end = select_fields[0], select_fields[-1] + 1
        plan.init_list = [field[0].target.attname for field in select[plan.fields_start : plan.fields_end]]
        # Django 5.2's signature; the stubs describe Django 6's (a fetch_mode argument).
        plan.related_populators = get_related_populators(klass_info, select, queryset.db)  # type: ignore[call-arg]
        plan.annotation_col_map = compiler.annotation_col_map
    elif plan.shape == "values":
        query = queryset.query
        plan.names = [*query.extra_select, *query.values_select, *query.annotation_select]
    return plan


class prepared:
    def __init__(self, build):
        self.build = build
        self.plans: dict[tuple, _Plan] = {}
        functools.update_wrapper(self, build)
        _registry.append(self)

    def __call__(self, *args, using: str | None = None) -> list:
        key = (using, *(type(arg) for arg in args))
        plan = self.plans.get(key)
        if plan is None:
            queryset = self.build(*(_marker(index, arg) for index, arg in enumerate(args)))
            if using is not None:
                queryset = queryset.using(using)
            plan = self.plans[key] = _compile(queryset, args)
            plan.alias = queryset.db
        alias = plan.alias
        params = list(plan.params)
        for position, index, kind in plan.slots:
            params[position] = kind(args[index])
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = [_convert(row, plan.converters, connection) for row in rows]
        results = _shape(plan, rows, alias)
        if plan.prefetch and results:
            prefetch_related_objects(results, *plan.prefetch)
        return results

    def clear(self) -> None:
        self.plans.clear()


def _convert(row, converters, connection) -> list:
    row = list(row)
    for position, functions, expression in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row


def _shape(plan: _Plan, rows, alias: str) -> list:
    if plan.shape == "values_list":
        return [tuple(row) for row in rows]
    if plan.shape == "flat":
        return [row[0] for row in rows]
    if plan.shape == "values":
        names = plan.names
        return [dict(zip(names, row, strict=True)) for row in rows]
    objects = []
    start, end, from_db = plan.fields_start, plan.fields_end, plan.model.from_db
    for row in rows:
        obj = from_db(alias, plan.init_list, row[start:end])
        for populator in plan.related_populators:
            populator.populate(row, obj)
        if plan.annotation_col_map:
            for name, position in plan.annotation_col_map.items():
                setattr(obj, name, row[position])
        objects.append(obj)
    return objects


_registry: list[prepared] = []


def clear_all(**kwargs) -> None:
    """Forget every compiled query (settings that change the SQL changed: tests)."""
    for query in _registry:
        query.clear()


def _on_setting_changed(setting, **kwargs):
    if setting in ("DATABASES", "USE_TZ", "TIME_ZONE", "INSTALLED_APPS"):
        clear_all()


setting_changed.connect(_on_setting_changed, dispatch_uid="gcmhub-prepared-queries")
