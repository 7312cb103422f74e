from steward.core.models.audit import AuditEntry
from steward.core.models.base import AuditedModel, AuditedQuerySet, TimeStampedModel
from steward.core.models.features import (
    Attachment,
    Comment,
    CustomFieldDefinition,
    Tag,
    TaggedItem,
    Watch,
)
from steward.core.models.jobs import Job, Schedule
from steward.core.models.users import User

__all__ = [
    "Attachment",
    "AuditEntry",
    "AuditedModel",
    "AuditedQuerySet",
    "Comment",
    "CustomFieldDefinition",
    "Job",
    "Schedule",
    "Tag",
    "TaggedItem",
    "TimeStampedModel",
    "User",
    "Watch",
]
