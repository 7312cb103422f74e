"""Tickets and their rows: the ticket itself, its conversation, links, time entries and
satisfaction survey, with the vocabularies (kind, channel, impact, urgency, priority, status)
the service desk settings in ``config`` are written in."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.servicedesk.querysets import TicketQuerySet


class TicketKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Service request")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    CHAT = "chat", _("Chat")
    MONITORING = "monitoring", _("Monitoring")


class Impact(models.IntegerChoices):
    HIGH = 1, _("High: many people or a whole service")
    MEDIUM = 2, _("Medium: a team or part of a service")
    LOW = 3, _("Low: one person")


class Urgency(models.IntegerChoices):
    HIGH = 1, _("High: work has stopped")
    MEDIUM = 2, _("Medium: work is hampered")
    LOW = 3, _("Low: an inconvenience")


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("P1 Critical")
    HIGH = 2, _("P2 High")
    MODERATE = 3, _("P3 Moderate")
    LOW = 4, _("P4 Low")
    PLANNING = 5, _("P5 Planning")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


class PendingReason(models.TextChoices):
    REQUESTER = "requester", _("Waiting for the requester")
    VENDOR = "vendor", _("Waiting for a vendor")
    CHANGE = "change", _("Waiting for a change")
    APPROVAL = "approval", _("Waiting for approval")
    SCHEDULED = "scheduled", _("Scheduled for later")


class Ticket(AuditedModel):
    """An incident or a service request. ``organisation`` is the tenant: customer contacts see
    their organisation's tickets only (own or all, per ``OrganisationSetting``)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=10, choices=TicketKind.choices, default=TicketKind.INCIDENT
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True, max_length=100_000)
    requester = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        related_name="tickets_requested",
        verbose_name=_("requester"),
    )
    affected_person = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("affected person"),
    )
    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("organisation"),
    )
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.PORTAL
    )
    category = models.ForeignKey(
        "servicedesk.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("category"),
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("affected service"),
    )
    configuration_item_id = models.PositiveBigIntegerField(
        _("configuration item"),
        null=True,
        blank=True,
        help_text=_("The CMDB's configuration item this ticket is about."),
    )
    asset_id = models.PositiveBigIntegerField(
        _("asset"),
        null=True,
        blank=True,
        help_text=_("The asset (assets app) this ticket reports a problem with or repairs."),
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"), choices=Impact.choices, default=Impact.LOW
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.MEDIUM
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MODERATE, db_index=True
    )
    team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("assignment group"),
    )
    assignee = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_assigned",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    pending_reason = models.CharField(
        _("pending reason"), max_length=12, choices=PendingReason.choices, blank=True
    )
    is_major = models.BooleanField(
        _("major incident"),
        default=False,
        help_text=_("Shown on the public status page while open."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent ticket"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    resolution = models.TextField(_("resolution"), blank=True, max_length=20_000)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    time_spent_minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    # SLA summary, kept by the SLA engine from the ticket's clocks for fast lists and filters.
    sla_policy = models.ForeignKey(
        "servicedesk.SLAPolicy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True, db_index=True)
    response_breached = models.BooleanField(_("response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    sla_paused = models.BooleanField(_("SLA paused"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    """Lower-cased reference, title and description: the portable full-text fallback."""

    objects = TicketQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "priority", "created_at"], name="ticket_queue"),
            models.Index(fields=["team", "status", "created_at"], name="ticket_team_queue"),
            models.Index(fields=["assignee", "status", "created_at"], name="ticket_agent_queue"),
            models.Index(fields=["organisation", "created_at"], name="ticket_org"),
            models.Index(fields=["requester", "created_at"], name="ticket_requester"),
            models.Index(fields=["category", "created_at"], name="ticket_category"),
            models.Index(fields=["status", "resolution_due"], name="ticket_due"),
            # The workspace lists a ticket's children newest first (reports area, bench/).
            models.Index(fields=["parent", "created_at"], name="ticket_children"),
            # An asset's repair history: its tickets, newest first.
            models.Index(fields=["asset_id", "created_at"], name="ticket_asset"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EntryKind(models.TextChoices):
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    EVENT = "event", _("System event")


class TicketEntry(AuditedModel):
    """The ticket's conversation: public replies (to and from the requester), internal
    notes (never shown to requesters) and system events. Mail threading uses ``message_id``."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="entries", verbose_name=_("ticket")
    )
    kind = models.CharField(
        _("kind"), max_length=6, choices=EntryKind.choices, default=EntryKind.REPLY
    )
    author = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), max_length=100_000)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.PORTAL
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket entry")
        verbose_name_plural = _("ticket entries")
        indexes = [models.Index(fields=["ticket", "created_at"], name="entry_ticket")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"


class TicketLinkKind(models.TextChoices):
    DUPLICATE_OF = "duplicate_of", _("duplicate of")
    CAUSED_BY = "caused_by", _("caused by")
    RELATED_TO = "related_to", _("related to")


class TicketLink(AuditedModel):
    source = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("ticket")
    )
    target = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("linked ticket")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TicketLinkKind.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="ticket_link_once"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="ticket_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.get_kind_display()} {self.target_id}"


class TimeEntry(AuditedModel):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="time_entries", verbose_name=_("ticket")
    )
    person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.ticket_id}"


class SurveyResponse(AuditedModel):
    """Satisfaction on resolution: sent with a signed token, answered once."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="survey", verbose_name=_("ticket")
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"Survey of {self.ticket_id}"
