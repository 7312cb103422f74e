"""The approval engine: a request to approve any object, in ordered stages, with decisions
(possibly by a delegate, possibly by e-mail reply)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel, AuditedQuerySet


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class StageKind(models.TextChoices):
    PERSON = "person", _("A named person")
    MANAGER = "manager", _("The requester's manager")
    GROUP = "group", _("N of the members of a team")


class StageStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for earlier stages")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class Via(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    EMAIL = "email", _("E-mail reply")


class ApprovalRequestQuerySet(AuditedQuerySet):
    def pending(self) -> ApprovalRequestQuerySet:
        return self.filter(status=RequestStatus.PENDING)

    def for_object(self, obj: models.Model) -> ApprovalRequestQuerySet:
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class ApprovalRequest(AuditedModel):
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of object")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_requests",
        verbose_name=_("requester"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        db_index=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ApprovalRequestQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        indexes = [models.Index(fields=["content_type", "object_id"], name="approval_object")]

    def __str__(self) -> str:
        return self.title


class ApprovalStage(AuditedModel):
    """One step of a request. Approvers are resolved when the request is created (a snapshot:
    a later change of manager or team does not move a running request).

    A stage with a ``timeout`` escalates when it is still pending that long after it opened
    (``escalate_at``): ``escalate_to`` joins its approvers and decides it alone, whatever N of
    M the stage asked for; the others may still decide until then."""

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="stages", verbose_name=_("request")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=StageKind.choices)
    team_id = models.PositiveIntegerField(_("team"), null=True, blank=True)
    required = models.PositiveSmallIntegerField(_("approvals required"), default=1)
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="approval_stages", verbose_name=_("approvers")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StageStatus.choices,
        default=StageStatus.WAITING,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    timeout = models.DurationField(
        _("escalate after"),
        null=True,
        blank=True,
        help_text=_("How long the stage may stay pending before it escalates."),
    )
    escalate_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("escalates to"),
    )
    escalate_at = models.DateTimeField(_("escalates at"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    audit_exclude = ("updated_at", "reminded_at")

    class Meta:
        ordering = ["request", "position"]
        verbose_name = _("approval stage")
        verbose_name_plural = _("approval stages")
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="approval_stage_unique"),
            models.CheckConstraint(condition=Q(required__gte=1), name="approval_stage_required"),
            models.CheckConstraint(
                condition=Q(timeout__isnull=True) | Q(escalate_to__isnull=False),
                name="approval_stage_escalation",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class ApprovalDecision(AuditedModel):
    """``approver`` acted; ``on_behalf_of`` is the approver they stood in for as a delegate."""

    stage = models.ForeignKey(
        ApprovalStage, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("stage")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_decisions",
        verbose_name=_("decided by"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.WEB)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.approver}"

    @property
    def counts_for_id(self) -> int:
        """The approver whose vote this is."""
        return self.on_behalf_of_id or self.approver_id


class DelegationQuerySet(AuditedQuerySet):
    def active(self, on) -> DelegationQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class Delegation(AuditedModel):
    """``to_user`` may decide for ``from_user`` from ``start`` to ``end`` (inclusive)."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="delegations_given",
        verbose_name=_("delegator"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="delegations_received",
        verbose_name=_("delegate"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user}"

    def clean(self) -> None:
        if self.from_user_id and self.from_user_id == self.to_user_id:
            raise ValidationError({"to_user": _("Delegate to someone else.")})
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The end is before the start.")})
