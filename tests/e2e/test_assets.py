"""Assets in Chromium: an asset manager checks an asset out from its page and sees the
history and book value; an employee finds "My assets" in the portal, acknowledges receipt
and reports a problem on the asset, which an agent then finds linked to it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stock(org_world):
    from steward.assets.models import Asset, HardwareModel, Manufacturer
    from steward.org.models import Location, Person

    internal = org_world["internal"]
    model = HardwareModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Lenovo"),
        name="ThinkPad T14",
        category="laptop",
    )
    room = Location.objects.create(organisation=internal, name="Meeting room 2")

    def asset(tag):
        return Asset.objects.create(
            asset_tag=tag,
            model=model,
            organisation=internal,
            purchase_cost=Decimal("1200.00"),
            purchase_date=datetime.date.today() - datetime.timedelta(days=400),
        )

    return {
        **org_world,
        "room": room,
        "asset": asset,
        "employee": Person.objects.get(user=org_world["users"][Role.EMPLOYEE]),
    }


def test_asset_manager_checks_out_from_the_page(session, stock):
    from steward.assets.models import Asset

    laptop = stock["asset"]("NW-000001")
    s = session("assets-check-out")
    s.login(Role.ASSET_MANAGER)
    s.goto("/assets/assets/")
    s.page.get_by_role("link", name="NW-000001").click()
    assert s.page.get_by_role("heading", name="Book value").is_visible()
    s.page.get_by_text("Check out", exact=True).first.click()
    s.page.get_by_label("or location").select_option(label="Meeting room 2")
    s.shot("check-out-form")
    s.page.get_by_role("button", name="Check out").click()
    s.page.locator("#holders").get_by_text("Meeting room 2").wait_for()
    s.shot("checked-out")
    laptop.refresh_from_db()
    assert laptop.status == "deployed" and laptop.assigned_location == stock["room"]
    assert Asset.objects.get(pk=laptop.pk).assignments.count() == 1
    assert s.errors == []


def test_employee_acknowledges_an_asset_in_the_portal(session, stock):
    from steward.assets import services

    laptop = services.asset_check_out(
        asset=stock["asset"]("NW-000002"),
        actor=stock["users"][Role.ASSET_MANAGER],
        person=stock["employee"],
    )
    s = session("assets-acknowledge")
    s.login(Role.EMPLOYEE)
    s.page.get_by_role("link", name="My assets").first.click()
    panel = s.page.locator(f"#asset-{laptop.pk}")
    assert panel.get_by_text("NW-000002").is_visible()
    s.shot("my-assets")
    panel.get_by_role("button", name="I received it").click()
    s.page.get_by_text("Receipt confirmed on").wait_for()
    s.shot("acknowledged")
    laptop.refresh_from_db()
    assert laptop.acknowledged_at is not None
    assert s.errors == []


def test_employee_reports_a_problem_that_the_agent_sees_on_the_asset(session, stock):
    from steward.assets import services
    from steward.servicedesk.models import Ticket

    laptop = services.asset_check_out(
        asset=stock["asset"]("NW-000003"),
        actor=stock["users"][Role.ASSET_MANAGER],
        person=stock["employee"],
    )
    s = session("assets-report-problem")
    s.login(Role.EMPLOYEE)
    s.page.get_by_role("link", name="My assets").first.click()
    panel = s.page.locator(f"#asset-{laptop.pk}")
    panel.get_by_role("button", name="I received it").click()
    s.page.get_by_text("Receipt confirmed on").wait_for()
    assert s.page.get_by_role("button", name="Request new equipment").is_visible()
    s.page.locator(f"#asset-{laptop.pk}").get_by_role("button", name="Report a problem").click()
    s.page.get_by_label("What is wrong?").fill("Battery lasts one hour")
    s.page.get_by_label("Tell us more").fill("Since the last update.")
    s.page.get_by_label("It stops my work").check()
    s.shot("problem-form")
    s.page.get_by_role("button", name="Send to the IT team").click()
    reference = s.page.locator("#ticket-reference").inner_text().strip()
    s.shot("problem-sent")
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.asset_id == laptop.pk and ticket.urgency == 1
    s.page.get_by_role("link", name="My tickets").first.click()
    s.page.get_by_text("NW-000003: Battery lasts one hour").wait_for()
    s.shot("my-tickets")
    assert s.errors == []

    agent = session("assets-problem-agent")
    agent.login(Role.AGENT)
    agent.goto(f"/servicedesk/tickets/{ticket.pk}/")
    link = agent.page.locator("#ticket-asset").get_by_role("link")
    assert "NW-000003" in link.inner_text()
    agent.shot("ticket-names-asset")
    link.click()
    agent.page.locator("#asset-tickets").get_by_role("link", name=reference).wait_for()
    assert "1 ticket about this asset" in agent.page.locator("#asset-tickets").inner_text()
    assert agent.page.get_by_role("button", name="Print label (PDF)").is_visible()
    agent.shot("asset-repair-history")
    assert agent.errors == []
