"""The service desk's whole journey, as the issue's "done when" describes it, with the real
SMTP listener (aiosmtpd) fed by the real client swaks and the pages in Chromium:

an employee reports one issue by e-mail and another in the portal; an agent works the mailed
one through the SLA clock with a pause and a reassignment to another team; the requester
replies by e-mail onto the thread; the agent resolves it and the requester answers the
satisfaction survey from the link in the resolution mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail as django_mail

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey(settings, org_world):
    from steward.org.models import Person, Team
    from steward.servicedesk.models import (
        Category,
        PriorityRule,
        RoutingRule,
        Service,
        SLAPolicy,
        SLATarget,
        TeamSetting,
    )
    from steward.servicedesk.tests.mail_world import DESK

    settings.SERVICEDESK_MAIL_ADDRESSES = [DESK]
    settings.SERVICEDESK_MAIL_DEFAULT_ORGANISATION = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    internal = org_world["internal"]
    internal.mail_domain = "internal.example"
    internal.save()
    if not PriorityRule.objects.exists():  # an earlier transactional test flushed migration 0002
        for impact in (1, 2, 3):
            for urgency in (1, 2, 3):
                PriorityRule.objects.create(
                    impact=impact, urgency=urgency, priority=min(5, impact + urgency - 1)
                )
    users = org_world["users"]
    agent = Person.objects.get(user=users[Role.AGENT])
    manager = Person.objects.get(user=users[Role.IT_MANAGER])
    desk = Team.objects.create(organisation=internal, name="Service Desk")
    desk.members.set([agent])
    network = Team.objects.create(organisation=internal, name="Network")
    network.members.set([agent, manager])
    TeamSetting.objects.create(team=desk, assignment="round_robin")
    Category.objects.create(name="Hardware", default_team=desk)
    RoutingRule.objects.create(
        name="Mail to the desk", order=1, match_channel="email", set_team=desk
    )
    Service.objects.create(name="Printing", slug="printing", order=1)
    sla = SLAPolicy.objects.create(name="Standard", pause_statuses=["pending"])
    for team in (desk, network):
        ola = SLAPolicy.objects.create(name=f"{team.name} OLA", kind="ola", team=team)
        for priority in range(1, 6):
            SLATarget.objects.create(policy=ola, priority=priority, resolution_minutes=240)
    for priority in range(1, 6):
        SLATarget.objects.create(
            policy=sla, priority=priority, response_minutes=60, resolution_minutes=480
        )
    return {**org_world, "desk": desk, "network": network, "agent": agent}


@pytest.fixture
def listener(journey):
    from steward.core import mail
    from steward.servicedesk.tests.mail_world import free_port

    port = free_port()
    with mail.listening("127.0.0.1", port, max_bytes=200_000):
        yield port


def _swaks(port: int, *args: str) -> None:
    from steward.servicedesk.tests.mail_world import DESK, swaks

    result = swaks(port, "--from", "employee@internal.example", "--to", DESK, *args)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "250 Message accepted" in output


def _clocks(ticket):
    from steward.servicedesk.models import SLAClock

    return list(SLAClock.objects.filter(ticket=ticket).order_by("id"))


def test_mail_and_portal_reports_worked_through_the_sla_to_a_rated_resolution(
    session, journey, listener
):
    from steward.servicedesk.models import EntryKind, Status, SurveyResponse, Ticket, TicketEntry

    # 1. An issue by e-mail: the listener opens a ticket and acknowledges it.
    _swaks(
        listener,
        "--header", "Subject: Docking station drops the second screen",
        "--header", "Message-Id: <dock-0001@internal.example>",
        "--body", "Since this morning the second screen goes black every few minutes.",
    )  # fmt: skip
    mailed = Ticket.objects.get(channel="email")
    assert mailed.requester.user == journey["users"][Role.EMPLOYEE]
    assert mailed.team == journey["desk"] and mailed.status == Status.ASSIGNED
    [ack] = [
        m
        for m in django_mail.outbox
        if m.extra_headers.get("In-Reply-To") == "<dock-0001@internal.example>"
    ]
    assert ack.to == ["employee@internal.example"] and mailed.reference in ack.subject
    ack_id = ack.extra_headers["Message-ID"]
    response, resolution, desk_ola = _clocks(mailed)
    assert (response.metric, resolution.metric, desk_ola.metric) == (
        "response",
        "resolution",
        "ola",
    )
    assert desk_ola.team_id == journey["desk"].pk

    # 2. Another issue in the portal.
    employee = session("journey-employee")
    employee.login(Role.EMPLOYEE)
    employee.page.get_by_role("link", name="Report an issue").first.click()
    employee.page.get_by_label("What is wrong?").fill("Printer on floor 2 prints blank pages")
    employee.page.get_by_label("Tell us more").fill("Every page comes out blank since Monday.")
    employee.page.get_by_label("Which service is it about?").select_option(label="Printing")
    employee.page.get_by_role("button", name="Send to the IT team").click()
    employee.page.locator("#ticket-reference").wait_for()
    portal = Ticket.objects.get(channel="portal")
    assert employee.page.locator("#ticket-reference").inner_text() == portal.reference
    employee.shot("reported-in-portal")

    # 3. The agent works the mailed ticket: on hold (the SLA pauses), then to another team
    #    (the OLA of the first team stops as history, the new team's starts).
    agent = session("journey-agent")
    agent.login("agent")
    agent.goto(f"/servicedesk/tickets/{mailed.pk}/")
    agent.page.get_by_role("heading", name="Docking station drops the second screen").wait_for()
    agent.shot("mailed-ticket")
    agent.page.locator(".action-pop summary", has_text="Put on hold").click()
    agent.page.get_by_label("Pending reason").select_option("requester")
    agent.page.locator(".pop-form").get_by_role("button", name="Put on hold").click()
    agent.page.locator(".ws-status .status-pending").wait_for()
    mailed.refresh_from_db()
    assert mailed.status == Status.PENDING and mailed.sla_paused
    paused = {c.metric: c for c in _clocks(mailed) if c.is_active}
    assert paused["resolution"].running_since is None  # the clock stands still
    agent.shot("on-hold")

    side = agent.page.locator(".ws-side")
    side.get_by_label("Assignment group").select_option(label="Network")
    side.get_by_role("button", name="Assign").click()
    agent.page.get_by_text("Assigned to team Network").wait_for()
    mailed.refresh_from_db()
    assert mailed.team == journey["network"]
    olas = [c for c in _clocks(mailed) if c.metric == "ola"]
    assert [(c.team_id, c.is_active) for c in olas] == [
        (journey["desk"].pk, False),
        (journey["network"].pk, True),
    ]
    agent.shot("reassigned")

    # 4. The requester answers by e-mail onto the thread: the reply lands on the ticket and
    #    takes it off hold, so the resolution clock runs again.
    _swaks(
        listener,
        "--header", f"Subject: Re: [{mailed.reference}] Docking station drops the second screen",
        "--header", "Message-Id: <dock-0002@internal.example>",
        "--header", f"In-Reply-To: {ack_id}",
        "--header", f"References: <dock-0001@internal.example> {ack_id}",
        "--body", "It also happens with the other dock in room 3.",
    )  # fmt: skip
    assert Ticket.objects.count() == 2  # threaded, not a new ticket
    reply = TicketEntry.objects.get(ticket=mailed, body__contains="other dock in room 3")
    assert reply.kind == EntryKind.REPLY and reply.channel == "email"
    mailed.refresh_from_db()
    assert mailed.status == Status.IN_PROGRESS and not mailed.sla_paused
    running = {c.metric: c for c in _clocks(mailed) if c.is_active}
    assert running["resolution"].running_since is not None
    assert running["resolution"].elapsed_seconds < 60  # the hold did not count

    # 5. The agent sees the reply and resolves the ticket.
    agent.page.reload()
    agent.page.get_by_text("other dock in room 3").wait_for()
    agent.page.locator(".action-pop summary", has_text="Resolve").click()
    agent.page.get_by_label("Resolution").fill("Replaced the dock's USB-C cable.")
    agent.page.locator(".pop-form").get_by_role("button", name="Resolve").click()
    agent.page.locator(".ws-status .status-resolved").wait_for()
    mailed.refresh_from_db()
    assert mailed.status == Status.RESOLVED and not mailed.resolution_breached
    assert all(c.stopped_at is not None for c in _clocks(mailed) if c.is_active)
    agent.shot("resolved")

    # 6. The resolution mail carries the survey link; the requester answers it.
    with_survey = [
        m for m in django_mail.outbox if mailed.reference in m.subject and "/survey/" in m.body
    ]
    assert len(with_survey) == 1
    link = re.search(r"https?://\S+/portal/survey/[\w-]+/", with_survey[0].body)
    assert link is not None, with_survey[0].body
    path = "/" + link.group(0).split("/", 3)[3]
    employee.goto(path)
    employee.page.get_by_text("Excellent").click()
    employee.page.get_by_role("button", name="Send my answer").click()
    employee.page.get_by_role("heading", name="Thank you for your answer!").wait_for()
    employee.shot("survey-answered")
    survey = SurveyResponse.objects.get(ticket=mailed)
    assert survey.rating == 5
    assert employee.errors == [] and agent.errors == []
