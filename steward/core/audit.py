"""The audit trail, captured at the ORM layer so that no write path escapes it.

Services, API, UI, tasks and commands all save through the ORM; signal handlers on every
``AuditedModel`` (and the audited queryset for bulk writes) turn each change into an
``AuditEntry`` carrying the current change context. See docs/development/audit.md.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from steward.core.context import current

MASK = "********"
SECRET_NAMES = ("password", "secret", "token", "key_hash")


def _is_audited(model: type[models.Model]) -> bool:
    from steward.core.models.base import AuditedModel

    return issubclass(model, AuditedModel) and not model._meta.abstract


SCALAR_FIELDS = (
    models.BooleanField,
    models.CharField,  # and its e-mail, slug, URL kinds
    models.TextField,
    models.IntegerField,  # and the other whole-number kinds
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.DateField,  # and DateTimeField
    models.TimeField,
    models.DurationField,
    models.DecimalField,
    models.FloatField,
    models.UUIDField,
    models.GenericIPAddressField,
    models.ForeignKey,
)
"""Fields whose loaded values are never a dict or a list: nothing to copy from them."""
_containers: dict[type, frozenset[str]] = {}


def container_columns(model: type[models.Model]) -> frozenset[str]:
    """Attributes of ``model``'s columns that may load a dict or a list (JSON, arrays)."""
    known = _containers.get(model)
    if known is None:
        known = frozenset(
            f.attname for f in model._meta.concrete_fields if not isinstance(f, SCALAR_FIELDS)
        )
        _containers[model] = known
    return known


def raw_values(
    field_names: Iterable[str], values: Iterable[Any], containers: Iterable[str] | None = None
) -> dict[str, Any]:
    """Values as loaded from the database; mutable ones copied so in-place edits show.
    Runs for every row a list loads: given ``containers`` (the columns that may hold a dict
    or a list), only those are looked at; empty containers (most custom fields) skip
    deepcopy."""
    raw = dict(zip(field_names, values, strict=True))
    for name in raw if containers is None else containers:
        value = raw.get(name)
        if type(value) is dict or type(value) is list:
            raw[name] = copy.deepcopy(value) if value else type(value)()
        elif isinstance(value, (dict, list)):
            raw[name] = copy.deepcopy(value)
    return raw


def before(instance: models.Model) -> dict[str, Any] | None:
    """The recorded state of a row before this save: the last audited snapshot, or the
    values it was loaded with."""
    known = instance.__dict__.get("_audit_before")
    if known is not None:
        return known
    raw = instance.__dict__.get("_audit_raw")
    return None if raw is None else snapshot(instance, raw)


def snapshot(instance: models.Model, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """JSON-safe values of the concrete fields, secrets masked, excluded fields left out."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    source = instance.__dict__ if values is None else values
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude or f.attname not in source:
            continue
        value = source[f.attname]
        if value is not None and any(s in f.name for s in SECRET_NAMES):
            # A digest of the secret, not the secret: a change still shows as a change.
            value = f"{MASK}{hashlib.sha256(str(value).encode()).hexdigest()[:8]}"
        elif isinstance(f, models.FileField):
            value = getattr(value, "name", value) or None
        data[f.attname] = value
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _entry(
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> Any:
    from django.contrib.contenttypes.models import ContentType

    from steward.core.models.audit import AuditEntry

    ctx = current()
    actor = ctx.actor()
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None else "",
        origin=ctx.origin,
        request_id=ctx.request_id,
        remote_addr=ctx.remote_addr,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        changed_fields=diff(before, after),
    )


class _Batch:
    """Audit entries of one use case, written in one INSERT when it ends. A row saved several
    times in the block gets one entry: created-then-changed is one "create" with the final
    values, changed-twice is one "update" from the first before to the last after."""

    def __init__(self) -> None:
        self.entries: list[Any] = []
        self.open: dict[tuple[type[models.Model], str], Any] = {}

    def add(self, instance: models.Model, action: str, prior: Any, after: Any) -> None:
        key = (type(instance), str(instance.pk))
        if action == "update" and key in self.open:
            entry = self.open[key]
            entry.after, entry.object_repr = after, str(instance)[:200]
            entry.changed_fields = diff(entry.before, after)
            return
        entry = _entry(instance, action, prior, after)
        self.entries.append(entry)
        if action in {"create", "update"}:
            self.open[key] = entry
        else:
            self.open.pop(key, None)

    def flush(self) -> None:
        from steward.core.models.audit import AuditEntry

        entries = [e for e in self.entries if e.action != "update" or e.changed_fields]
        if entries:
            AuditEntry.objects.bulk_create(entries, batch_size=500)


_batch: ContextVar[_Batch | None] = ContextVar("steward_audit_batch", default=None)
F = TypeVar("F", bound=Callable[..., Any])


def batched(function: F) -> F:
    """Runs a service atomically with its audit entries written in one INSERT at the end
    (the hot write paths save the same rows several times). Nested calls join the outer
    batch; an exception rolls the block back, entries and all."""

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        if _batch.get() is not None:
            return function(*args, **kwargs)
        batch = _Batch()
        token = _batch.set(batch)
        try:
            with transaction.atomic():
                result = function(*args, **kwargs)
                batch.flush()
        finally:
            _batch.reset(token)
        return result

    return run  # type: ignore[return-value]


def _write(instance: models.Model, action: str, prior: Any, after: Any) -> None:
    batch = _batch.get()
    if batch is not None:
        batch.add(instance, action, prior, after)
    else:
        _entry(instance, action, prior, after).save()


def on_post_save(sender: type[models.Model], instance: Any, created: bool, **kw: Any) -> None:
    if kw.get("raw") or not _is_audited(sender):
        return
    after = snapshot(instance)
    prior = None if created else before(instance)
    if not created and prior is not None and not diff(prior, after):
        return
    _write(instance, "create" if created else "update", prior, after)
    instance._audit_before = after


def on_post_delete(sender: type[models.Model], instance: Any, **kw: Any) -> None:
    if not _is_audited(sender):
        return
    _write(instance, "delete", snapshot(instance), None)


def on_m2m_changed(
    sender: Any, instance: Any, action: str, model: Any, pk_set: Any, **kw: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"} or not _is_audited(type(instance)):
        return
    for f in instance._meta.many_to_many:
        if getattr(f.remote_field, "through", None) is sender:
            name = f.name
            break
    else:
        return
    verb = action.removeprefix("post_")
    change = {name: {verb: sorted(str(pk) for pk in (pk_set or []))}}
    entry = _entry(instance, "update", None, change)
    batch = _batch.get()
    if batch is not None:
        batch.entries.append(entry)
    else:
        entry.save()


def record(
    instance: models.Model,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    action: str = "update",
) -> None:
    """An audit entry for a change the ORM signals cannot see (a related secret, a token)."""
    _entry(instance, action, before, after).save()


def record_bulk_create(model: type[models.Model], objs: Iterable[Any]) -> None:
    if not _is_audited(model):
        return
    from steward.core.models.audit import AuditEntry

    batch = _batch.get()
    entries = []
    for o in objs:
        if o.pk is None:
            continue
        after = snapshot(o)
        o._audit_before = after  # a later save of the row diffs against this
        if batch is not None:
            # Inside a batched service the rows join its one INSERT (and a later save of
            # the same row in the block updates this "create").
            batch.add(o, "create", None, after)
        else:
            entries.append(_entry(o, "create", None, after))
    if entries:
        AuditEntry.objects.bulk_create(entries, batch_size=500)


def record_bulk_update(
    model: type[models.Model], before: dict[Any, dict[str, Any]], objs: Iterable[Any]
) -> None:
    if not _is_audited(model):
        return
    from steward.core.models.audit import AuditEntry

    entries = []
    for o in objs:
        prior, after = before.get(o.pk), snapshot(o)
        if diff(prior, after):
            entries.append(_entry(o, "update", prior, after))
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(on_post_save, dispatch_uid="steward.audit.save")
    post_delete.connect(on_post_delete, dispatch_uid="steward.audit.delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="steward.audit.m2m")
