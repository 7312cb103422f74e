"""Every state change of the CMDB: configuration items and the relationships between them.

Each function is atomic, asks the permission layer first, writes through the audited models
(so every change lands in the audit log with its change context) and announces itself on
the event bus after commit. Raises ``ValidationError`` for bad input (the API answers 400)
and ``PermissionDenied`` for a role that may not act (403).

Who may do what (policies in ``apps.py``): asset managers, IT managers and administrators
maintain items and relationships; agents only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from steward.cmdb.attributes import clean_attributes
from steward.cmdb.models import CIClass, CIStatus, ConfigurationItem, Relationship
from steward.cmdb.rules import ALLOWED_PAIRS, check_pair
from steward.core import events, permissions, services


def _clean_data(data: Mapping[str, Any], *, ci_class: str, actor: Any) -> dict[str, Any]:
    """Attributes validated against the item's class; a linked asset must be one the actor
    may see (through the assets app's selectors)."""
    cleaned = dict(data)
    if "ci_class" in cleaned and cleaned["ci_class"] not in CIClass.values:
        raise ValidationError({"ci_class": [_("Unknown class.")]})
    if "attributes" in cleaned or "ci_class" in data:
        cleaned["attributes"] = clean_attributes(ci_class, cleaned.get("attributes") or {})
    asset = cleaned.get("asset")
    if asset is not None:
        from steward.assets import selectors as asset_selectors

        asset_id = getattr(asset, "pk", asset)
        if asset_selectors.asset_get(user=actor, pk=asset_id) is None:
            raise ValidationError({"asset": [_("No such asset.")]})
    return cleaned


@transaction.atomic
def ci_create(*, data: Mapping[str, Any], actor: Any) -> ConfigurationItem:
    """A new configuration item. Raises ValidationError (unknown class, bad attributes, an
    asset already linked to another item) or PermissionDenied."""
    permissions.ensure(actor, "add", ConfigurationItem)
    ci_class = data.get("ci_class", "")
    cleaned = _clean_data(data, ci_class=ci_class, actor=actor)
    cleaned.setdefault("attributes", clean_attributes(ci_class, {}))
    ci = services.object_create(model=ConfigurationItem, data=cleaned, actor=actor)
    return ci


@transaction.atomic
def ci_update(*, ci: ConfigurationItem, data: Mapping[str, Any], actor: Any) -> ConfigurationItem:
    """Change an item. Retiring one announces ``cmdb.ci_retired`` (after commit)."""
    permissions.ensure(actor, "change", ci)
    ci_class = data.get("ci_class", ci.ci_class)
    cleaned = _clean_data(data, ci_class=ci_class, actor=actor)
    if "ci_class" in data and "attributes" not in data:
        cleaned["attributes"] = clean_attributes(ci_class, ci.attributes)
    previous = ci.status
    if "ci_class" in cleaned and cleaned["ci_class"] != ci.ci_class:
        _check_relationships_allow(ci, cleaned["ci_class"])
    updated: ConfigurationItem = services.object_update(obj=ci, data=cleaned, actor=actor)
    if updated.status != previous and updated.status == CIStatus.RETIRED:
        events.publish("cmdb.ci_retired", model=updated._meta.label, pk=updated.pk)
    return updated


def _check_relationships_allow(ci: ConfigurationItem, new_class: str) -> None:
    """A class change must keep every existing relationship allowed."""
    rels = Relationship.objects.filter(source=ci).values_list("kind", "target__ci_class")
    for kind, target_class in rels:
        if (new_class, target_class) not in ALLOWED_PAIRS[kind]:
            raise ValidationError(
                {"ci_class": [_("Existing relationships do not allow this class; remove them.")]}
            )
    rels = Relationship.objects.filter(target=ci).values_list("kind", "source__ci_class")
    for kind, source_class in rels:
        if (source_class, new_class) not in ALLOWED_PAIRS[kind]:
            raise ValidationError(
                {"ci_class": [_("Existing relationships do not allow this class; remove them.")]}
            )


@transaction.atomic
def ci_delete(*, ci: ConfigurationItem, actor: Any) -> None:
    """Delete an item and its relationships (each deletion audited)."""
    services.object_delete(obj=ci, actor=actor)


@transaction.atomic
def relationship_create(
    *,
    source: ConfigurationItem,
    target: ConfigurationItem,
    kind: str,
    actor: Any,
    note: str = "",
) -> Relationship:
    """``source`` *kind* ``target``. Raises ValidationError for a self-loop, a pair of
    classes the kind does not allow, or a duplicate; PermissionDenied when the actor may
    not add relationships or may not see either item."""
    permissions.ensure(actor, "add", Relationship)
    for end in (source, target):
        if not permissions.can(actor, "view", end):
            raise PermissionDenied(_("You may not see one of these items."))
    if source.pk == target.pk:
        raise ValidationError({"target": [_("An item cannot be related to itself.")]})
    check_pair(kind=kind, source_class=source.ci_class, target_class=target.ci_class)
    if Relationship.objects.filter(source=source, target=target, kind=kind).exists():
        raise ValidationError({"target": [_("These two items already have this relationship.")]})
    rel: Relationship = services.object_create(
        model=Relationship,
        data={"source": source, "target": target, "kind": kind, "note": note},
        actor=actor,
    )
    return rel


@transaction.atomic
def relationship_delete(*, relationship: Relationship, actor: Any) -> None:
    services.object_delete(obj=relationship, actor=actor)
