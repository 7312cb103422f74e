"""Notifications to people (in the app and by e-mail), their preferences, and the quarantine
of inbound mail that no handler acted on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person's inbox.

    Not audited row by row: notifications are a high-volume per-user log written by the
    system itself (every event fans out to many recipients); the change that caused them is
    audited, and reading one only sets ``read_at`` for its own recipient.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event = models.CharField(_("event"), max_length=100, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(AuditedModel):
    """How one person wants to hear about one kind of event. Absent means both channels on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    event = models.CharField(_("event"), max_length=100)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        ordering = ["event"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.event}"


class InboundStatus(models.TextChoices):
    QUARANTINED = "quarantined", _("Quarantined")
    PROCESSED = "processed", _("Processed after review")
    DISCARDED = "discarded", _("Discarded")


class InboundMessage(models.Model):
    """A received message that was not acted on, kept raw with the reason.

    Not audited row by row: rows are written by the SMTP listener for mail from outside
    (spam and bounce floods included); who re-processed or discarded one, and when, is kept
    on the row itself, and whatever a re-processed message changes is audited as usual.
    """

    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InboundStatus.choices,
        default=InboundStatus.QUARANTINED,
        db_index=True,
    )
    reason = models.CharField(_("reason"), max_length=50, db_index=True)
    detail = models.TextField(_("detail"), blank=True)
    handler = models.CharField(_("handler"), max_length=100, blank=True)
    envelope_from = models.CharField(_("envelope sender"), max_length=320, blank=True)
    envelope_to = models.JSONField(_("envelope recipients"), default=list, blank=True)
    sender = models.CharField(_("from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    message_id = models.CharField(_("message id"), max_length=300, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    raw = models.BinaryField(_("raw message"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")

    def __str__(self) -> str:
        return self.subject or self.message_id or f"#{self.pk}"
