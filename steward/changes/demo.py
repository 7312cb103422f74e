"""A year of change management for the demo organisation, over the CMDB demo estate:

- a Change Advisory Board (the team the approval routes ask), with the demo staff logins;
- pre-approved templates for the routine work, weekly Sunday-night maintenance windows, a
  monthly network window on the core switch and firewall, quarter-end blackouts on the ERP
  and the coming year-end freeze;
- about 300 past changes (``STEWARD_DEMO_SCALE`` scales them), most inside the windows,
  closed with realistic outcomes: about 90% successful overall, failures rarer for standard
  changes and commoner for high-risk and emergency ones (so the risk history means
  something), a few cancelled;
- a handful of coming changes run through the real services: two waiting for the CAB, an
  emergency waiting for the emergency CAB, standard changes scheduled (one in conflict with
  a normal change on the VM below it), one in assessment that falls in the year-end freeze;
- problems behind the demo's commonest incidents: one under investigation, a known error
  (sent to the knowledge base for review), one resolved, and a new one with no incident yet
  (its page suggests the similar ones).

History is written in bulk (fast, keeps its dates); the coming changes go through the
services so risk, approvals and audit look as in real use. Fixed seed; idempotent (a second
run finds the first template and stops).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from steward.changes import calendar_cache, services
from steward.changes.models import (
    ChangeRequest,
    ChangeRequestCI,
    ChangeState,
    ChangeTemplate,
    ChangeType,
    ChangeWindow,
    Outcome,
    RiskLevel,
    WindowKind,
)
from steward.cmdb import selectors as cmdb
from steward.core import services as core_services
from steward.core.demodata import keep_timestamps, scale_from_env
from steward.core.models import User
from steward.org import selectors as org_selectors

FIRST_TEMPLATE = "Restart an application service"
TEMPLATES = [
    (FIRST_TEMPLATE, 30, "Drain, systemctl restart, check health endpoint.", "Start again."),
    ("Apply monthly OS security updates", 90, "apt upgrade one node at a time.", "Snapshot."),
    ("Renew a TLS certificate", 30, "Deploy the renewed certificate, reload.", "Old cert."),
    ("Add a VLAN to a switch port", 30, "Configure the port, test.", "Remove the VLAN."),
    ("Resize a virtual machine", 60, "Shut down, resize, start, check.", "Resize back."),
]
NORMAL_TITLES = [
    "Upgrade {ci}",
    "Firmware update on {ci}",
    "Migrate {ci} to new storage",
    "Change backup schedule of {ci}",
    "Reconfigure monitoring of {ci}",
    "Major version upgrade of {ci}",
    "Decommission old replica of {ci}",
]
EMERGENCY_TITLES = ["Hotfix for {ci} outage", "Patch critical CVE on {ci}", "Restore {ci} config"]
PAST = 300
FAILURE = {"standard": 0.02, "low": 0.04, "medium": 0.09, "high": 0.16, "emergency": 0.22}


def _sunday_windows(now: datetime.datetime, weeks_back: int, weeks_ahead: int) -> list[Any]:
    today = timezone.localtime(now).date()
    sunday = today + datetime.timedelta(days=(6 - today.weekday()))
    out = []
    for n in range(-weeks_back, weeks_ahead + 1):
        day = sunday + datetime.timedelta(weeks=n)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(1, 0)))
        out.append((start, start + datetime.timedelta(hours=4)))
    return out


def _windows(now: datetime.datetime, by_name: dict[str, Any]) -> dict[str, Any]:
    sundays = _sunday_windows(now, 53, 13)
    windows = [
        ChangeWindow(name="Sunday night maintenance", kind=WindowKind.MAINTENANCE, start=s, end=e)
        for s, e in sundays
    ]
    network = []
    for s, _e in sundays[::4]:
        start = s - datetime.timedelta(days=1) + datetime.timedelta(hours=21)
        network.append(
            ChangeWindow(
                name="Network maintenance",
                kind=WindowKind.MAINTENANCE,
                start=start,
                end=start + datetime.timedelta(hours=4),
            )
        )
    year = timezone.localtime(now).year
    freeze_start = timezone.make_aware(datetime.datetime(year, 12, 18))
    if freeze_start + datetime.timedelta(days=17) < now:
        freeze_start = timezone.make_aware(datetime.datetime(year + 1, 12, 18))
    freeze = ChangeWindow(
        name="Year-end change freeze",
        kind=WindowKind.BLACKOUT,
        start=freeze_start,
        end=freeze_start + datetime.timedelta(days=17),
        description="No changes but emergencies while the shop has its peak and staff is away.",
    )
    closes = []
    for months_back in (3, 6, 9, 12):
        day = timezone.localtime(now).date().replace(day=1) - datetime.timedelta(
            days=30 * months_back
        )
        start = timezone.make_aware(datetime.datetime(day.year, day.month, 1)) - datetime.timedelta(
            days=3
        )
        closes.append(
            ChangeWindow(
                name="Quarter-end close (ERP)",
                kind=WindowKind.BLACKOUT,
                start=start,
                end=start + datetime.timedelta(days=4),
                description="Finance closes the books: nothing touches the ERP.",
            )
        )
    created = ChangeWindow._base_manager.bulk_create([*windows, *network, freeze, *closes])
    through = ChangeWindow.configuration_items.through
    scope = []
    for w in created:
        names: tuple[str, ...] = {"Network maintenance": ("Core switch", "Edge firewall")}.get(
            w.name, ()
        )
        if w.name.startswith("Quarter-end"):
            names = ("ERP",)
        scope += [
            through(changewindow_id=w.pk, configurationitem_id=by_name[n].pk)
            for n in names
            if n in by_name
        ]
    through._base_manager.bulk_create(scope)
    return {"sundays": sundays, "freeze": freeze}


def _risk(criticality: int, change_type: str, rng: Any) -> tuple[int, str]:
    base = {4: 45, 3: 30, 2: 18, 1: 8}.get(criticality, 18) + rng.randint(-8, 12)
    if change_type == ChangeType.EMERGENCY:
        base += 20
    if change_type == ChangeType.STANDARD:
        base = min(base, 28)
    score = max(0, min(100, base))
    level = RiskLevel.LOW if score < 30 else RiskLevel.MEDIUM if score < 60 else RiskLevel.HIGH
    return score, level


def _outcome(change_type: str, level: str, rng: Any) -> tuple[str, str]:
    key = "standard" if change_type == ChangeType.STANDARD else str(level)
    if change_type == ChangeType.EMERGENCY:
        key = "emergency"
    if rng.random() >= FAILURE[key]:
        if rng.random() < 0.03:
            return Outcome.PARTIALLY, "Done, one step postponed to the next window."
        return Outcome.SUCCESSFUL, ""
    outcome = rng.choice([Outcome.FAILED, Outcome.BACKED_OUT, Outcome.BACKED_OUT])
    notes = rng.choice(
        [
            "Post-checks failed; backed out within the window. Root cause: missing dependency.",
            "Service did not come back; rolled back from the snapshot. Retry with a longer window.",
            "Vendor firmware bug; restored the previous version and opened a vendor case.",
        ]
    )
    return outcome, notes


def _history(
    now: datetime.datetime,
    rng: Any,
    templates: list[ChangeTemplate],
    items: list[Any],
    sundays: list[tuple[Any, Any]],
    staff: list[Any],
    teams: list[Any],
    count: int,
) -> int:
    changes: list[ChangeRequest] = []
    chosen: list[Any] = []
    links: list[ChangeRequestCI] = []
    past_sundays = [s for s in sundays if s[1] < now]
    for _n in range(count):
        ci = rng.choice(items)
        chosen.append(ci)
        roll = rng.random()
        change_type = (
            ChangeType.STANDARD
            if roll < 0.45
            else ChangeType.EMERGENCY
            if roll < 0.52
            else ChangeType.NORMAL
        )
        template = rng.choice(templates) if change_type == ChangeType.STANDARD else None
        if change_type == ChangeType.EMERGENCY or rng.random() < 0.25:
            day = now - datetime.timedelta(days=rng.randint(1, 364), hours=rng.randint(0, 23))
            start = day.replace(minute=0, second=0, microsecond=0)
        else:
            window = rng.choice(past_sundays)
            start = window[0] + datetime.timedelta(minutes=30 * rng.randint(0, 4))
        minutes = template.default_duration_minutes if template else rng.choice([60, 90, 120])
        end = start + datetime.timedelta(minutes=minutes)
        score, level = _risk(ci.criticality, change_type, rng)
        outcome, notes = _outcome(change_type, level, rng)
        cancelled = rng.random() < 0.04
        title = (
            template.name
            if template
            else rng.choice(
                EMERGENCY_TITLES if change_type == ChangeType.EMERGENCY else NORMAL_TITLES
            )
        ).format(ci=ci.name)
        lead = (
            datetime.timedelta(hours=rng.randint(2, 12))
            if change_type == "emergency"
            else (datetime.timedelta(days=rng.randint(3, 20)))
        )
        requester = rng.choice(staff)
        changes.append(
            ChangeRequest(
                title=title if template is None else f"{title}: {ci.name}",
                change_type=change_type,
                template=template,
                state=ChangeState.CANCELLED if cancelled else ChangeState.CLOSED,
                requester=requester,
                owner=rng.choice(staff),
                assignment_team=rng.choice(teams) if teams else None,
                planned_start=start,
                planned_end=end,
                actual_start=None
                if cancelled
                else start + datetime.timedelta(minutes=rng.randint(0, 10)),
                actual_end=None
                if cancelled
                else end - datetime.timedelta(minutes=rng.randint(0, 20)),
                implementation_plan=template.implementation_plan if template else "See runbook.",
                backout_plan=template.backout_plan if template else "Restore the snapshot.",
                outcome="" if cancelled else outcome,
                review_notes="" if cancelled else notes,
                risk_score=score,
                risk_level=level,
                risk_reasons=[
                    {
                        "factor": "services",
                        "points": score,
                        "text": f"Assessed at the time: {ci.name} ({level}).",
                    }
                ],
                approval_state="pre_approved" if template else "approved",
                created_at=start - lead,
                updated_at=end + datetime.timedelta(hours=1),
            )
        )
    with keep_timestamps(ChangeRequest):
        created = ChangeRequest._base_manager.bulk_create(changes)
    # The item in the title, and another one now and then.
    for change, first in zip(created, chosen, strict=True):
        links.append(ChangeRequestCI(change=change, configuration_item=first))
        if rng.random() < 0.2:
            second = rng.choice(items)
            if second.pk != first.pk:
                links.append(ChangeRequestCI(change=change, configuration_item=second))
    ChangeRequestCI._base_manager.bulk_create(links)
    return len(created)


def _coming(
    now: datetime.datetime,
    by_name: dict[str, Any],
    templates: dict[str, Any],
    windows: dict[str, Any],
    users: dict[str, Any],
) -> int:
    agent = users["agent"]
    sunday = next(s for s in windows["sundays"] if s[0] > now + datetime.timedelta(days=2))
    freeze = windows["freeze"]

    def ids(*names: str) -> list[int]:
        return [by_name[n].pk for n in names if n in by_name]

    def create(**data: Any) -> ChangeRequest:
        return services.change_create(data=data, actor=agent)

    def move(change: ChangeRequest, *states: str) -> ChangeRequest:
        for state in states:
            change = services.change_transition(change=change, actor=agent, state=state)
        return change

    made = []
    odoo = create(
        title="Upgrade Odoo to 17.0 latest",
        configuration_items=ids("Odoo ERP"),
        planned_start=sunday[0],
        planned_end=sunday[0] + datetime.timedelta(hours=3),
        implementation_plan="Stop workers, back up, upgrade modules, start, smoke test.",
        backout_plan="Restore the database dump and the previous image.",
        test_plan="Create and post an invoice; run the nightly report.",
    )
    made.append(move(odoo, "assessment", "authorisation"))
    reboot = create(
        title="Resize vm-erp-app-01 to 8 vCPU",
        template=templates["Resize a virtual machine"],
        configuration_items=ids("vm-erp-app-01"),
        planned_start=sunday[0] + datetime.timedelta(hours=1),
    )
    made.append(move(reboot, "assessment", "scheduled"))
    mail = create(
        title="Restart Postfix after config change",
        template=templates[FIRST_TEMPLATE],
        configuration_items=ids("Postfix + Dovecot"),
        planned_start=sunday[0] + datetime.timedelta(minutes=30),
    )
    made.append(move(mail, "assessment", "scheduled"))
    vpn = create(
        title="Patch critical CVE on VPN gateway",
        change_type=ChangeType.EMERGENCY,
        configuration_items=ids("VPN gateway"),
        planned_start=now + datetime.timedelta(hours=6),
        planned_end=now + datetime.timedelta(hours=7),
        implementation_plan="Apply vendor hotfix 9.1.4-h2, reboot.",
        backout_plan="Boot the previous partition.",
    )
    made.append(move(vpn, "assessment", "authorisation"))
    switch = create(
        title="Replace core switch power supply",
        configuration_items=ids("Core switch"),
        planned_start=freeze.start + datetime.timedelta(days=2, hours=22),
        planned_end=freeze.start + datetime.timedelta(days=2, hours=23),
        implementation_plan="Hot-swap PSU 2.",
        backout_plan="Put the old PSU back.",
    )
    made.append(move(switch, "assessment"))
    made.append(
        create(
            title="Move the intranet wiki to PostgreSQL",
            configuration_items=ids("Intranet wiki", "Wiki database"),
            implementation_plan="Export, import, switch the connection string.",
        )
    )
    return len(made)


PROBLEMS = [
    (
        "Softphone calls drop after about a minute",
        "Softphone calls drop after a minute",
        "investigating",
        "",
        "",
        ["Capture SIP traces of a dropped call", "Check the session timers on the SBC"],
    ),
    (
        "Docking stations give no video after the dock firmware update",
        "Docking station gives no video",
        "known_error",
        "Dock firmware 1.0.31 breaks DisplayPort alternate mode with BIOS versions before 1.14.",
        "Unplug and replug the USB-C cable; if that fails, roll the dock back to firmware "
        "1.0.29 with the vendor tool.",
        ["Ask the vendor for a fixed firmware", "Update the BIOS of the affected models"],
    ),
    (
        "ERP invoice screen very slow at month end",
        "ERP invoice screen very slow",
        "resolved",
        "A missing index on journal items (partner, date) made the invoice list scan the "
        "whole table once it passed a million lines.",
        "Filter the invoice list by month before opening it.",
        [],
    ),
    ("Wi-Fi drops in meeting rooms", "", "new", "", "", []),
]
"""Title, the incidents it explains (by their title), state, root cause, workaround, tasks.
The last one has no incident linked: its page shows the similar ones to attach."""


def _problems(users: dict[str, Any]) -> int:
    from steward.changes import problems
    from steward.servicedesk import selectors as desk

    agent = users["agent"]
    for title, incident_title, state, cause, workaround, tasks in PROBLEMS:
        problem = problems.problem_create(
            data={"title": title, "root_cause": cause, "workaround": workaround}, actor=agent
        )
        if incident_title:
            ids = list(
                desk.ticket_list(agent, kind="incident", title=incident_title)
                .order_by("-created_at")
                .values_list("pk", flat=True)[:12]
            )
            problems.problem_link_incidents(problem=problem, ticket_ids=ids, actor=agent)
        for n, task in enumerate(tasks):
            done = problems.task_add(problem=problem, title=task, actor=agent)
            if n == 0 and state != "investigating":
                problems.task_set_done(task=done, done=True, actor=agent)
        path = {
            "investigating": ["investigating"],
            "known_error": ["investigating", "known_error"],
            "resolved": ["investigating", "known_error", "resolved"],
        }.get(state, [])
        for step in path:
            problem = problems.problem_transition(problem=problem, state=step, actor=agent)
        if state == "known_error":
            problems.problem_publish_known_error(problem=problem, actor=agent)
    return len(PROBLEMS)


def _caused(users: dict[str, Any], rng: Any) -> int:
    """The failed or backed-out changes of the last months caused the incidents opened in the
    day after them (up to three each): what an agent records after a bad night."""
    from steward.changes import incidents
    from steward.servicedesk import selectors as desk

    agent = users["agent"]
    failed = ChangeRequest.objects.filter(
        outcome__in=[Outcome.FAILED, Outcome.BACKED_OUT], actual_start__isnull=False
    ).order_by("-actual_start")[:8]
    linked = 0
    for change in failed:
        assert change.actual_start is not None
        after = change.actual_start + datetime.timedelta(days=1)
        ids = list(
            desk.ticket_list(
                agent, kind="incident", created_at__gte=change.actual_start, created_at__lt=after
            )
            .order_by("created_at")
            .values_list("pk", flat=True)[: rng.randint(1, 3)]
        )
        if ids:
            linked += incidents.change_link_incidents(change=change, ticket_ids=ids, actor=agent)
    return linked


def _cab(users: dict[str, Any]) -> Any:
    Team: Any = ChangeRequest._meta.get_field("assignment_team").related_model
    org = org_selectors.internal_organisation()
    members = [
        org_selectors.person_for_user(users[n]) for n in ("admin", "manager", "assets", "agent")
    ]
    return core_services.object_create(
        model=Team,
        data={
            "organisation": org,
            "name": services.CAB_TEAM_NAME,
            "description": "Approves normal changes of medium and high risk; any one member "
            "approves an emergency change.",
            "members": [p for p in members if p is not None],
        },
        actor=users["admin"],
    )


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    if ChangeTemplate._base_manager.filter(name=FIRST_TEMPLATE).exists():
        log("changes already loaded")
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin", "manager", "agent", "assets"])
    }
    if len(users) < 4:
        log("demo logins missing: load the org demo first")
        return
    items = [
        ci for ci in cmdb.ci_list(user=users["admin"]).exclude(ci_class="hardware") if ci.ci_class
    ]
    if not items:
        log("no CMDB estate: load the CMDB demo first")
        return
    now = timezone.now().replace(second=0, microsecond=0)
    by_name = {ci.name: ci for ci in items}
    templates = {
        name: ChangeTemplate.objects.create(
            name=name,
            implementation_plan=plan,
            backout_plan=backout,
            default_duration_minutes=minutes,
            description="Pre-approved by the CAB.",
        )
        for name, minutes, plan, backout in TEMPLATES
    }
    _cab(users)
    windows = _windows(now, by_name)
    teams = list(org_selectors.team_list(user=users["admin"]).exclude(name=services.CAB_TEAM_NAME))
    staff = [users["agent"], users["assets"], users["manager"]]
    count = max(12, round(PAST * scale_from_env()))
    past = _history(
        now, rng, list(templates.values()), items, windows["sundays"], staff, teams, count
    )
    coming = _coming(now, by_name, templates, windows, users)
    found = _problems(users)
    caused = _caused(users, rng)
    calendar_cache.changed()  # its bulk writes (and the CMDB demo's before it) sent no signals
    log(
        f"changes: {past} past changes, {coming} coming, {len(TEMPLATES)} templates, a CAB, "
        f"{found} problems, {caused} incidents caused by failed changes"
    )
