"""The service catalogue: what people can ask IT for, the form they fill in, who approves it,
which teams fulfil it in which order, and each request's progress.

A request (``RequestedItem``) always rides on a service-desk ticket of kind "request": the
ticket carries the conversation, SLA and assignment; the request carries the answers, the
approval and the fulfilment tasks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.core.validation import contains_nul


class Audience(models.TextChoices):
    EMPLOYEES = "employees", _("Employees")
    CUSTOMERS = "customers", _("Customers")
    BOTH = "both", _("Employees and customers")


class FulfilmentMode(models.TextChoices):
    SEQUENTIAL = "sequential", _("In sequence, step by step")
    PARALLEL = "parallel", _("All tasks at once")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MULTICHOICE = "multichoice", _("Several choices")
    CHECKBOX = "checkbox", _("Checkbox")
    PERSON = "person", _("Person")
    EMAIL = "email", _("E-mail address")


CHOICE_TYPES = (FieldType.CHOICE, FieldType.MULTICHOICE)
STAGE_KINDS = ("person", "manager", "group")
RESERVED_NAMES = ("requested_for", "answers", "csrfmiddlewaretoken")


class RequestState(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    REJECTED = "rejected", _("Rejected")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (RequestState.AWAITING_APPROVAL, RequestState.IN_FULFILMENT)


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for earlier steps")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_TASK = (TaskStatus.DONE, TaskStatus.SKIPPED, TaskStatus.CANCELLED)


class CatalogueCategory(AuditedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    icon = models.CharField(_("icon"), max_length=8, blank=True, help_text=_("An emoji."))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("catalogue category")
        verbose_name_plural = _("catalogue categories")

    def __str__(self) -> str:
        return self.name


def validate_stage_specs(value: Any) -> None:
    """``approval_stages``: a JSON list of stage specs, the approval engine's StageSpec as
    data: ``{"kind": "manager"}``, ``{"kind": "person", "user_id": 7}``,
    ``{"kind": "group", "team_id": 3, "required": 2, "name": "Licence board"}``."""
    if not isinstance(value, list):
        raise ValidationError(_("Give a list of stages."))
    allowed = {"kind", "user_id", "team_id", "required", "name"}
    for index, spec in enumerate(value, start=1):
        where = _("Stage %(n)s") % {"n": index}
        if not isinstance(spec, dict):
            raise ValidationError(_("%(w)s: expected an object.") % {"w": where})
        unknown = sorted(set(spec) - allowed)
        if unknown:
            raise ValidationError(
                _("%(w)s: unknown keys %(k)s.") % {"w": where, "k": ", ".join(unknown)}
            )
        kind = spec.get("kind")
        if kind not in STAGE_KINDS:
            raise ValidationError(_("%(w)s: kind must be person, manager or group.") % {"w": where})
        for key in ("user_id", "team_id"):
            if key in spec and (not isinstance(spec[key], int) or isinstance(spec[key], bool)):
                raise ValidationError(_("%(w)s: %(k)s must be an id.") % {"w": where, "k": key})
        if kind == "person" and "user_id" not in spec:
            raise ValidationError(_("%(w)s: a person stage needs user_id.") % {"w": where})
        if kind == "group" and "team_id" not in spec:
            raise ValidationError(_("%(w)s: a group stage needs team_id.") % {"w": where})
        required = spec.get("required", 1)
        if not isinstance(required, int) or isinstance(required, bool) or required < 1:
            raise ValidationError(_("%(w)s: required must be 1 or more.") % {"w": where})
        if not isinstance(spec.get("name", ""), str) or len(spec.get("name", "")) > 100:
            raise ValidationError(_("%(w)s: the name is text of at most 100.") % {"w": where})


class CatalogueItem(AuditedModel):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    short_description = models.CharField(_("short description"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
    category = models.ForeignKey(
        CatalogueCategory,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("category"),
    )
    icon = models.CharField(_("icon"), max_length=8, blank=True, help_text=_("An emoji."))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.EMPLOYEES
    )
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    fulfilment_mode = models.CharField(
        _("fulfilment"),
        max_length=10,
        choices=FulfilmentMode.choices,
        default=FulfilmentMode.SEQUENTIAL,
    )
    delivery_days = models.PositiveSmallIntegerField(
        _("expected delivery (business days)"), null=True, blank=True
    )
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    approval_stages = models.JSONField(
        _("approval stages"),
        default=list,
        blank=True,
        validators=[validate_stage_specs],
        help_text=_(
            'A list of stages, e.g. [{"kind": "manager"}, {"kind": "group", "team_id": 3, '
            '"required": 2, "name": "Licence board"}]. Empty: no approval.'
        ),
    )
    default_team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default team"),
    )
    servicedesk_category = models.ForeignKey(
        "servicedesk.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ticket category"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["category__order", "order", "name"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        indexes = [models.Index(fields=["is_active", "audience"], name="catalogue_item_visible")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue:item", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """The people and teams the approval stages name must exist (and people be active)."""
        if not isinstance(self.approval_stages, list):
            # Empty values (null, "") skip the field's validators: refuse them here.
            raise ValidationError({"approval_stages": _("Give a list of stages.")})
        if contains_nul(self.approval_stages):
            raise ValidationError({"approval_stages": _("Null characters are not allowed.")})
        stages = self.approval_stages
        try:
            validate_stage_specs(stages)
        except ValidationError:
            return  # reported on the field by its validator
        from django.contrib.auth import get_user_model

        team_model: Any = self._meta.get_field("default_team").related_model
        user_ids = {s["user_id"] for s in stages if s["kind"] == "person"}
        team_ids = {s["team_id"] for s in stages if s["kind"] == "group"}
        bounded = {i for i in user_ids | team_ids if 0 < i < 2**31}
        if bounded != user_ids | team_ids:
            raise ValidationError({"approval_stages": _("An id is out of range.")})
        found = set(
            get_user_model()
            .objects.filter(pk__in=user_ids, is_active=True)
            .values_list("pk", flat=True)
        )
        if user_ids - found:
            raise ValidationError(
                {
                    "approval_stages": _("No active user with id %(ids)s.")
                    % {"ids": ", ".join(map(str, sorted(user_ids - found)))}
                }
            )
        teams = set(team_model.objects.filter(pk__in=team_ids).values_list("pk", flat=True))
        if team_ids - teams:
            raise ValidationError(
                {
                    "approval_stages": _("No team with id %(ids)s.")
                    % {"ids": ", ".join(map(str, sorted(team_ids - teams)))}
                }
            )


class ItemField(AuditedModel):
    """One question of an item's request form."""

    item = models.ForeignKey(
        CatalogueItem, on_delete=models.CASCADE, related_name="fields", verbose_name=_("item")
    )
    name = models.SlugField(_("name"), max_length=50, help_text=_("Key of the answer."))
    label = models.CharField(_("label"), max_length=150)
    type = models.CharField(_("type"), max_length=12, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For choice fields: a list of texts, e.g. ["14-inch", "16-inch"].'),
    )
    help_text = models.CharField(_("help"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["item", "order", "pk"]
        verbose_name = _("item field")
        verbose_name_plural = _("item fields")
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="catalogue_field_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.name in RESERVED_NAMES:
            raise ValidationError({"name": _("This name is reserved; choose another.")})
        if not isinstance(self.choices, list):
            raise ValidationError({"choices": _("Give a list of texts (empty: no choices).")})
        if contains_nul(self.choices):
            raise ValidationError({"choices": _("Null characters are not allowed.")})
        if self.type in CHOICE_TYPES:
            if (
                not isinstance(self.choices, list)
                or not self.choices
                or not all(isinstance(c, str) and c.strip() for c in self.choices)
            ):
                raise ValidationError({"choices": _("Give a list of one or more texts.")})
            if len(set(self.choices)) != len(self.choices):
                raise ValidationError({"choices": _("The choices repeat.")})
        elif self.choices:
            raise ValidationError({"choices": _("Only choice fields have choices.")})
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValidationError({"max_value": _("The maximum is below the minimum.")})
        if (self.min_value is not None or self.max_value is not None) and self.type not in (
            FieldType.NUMBER,
            FieldType.TEXT,
            FieldType.TEXTAREA,
        ):
            raise ValidationError(
                {"min_value": _("Limits apply to numbers (value) and texts (length) only.")}
            )


class FulfilmentTaskTemplate(AuditedModel):
    """A task every request of the item creates. In sequence, steps run in order (tasks of
    the same step in parallel); in parallel mode every task opens at once."""

    item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.CASCADE,
        related_name="task_templates",
        verbose_name=_("item"),
    )
    step = models.PositiveSmallIntegerField(_("step"), default=1, validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    team = models.ForeignKey(
        "org.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    instructions = models.TextField(_("instructions"), blank=True, max_length=10_000)

    class Meta:
        ordering = ["item", "step", "pk"]
        verbose_name = _("fulfilment task template")
        verbose_name_plural = _("fulfilment task templates")

    def __str__(self) -> str:
        return f"{self.step}. {self.title}"


class RequestedItem(AuditedModel):
    """One request of a catalogue item, riding on its service-desk ticket."""

    ticket = models.OneToOneField(
        "servicedesk.Ticket",
        on_delete=models.CASCADE,
        related_name="requested_item",
        verbose_name=_("ticket"),
    )
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, related_name="requests", verbose_name=_("item")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_for = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        related_name="catalogue_requests",
        verbose_name=_("requested for"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RequestState.choices,
        default=RequestState.IN_FULFILMENT,
        db_index=True,
    )
    approval_request_id = models.PositiveIntegerField(_("approval request"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")
        indexes = [
            models.Index(fields=["requested_for", "created_at"], name="catalogue_req_for"),
            models.Index(fields=["item", "state"], name="catalogue_req_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.ticket.reference})" if self.ticket_id else str(self.item)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalogue:request_detail", kwargs={"pk": self.pk})


class FulfilmentTask(AuditedModel):
    requested_item = models.ForeignKey(
        RequestedItem, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("request")
    )
    template = models.ForeignKey(
        FulfilmentTaskTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("template"),
    )
    step = models.PositiveSmallIntegerField(_("step"), default=1)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True, max_length=10_000)
    team = models.ForeignKey(
        "org.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    assignee = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TaskStatus.choices,
        default=TaskStatus.PENDING,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)

    class Meta:
        ordering = ["requested_item", "step", "pk"]
        verbose_name = _("fulfilment task")
        verbose_name_plural = _("fulfilment tasks")
        indexes = [models.Index(fields=["team", "status"], name="catalogue_task_queue")]
        constraints = [
            models.CheckConstraint(condition=Q(step__gte=1), name="catalogue_task_step"),
        ]

    def __str__(self) -> str:
        return self.title
