from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.core import permissions


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
        data = super().to_representation(instance)
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
