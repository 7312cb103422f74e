from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField

from steward.core import permissions

# (field name, field, model attribute to read directly or None, the value is the output)
Step = tuple[str, Any, str | None, bool]


def representation_plan(serializer: serializers.ModelSerializer) -> list[Step]:  # type: ignore[type-arg]
    """How to read each field of a model serializer. A field whose source is one concrete
    column is read straight from the row (a foreign key's id from its ``_id`` attribute):
    DRF's generic attribute lookup (dotted paths, callables, ``inspect`` on every value) was
    most of a list page's time. Everything else goes the generic way."""
    model: Any = serializer.Meta.model
    plan: list[Step] = []
    for field in serializer._readable_fields:
        attname, value_is_output = None, False
        attrs = getattr(field, "source_attrs", [])
        if len(attrs) == 1:
            try:
                column = model._meta.get_field(attrs[0])
            except FieldDoesNotExist:
                column = None
            if column is not None and getattr(column, "concrete", False):
                if not column.is_relation:
                    attname = column.attname
                elif (
                    type(field).to_representation is PrimaryKeyRelatedField.to_representation
                    and isinstance(field, PrimaryKeyRelatedField)
                    and field.pk_field is None
                    and (column.many_to_one or column.one_to_one)
                ):
                    attname, value_is_output = column.attname, True
        plan.append((str(field.field_name), field, attname, value_is_output))
    return plan


def represent(plan: list[Step], instance: Any) -> dict[str, Any]:
    """DRF's ``Serializer.to_representation`` following ``plan``: the same output."""
    data: dict[str, Any] = {}
    for name, field, attname, value_is_output in plan:
        if attname is not None:
            value = getattr(instance, attname)
            if value is None or value_is_output:
                data[name] = value
            else:
                data[name] = field.to_representation(value)
            continue
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            continue
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        data[name] = None if check is None else field.to_representation(attribute)
    return data


class StrictSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """Rejects unknown fields instead of silently dropping them.

    ModelSerializer rebuilds its fields from model metadata for every instance, which was the
    largest single cost of an API request (bench/README.md). The built fields depend only on
    the class, so they are built once per class and copied, as DRF copies declared fields.
    """

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = cls.__dict__.get("_steward_built_fields")
        if built is None:
            built = super().get_fields()
            cls._steward_built_fields = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)

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
