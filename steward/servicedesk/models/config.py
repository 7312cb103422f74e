"""Service desk configuration rather than ticket data: business services, categories, the
ITIL priority matrix, routing rules, assignment settings per team, customer visibility per
organisation, saved queues and canned responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.servicedesk.models.tickets import Channel, Impact, Priority, TicketKind, Urgency


class ServiceStatus(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    DEGRADED = "degraded", _("Degraded performance")
    PARTIAL_OUTAGE = "partial_outage", _("Partial outage")
    MAJOR_OUTAGE = "major_outage", _("Major outage")
    MAINTENANCE = "maintenance", _("Under maintenance")


class Service(AuditedModel):
    """A business service as people know it ("E-mail", "Payroll"): what tickets are about and
    what the public status page shows. The CMDB links its service CIs to these."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner_team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
        verbose_name=_("owner team"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ServiceStatus.choices,
        default=ServiceStatus.OPERATIONAL,
        help_text=_("Set by hand; open major incidents on the service override it."),
    )
    status_message = models.CharField(_("status message"), max_length=300, blank=True)
    is_public = models.BooleanField(_("on the public status page"), default=True, db_index=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("business service")
        verbose_name_plural = _("business services")

    def __str__(self) -> str:
        return self.name


class Category(AuditedModel):
    """What a ticket is about; a category with a parent is a subcategory."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    kind = models.CharField(
        _("for"),
        max_length=10,
        choices=TicketKind.choices,
        blank=True,
        help_text=_("Blank: incidents and requests."),
    )
    default_team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default team"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="category_top_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class PriorityRule(AuditedModel):
    """One cell of the ITIL matrix: impact x urgency → priority. Administrators edit it."""

    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    class Meta:
        ordering = ["impact", "urgency"]
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_impact_display()} × {self.get_urgency_display()} → P{self.priority}"


class CannedResponse(AuditedModel):
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(
        _("text"),
        max_length=20_000,
        help_text=_("May use {{ requester }}, {{ reference }} and {{ agent }}."),
    )
    team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Blank: every team."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return self.title


class RoutingRule(AuditedModel):
    """First matching active rule (lowest ``order``) sets the team, and optionally the
    category and priority, of a new ticket. Empty conditions match anything."""

    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    match_category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("category is"),
    )
    match_organisation = models.ForeignKey(
        "org.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation is"),
    )
    match_channel = models.CharField(
        _("channel is"), max_length=12, choices=Channel.choices, blank=True
    )
    match_kind = models.CharField(
        _("kind is"), max_length=10, choices=TicketKind.choices, blank=True
    )
    match_keywords = models.CharField(
        _("title or text contains any of"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated words, case-insensitive."),
    )
    set_team = models.ForeignKey(
        "org.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("route to team")
    )
    set_category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set category"),
    )
    set_priority = models.PositiveSmallIntegerField(
        _("set priority"), choices=Priority.choices, null=True, blank=True
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class AssignmentMethod(models.TextChoices):
    NONE = "none", _("Leave in the team's queue")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least open tickets")


class TeamSetting(AuditedModel):
    """How tickets routed to a team are assigned inside it (people who are away are
    skipped), and which OLA calendar applies."""

    team = models.OneToOneField(
        "org.Team",
        on_delete=models.CASCADE,
        related_name="servicedesk_setting",
        verbose_name=_("team"),
    )
    assignment = models.CharField(
        _("automatic assignment"),
        max_length=12,
        choices=AssignmentMethod.choices,
        default=AssignmentMethod.NONE,
    )
    last_assigned = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # The round-robin cursor moves with every new ticket of the team: bookkeeping, not a
    # change of configuration (each ticket's own audit says who it was assigned to).
    audit_exclude = ("updated_at", "last_assigned")

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("team setting")
        verbose_name_plural = _("team settings")

    def __str__(self) -> str:
        return f"{self.team}: {self.get_assignment_display()}"


class CustomerVisibility(models.TextChoices):
    OWN = "own", _("Own tickets only")
    ORGANISATION = "organisation", _("All of the organisation's tickets")


class OrganisationSetting(AuditedModel):
    organisation = models.OneToOneField(
        "org.Organisation",
        on_delete=models.CASCADE,
        related_name="servicedesk_setting",
        verbose_name=_("organisation"),
    )
    customer_visibility = models.CharField(
        _("contacts see"),
        max_length=12,
        choices=CustomerVisibility.choices,
        default=CustomerVisibility.OWN,
    )

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("organisation setting")
        verbose_name_plural = _("organisation settings")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_customer_visibility_display()}"


class SavedQueue(AuditedModel):
    """A named ticket filter (the list page's query string). No owner: shared with agents."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    query = models.CharField(_("filter"), max_length=1000, help_text=_("URL query string."))
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("saved queue")
        verbose_name_plural = _("saved queues")

    def __str__(self) -> str:
        return self.name
