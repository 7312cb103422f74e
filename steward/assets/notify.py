"""What the assets app tells people: a new asset to acknowledge, and loans that are due
soon or overdue (the daily reminder job). Through the notifications app's services, so each
person's channel preferences apply."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets.models import Asset, Status
from steward.core.jobs import job_handler

LOAN_REMINDER = "assets.loan_due"
CHECKED_OUT = "assets.checked_out"
REMINDER_HANDLER = "assets.loan_reminders"
DUE_SOON_DAYS = 3
"""Holders hear about a loan from this many days before it is due, then daily while late."""


def register() -> None:
    from django.utils.translation import gettext_lazy as lazy

    from steward.notifications.services import event_register

    event_register(
        CHECKED_OUT,
        lazy("Asset handed to you"),
        lazy("An asset was checked out to you: please acknowledge receipt."),
    )
    event_register(
        LOAN_REMINDER,
        lazy("Loan due"),
        lazy("An asset you borrowed is due back soon or overdue."),
    )


def _portal_url() -> str:
    try:
        return reverse("portal:assets")
    except NoReverseMatch:
        return ""


def notify_checked_out(*, asset: Asset, person: Any) -> None:
    from steward.notifications.services import notify

    notify(
        users=[person.user],
        event=CHECKED_OUT,
        title=_("%(asset)s was handed to you") % {"asset": asset},
        body=_("Please confirm that you received it."),
        url=_portal_url(),
    )


def loan_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Remind the holder of every loan due within ``DUE_SOON_DAYS`` or overdue, at most once
    a day per asset (claimed with a conditional update, so parallel runs never repeat)."""
    from steward.notifications.services import notify

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    due = (
        Asset.objects.filter(status=Status.LOANED, loan_due__lte=horizon)
        .filter(Q(loan_reminded_on__isnull=True) | Q(loan_reminded_on__lt=today))
        .exclude(assigned_person__isnull=True)
        .values_list("pk", "loan_reminded_on")
    )
    counts = {"overdue": 0, "due_soon": 0}
    for pk, reminded in list(due):
        won = Asset._base_manager.filter(pk=pk, loan_reminded_on=reminded).update(
            loan_reminded_on=today
        )
        if not won:
            continue
        asset = Asset.objects.select_related("assigned_person__user").get(pk=pk)
        user = asset.assigned_person.user if asset.assigned_person else None
        if user is None:
            continue
        assert asset.loan_due is not None
        if asset.loan_due < today:
            counts["overdue"] += 1
            title = _("%(asset)s is overdue: it was due back on %(day)s") % {
                "asset": asset,
                "day": asset.loan_due.isoformat(),
            }
        else:
            counts["due_soon"] += 1
            title = _("%(asset)s is due back on %(day)s") % {
                "asset": asset,
                "day": asset.loan_due.isoformat(),
            }
        notify(
            users=[user],
            event=LOAN_REMINDER,
            title=title,
            body=_("Please return it to IT, or ask IT to extend the loan."),
            url=_portal_url(),
        )
    return counts


@job_handler(REMINDER_HANDLER)
def loan_reminders_job(*, reporter: Any, user: Any = None) -> dict[str, int]:
    counts = loan_reminders()
    if counts["overdue"] or counts["due_soon"]:
        reporter.log(f"{counts['overdue']} overdue, {counts['due_soon']} due soon")
    return counts


def ensure_schedule(sender: Any, **kwargs: Any) -> None:
    """post_migrate: the daily reminder schedule exists (idempotent)."""
    from steward.core.jobs import schedule_ensure

    schedule_ensure(
        name="Asset loan reminders",
        handler=REMINDER_HANDLER,
        interval=datetime.timedelta(hours=24),
    )
