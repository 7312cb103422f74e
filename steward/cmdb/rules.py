"""Which classes each kind of relationship may join: data, read by the model's ``clean()``
(so imports obey it too) and by the services (which say so first, with a clear message)."""

from __future__ import annotations

from collections.abc import Set
from itertools import product

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from steward.cmdb.models.items import CIClass, RelationKind

C = CIClass
_SERVICES = {C.BUSINESS_SERVICE, C.TECHNICAL_SERVICE}
_SOFTWARE = {C.APPLICATION, C.DATABASE}
_COMPUTE = {C.SERVER, C.VIRTUAL_MACHINE, C.CONTAINER, C.CLUSTER, C.CLOUD_RESOURCE}
_PHYSICAL = {C.HARDWARE, C.SERVER, C.NETWORK_DEVICE, C.IOT_DEVICE}
_ENDPOINTS = {C.HARDWARE, C.IOT_DEVICE, C.SERVER, C.VIRTUAL_MACHINE}


def _pairs(sources: Set[str], targets: Set[str]) -> set[tuple[str, str]]:
    return set(product(sources, targets))


ALLOWED_PAIRS: dict[str, frozenset[tuple[str, str]]] = {
    # Services and software depend on services, software and platforms; devices people use
    # (laptops, sensors) depend on the services they reach (a laptop on the VPN).
    RelationKind.DEPENDS_ON: frozenset(
        _pairs(
            _SERVICES | _SOFTWARE | {C.CONTAINER, C.VIRTUAL_MACHINE, C.CLOUD_RESOURCE},
            _SERVICES | _SOFTWARE | {C.CONTAINER, C.VIRTUAL_MACHINE, C.CLUSTER, C.CLOUD_RESOURCE},
        )
        | _pairs(_ENDPOINTS, _SERVICES)
        | _pairs(_SERVICES, {C.NETWORK_DEVICE})  # a VPN service on its gateway appliance
    ),
    # Software runs on compute; virtual machines and containers run on hosts and clusters.
    RelationKind.RUNS_ON: frozenset(
        _pairs(_SOFTWARE | {C.TECHNICAL_SERVICE, C.CONTAINER}, _COMPUTE | {C.HARDWARE})
        | _pairs({C.VIRTUAL_MACHINE}, {C.SERVER, C.CLUSTER, C.CLOUD_RESOURCE, C.HARDWARE})
    ),
    # Whatever has a network port reaches the network through a network device.
    RelationKind.CONNECTS_TO: frozenset(
        _pairs(
            _PHYSICAL | {C.VIRTUAL_MACHINE, C.CLUSTER, C.CLOUD_RESOURCE},
            {C.NETWORK_DEVICE, C.CLOUD_RESOURCE},
        )
        - {(C.CLOUD_RESOURCE, C.CLOUD_RESOURCE)}
    ),
    # Members of a cluster (hosts of a hypervisor cluster, nodes of a database cluster).
    RelationKind.MEMBER_OF: frozenset(
        _pairs(
            {C.SERVER, C.HARDWARE, C.VIRTUAL_MACHINE, C.CONTAINER, C.DATABASE, C.APPLICATION}
            | {C.NETWORK_DEVICE},
            {C.CLUSTER},
        )
    ),
    # A backup system backs up data of software, machines and clusters.
    RelationKind.BACKS_UP: frozenset(
        _pairs(
            _SOFTWARE | {C.SERVER, C.VIRTUAL_MACHINE, C.CLOUD_RESOURCE, C.TECHNICAL_SERVICE},
            _SOFTWARE | {C.SERVER, C.VIRTUAL_MACHINE, C.CLOUD_RESOURCE, C.CLUSTER, C.HARDWARE},
        )
    ),
}
"""Which classes each relationship kind may join, as (source class, target class)."""


def allowed_targets(kind: str, source_class: str) -> list[str]:
    """Classes ``source_class`` may point to with ``kind`` (for error messages and forms)."""
    return sorted(t for s, t in ALLOWED_PAIRS.get(kind, ()) if s == source_class)


def check_pair(*, kind: str, source_class: str, target_class: str) -> None:
    """Raises ValidationError on ``kind`` unless the pair of classes is allowed."""
    if kind not in ALLOWED_PAIRS:
        raise ValidationError({"kind": [_("Unknown relationship kind “%(k)s”.") % {"k": kind}]})
    if (source_class, target_class) in ALLOWED_PAIRS[kind]:
        return
    targets = allowed_targets(kind, source_class)
    label = {
        "kind": RelationKind(kind).label,
        "source": CIClass(source_class).label.lower(),
        "target": CIClass(target_class).label.lower(),
    }
    if targets:
        message = _(
            "“%(kind)s” cannot lead from %(source)s to %(target)s; from %(source)s it may lead "
            "to: %(allowed)s."
        ) % {**label, "allowed": ", ".join(str(CIClass(t).label).lower() for t in targets)}
    else:
        message = _("“%(kind)s” cannot lead from %(source)s to any class.") % label
    raise ValidationError({"kind": [message]})


PHYSICAL_CLASSES = frozenset(_PHYSICAL)
"""Classes whose items may be linked to an asset of the assets app."""
