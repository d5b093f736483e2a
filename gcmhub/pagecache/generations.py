"""Generation counters: one per scope of content, bumped in the transaction that changes it.

A scope is the label of a content app (`settings.PAGE_CACHE_APPS`: taxonomy, accounts, workplan,
knowledge, redirects...), or a model's own scope (`settings.PAGE_CACHE_OWN_SCOPES`: tool feedback,
which only the Secretariat's results show). Every model of those apps is watched: `post_save`, `post_delete` and
`m2m_changed`, plus `gcmhub.lib.changes.content_changed` for bulk writes, bump the app's counter
with an `UPDATE ... SET value = value + 1` on the changing connection, so the bump commits or
rolls back with the change. The page cache reads all counters (one query) before it looks a page
up, and keys the page by the counters of the scopes it shows.

Readers always read the counters before the data (the middleware does so before calling the
view), so a page is never stored under generations newer than the data it shows: a change
committed while a page renders leaves that page under the old generations, which no later reader
asks for.

One bump per scope and transaction: later changes of the same scope in the same transaction find
the first bump in the connection's on-commit list (Django drops entries of rolled-back savepoints,
so a bump undone by a savepoint rollback is done again). A page stored from inside an open
transaction (tests, a command) forgets those bumps, so a later change in the same transaction
bumps again.

PostgreSQL: the UPDATE takes the counter row's lock until the transaction ends, so transactions
that change the same scope queue behind each other from their first change to their commit; a
long import holds other writers of its scope until it commits (see docs/performance.md).
"""

import logging

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)


def watched_apps() -> tuple[str, ...]:
    return tuple(getattr(settings, "PAGE_CACHE_APPS", ()))


def _ignored_models() -> set[str]:
    return {label.lower() for label in getattr(settings, "PAGE_CACHE_IGNORED_MODELS", ())}


def _own_scopes() -> dict[str, str]:
    """{model label: scope} of the models whose changes count in a scope of their own, not their
    app's: only the parts that name that scope show them (`settings.PAGE_CACHE_OWN_SCOPES`)."""
    return {label.lower(): scope for label, scope in getattr(settings, "PAGE_CACHE_OWN_SCOPES", {}).items()}


def all_scopes() -> tuple[str, ...]:
    """Every scope a change can bump: the content apps and the models' own scopes."""
    return (*watched_apps(), *sorted(set(_own_scopes().values()) - set(watched_apps())))


def _ignored_fields() -> dict[str, set[str]]:
    return {label.lower(): set(names) for label, names in getattr(settings, "PAGE_CACHE_IGNORED_FIELDS", {}).items()}


def _table() -> str:
    from gcmhub.pagecache.models import Generation

    return Generation._meta.db_table


def _alias() -> str:
    from gcmhub.pagecache.models import Generation

    return router.db_for_write(Generation)


def read_all() -> dict[str, int]:
    """{scope: value} of every counter, committed values only (one query)."""
    connection = connections[_alias()]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope, value FROM {connection.ops.quote_name(_table())}")  # noqa: S608
        return dict(cursor.fetchall())


class _Bumped:
    """The on-commit marker of the scopes bumped in the current transaction; it does nothing on
    commit, it only lives in `connection.run_on_commit` as long as the bump it records."""

    def __init__(self, scopes):
        self.scopes = set(scopes)

    def __call__(self):
        pass


def _already_bumped(connection) -> set[str]:
    done = set()
    for _ids, func, _robust in connection.run_on_commit:
        if isinstance(func, _Bumped):
            done |= func.scopes
    return done


def forget_bumps(using: str | None = None) -> None:
    """Make later changes in the current transaction bump again (a page was stored from inside it)."""
    connection = connections[using or _alias()]
    if connection.in_atomic_block:
        # (savepoint ids, callback, robust); django-stubs still lists the first two only.
        for entry in connection.run_on_commit:
            func = entry[1]
            if isinstance(func, _Bumped):
                func.scopes.clear()


def bump(*scopes: str, using: str | None = None) -> None:
    """Count a change of `scopes` in the current transaction (or at once in autocommit mode)."""
    from gcmhub.pagecache.models import Generation

    using = using or _alias()
    connection = connections[using]
    todo = sorted(set(scopes) - (_already_bumped(connection) if connection.in_atomic_block else set()))
    if not todo:
        return
    for scope in todo:
        if not Generation.objects.using(using).filter(scope=scope).update(value=F("value") + 1):
            _create(scope, using)
    if connection.in_atomic_block:
        transaction.on_commit(_Bumped(todo), using=using)


def _create(scope: str, using: str) -> None:
    from gcmhub.pagecache.models import Generation

    _generation, created = Generation.objects.using(using).get_or_create(scope=scope, defaults={"value": 1})
    if not created:  # another transaction created it meanwhile
        Generation.objects.using(using).filter(scope=scope).update(value=F("value") + 1)


def bump_all(using: str | None = None) -> None:
    """Invalidate every cached page (after a data migration, raw SQL, a restore)."""
    bump(*all_scopes(), using=using)


# --- Signals ------------------------------------------------------------------------------------


def _scope_of(model) -> str | None:
    meta = model._meta
    own = _own_scopes().get(meta.label_lower)
    if own is not None:
        return own
    if meta.app_label not in watched_apps() or meta.label_lower in _ignored_models():
        return None
    return meta.app_label


def _on_save(sender, instance, created=False, update_fields=None, raw=False, using=None, **kwargs):
    scope = _scope_of(sender)
    if scope is None:
        return
    ignored = _ignored_fields().get(sender._meta.label_lower)
    if ignored is not None:
        if created and "__created__" in ignored:
            return
        if update_fields and set(update_fields) <= ignored:
            return
    bump(scope, using=using)


def _on_delete(sender, instance, using=None, **kwargs):
    scope = _scope_of(sender)
    if scope is not None:
        bump(scope, using=using)


def _on_m2m_changed(sender, instance, action, using=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        scope = _scope_of(sender)
        if scope is not None:
            bump(scope, using=using)


def _on_content_changed(sender, pks=(), **kwargs):
    scope = _scope_of(sender)
    if scope is not None:
        bump(scope)


def connect_signals() -> None:
    """Watch every model of the content apps, each by sender: a receiver for every sender would
    turn off Django's fast deletes for all models, the search change log's included."""
    from gcmhub.lib.changes import content_changed

    content_changed.connect(_on_content_changed, dispatch_uid="pagecache-content-changed")
    ignored = _ignored_models()
    own = _own_scopes()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.label_lower not in own and (meta.app_label not in watched_apps() or meta.label_lower in ignored):
            continue
        uid = f"pagecache-{meta.label_lower}"
        if meta.auto_created:
            m2m_changed.connect(_on_m2m_changed, sender=model, dispatch_uid=f"{uid}-m2m")
            continue
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(_on_m2m_changed, sender=model, dispatch_uid=f"{uid}-m2m")


def after_migrate(using="default", **kwargs):
    """Data migrations write without signals: count a change of everything."""
    try:
        bump_all(using=using)
    except DatabaseError:  # the table itself is not there (migrating backwards)
        logger.warning("Page cache: could not bump the generations after migrate.")
