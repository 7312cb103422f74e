from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models.base import AuditedModel, AuditedQuerySet


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class StewardUserManager(UserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser, AuditedModel):
    """A login. The person behind it (department, organisation, manager) lives in ``org``."""

    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Times are shown in this zone."),
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    theme = models.CharField(
        max_length=10,
        default="auto",
        choices=[("auto", _("Follow the system")), ("light", _("Light")), ("dark", _("Dark"))],
    )

    objects = StewardUserManager()  # type: ignore[misc]

    audit_exclude = ("updated_at", "last_login")

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
