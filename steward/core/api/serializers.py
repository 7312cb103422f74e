from __future__ import annotations

import copy
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.settings import api_settings

from steward.core import permissions

# (field name, field, how to read it, what the value read becomes). How to read it: a
# model attribute name (one column), a tuple of names (a path over foreign keys ending in a
# column or ``__str__``), or None (DRF's generic lookup). What it becomes: the field's
# output (FIELD), the value itself (VALUE: a foreign key's id), or ISO 8601 text (TIME).
Step = tuple[str, Any, str | tuple[str, ...] | None, int]
FIELD, VALUE, TIME = 0, 1, 2


def _plain_datetime(field: Any) -> bool:
    """A DRF date-time field with the API's defaults: ISO 8601 in the current time zone."""
    return (
        isinstance(field, serializers.DateTimeField)
        and type(field).to_representation is serializers.DateTimeField.to_representation
        and type(field).enforce_timezone is serializers.DateTimeField.enforce_timezone
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
        and bool(settings.USE_TZ)
    )


def _column_path(model: Any, attrs: list[str]) -> tuple[str, ...] | None:
    """``attrs`` as a path through forward foreign keys to a column or ``__str__``."""
    for attr in attrs[:-1]:
        try:
            field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            return None
        model = field.related_model
    last = attrs[-1]
    if last == "__str__":
        return tuple(attrs)
    try:
        column = model._meta.get_field(last)
    except FieldDoesNotExist:
        return None
    return tuple(attrs) if column.concrete and not column.is_relation else None


def representation_plan(serializer: serializers.ModelSerializer) -> list[Step]:  # type: ignore[type-arg]
    """How to read each field of a model serializer. A field whose source is one concrete
    column is read straight from the row (a foreign key's id from its ``_id`` attribute), and
    a dotted source over foreign keys (``requester.__str__``, ``team.name``) is walked
    directly: DRF's generic lookup (``inspect`` on every value) was most of a list page's
    time. Everything else goes the generic way."""
    model: Any = serializer.Meta.model
    plan: list[Step] = []
    for field in serializer._readable_fields:
        how: str | tuple[str, ...] | None = None
        becomes = TIME if _plain_datetime(field) else FIELD
        attrs = list(getattr(field, "source_attrs", []))
        if len(attrs) == 1:
            try:
                column = model._meta.get_field(attrs[0])
            except FieldDoesNotExist:
                column = None
            if column is not None and getattr(column, "concrete", False):
                if not column.is_relation:
                    how = column.attname
                elif (
                    type(field).to_representation is PrimaryKeyRelatedField.to_representation
                    and isinstance(field, PrimaryKeyRelatedField)
                    and field.pk_field is None
                    and (column.many_to_one or column.one_to_one)
                ):
                    how, becomes = column.attname, VALUE
        elif len(attrs) > 1 and not isinstance(field, serializers.RelatedField):
            how = _column_path(model, attrs)
        plan.append((str(field.field_name), field, how, becomes))
    return plan


def _generic(field: Any, instance: Any, data: dict[str, Any], name: str) -> None:
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return
    check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    data[name] = None if check is None else field.to_representation(attribute)


def represent(plan: list[Step], instance: Any) -> dict[str, Any]:
    """DRF's ``Serializer.to_representation`` following ``plan``: the same output."""
    data: dict[str, Any] = {}
    zone = None
    for name, field, how, becomes in plan:
        if how is None:
            _generic(field, instance, data, name)
            continue
        if isinstance(how, str):
            value = getattr(instance, how)
        else:
            obj = instance
            for attr in how[:-1]:
                obj = getattr(obj, attr)
                if obj is None:
                    break
            if obj is None:  # DRF's rules for a missing link: default, null or left out
                _generic(field, instance, data, name)
                continue
            value = obj.__str__() if how[-1] == "__str__" else getattr(obj, how[-1])
        if value is None or becomes == VALUE:
            data[name] = value
        elif becomes == TIME and isinstance(value, datetime.datetime) and value.tzinfo:
            # DateTimeField.to_representation without its per-value settings lookups (an
            # instant the zone cannot hold goes DRF's way, to its error).
            zone = zone or timezone.get_current_timezone()
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                text = field.to_representation(value)
            data[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
        else:
            data[name] = field.to_representation(value)
    return data


def _holds_fields(field: Any) -> bool:
    return isinstance(field, serializers.BaseSerializer) or any(
        isinstance(value, serializers.Field) for value in vars(field).values()
    )


class JSONField(serializers.JSONField):
    """DRF's JSON field checks for null before it parses a form's text, so ``null`` sent as
    a multipart or form value became None past the check, and a NOT NULL column answered
    500. Here the parsed value meets the same rule as a JSON body's null: a 400."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if value is None and not self.allow_null:
            self.fail("null")
        return value


class StrictSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """Rejects unknown fields instead of silently dropping them.

    ModelSerializer rebuilds its fields from model metadata for every instance, which was the
    largest single cost of an API request (bench/README.md). The built fields depend only on
    the class, so they are built once per class and copied, as DRF copies declared fields.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.JSONField: JSONField,
    }

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = cls.__dict__.get("_steward_built_fields")
        if built is None:
            built = [(name, f, _holds_fields(f)) for name, f in super().get_fields().items()]
            cls._steward_built_fields = built  # type: ignore[attr-defined]
        # DRF deep-copies a field by calling its constructor again; binding a field to this
        # serializer only sets attributes on it, so a flat copy is enough unless the field
        # holds fields of its own (a nested serializer, a list's child, a many-relation).
        return {name: copy.deepcopy(f) if nested else copy.copy(f) for name, f, nested in built}

    def to_representation(self, instance: Any) -> Any:
        plan = self.__dict__.get("_steward_plan")
        if plan is None:
            plan = self._steward_plan = representation_plan(self)
        data = represent(plan, instance)
        hidden = getattr(self.Meta, "internal_fields", ())
        request = self.context.get("request")
        if hidden and request is not None and permissions.is_external(request.user):
            for name in hidden:
                data.pop(name, None)
        return data

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        writable = {name for name, f in self.fields.items() if not f.read_only}
        unknown = sorted(set(data) - writable)
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown or read-only field.")] for name in unknown}
            )
        return super().to_internal_value(data)
