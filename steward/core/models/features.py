"""Features any model opts into: tags, comments, attachments, watchers and custom fields.

They hang off any object through a content type and object id, so an app opts in without a
migration of its own (``steward.core.features.register``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models.base import AuditedModel


class GenericLink(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    content_object = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["content_type", "object_id"])]


class Tag(AuditedModel):
    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    color = models.CharField(
        max_length=7,
        default="#6c757d",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a2b3c."))],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaggedItem(GenericLink, AuditedModel):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="items")

    class Meta(GenericLink.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "content_type", "object_id"], name="tag_once_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tag} on {self.content_type.model} {self.object_id}"


class Comment(GenericLink, AuditedModel):
    """A journal entry on an object; ``internal`` ones are hidden from customers."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=20000)
    internal = models.BooleanField(default=False)

    class Meta(GenericLink.Meta):
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author}"


class Attachment(GenericLink, AuditedModel):
    """A file on an object; ``internal`` ones are hidden from customers and employees, like
    internal comments (``steward.core.features.visible_to``)."""

    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=127, help_text=_("Sniffed from the bytes."))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    internal = models.BooleanField(default=False)

    class Meta(GenericLink.Meta):
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class Watch(GenericLink, AuditedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta(GenericLink.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="watch_once_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.content_type.model} {self.object_id}"


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    BOOLEAN = "boolean", _("Yes/no")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    URL = "url", _("Link")


class CustomFieldDefinition(AuditedModel):
    """A field an administrator adds to a model; values live in the model's JSON column."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    name = models.SlugField(max_length=50, help_text=_("Key in the JSON column and the API."))
    label = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=FieldType.choices, default=FieldType.TEXT)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    help_text = models.CharField(max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["content_type", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "name"], name="custom_field_unique")
        ]

    def __str__(self) -> str:
        return self.label
