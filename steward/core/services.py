"""Generic state changes for simple objects: permission-checked, validated, atomic, audited.

Apps with real business rules write their own services and call these helpers inside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import ngettext

from steward.core import events, permissions
from steward.core.customfields import clean_custom_fields

M = TypeVar("M", bound=models.Model)


def _apply(obj: models.Model, data: Mapping[str, Any]) -> dict[str, Any]:
    m2m = {}
    for name, value in data.items():
        f = obj._meta.get_field(name)
        if f.many_to_many:
            m2m[name] = value
        else:
            setattr(obj, name, value)
    if hasattr(obj, "custom_fields"):
        obj.custom_fields = clean_custom_fields(type(obj), obj.custom_fields or {})
    return m2m


def _event(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}_{verb}"


@transaction.atomic
def object_create(*, model: type[M], data: Mapping[str, Any], actor: Any) -> M:
    obj = model()
    m2m = _apply(obj, data)
    permissions.ensure(actor, "add", obj)
    obj.full_clean()
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    permissions.ensure_saved_in_scope(actor, "view", obj)
    events.publish(_event(obj, "created"), model=obj._meta.label, pk=obj.pk)
    return obj


@transaction.atomic
def object_update(*, obj: M, data: Mapping[str, Any], actor: Any) -> M:
    locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    permissions.ensure(actor, "change", locked)
    m2m = _apply(locked, data)
    locked.full_clean()
    locked.save()
    for name, value in m2m.items():
        getattr(locked, name).set(value)
    permissions.ensure_saved_in_scope(actor, "change", locked)
    events.publish(_event(locked, "updated"), model=locked._meta.label, pk=locked.pk)
    return locked


@transaction.atomic
def object_delete(*, obj: models.Model, actor: Any) -> None:
    """Raises ValidationError (not a server error) while other objects still refer to ``obj``
    through protected foreign keys."""
    permissions.ensure(actor, "delete", obj)
    pk, label = obj.pk, obj._meta.label
    try:
        obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        blockers = (
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        )
        kinds = sorted({str(o._meta.verbose_name_plural) for o in blockers})
        message = ngettext(
            "%(obj)s is still used by %(n)s other object (%(kinds)s); reassign or delete it first.",
            "%(obj)s is still used by %(n)s other objects (%(kinds)s); "
            "reassign or delete them first.",
            len(blockers),
        )
        raise ValidationError(
            message % {"obj": obj, "n": len(blockers), "kinds": ", ".join(kinds)}
        ) from None
    events.publish(_event(obj, "deleted"), model=label, pk=pk)


PROFILE_FIELDS = ("first_name", "last_name", "email", "time_zone", "language", "theme")


@transaction.atomic
def own_profile_update(*, user: Any, data: Mapping[str, Any]) -> Any:
    """Anyone may change their own preferences; no role needed."""
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    user.full_clean(exclude=["password"])
    user.save()
    return user
