"""The organisation: the IT organisation with its departments, cost centres and locations,
external customer organisations, the people directory and teams."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.core.models.users import validate_time_zone


class OrganisationKind(models.TextChoices):
    INTERNAL = "internal", _("Internal (our IT organisation)")
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier")


class Organisation(AuditedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=OrganisationKind.choices,
        default=OrganisationKind.CUSTOMER,
        db_index=True,
    )
    mail_domain = models.CharField(
        _("mail domain"),
        max_length=253,
        blank=True,
        help_text=_("Mail from this domain is matched to this organisation."),
    )
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Location(AuditedModel):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="location_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CostCenter(AuditedModel):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cost_centers",
        verbose_name=_("organisation"),
    )
    """Where costs are booked: the departments pointing to it (``Department.cost_center``)
    book theirs here. The owner (an employee) holds its budget in strategy; the default
    centre takes the costs no other centre claims (contracts, unassigned stock)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_cost_centers",
        verbose_name=_("owner"),
        help_text=_("The employee who holds this cost centre's budget."),
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Takes costs no other cost centre claims.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cost centre")
        verbose_name_plural = _("cost centres")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="org_costcenter_one_default",
                violation_error_message=_("Another cost centre is already the default."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        # A budget is held inside the organisation: never by a customer's contact.
        if self.owner is not None and self.owner.kind != PersonKind.EMPLOYEE:
            raise ValidationError({"owner": _("The owner must be one of our employees.")})


class Department(AuditedModel):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    cost_center = models.ForeignKey(
        CostCenter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
        verbose_name=_("cost centre"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent department"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PersonKind(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    CONTACT = "contact", _("Customer contact")


class Person(AuditedModel):
    """Someone IT works for or with. A login is optional: many people only send mail."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=PersonKind.choices,
        default=PersonKind.EMPLOYEE,
        db_index=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("department"),
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("location"),
    )
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("manager"),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("login"),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Blank: the location's zone."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    away_until = models.DateField(_("away until"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["organisation", "last_name"])]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="person_email_unique_ci",
                violation_error_message=_("Another person has this e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def effective_time_zone(self) -> str:
        if self.time_zone:
            return self.time_zone
        return self.location.time_zone if self.location_id and self.location else "UTC"


class Team(AuditedModel):
    """An assignment group: the people a piece of work can be routed to."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teams", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150, unique=True)
    email = models.EmailField(_("e-mail"), blank=True)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams_led",
        verbose_name=_("lead"),
    )
    members = models.ManyToManyField(
        Person, blank=True, related_name="teams", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name
