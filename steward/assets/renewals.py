"""Renewal alerts: licences that expire within 90, 60 and 30 days, each threshold alerted
once, to the licence's owner and the asset managers (through the notifications app, so each
person's channel preferences apply). Run daily by a schedule; a renewal (a new expiry date,
``licensing.licence_update``) re-arms the alerts."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets.models import Licence
from steward.core.jobs import job_handler
from steward.core.permissions import Role

THRESHOLDS = (90, 60, 30)
EVENT = "assets.licence_expiring"
HANDLER = "assets.licence_renewals"


def register() -> None:
    from django.utils.translation import gettext_lazy as lazy

    from steward.notifications.services import event_register

    event_register(
        EVENT,
        lazy("Licence expiring"),
        lazy("A software licence expires in 90, 60 or 30 days."),
    )


def threshold_for(days_left: int) -> int | None:
    """The smallest threshold at or above ``days_left`` (None beyond 90 days)."""
    hits = [t for t in THRESHOLDS if days_left <= t]
    return min(hits) if hits else None


def _asset_managers() -> list[Any]:
    from steward.core.models import User

    return list(User.objects.filter(is_active=True, groups__name=Role.ASSET_MANAGER).distinct())


def renewal_alerts(*, today: datetime.date | None = None) -> dict[str, int]:
    """Alert every licence that crossed a threshold since its last alert. Each alert is
    claimed with a conditional update, so parallel or repeated runs never alert twice."""
    from steward.notifications.services import notify

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(THRESHOLDS))
    due = Licence._base_manager.filter(expiry_date__gte=today, expiry_date__lte=horizon).filter(
        Q(alerted_days__isnull=True) | Q(alerted_days__gt=min(THRESHOLDS))
    )
    counts = {str(t): 0 for t in THRESHOLDS}
    managers: list[Any] | None = None
    for licence in due.select_related("owner", "product").order_by("expiry_date", "pk"):
        assert licence.expiry_date is not None
        threshold = threshold_for((licence.expiry_date - today).days)
        if threshold is None:
            continue
        if licence.alerted_days is not None and licence.alerted_days <= threshold:
            continue
        won = Licence._base_manager.filter(pk=licence.pk, alerted_days=licence.alerted_days).update(
            alerted_days=threshold
        )
        if not won:
            continue
        if managers is None:
            managers = _asset_managers()
        counts[str(threshold)] += 1
        notify(
            users=[licence.owner, *managers],
            event=EVENT,
            title=_("%(licence)s expires on %(day)s (in %(n)s days)")
            % {
                "licence": licence,
                "day": licence.expiry_date.isoformat(),
                "n": (licence.expiry_date - today).days,
            },
            body=_("%(qty)s of %(product)s. Renew it or plan the replacement.")
            % {"qty": licence.quantity, "product": licence.product},
            url=reverse("assets:licence_detail", kwargs={"pk": licence.pk}),
        )
    return counts


@job_handler(HANDLER)
def renewal_alerts_job(*, reporter: Any, user: Any = None) -> dict[str, int]:
    counts = renewal_alerts()
    if any(counts.values()):
        reporter.log(", ".join(f"{n} at {t} days" for t, n in counts.items() if n))
    return counts


def ensure_schedule(sender: Any, **kwargs: Any) -> None:
    """post_migrate: the daily renewal alert schedule exists (idempotent)."""
    from steward.core.jobs import schedule_ensure

    schedule_ensure(
        name="Licence renewal alerts", handler=HANDLER, interval=datetime.timedelta(hours=24)
    )


def expiring_count(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(THRESHOLDS))
    return Licence._base_manager.filter(expiry_date__gte=today, expiry_date__lte=horizon).count()
