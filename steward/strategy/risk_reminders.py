"""Review reminders: every day a schedule tells the owner of each open risk whose review is
due (``next_review`` today or past) once per review period. The review date reminded of is
claimed with a conditional update (``reminded_for``), so a second run, or two workers at
once, never repeat it; recording the review moves ``next_review`` on and opens the next
period."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core.jobs import job_handler
from steward.strategy.models import Risk, RiskStatus

EVENT = "strategy.risk_review_due"
HANDLER = "strategy.risk_review_reminders"


def register_event() -> None:
    from django.utils.translation import gettext_lazy as lazy

    from steward.notifications.services import event_register

    event_register(EVENT, lazy("Risk review due"), lazy("A risk you own is due for review."))


def risk_review_reminders(*, today: datetime.date | None = None) -> int:
    """Notify owners of risks due for review not yet reminded this period; returns how many."""
    from steward.notifications.services import notify

    today = today or timezone.localdate()
    due = (
        Risk.objects.exclude(status=RiskStatus.CLOSED)
        .filter(next_review__lte=today, owner__user__isnull=False)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_review")))
        .values_list("pk", "next_review", "reminded_for")
    )
    sent = 0
    for pk, next_review, reminded in list(due):
        won = Risk._base_manager.filter(pk=pk, reminded_for=reminded).update(
            reminded_for=next_review
        )
        if not won:
            continue
        risk = Risk.objects.select_related("owner__user").get(pk=pk)
        notify(
            users=[risk.owner.user],  # type: ignore[union-attr]
            event=EVENT,
            title=_("%(risk)s is due for review (%(day)s)")
            % {"risk": risk, "day": next_review.isoformat()},
            body=_("Check its likelihood, impact, controls and treatment, then mark it reviewed."),
            url=reverse("strategy:risk_detail", kwargs={"pk": pk}),
        )
        sent += 1
    return sent


@job_handler(HANDLER)
def risk_review_reminders_job(*, reporter: Any, user: Any = None) -> dict[str, int]:
    sent = risk_review_reminders()
    if sent:
        reporter.log(f"{sent} risk owners reminded")
    return {"reminded": sent}


def ensure_schedule(sender: Any, **kwargs: Any) -> None:
    """post_migrate: the daily reminder schedule exists (idempotent)."""
    from steward.core.jobs import schedule_ensure

    schedule_ensure(
        name="Risk review reminders", handler=HANDLER, interval=datetime.timedelta(hours=24)
    )
