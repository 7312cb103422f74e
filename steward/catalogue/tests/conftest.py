from __future__ import annotations

import pytest

from steward.core.permissions import Role


@pytest.fixture
def cat(org_world):
    """org_world plus a manager line (employee -> it_manager), fulfilment teams, and four items:
    a laptop (manager approval, two sequential steps), onboarding (three parallel tasks), a
    customer-only item and one without approval or tasks."""
    from steward.catalogue.models import (
        CatalogueCategory,
        CatalogueItem,
        FulfilmentTaskTemplate,
        ItemField,
    )
    from steward.org.models import Person, Team

    users = org_world["users"]
    person = {role: Person.objects.get(user=users[role]) for role in users}
    person[Role.EMPLOYEE].manager = person[Role.IT_MANAGER]
    person[Role.EMPLOYEE].save()
    internal = org_world["internal"]
    it = Team.objects.create(organisation=internal, name="IT Support")
    it.members.set([person[Role.AGENT]])
    facilities = Team.objects.create(organisation=internal, name="Facilities")
    facilities.members.set([person[Role.ASSET_MANAGER]])
    hr = Team.objects.create(organisation=internal, name="HR")
    hr.members.set([person[Role.IT_MANAGER]])
    hardware = CatalogueCategory.objects.create(name="Hardware", icon="💻")
    access = CatalogueCategory.objects.create(name="Access", icon="🔑")
    laptop = CatalogueItem.objects.create(
        name="New laptop",
        slug="new-laptop",
        category=hardware,
        audience="employees",
        approval_stages=[{"kind": "manager", "name": "Manager"}],
        default_team=it,
        delivery_days=5,
    )
    ItemField.objects.create(
        item=laptop,
        name="model",
        label="Model",
        type="choice",
        choices=["14-inch", "16-inch"],
        required=True,
        order=1,
    )
    ItemField.objects.create(item=laptop, name="reason", label="Reason", type="textarea", order=2)
    FulfilmentTaskTemplate.objects.create(item=laptop, step=1, title="Prepare laptop", team=it)
    FulfilmentTaskTemplate.objects.create(
        item=laptop, step=2, title="Deliver laptop", team=facilities
    )
    onboarding = CatalogueItem.objects.create(
        name="New starter",
        slug="new-starter",
        category=access,
        audience="employees",
        fulfilment_mode="parallel",
    )
    ItemField.objects.create(
        item=onboarding, name="start", label="Start date", type="date", required=True
    )
    for step, (title, team) in enumerate(
        (("Accounts", it), ("Desk", facilities), ("Contract", hr)), start=1
    ):
        FulfilmentTaskTemplate.objects.create(item=onboarding, step=step, title=title, team=team)
    portal = CatalogueItem.objects.create(
        name="Customer portal access",
        slug="portal-access",
        category=access,
        audience="customers",
    )
    FulfilmentTaskTemplate.objects.create(item=portal, title="Create portal login", team=it)
    vpn = CatalogueItem.objects.create(
        name="VPN access", slug="vpn", category=access, audience="both"
    )
    return {
        **org_world,
        "person": person,
        "teams": {"it": it, "facilities": facilities, "hr": hr},
        "laptop": laptop,
        "onboarding": onboarding,
        "portal": portal,
        "vpn": vpn,
    }


@pytest.fixture
def request_item(cat):
    """``request_item(item, role, answers)`` files a request as that role's user."""
    from steward.catalogue import services

    def do(item, role=Role.EMPLOYEE, answers=None, **kwargs):
        user = cat["users"][role]
        return services.item_request(
            item=item,
            requester=user.person,
            answers=answers if answers is not None else {},
            actor=user,
            **kwargs,
        )

    return do
