"""Goals and portfolio in Chromium: an IT manager reads the strategy map (business goal >
IT goal > project > service and budget line, nested and readable), the roadmap (a bar per
project placed on its dates, milestones as diamonds, the today line between them) and the
capacity table (an over-allocated month flagged); a project's owner edits their project and
is told that amber needs a reason."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _month(base: datetime.date, offset: int) -> datetime.date:
    index = base.year * 12 + base.month - 1 + offset
    return datetime.date(index // 12, index % 12 + 1, 1)


@pytest.fixture
def portfolio(org_world):
    from steward.cmdb.models import ConfigurationItem
    from steward.org.models import Person
    from steward.strategy.models import (
        Allocation,
        BusinessGoal,
        ITGoal,
        KeyResult,
        Milestone,
        Project,
    )

    users = org_world["users"]
    agent = Person.objects.get(user=users[Role.AGENT])
    assets = Person.objects.get(user=users[Role.ASSET_MANAGER])
    base = datetime.date.today().replace(day=1)
    grow = BusinessGoal.objects.create(title="Grow online revenue")
    it_goal = ITGoal.objects.create(
        business_goal=grow, title="Web shop always on", start=_month(base, -6), end=_month(base, 6)
    )
    KeyResult.objects.create(
        it_goal=it_goal,
        name="Availability",
        metric="monthly availability",
        unit="%",
        start_value=Decimal(98),
        target_value=Decimal(100),
        current_value=Decimal(99),
    )
    shop = ConfigurationItem.objects.create(name="Web shop", ci_class="business_service")
    alpha = Project.objects.create(
        name="Web shop replatforming",
        it_goal=it_goal,
        owner=agent,
        phase="execution",
        status="active",
        health="green",
        planned_start=_month(base, -3),
        planned_end=_month(base, 3),
        actual_start=_month(base, -3),
    )
    alpha.services.set([shop])
    beta = Project.objects.create(
        name="ERP upgrade",
        it_goal=it_goal,
        phase="planning",
        status="active",
        health="red",
        health_reason="Data migration failed its rehearsal",
        planned_start=_month(base, 1),
        planned_end=_month(base, 5),
    )
    Milestone.objects.create(project=alpha, name="Design", due=_month(base, -2), done=True)
    Milestone.objects.create(project=alpha, name="Go-live", due=_month(base, 2))
    Milestone.objects.create(project=beta, name="Cut-over", due=_month(base, 4))
    Allocation.objects.create(
        project=alpha, person=agent, percent=70, start=_month(base, 0), end=_month(base, 3)
    )
    Allocation.objects.create(
        project=beta, person=agent, percent=50, start=_month(base, 1), end=_month(base, 2)
    )
    Allocation.objects.create(
        project=beta, person=assets, percent=40, start=_month(base, 1), end=_month(base, 4)
    )
    return {"users": users, "alpha": alpha, "beta": beta, "base": base}


def test_strategy_map_roadmap_and_capacity(session, portfolio):
    manager = session("portfolio-manager")
    manager.login(str(portfolio["users"][Role.IT_MANAGER].username))
    page = manager.page

    manager.goto("/strategy/strategy-map/")
    business = page.locator('[data-tier="business"]').filter(has_text="Grow online revenue")
    it_goal = business.locator('[data-tier="it-goal"]').filter(has_text="Web shop always on")
    project = it_goal.locator('[data-tier="project"]').filter(has_text="Web shop replatforming")
    assert project.locator('[data-tier="service"]').inner_text().strip() == "Service: Web shop"
    assert "50.0 %" in it_goal.inner_text()
    # tiers are indented: each level starts to the right of its parent
    xs = [loc.bounding_box()["x"] for loc in (business, it_goal, project)]
    assert xs[0] < xs[1] < xs[2]
    manager.shot("strategy-map")

    manager.goto("/strategy/roadmap/")
    bars = page.locator(".roadmap-bar")
    assert bars.count() == 2
    first = page.locator(f'[data-project="{portfolio["alpha"].pk}"] .roadmap-bar').bounding_box()
    second = page.locator(f'[data-project="{portfolio["beta"].pk}"] .roadmap-bar').bounding_box()
    today = page.locator("#roadmap-today").bounding_box()
    assert first["x"] < today["x"] < first["x"] + first["width"]  # running now
    assert today["x"] < second["x"]  # starts next month
    assert page.locator(".roadmap-milestone").count() == 3
    assert page.locator(".roadmap-milestone.done").count() == 1
    assert page.locator(f'[data-project="{portfolio["beta"].pk}"] .rag-red').count() >= 1
    manager.shot("roadmap")

    manager.goto(f"/strategy/capacity/?start={portfolio['base']:%Y-%m}")
    agent_row = page.locator("#capacity tbody tr.over-allocated")
    assert agent_row.count() == 1
    cells = agent_row.locator("td").all_inner_texts()
    assert cells[:4] == ["70 %", "120 %", "120 %", "70 %"]
    assert agent_row.locator("td.over").count() == 2
    manager.shot("capacity")
    assert manager.errors == []


def test_owner_edits_their_project_and_amber_needs_a_reason(session, portfolio):
    owner = session("portfolio-owner")
    owner.login(str(portfolio["users"][Role.AGENT].username))
    page = owner.page
    owner.goto(f"/strategy/projects/{portfolio['alpha'].pk}/edit/")
    page.locator("#id_health").select_option(label="Amber")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Say why the project is amber or red.").is_visible()
    owner.shot("amber-refused")
    page.locator("#id_health_reason").fill("Payment provider two weeks late")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/strategy/projects/{portfolio['alpha'].pk}/")
    assert page.locator(".rag-amber").first.is_visible()
    owner.shot("amber-saved")
    owner.goto(f"/strategy/projects/{portfolio['beta'].pk}/edit/")
    assert page.locator("h1").inner_text() != "Edit ERP upgrade"
    assert owner.errors == []
