"""An agent works a ticket in the workspace: queue, internal note, public reply with a canned
response (filled by HTMX), pending with a reason, resolved with a resolution."""

from __future__ import annotations

import datetime
import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(org_world):
    from django.utils import timezone

    from steward.core.permissions import Role
    from steward.org.models import Person, Team
    from steward.servicedesk.models import (
        CannedResponse,
        Category,
        Priority,
        PriorityRule,
        Service,
        SLAPolicy,
        SLATarget,
        Ticket,
    )
    from steward.servicedesk.services import ticket_assign, ticket_create, ticket_reply

    if not PriorityRule.objects.exists():  # an earlier transactional test flushed migration 0002
        for impact in (1, 2, 3):
            for urgency in (1, 2, 3):
                PriorityRule.objects.create(
                    impact=impact, urgency=urgency, priority=min(5, impact + urgency - 1)
                )
    users = org_world["users"]
    agent = Person.objects.get(user=users[Role.AGENT])
    employee = Person.objects.get(user=users[Role.EMPLOYEE])
    team = Team.objects.create(organisation=org_world["internal"], name="Service Desk")
    team.members.set([agent])
    hardware = Category.objects.create(name="Hardware", default_team=team)
    sla = SLAPolicy.objects.create(name="Standard")
    ola = SLAPolicy.objects.create(name="Service Desk OLA", kind="ola", team=team)
    for priority in range(1, 6):
        SLATarget.objects.create(
            policy=sla,
            priority=priority,
            response_minutes=30 * priority,
            resolution_minutes=120 * priority,
        )
        SLATarget.objects.create(policy=ola, priority=priority, resolution_minutes=90 * priority)
    mail = Service.objects.create(name="E-mail", slug="e-mail")
    CannedResponse.objects.create(
        title="Ask for a restart",
        body="Hello {{ requester }}, could you restart the laptop and tell us if {{ reference }}"
        " still happens?",
    )
    ticket = ticket_create(
        actor=None,
        requester=employee,
        title="Laptop freezes when docking",
        description="Since the update on Monday the laptop freezes as soon as I dock it.",
        category=hardware,
        impact=2,
        urgency=2,
        channel="email",
    )
    ticket_reply(ticket=ticket, actor=users[Role.EMPLOYEE], body="It happened again just now.")
    others = []
    for i, (title, prio) in enumerate(
        [
            ("Outlook cannot reach the mail server", Priority.CRITICAL),
            ("New starter needs a badge", Priority.LOW),
            ("Printer on floor 3 prints blank pages", Priority.MODERATE),
        ]
    ):
        t = ticket_create(actor=None, requester=employee, title=title, service=mail)
        due = timezone.now() + datetime.timedelta(minutes=[-30, 240, 45][i])
        Ticket.objects.filter(pk=t.pk).update(priority=prio, resolution_due=due)
        others.append(t)
    ticket_assign(ticket=ticket, actor=None, team=team, assignee=agent)
    return {**org_world, "ticket": ticket, "agent": agent, "employee": employee}


def test_agent_works_a_ticket_from_queue_to_resolution(session, desk):
    from steward.servicedesk.models import EntryKind, Status, Ticket, TicketEntry

    ticket = desk["ticket"]
    s = session("servicedesk-agent")
    s.login("agent")
    s.page.locator(".shell-nav").get_by_role("link", name="Tickets", exact=True).click()
    s.page.wait_for_url("**/servicedesk/tickets/")
    assert s.table_rows() == 4
    s.page.get_by_role("link", name="My open").click()
    s.page.wait_for_url("**/servicedesk/tickets/?queue=mine")
    assert s.table_rows() == 1
    s.page.get_by_role("link", name="All open").click()
    s.page.wait_for_url("**/servicedesk/tickets/?queue=open")
    assert s.page.locator("td.due.sla-breached").count() == 1
    s.shot("queue")
    # Filters as check lists update the table in place (HTMX) and stay in the address bar.
    s.page.locator(".check-dropdown summary").nth(1).click()  # priority
    s.page.get_by_role("checkbox", name="P1 Critical").check()
    s.page.wait_for_function("document.querySelectorAll('#list-table tbody tr').length === 1")
    assert "priority=1" in s.page.url and "queue=open" in s.page.url
    assert s.page.locator(".check-dropdown summary").nth(1).inner_text().strip() == "P1 Critical"
    s.shot("queue-filtered")
    s.page.get_by_role("checkbox", name="P1 Critical").uncheck()
    s.page.wait_for_function("document.querySelectorAll('#list-table tbody tr').length === 4")
    s.page.keyboard.press("Escape")  # closes the check list

    s.page.get_by_role("link", name=ticket.reference).click()
    s.page.wait_for_url(re.compile(rf"/servicedesk/tickets/{ticket.pk}/$"))
    assert s.page.get_by_role("heading", name="Laptop freezes when docking").is_visible()
    s.shot("workspace")

    # An internal note: toggled, marked in the timeline, not a first response.
    s.page.get_by_label("Internal note").check()
    s.page.get_by_label("Message").fill("Known issue with the USB-C dock firmware 1.2.")
    s.shot("writing-note")
    s.page.get_by_role("button", name="Add note").click()
    s.page.locator(".entry-note", has_text="dock firmware").wait_for()
    assert s.page.locator(".entry-note").last.locator(".note-label").is_visible()
    ticket.refresh_from_db()
    assert ticket.first_response_at is None

    # A public reply from a canned response: HTMX fills the text area in place.
    s.page.evaluate("window.__sameDocument = true")
    s.page.get_by_label("Public reply").check()
    s.page.get_by_label("Canned response").select_option(label="Ask for a restart")
    s.page.wait_for_function(
        "document.querySelector('#reply_body').value.includes('restart the laptop')"
    )
    text = s.page.get_by_label("Message").input_value()
    assert ticket.reference in text and "Hello employee" in text
    s.page.get_by_role("button", name="Send reply").click()
    s.page.locator(".entry-reply", has_text="restart the laptop").wait_for()
    assert s.page.evaluate("window.__sameDocument") is True  # swapped in place
    assert "Reply sent." in s.page.locator("#workspace .messages").inner_text()
    reply = TicketEntry.objects.get(ticket=ticket, body__contains="restart the laptop")
    assert reply.kind == EntryKind.REPLY
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None

    # On hold, waiting for the requester: the SLA pauses.
    s.page.locator(".action-pop summary", has_text="Put on hold").click()
    s.page.get_by_label("Pending reason").select_option("requester")
    s.page.locator(".pop-form").get_by_role("button", name="Put on hold").click()
    s.page.locator(".ws-status .status-pending").wait_for()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.pending_reason) == (Status.PENDING, "requester")
    s.shot("pending")

    # Resolve: an empty resolution is refused with the service's message, then resolved.
    s.page.locator(".action-pop summary", has_text="Resolve").click()
    s.page.locator(".pop-form textarea[name=resolution]").evaluate("e => e.required = false")
    s.page.locator(".pop-form").get_by_role("button", name="Resolve").click()
    s.page.locator(".pop-form .error").first.wait_for()
    s.shot("resolve-refused")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING
    assert s.page.locator(".action-pop[open]").count() == 1  # the refused form stays open
    s.page.get_by_label("Resolution").fill("Updated the dock firmware to 1.4.")
    s.page.locator(".pop-form").get_by_role("button", name="Resolve").click()
    s.page.locator(".ws-status .status-resolved").wait_for()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert "firmware to 1.4" in s.page.locator(".entry-resolution").inner_text()
    s.shot("resolved")
    assert s.errors == []


def test_workspace_and_queue_in_the_dark_theme(session, desk):
    from steward.core.permissions import Role

    user = desk["users"][Role.AGENT]
    user.theme = "dark"
    user.save(update_fields=["theme"])
    s = session("servicedesk-dark")
    s.login("agent")
    s.goto("/servicedesk/tickets/?queue=open")
    assert s.page.evaluate("document.documentElement.dataset.theme") == "dark"
    s.shot("queue-dark")
    s.goto(f"/servicedesk/tickets/{desk['ticket'].pk}/")
    s.page.get_by_label("Internal note").check()
    s.shot("workspace-dark")
    assert s.errors == []


def test_new_ticket_form_with_requester_lookup(session, desk):
    from steward.servicedesk.models import Ticket

    s = session("servicedesk-new")
    s.login("agent")
    s.goto("/servicedesk/tickets/")
    s.page.get_by_role("button", name="New ticket").click()
    s.page.wait_for_url("**/servicedesk/new-ticket/")
    s.page.get_by_role("searchbox", name=re.compile("Requester")).press_sequentially(
        "employee", delay=30
    )
    s.page.wait_for_function("document.querySelector('select[name=requester]').options.length > 1")
    s.page.locator("select[name=requester]").select_option(index=1)
    s.page.get_by_label("Title").fill("Headset crackles in calls")
    s.shot("new-ticket")
    s.page.get_by_role("button", name="Open ticket").click()
    s.page.wait_for_url(re.compile(r"/servicedesk/tickets/\d+/$"))
    t = Ticket.objects.get(title="Headset crackles in calls")
    assert t.requester == desk["employee"] and t.channel == "phone"
    s.shot("new-ticket-opened")

    s.page.locator(".shell-nav").get_by_role("link", name="Priority matrix").click()
    s.page.wait_for_url("**/servicedesk/settings/priority-matrix/")
    assert s.page.locator(".matrix-cell .prio").count() == 9
    s.shot("priority-matrix")
    assert s.errors == []


def test_every_input_of_the_agent_pages_has_a_label(session, desk):
    from tests.e2e.test_a11y import UNLABELLED

    s = session("servicedesk-labels")
    s.login("agent")
    for path in (
        "/servicedesk/tickets/",
        f"/servicedesk/tickets/{desk['ticket'].pk}/",
        "/servicedesk/new-ticket/",
        "/servicedesk/settings/canned-responses/add/",
    ):
        assert s.goto(path).status == 200
        s.page.locator("details").evaluate_all("ds => ds.forEach(d => d.open = true)")
        assert s.page.evaluate(UNLABELLED) == [], path
    assert s.errors == []
