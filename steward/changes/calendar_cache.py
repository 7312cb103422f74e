"""The calendar's conflicts of a period, cached under a version of what they depend on.

Finding which changes of a busy month conflict (a walk of the CMDB for all their items, a
test per overlapping pair, the texts of the first few) was most of the month view's time,
for a result that only changes when a change, a window or the CMDB does. It is the same
for every viewer who sees the same rows, so it is cached (in this process, and in Django's
cache for the others), and so are the month and week pages' changes with their HTML
(``calendar_views._calendar``), under a key made of:

- the **version**: a random value in Django's cache, replaced by every write of a change, a
  change's items, a window or its scope, a configuration item or a relationship
  (``changed``, called by the row signals connected in ``connect``, whatever path writes
  them, and by the bulk writes of the demo). It is replaced in the writing transaction (the
  cache is a table of the same database, so the new value commits or rolls back with the
  write, and a process that dies before its commit hooks leaves nothing stale) and again
  once the transaction has committed (so a result computed meanwhile, from what was not yet
  committed, is never used, whichever cache backend is configured). Once per transaction:
  inside a transaction that already wrote, the calendar is computed afresh instead (it may
  read its own writes, which no one else may see yet);
- what the viewer sees (``visibility``): the SQL of the viewer's restricted change, item and
  window lists, so two viewers share a result only when they see the same rows;
- the period, how many conflicts are put into words, the language of the words (and, for
  the pages, the time zone of the times shown).

Never stale: the version is read before what is computed under it, and a page served after
a write's commit reads the version that write left. The cost is the first view after each
write, which computes everything and stores it (see bench/changes/calendar.py): a result
asked for while another is computed (the conflicts while the page's changes are put
together) is computed inside it and not stored on its own, and what is stored in Django's
cache is compressed (the busiest month's page is about a megabyte of pickled HTML, a tenth
of it compressed; writing it to the cache table was a quarter of that first view).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")
log = logging.getLogger(__name__)
KEY = "steward:changes:calendar-version"
TIMEOUT = 24 * 3600
"""Seconds a result stays in Django's cache (a result of an old version is never read)."""
FORMAT = 1
"""Part of every key: raise it when what is cached changes shape (the version survives a
deploy, so results stored by the code before would otherwise be read by the code after)."""
KEPT = 16
"""Results kept in each process (periods and viewers' visibilities of the current version)."""
_kept: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()
_computing = threading.local()


def changed(**_: Any) -> None:
    """Call in the transaction of every write the calendar's conflicts depend on (the
    signals of ``connect`` do): no result computed before it is used again."""
    if connection.in_atomic_block and _pending():
        return
    cache.set(KEY, uuid.uuid4().hex, timeout=None)
    if connection.in_atomic_block:
        transaction.on_commit(_publish)


def _publish() -> None:
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def _pending() -> bool:
    """Whether this transaction already wrote (its ``_publish`` waits for the commit; a
    rolled back savepoint takes its hooks with it)."""
    return any(func is _publish for _sids, func, _robust in connection.run_on_commit)


def _version() -> str:
    version = cache.get(KEY)
    if version is None:  # never written, or culled: a new one, never an old one's results
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(KEY)
    return str(version)


def visibility(*querysets: QuerySet[Any]) -> str:
    """What a viewer sees, as the SQL of their restricted lists (the user's id is in it when
    rows are narrowed to theirs; nothing is seen of an empty one)."""
    parts = []
    for qs in querysets:
        try:
            sql, params = qs.query.sql_with_params()
        except EmptyResultSet:
            sql, params = "none", ()
        parts.append(f"{qs.model._meta.label}:{sql}:{params!r}")
    return "\n".join(parts)


def get(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """The result of ``compute()`` for ``parts`` (what it depends on besides the version),
    from the cache when the current version has it."""
    if getattr(_computing, "depth", 0) or (connection.in_atomic_block and _pending()):
        return compute()  # part of a result being computed, or reading its own writes
    version = _version()
    digest = hashlib.sha256(repr((FORMAT, version, parts)).encode()).hexdigest()
    key = "steward:changes:calendar:z:" + digest
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]  # type: ignore[no-any-return]
    value = _unpack(cache.get(key))
    if value is None:
        _computing.depth = getattr(_computing, "depth", 0) + 1
        try:
            value = compute()
        finally:
            _computing.depth -= 1
        packed = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        cache.set(key, packed, timeout=TIMEOUT)
    with _lock:
        _kept[key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value  # type: ignore[no-any-return]


def _unpack(stored: Any) -> Any:
    """A stored result, or None when there is none or it cannot be read back (written by
    another version of this code, or damaged): it is then computed afresh, not a 500."""
    if stored is None:
        return None
    try:
        return pickle.loads(zlib.decompress(stored))  # noqa: S301 (our own cache table)
    except (zlib.error, pickle.UnpicklingError, EOFError, TypeError, AttributeError, ImportError):
        log.warning("unreadable calendar cache entry; computing it afresh")
        return None


def reset() -> None:
    """Forget this process's results (tests)."""
    with _lock:
        _kept.clear()


def connect() -> None:
    """Every write of what the conflicts read replaces the version: changes and their items,
    windows and their scopes (this app's), items and relationships (the CMDB's, whose every
    write path saves or deletes rows). Row signals rather than the event bus: this is the
    app's own cache, like the audit, and must see writes no service announces."""
    from django.apps import apps

    models = [
        apps.get_model("changes", "ChangeRequest"),
        apps.get_model("changes", "ChangeRequestCI"),
        apps.get_model("changes", "ChangeWindow"),
        apps.get_model("cmdb", "ConfigurationItem"),
        apps.get_model("cmdb", "Relationship"),
    ]
    for model in models:
        uid = f"changes.calendar_cache.{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid + ".save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=uid + ".delete", weak=False)
    scope = apps.get_model("changes", "ChangeWindow").configuration_items.through
    m2m_changed.connect(changed, sender=scope, dispatch_uid="changes.calendar_cache.scope")
