"""Base classes every Steward model builds on."""

from __future__ import annotations

import inspect
from typing import Any

from django.db import models
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

from steward.core import audit, configcache
from steward.core.planner import joins_as_written

_choice_labels: dict[tuple[int, str | None], dict[Any, Any]] = {}
_plain: dict[type, bool] = {}


def _loads_plainly(cls: type[models.Model]) -> bool:
    """Whether ``Model.__init__`` given loaded values only stores each in the instance's
    ``__dict__``: no ``__init__`` of the model's own, and every column's attribute the plain
    deferred one (a foreign key's id descriptor also only stores it on a new instance)."""
    known = _plain.get(cls)
    if known is None:
        known = cls.__init__ is models.Model.__init__ and all(
            type(inspect.getattr_static(cls, f.attname, None))
            in (DeferredAttribute, ForeignKeyDeferredAttribute)
            for f in cls._meta.concrete_fields
        )
        _plain[cls] = known
    return known


class AuditedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Bulk writes that would bypass model signals still leave audit rows.

    ``bulk_update`` goes through ``update`` and is covered by it."""

    _joins_as_written = False

    def joins_as_written(self) -> AuditedQuerySet:
        """This read, when evaluated, plans its joins in the order written
        (``steward.core.planner``): for wide ``select_related`` reads found by the model's
        own columns."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._joins_as_written = True
        return clone

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone._joins_as_written = self._joins_as_written
        return clone

    def _fetch_all(self) -> None:
        if self._joins_as_written and self._result_cache is None:
            with joins_as_written(self.db):
                super()._fetch_all()
        else:
            super()._fetch_all()

    def update(self, **kwargs: Any) -> int:
        before = {obj.pk: audit.snapshot(obj) for obj in self}
        count = super().update(**kwargs)
        configcache.model_changed(self.model)
        if before:
            after = self.model._base_manager.filter(pk__in=list(before))
            audit.record_bulk_update(self.model, before, list(after))
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        configcache.model_changed(self.model)
        audit.record_bulk_create(self.model, created)
        return created


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditedModel(TimeStampedModel):
    """A model whose every create, update and delete is written to the audit log.

    ``custom_fields`` holds values of the custom fields an administrator defined for the model.
    """

    custom_fields = models.JSONField(default=dict, blank=True)

    objects = AuditedQuerySet.as_manager()

    audit_exclude: tuple[str, ...] = ("updated_at",)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Any) -> Any:
        """``get_<field>_display()`` with the labels built once per field and language:
        Django rebuilds and hashes every (lazy) choice on each call, a list page's top cost."""
        key = (id(field), get_language())
        labels = _choice_labels.get(key)
        if labels is None:
            labels = {
                make_hashable(value): force_str(label, strings_only=True)
                for value, label in field.flatchoices
            }
            _choice_labels[key] = labels
        value = make_hashable(getattr(self, field.attname))
        return labels[value] if value in labels else force_str(value, strings_only=True)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        """A loaded row as Django builds it, without the generic constructor where nothing
        listens for it: ``Model.__init__`` walks every column of the model (marking each one
        not loaded as deferred) and sends two signals, 8-30 µs a row; a list page loads
        hundreds of rows with their related ones (a ticket page: 320)."""
        if pre_init.receivers or post_init.receivers or not _loads_plainly(cls):
            instance = super().from_db(db, field_names, values)
        else:
            instance = cls.__new__(cls)
            state = ModelState()
            state.adding, state.db = False, db
            instance.__dict__["_state"] = state
            instance.__dict__.update(zip(field_names, values, strict=True))
        # Raw loaded values; serialised only if the row is saved (lists read many rows).
        instance._audit_raw = audit.raw_values(  # type: ignore[attr-defined]
            field_names, values, audit.container_columns(cls)
        )
        return instance

    def refresh_from_db(
        self, using: Any = None, fields: Any = None, from_queryset: Any = None
    ) -> None:
        """Reloads as Django does, and records the reloaded values as the row's database
        state for the audit: a deferred field read later (``.only()``, then the field) was
        otherwise missing from the loaded values and showed as changed on the next save."""
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        raw = self.__dict__.get("_audit_raw")
        known = self.__dict__.get("_audit_before")
        if raw is None and known is None:
            return
        wanted = None if fields is None else set(fields)
        names = [
            f.attname
            for f in self._meta.concrete_fields
            if f.attname in self.__dict__
            and (wanted is None or f.name in wanted or f.attname in wanted)
        ]
        if raw is not None:
            raw.update(audit.raw_values(names, [self.__dict__[n] for n in names]))
        if known is not None:
            now = audit.snapshot(self)
            known.update({n: now[n] for n in names if n in now})
