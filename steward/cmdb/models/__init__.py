"""The CMDB's models, one module per sub-domain: items (configuration items, relationships,
per-class attributes) and discovery (agents' inventories). Import them from here."""

from steward.cmdb.models.discovery import *  # noqa: F403  (discovery's __all__)
from steward.cmdb.models.items import (
    REVERSE_LABELS,
    SERVICE_CLASSES,
    AttributeDefinition,
    CIClass,
    CISource,
    CIStatus,
    ConfigurationItem,
    Criticality,
    RelationKind,
    Relationship,
)

__all__ = [
    "REVERSE_LABELS",
    "SERVICE_CLASSES",
    "AttributeDefinition",
    "CIClass",
    "CISource",
    "CIStatus",
    "ConfigurationItem",
    "Criticality",
    "RelationKind",
    "Relationship",
]
