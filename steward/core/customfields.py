"""Validation of custom field values against their definitions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _


def definitions(model: type[models.Model]) -> list[Any]:
    from django.contrib.contenttypes.models import ContentType

    from steward.core import configcache
    from steward.core.models import CustomFieldDefinition

    ct = ContentType.objects.get_for_model(model)
    return list(
        configcache.get(
            f"customfields:{ct.pk}",
            lambda: tuple(CustomFieldDefinition.objects.filter(content_type=ct)),
        )
    )


def _coerce(kind: str, value: Any, choices: list[str]) -> Any:
    if kind == "text":
        return str(value)[:1000]
    if kind == "integer":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
        if abs(number) > 2**53:
            raise ValueError
        return number
    if kind == "decimal":
        return str(Decimal(str(value)))
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in {"true", "1", "yes"}:
            return True
        if str(value).lower() in {"false", "0", "no"}:
            return False
        raise ValueError
    if kind == "date":
        return datetime.date.fromisoformat(str(value)).isoformat()
    if kind == "choice":
        if value not in choices:
            raise ValueError
        return value
    if kind == "url":
        URLValidator()(value)
        return value
    raise ValueError


def clean_custom_fields(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Known keys coerced to their type, unknown keys and bad values rejected per field."""
    return clean_values(definitions(model), values)


def clean_values(
    fields: Iterable[Any], values: Any, *, key: str = "custom_fields"
) -> dict[str, Any]:
    """``values`` checked against field definitions (objects with ``name``, ``type``,
    ``required``, ``choices`` and ``get_type_display()``, as ``CustomFieldDefinition``);
    apps with their own definitions (the CMDB's attributes per class) reuse it. Raises
    ValidationError keyed by ``key``."""
    if not isinstance(values, dict):
        raise ValidationError({key: _("Must be an object of field names to values.")})
    defs = {d.name: d for d in fields}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in values:
        if name not in defs:
            errors[name] = _("Unknown custom field.")
    for name, d in defs.items():
        value = values.get(name)
        if value in (None, ""):
            if d.required:
                errors[name] = _("This field is required.")
            continue
        try:
            cleaned[name] = _coerce(d.type, value, d.choices)
        except (ValueError, TypeError, InvalidOperation, ValidationError):
            errors[name] = _("Not a valid %(type)s.") % {"type": d.get_type_display()}
    if errors:
        raise ValidationError({key: [f"{k}: {v}" for k, v in sorted(errors.items())]})
    return cleaned
