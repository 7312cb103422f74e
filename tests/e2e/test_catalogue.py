"""The service catalogue end to end: an employee requests a laptop from the storefront, their
manager approves it on the approvals page, an agent completes the fulfilment tasks in the
queue, and the employee sees the request fulfilled and its ticket resolved."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def storefront(org_world):
    from steward.catalogue.models import (
        CatalogueCategory,
        CatalogueItem,
        FulfilmentTaskTemplate,
        ItemField,
    )
    from steward.core.permissions import Role
    from steward.org.models import Person, Team

    users = org_world["users"]
    employee = Person.objects.get(user=users[Role.EMPLOYEE])
    employee.manager = Person.objects.get(user=users[Role.IT_MANAGER])
    employee.save()
    it = Team.objects.create(organisation=org_world["internal"], name="IT Support")
    it.members.set([Person.objects.get(user=users[Role.AGENT])])
    hardware = CatalogueCategory.objects.create(name="Hardware", icon="💻", order=1)
    access = CatalogueCategory.objects.create(name="Access", icon="🔑", order=2)
    laptop = CatalogueItem.objects.create(
        name="New laptop",
        slug="new-laptop",
        icon="💻",
        category=hardware,
        short_description="A standard business laptop, ready on your first login.",
        approval_stages=[{"kind": "manager", "name": "Line manager"}],
        delivery_days=5,
        price="1200.00",
        default_team=it,
    )
    ItemField.objects.create(
        item=laptop,
        name="model",
        label="Model",
        type="choice",
        required=True,
        choices=["14-inch standard", "16-inch performance"],
        order=1,
    )
    ItemField.objects.create(
        item=laptop,
        name="reason",
        label="Why do you need it?",
        type="textarea",
        required=True,
        order=2,
    )
    FulfilmentTaskTemplate.objects.create(item=laptop, step=1, title="Image the laptop", team=it)
    FulfilmentTaskTemplate.objects.create(item=laptop, step=2, title="Hand it over", team=it)
    for i, (name, icon, cat) in enumerate(
        [
            ("Monitor", "🖥️", hardware),
            ("Headset", "🎧", hardware),
            ("VPN access", "🛡️", access),
            ("Shared folder", "📁", access),
            ("Customer report", "📊", access),
        ]
    ):
        CatalogueItem.objects.create(
            name=name,
            slug=f"item-{i}",
            icon=icon,
            category=cat,
            short_description=f"{name} for your work.",
            delivery_days=i + 1,
            audience="customers" if name == "Customer report" else "employees",
        )
    return laptop


def test_an_employee_requests_a_laptop_that_is_approved_fulfilled_and_resolved(session, storefront):
    from steward.catalogue.models import RequestedItem

    employee = session("catalogue-employee")
    employee.login("employee")
    employee.goto("/catalogue/")
    employee.page.wait_for_url("**/catalogue/browse/")
    assert employee.page.get_by_role("heading", name="What do you need?").is_visible()
    assert employee.page.locator(".cat-card").count() == 5  # not the customers' item
    employee.shot("storefront")
    employee.page.get_by_label("Search the catalogue").fill("lapt")
    employee.page.locator(".cat-card").first.wait_for()
    employee.page.wait_for_function("document.querySelectorAll('.cat-card').length === 1")
    employee.shot("search")
    employee.page.locator(".cat-card", has_text="New laptop").click()
    employee.page.wait_for_url("**/catalogue/i/new-laptop/")
    employee.page.get_by_role("button", name="Send request").click()
    employee.page.locator("small.error").first.wait_for()  # HTMX answers the field errors
    assert employee.page.locator("small.error").count() == 2
    employee.shot("form-errors")
    employee.page.get_by_label("16-inch performance").check()
    employee.page.get_by_label("Why do you need it?").fill("Mine is five years old.")
    employee.page.get_by_role("button", name="Send request").click()
    employee.page.wait_for_url(re.compile(r"/catalogue/my/\d+/$"))
    requested = RequestedItem.objects.get()
    assert requested.answers["model"] == "16-inch performance"
    assert employee.page.locator(".cat-state", has_text="Awaiting approval").is_visible()
    employee.shot("awaiting-approval")

    manager = session("catalogue-manager")
    manager.login("it_manager")
    manager.goto("/approvals/")
    manager.page.get_by_role("link", name="New laptop").first.click()
    manager.page.get_by_label("Comment").fill("Approved, enjoy.")
    manager.page.get_by_role("button", name="Approve").click()
    manager.page.get_by_text("Your decision is recorded.").wait_for()
    manager.shot("approved")

    agent = session("catalogue-agent")
    agent.login("agent")
    for title in ("Image the laptop", "Hand it over"):
        agent.goto("/catalogue/queue/")
        row = agent.page.locator("#task-queue tbody tr", has_text=title)
        row.wait_for()
        agent.shot(f"queue-{title.split()[0].lower()}")
        row.get_by_role("button", name="Complete").click()
        agent.page.get_by_text(f"Task updated: {title}.").wait_for()
    agent.goto("/catalogue/queue/")
    assert "No tasks here." in agent.page.locator("#task-queue").inner_text()

    employee.goto(f"/catalogue/my/{requested.pk}/")
    assert employee.page.locator(".cat-state", has_text="Fulfilled").is_visible()
    assert employee.page.locator(".cat-progress li.done").count() == 5
    employee.shot("fulfilled")
    employee.goto("/catalogue/my/")
    assert "Fulfilled" in employee.page.locator("#my-requests").inner_text()
    requested.refresh_from_db()
    requested.ticket.refresh_from_db()
    assert requested.state == "fulfilled" and requested.ticket.status == "resolved"
    for s in (employee, manager, agent):
        assert s.errors == []


def test_a_customer_sees_only_customer_items_and_not_another_organisations_request(
    session, storefront, org_world
):
    from steward.catalogue import services
    from steward.catalogue.models import CatalogueItem

    report = CatalogueItem.objects.get(name="Customer report")
    globex = org_world["users"]["globex_contact"]
    theirs = services.item_request(item=report, requester=globex.person, answers={}, actor=globex)
    customer = session("catalogue-customer")
    customer.login("acme_contact")
    customer.goto("/catalogue/browse/")
    cards = customer.page.locator(".cat-card")
    assert cards.count() == 1 and "Customer report" in cards.first.inner_text()
    customer.shot("storefront")
    cards.first.click()
    customer.page.get_by_role("button", name="Send request").click()
    customer.page.wait_for_url(re.compile(r"/catalogue/my/\d+/$"))
    assert customer.page.locator(".cat-state", has_text="In fulfilment").is_visible()
    customer.shot("request")
    response = customer.goto(f"/catalogue/my/{theirs.pk}/")
    assert response.status == 404
    assert customer.errors == []
