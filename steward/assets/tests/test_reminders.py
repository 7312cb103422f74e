"""The daily loan reminder: holders of overdue and due-soon loans hear about it once a day,
through their notification preferences; the job is scheduled after migrate."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from steward.assets import notify, services
from steward.core.jobs import job_execute, job_start
from steward.core.models import Schedule
from steward.core.permissions import Role
from steward.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _loan(world, make_asset, due, person="employee"):
    asset = services.asset_check_out(
        asset=make_asset(),
        actor=world["manager"],
        person=world[person],
        loan_due=timezone.localdate(),
    )
    asset.__class__._base_manager.filter(pk=asset.pk).update(loan_due=due)
    return asset


def test_overdue_and_due_soon_loans_are_reminded_once_a_day(world, make_asset):
    today = timezone.localdate()
    overdue = _loan(world, make_asset, today - datetime.timedelta(days=2))
    soon = _loan(world, make_asset, today + datetime.timedelta(days=notify.DUE_SOON_DAYS))
    _loan(world, make_asset, today + datetime.timedelta(days=30))  # not yet
    Notification.objects.all().delete()

    assert notify.loan_reminders(today=today) == {"overdue": 1, "due_soon": 1}
    titles = sorted(
        Notification.objects.filter(event=notify.LOAN_REMINDER).values_list("title", flat=True)
    )
    assert len(titles) == 2
    assert any(overdue.asset_tag in t and "overdue" in t for t in titles)
    assert any(soon.asset_tag in t for t in titles)
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {world["users"][Role.EMPLOYEE].pk}

    assert notify.loan_reminders(today=today) == {"overdue": 0, "due_soon": 0}
    tomorrow = notify.loan_reminders(today=today + datetime.timedelta(days=1))
    assert tomorrow == {"overdue": 1, "due_soon": 1}


def test_returned_loans_are_not_reminded(world, make_asset):
    asset = _loan(world, make_asset, timezone.localdate() - datetime.timedelta(days=1))
    services.asset_check_in(asset=asset, actor=world["manager"])
    assert notify.loan_reminders() == {"overdue": 0, "due_soon": 0}


def test_reminder_runs_as_a_scheduled_job(world, make_asset):
    _loan(world, make_asset, timezone.localdate() - datetime.timedelta(days=1))
    notify.ensure_schedule(sender=None)
    schedule = Schedule.objects.get(handler=notify.REMINDER_HANDLER)
    assert schedule.interval_seconds == 24 * 3600
    job = job_execute(job_start(handler=notify.REMINDER_HANDLER, name="test"))
    assert job.status == "succeeded" and job.result == {"overdue": 1, "due_soon": 0}
