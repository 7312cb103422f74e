"""The one permission choke point: ``restrict(queryset, user, action)``.

Every read and write in UI, API, tasks and services asks this module. A model registers a
``Policy`` (which roles may view, add, change, delete; how rows narrow for a role). Customer
contacts are additionally confined to their own organisation through ``tenant_field``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    IT_MANAGER = "it_manager", _("IT manager")
    AGENT = "agent", _("Agent")
    ASSET_MANAGER = "asset_manager", _("Asset manager")
    EMPLOYEE = "employee", _("Employee")
    CUSTOMER = "customer_contact", _("Customer contact")


ACTIONS = ("view", "add", "change", "delete")
STAFF = frozenset({Role.ADMIN, Role.IT_MANAGER, Role.AGENT, Role.ASSET_MANAGER})
INTERNAL = STAFF | {Role.EMPLOYEE}
EVERYONE = INTERNAL | {Role.CUSTOMER}
MANAGERS = frozenset({Role.ADMIN, Role.IT_MANAGER})
SHARED = "__shared__"
"""``tenant_field`` of rows no tenant owns (business services, catalogue items) that customer
contacts may still see: no tenant filter, only the policy's ``scope``."""

RowScope = Callable[[Any, "models.QuerySet[Any]", str, frozenset[str]], "models.QuerySet[Any]"]


@dataclass(frozen=True)
class Policy:
    view: frozenset[str] = STAFF
    add: frozenset[str] = MANAGERS
    change: frozenset[str] = MANAGERS
    delete: frozenset[str] = frozenset({Role.ADMIN})
    tenant_field: str | None = None
    """Path to the owning organisation's id; customer contacts see only rows matching theirs."""
    scope: RowScope | None = None
    """Extra row narrowing, e.g. an employee sees only their own requests."""
    extra: dict[str, frozenset[str]] = field(default_factory=dict)
    """Named actions beyond CRUD (``approve``, ``export``) with the roles allowed."""

    def roles_for(self, action: str) -> frozenset[str]:
        if action in ACTIONS:
            roles: frozenset[str] = getattr(self, action)
            return roles
        return self.extra.get(action, frozenset())


_policies: dict[type[models.Model], Policy] = {}


def _no_tenant(user: Any) -> int | None:
    return None


_tenant_resolver: Callable[[Any], int | None] = _no_tenant


def register(model: type[models.Model], policy: Policy) -> None:
    _policies[model] = policy


def policy_for(model: type[models.Model]) -> Policy:
    try:
        return _policies[model._meta.concrete_model or model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no permission policy") from None


def registered_models() -> Iterable[type[models.Model]]:
    return tuple(_policies)


def set_tenant_resolver(resolver: Callable[[Any], int | None]) -> None:
    """The org app tells core how to find a user's organisation (core knows no domain app)."""
    global _tenant_resolver
    _tenant_resolver = resolver


def roles_of(user: Any) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_steward_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset({Role.ADMIN})
        else:
            cached = frozenset(g.name for g in user.groups.all()) & frozenset(Role.values)
        user._steward_roles = cached
    return cached


def tenant_of(user: Any) -> int | None:
    if not hasattr(user, "_steward_tenant"):
        user._steward_tenant = _tenant_resolver(user)
    return user._steward_tenant


def is_external(user: Any) -> bool:
    """A customer contact with no internal role: confined to their organisation."""
    roles = roles_of(user)
    return Role.CUSTOMER in roles and not (roles & INTERNAL)


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def restrict(
    queryset: models.QuerySet[Any], user: Any, action: str = "view"
) -> models.QuerySet[Any]:
    """The rows of ``queryset`` that ``user`` may ``action``; nothing for an unknown model."""
    policy = policy_for(queryset.model)
    roles = roles_of(user)
    if not roles & policy.roles_for(action):
        return queryset.none()
    if is_external(user) and policy.tenant_field != SHARED:
        if policy.tenant_field is None:
            return queryset.none()
        tenant = tenant_of(user)
        if tenant is None:
            return queryset.none()
        queryset = queryset.filter(Q(**{policy.tenant_field: tenant}))
    if policy.scope is not None:
        queryset = policy.scope(user, queryset, action, roles)
    return queryset


def can(user: Any, action: str, obj: models.Model | type[models.Model]) -> bool:
    """Whether ``user`` may ``action`` the saved object (or, given a class, any object)."""
    if isinstance(obj, type):
        return bool(roles_of(user) & policy_for(obj).roles_for(action))
    if obj.pk is None:
        return bool(roles_of(user) & policy_for(type(obj)).roles_for(action))
    return _row_allowed(user, action, obj)


def _row_allowed(user: Any, action: str, obj: models.Model) -> bool:
    """Whether the saved row is within what ``user`` may ``action``. When no rule narrows
    the rows (a role that may act on all of them) the answer needs no query."""
    mine = type(obj)._base_manager.filter(pk=obj.pk)
    allowed = restrict(mine, user, action)
    return allowed is mine or allowed.exists()


def ensure(user: Any, action: str, obj: models.Model | type[models.Model]) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(
            _t("You may not %(action)s this %(model)s.")
            % {
                "action": action,
                "model": (obj if isinstance(obj, type) else type(obj))._meta.verbose_name,
            }
        )


def ensure_saved_in_scope(user: Any, action: str, obj: models.Model) -> None:
    """Re-check the saved row inside the transaction (NetBox's pattern).

    Catches writes that would move an object out of what the user may see, e.g. a customer
    contact setting another organisation. Raise inside ``transaction.atomic`` to roll back.
    """
    if not _row_allowed(user, action, obj):
        raise PermissionDenied(
            _t("The result would be outside what you may %(action)s.") % {"action": action}
        )
