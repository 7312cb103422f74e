"""Small configuration tables that every write of a hot path reads (the priority matrix,
routing rules, SLA targets, custom field definitions, webhook subscriptions), kept in each
process between requests.

Correct across processes without a message bus: each committed change of a registered model
stores a new random *generation* in the shared cache table (one row), and a process compares
the generation it loaded its values under with that row before trusting them: once per
request (``scope()``, entered by ``ConfigCacheMiddleware``), once per read elsewhere (jobs,
commands, the mail listener). Inside a transaction that changed a registered model the cache
is bypassed: the change is not committed yet, and a rollback must not leave it behind.

Values are shared by every thread of the process: loaders return plain data or rows that
callers only read (``copy.copy`` a row before attaching it to something that is saved).
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")
KEY = "steward:config-generation"
MAX_AGE = 300.0  # seconds; a bound on staleness should a process die between commit and publish
_lock = threading.Lock()
_values: dict[str, Any] = {}
_loaded_under: list[str | None] = [None]
_loaded_at = [0.0]
_registered: set[type[models.Model]] = set()
_local = threading.local()


def register(*model_classes: type[models.Model]) -> None:
    """Changes of these models invalidate every cached value (they change rarely)."""
    for model in model_classes:
        if model in _registered:
            continue
        _registered.add(model)
        uid = f"steward.configcache.{model._meta.label}"
        post_save.connect(_on_signal, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_signal, sender=model, dispatch_uid=uid + ".delete")
        for field in model._meta.many_to_many:
            through = getattr(field.remote_field, "through", None)
            if through is not None:
                m2m_changed.connect(_on_signal, sender=through, dispatch_uid=uid + field.name)


def get(name: str, load: Callable[[], T]) -> T:
    """The cached value ``name``, loaded by ``load()`` when missing or out of date."""
    if getattr(_local, "dirty", False):
        if connection.in_atomic_block:
            return load()
        _local.dirty = False  # that transaction ended without commit: nothing to announce
    generation = _generation()
    with _lock:
        if _loaded_under[0] != generation or time.monotonic() - _loaded_at[0] > MAX_AGE:
            _values.clear()
            _loaded_under[0], _loaded_at[0] = generation, time.monotonic()
        if name in _values:
            return _values[name]
    value = load()
    with _lock:
        if _loaded_under[0] == generation:
            _values[name] = value
    return value


def model_changed(model: type[models.Model]) -> None:
    """Called for writes that send no signals (queryset ``update`` and ``bulk_create``)."""
    if model in _registered or (model._meta.concrete_model in _registered):
        _changed()


def reset() -> None:
    """Forget everything in this process (tests: each starts from its own database state)."""
    with _lock:
        _values.clear()
        _loaded_under[0] = None
    _local.dirty = False
    _local.memo = None


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Read the shared generation at most once inside the block (one request)."""
    _local.scoped, _local.memo = True, None
    try:
        yield
    finally:
        _local.scoped, _local.memo = False, None


def _generation() -> str:
    memo = getattr(_local, "memo", None)
    if memo is not None:
        return memo
    generation = str(cache.get(KEY) or "")
    if getattr(_local, "scoped", False):
        _local.memo = generation
    return generation


def _on_signal(sender: Any, **kwargs: Any) -> None:
    _changed()


def _changed() -> None:
    with _lock:
        _values.clear()
        _loaded_under[0] = None
    _local.dirty = True
    _local.memo = None
    transaction.on_commit(_publish)


def _publish() -> None:
    generation = uuid.uuid4().hex
    cache.set(KEY, generation, timeout=None)
    with _lock:
        _values.clear()
        _loaded_under[0] = None
    _local.dirty = False
    _local.memo = None
