"""Change management in Chromium: an agent raises a change through the form on a VM under
an application that already has a change in the same night, sees the conflict on the change
page and ringed in the month calendar, and a standard change refused scheduling in a
blackout with the blackout named."""

from __future__ import annotations

import datetime
import random
import re

import pytest

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
UTC = datetime.UTC


@pytest.fixture
def plan(org_world):
    from steward.changes.models import (
        ChangeRequest,
        ChangeRequestCI,
        ChangeTemplate,
        ChangeWindow,
    )
    from steward.cmdb import demo
    from steward.cmdb.models import ConfigurationItem

    demo.load(rng=random.Random(1), log=lambda _m: None)
    odoo = ConfigurationItem.objects.get(name="Odoo ERP")
    upgrade = ChangeRequest.objects.create(
        title="Upgrade Odoo",
        requester=org_world["users"][Role.IT_MANAGER],
        state="scheduled",
        approval_state="approved",
        planned_start=datetime.datetime(2031, 3, 12, 19, 0, tzinfo=UTC),
        planned_end=datetime.datetime(2031, 3, 13, 4, 0, tzinfo=UTC),
    )
    ChangeRequestCI.objects.create(change=upgrade, configuration_item=odoo)
    ChangeWindow.objects.create(
        name="Spring freeze",
        kind="blackout",
        start=datetime.datetime(2031, 3, 20, tzinfo=UTC),
        end=datetime.datetime(2031, 3, 23, tzinfo=UTC),
    )
    template = ChangeTemplate.objects.create(name="Reboot a VM", implementation_plan="reboot")
    frozen = ChangeRequest.objects.create(
        title="Reboot the wiki VM",
        change_type="standard",
        template=template,
        requester=org_world["users"][Role.AGENT],
        state="assessment",
        planned_start=datetime.datetime(2031, 3, 21, 22, 0, tzinfo=UTC),
        planned_end=datetime.datetime(2031, 3, 21, 23, 0, tzinfo=UTC),
    )
    return {"upgrade": upgrade, "frozen": frozen}


def test_scheduling_into_a_conflict_is_flagged(session, plan):
    s = session("changes-conflict")
    s.login(Role.AGENT)
    s.goto("/changes/requests/add/")
    page = s.page
    page.get_by_label("Title").fill("Resize vm-erp-app-01")
    page.get_by_label("Type").select_option("normal")
    page.get_by_label("Affected configuration items").select_option(label="vm-erp-app-01")
    page.get_by_label("Planned start").fill("2031-03-12T22:00")
    page.get_by_label("Planned end").fill("2031-03-12T23:00")
    page.get_by_label("Implementation plan").fill("Shut down, add vCPUs, start.")
    page.get_by_label("Back-out plan").fill("Shut down, remove vCPUs, start.")
    s.shot("form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/changes/requests/\d+/$"))
    page.get_by_role("button", name="To Assessment").click()
    page.locator("#risk-reasons").wait_for()
    conflicts = page.locator("#conflicts").inner_text()
    assert plan["upgrade"].reference in conflicts, conflicts
    assert "depends on vm-erp-app-01" in conflicts, conflicts
    assert "ERP" in page.locator("#impacted-services").inner_text()
    s.shot("change-with-conflict")

    s.goto("/changes/calendar/?month=2031-03")
    ringed = page.locator("#calendar-month li.conflict")
    assert ringed.count() >= 2
    assert "Resize vm-erp-app-01" in page.locator("#flagged").inner_text()
    s.shot("calendar-month")
    s.goto("/changes/calendar/week/?date=2031-03-12")
    assert page.locator("#calendar-week li.conflict").count() >= 2
    s.shot("calendar-week")
    assert s.errors == []


def test_a_blackout_refuses_scheduling(session, plan):
    s = session("changes-blackout")
    s.login(Role.AGENT)
    s.goto(f"/changes/requests/{plan['frozen'].pk}/")
    assert "Spring freeze" in s.page.locator("#conflicts").inner_text()
    s.page.get_by_role("button", name="To Scheduled").click()
    s.page.wait_for_load_state()
    assert "blackout window Spring freeze" in s.page.content()
    plan["frozen"].refresh_from_db()
    assert plan["frozen"].state == "assessment"
    s.shot("blackout-refused")
    assert s.errors == []
