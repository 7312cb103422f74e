"""The CIO dashboard in Chromium with demo-like data: an IT manager sees the five cards (goals'
progress, the budget chart drawn, the heat map coloured by band, services with SLA %, the
portfolio with a late milestone), each card's title leads to its page, and the exports
download; an agent is refused."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def org(org_world):
    from django.utils import timezone

    from steward.org.models import CostCenter, Person
    from steward.servicedesk.models import Service, Status, Ticket
    from steward.strategy.models import (
        BudgetLine,
        BusinessGoal,
        CostRecord,
        FiscalYear,
        ITGoal,
        KeyResult,
        Milestone,
        Project,
        Risk,
    )
    from steward.strategy.risk import default_matrix

    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    fy = FiscalYear.objects.create(
        name=f"FY{today.year}", start=start, end=start.replace(month=12, day=31)
    )
    internal = org_world["internal"]
    it = CostCenter.objects.create(organisation=internal, code="CC-IT", name="IT", is_default=True)
    for category, planned, spent in (
        ("hardware", "120000", "70000"),
        ("software", "90000", "61000"),
        ("cloud", "60000", "52000"),
        ("services", "40000", "18000"),
        ("staff", "300000", "260000"),
    ):
        BudgetLine.objects.create(
            fiscal_year=fy, cost_centre=it, category=category, planned=Decimal(planned)
        )
        CostRecord.objects.create(
            fiscal_year=fy,
            cost_centre=it,
            date=start + datetime.timedelta(days=30),
            amount=Decimal(spent),
            category=category,
        )
    for title, values in (
        ("Grow online sales", [(0, 100, 60), (10, 2, 4)]),
        ("Keep customer data safe", [(0, 100, 90), (0, 12, 3)]),
        ("Cut operating costs", [(100, 80, 95)]),
    ):
        goal = BusinessGoal.objects.create(title=title)
        for i, (a, b, c) in enumerate(values):
            g = ITGoal.objects.create(
                business_goal=goal, title=f"{title} {i}", start=fy.start, end=fy.end
            )
            KeyResult.objects.create(
                it_goal=g, name="kr", metric="m", start_value=a, target_value=b, current_value=c
            )
    matrix = default_matrix()
    for i, (lk, im) in enumerate([(5, 5), (4, 5), (4, 4), (3, 4), (3, 3), (2, 4), (2, 2), (1, 3)]):
        Risk.objects.create(
            title=f"Risk {i}",
            category="security",
            matrix=matrix,
            inherent_likelihood=lk,
            inherent_impact=im,
        )
    person = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    now = timezone.now()
    n = 0
    for order, (name, open_, major, met, breached) in enumerate(
        (
            ("E-mail", 3, 1, 40, 2),
            ("Payroll", 0, 0, 12, 0),
            ("VPN", 5, 0, 20, 6),
            ("ERP", 1, 0, 0, 0),
        )
    ):
        service = Service.objects.create(name=name, slug=name.lower(), order=order)
        for kind, count in (("open", open_), ("met", met), ("breached", breached)):
            for i in range(count):
                n += 1
                t = Ticket.objects.create(
                    reference=f"INC-{700000 + n:06d}",
                    title=f"{name} {kind} {i}",
                    requester=person,
                    organisation=person.organisation,
                    service=service,
                    status=Status.NEW if kind == "open" else Status.RESOLVED,
                    is_major=kind == "open" and i < major,
                    resolution_breached=kind == "breached",
                    resolution_due=now,
                )
                Ticket.objects.filter(pk=t.pk).update(created_at=now - datetime.timedelta(days=3))
    for name, phase, health in (
        ("New web shop", "execution", "green"),
        ("ERP upgrade", "execution", "amber"),
        ("Zero trust", "planning", "red"),
        ("Laptop refresh", "closing", "green"),
    ):
        p = Project.objects.create(
            name=name,
            phase=phase,
            status="active",
            health=health,
            health_reason="" if health == "green" else "Behind plan",
            planned_start=fy.start,
            planned_end=fy.end,
        )
        if health == "red":
            Milestone.objects.create(
                project=p, name="Pilot group", due=today - datetime.timedelta(days=12)
            )
    return org_world


def test_dashboard_cards_and_exports(session, org):
    manager = session("strategy-dashboard")
    manager.login(str(org["users"][Role.IT_MANAGER].username))
    manager.goto("/strategy/")
    page = manager.page
    page.wait_for_function("() => window.Chart && Chart.getChart('budget-chart')")
    bars = page.evaluate(
        "() => Chart.getChart('budget-chart').data.datasets.map(d => [d.label, d.data])"
    )
    assert bars[0] == ["Planned", [120000, 90000, 60000, 40000, 300000]]
    assert bars[1] == ["Actual", [70000, 61000, 52000, 18000, 260000]]
    assert "75.6 %" in page.locator("#card-budget").inner_text()  # 461,000 / 610,000
    critical = page.locator("#dash-heatmap td[data-count='1']").first
    assert critical.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(236, 122, 110)"
    services = page.locator("#dash-services").inner_text()
    assert "95.2 %" in services  # E-mail 40 / 42
    assert "76.9 %" in services  # VPN 20 / 26
    assert "Pilot group" in page.locator("#dash-late").inner_text()
    manager.shot("dashboard")

    with page.expect_download() as pdf:
        page.locator("#export-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as xlsx:
        page.locator("#export-xlsx").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")

    links = {
        card: page.locator(f"#card-{card} header a").get_attribute("href")
        for card in ("alignment", "budget", "risks", "services", "portfolio")
    }
    assert links == {
        "alignment": reverse("strategy:strategy_map"),
        "budget": reverse("strategy:budget"),
        "risks": reverse("strategy:risk_heatmap") + "?view=residual",
        "services": reverse("servicedesk:report", kwargs={"name": "sla-compliance"}),
        "portfolio": reverse("strategy:roadmap"),
    }
    for href in links.values():
        assert manager.goto(href).status == 200, href
    assert manager.errors == []


def test_an_agent_is_refused(session, org):
    agent = session("strategy-dashboard-agent")
    agent.login(str(org["users"][Role.AGENT].username))
    response = agent.goto("/strategy/")
    assert response is not None and response.status == 403
