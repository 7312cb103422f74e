"""Demo catalogue: about fifteen items with forms, approvals and fulfilment tasks, and a
handful of requests in every state, filed through the real services (tickets, approvals).

Runs after the org demo (order 45) and before the service desk's (50); the ticket categories
and the one team it needs beyond the org demo's are created here with get_or_create on their
names, as the service desk's loader does, so either may run first."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from steward.approvals import services as approvals
from steward.catalogue import services
from steward.catalogue.models import (
    CatalogueCategory,
    CatalogueItem,
    FulfilmentTaskTemplate,
    ItemField,
    RequestedItem,
)
from steward.core import services as core_services
from steward.core.models import User
from steward.org import selectors as org_selectors

TEAM = CatalogueItem._meta.get_field("default_team").related_model
TICKET_CATEGORY = CatalogueItem._meta.get_field("servicedesk_category").related_model
HR_TEAM = "People Operations"

CATEGORIES = [
    ("Hardware", "💻", "Laptops, screens, phones and accessories"),
    ("Software", "🧩", "Licences and installations"),
    ("Access", "🔑", "Folders, mailboxes, VPN and Wi-Fi"),
    ("People changes", "🧑‍💼", "Joiners and leavers"),
    ("For our customers", "🤝", "Services for customer organisations"),
]
# ticket category (top, sub, team of the top) per catalogue category
TICKET_CATEGORIES = {
    "Hardware": ("Hardware", "New equipment", "Workplace Services"),
    "Software": ("Software", "Installation", "Business Applications"),
    "Access": ("Access and passwords", "Access request", "Service Desk"),
    "People changes": ("People changes", "Joiners and leavers", HR_TEAM),
    "For our customers": ("Access and passwords", "Access request", "Service Desk"),
}
MANAGER = [{"kind": "manager", "name": "Line manager"}]
F = dict[str, Any]


def _f(name: str, label: str, type: str, required: bool = False, **kw: Any) -> F:
    return {"name": name, "label": label, "type": type, "required": required, **kw}


# slug, name, category, icon, short description, audience, mode, days, price, stages,
# fields, tasks [(step, title, team)]
ITEMS: list[tuple[Any, ...]] = [
    (
        "new-laptop",
        "New laptop",
        "Hardware",
        "💻",
        "A standard business laptop, imaged and ready on your first login.",
        "employees",
        "sequential",
        5,
        "1200.00",
        MANAGER,
        [
            _f(
                "model",
                "Model",
                "choice",
                True,
                choices=["14-inch standard", "16-inch performance", "13-inch ultralight"],
            ),
            _f("reason", "Why do you need it?", "textarea", True, min_value=10),
            _f("return_old", "I will hand in my current laptop", "checkbox"),
        ],
        [
            (1, "Pick a laptop from stock or order it", "Workplace Services"),
            (2, "Image and enrol the laptop", "Service Desk"),
            (3, "Hand over and collect the old one", "Workplace Services"),
        ],
    ),
    (
        "monitor",
        "Monitor",
        "Hardware",
        "🖥️",
        "An extra screen for your desk or home office.",
        "employees",
        "sequential",
        3,
        "240.00",
        [],
        [
            _f("size", "Size", "choice", True, choices=['24"', '27"', '34" ultrawide']),
            _f("quantity", "How many", "number", True, min_value=1, max_value=2),
        ],
        [(1, "Deliver and set up the monitor", "Workplace Services")],
    ),
    (
        "mobile-phone",
        "Mobile phone",
        "Hardware",
        "📱",
        "A company smartphone with a business plan.",
        "employees",
        "sequential",
        4,
        "650.00",
        MANAGER,
        [
            _f("model", "Model", "choice", True, choices=["iPhone 16", "Pixel 9", "Galaxy S25"]),
            _f("plan", "Plan", "choice", True, choices=["Standard", "Unlimited data"]),
            _f("port_number", "Keep my current number", "checkbox"),
        ],
        [
            (1, "Order the phone and SIM", "Workplace Services"),
            (2, "Enrol in device management", "Service Desk"),
        ],
    ),
    (
        "headset",
        "Headset",
        "Hardware",
        "🎧",
        "A headset for calls and meetings.",
        "employees",
        "sequential",
        2,
        "90.00",
        [],
        [_f("type", "Type", "choice", True, choices=["Wired USB", "Wireless"])],
        [(1, "Send the headset", "Workplace Services")],
    ),
    (
        "software-licence",
        "Software licence",
        "Software",
        "🧾",
        "A licence for a product we do not install for everyone.",
        "employees",
        "sequential",
        2,
        None,
        [*MANAGER, {"kind": "person", "user_id": "assets", "name": "Software asset manager"}],
        [
            _f(
                "product",
                "Product",
                "choice",
                True,
                choices=["Adobe Acrobat Pro", "Microsoft Visio", "Figma", "Power BI Pro", "Jira"],
            ),
            _f("justification", "Business justification", "textarea", True),
        ],
        [
            (1, "Assign a licence", "Business Applications"),
            (2, "Install and activate", "Service Desk"),
        ],
    ),
    (
        "standard-software",
        "Install standard software",
        "Software",
        "📦",
        "Approved tools installed on your laptop, no approval needed.",
        "employees",
        "sequential",
        1,
        None,
        [],
        [
            _f(
                "tools",
                "Tools",
                "multichoice",
                True,
                choices=["7-Zip", "Notepad++", "Visual Studio Code", "Python", "Zoom"],
            )
        ],
        [(1, "Install the tools", "Service Desk")],
    ),
    (
        "shared-folder",
        "Access to a shared folder",
        "Access",
        "📁",
        "Read or write access to a team's shared folder.",
        "employees",
        "sequential",
        1,
        None,
        MANAGER,
        [
            _f("path", "Folder", "text", True, help_text=r"For example \\files\finance\reports"),
            _f("access", "Access", "choice", True, choices=["Read", "Read and write"]),
            _f("owner", "Folder owner", "person"),
        ],
        [(1, "Grant access to the folder", "Service Desk")],
    ),
    (
        "vpn-access",
        "VPN access",
        "Access",
        "🛡️",
        "Work securely from home or on the road.",
        "employees",
        "sequential",
        1,
        None,
        MANAGER,
        [
            _f("from_date", "Needed from", "date", True),
            _f("policy", "I have read the remote access policy", "checkbox", True),
        ],
        [(1, "Create the VPN profile", "Network Operations")],
    ),
    (
        "shared-mailbox",
        "Access to a shared mailbox",
        "Access",
        "📬",
        "Read or send from a shared mailbox such as sales@.",
        "employees",
        "sequential",
        1,
        None,
        MANAGER,
        [
            _f("mailbox", "Mailbox address", "email", True),
            _f(
                "rights",
                "Rights",
                "multichoice",
                True,
                choices=["Read", "Send as", "Send on behalf"],
            ),
        ],
        [(1, "Grant mailbox rights", "Infrastructure")],
    ),
    (
        "guest-wifi",
        "Guest Wi-Fi for a visitor",
        "Access",
        "📶",
        "A Wi-Fi voucher for a visitor, by e-mail on the day.",
        "both",
        "sequential",
        1,
        None,
        [],
        [
            _f("visitor", "Visitor's name", "text", True),
            _f("visitor_email", "Visitor's e-mail", "email", True),
            _f("visit_date", "Visit date", "date", True),
            _f("days", "Days", "number", True, min_value=1, max_value=14),
        ],
        [(1, "Send the Wi-Fi voucher", "Network Operations")],
    ),
    (
        "distribution-list",
        "Distribution list change",
        "Access",
        "👥",
        "Add or remove someone from a mailing list.",
        "employees",
        "sequential",
        1,
        None,
        [],
        [
            _f("list", "List address", "email", True),
            _f("change", "Change", "choice", True, choices=["Add", "Remove"]),
            _f("member", "Member", "person", True),
        ],
        [(1, "Update the list", "Infrastructure")],
    ),
    (
        "new-starter",
        "New starter onboarding",
        "People changes",
        "🎉",
        "Everything a new colleague needs on day one: accounts, desk, contract.",
        "employees",
        "parallel",
        5,
        None,
        MANAGER,
        [
            _f("full_name", "New starter's name", "text", True),
            _f("start_date", "Start date", "date", True),
            _f("job_title", "Job title", "text"),
            _f(
                "laptop",
                "Laptop",
                "choice",
                True,
                choices=["14-inch standard", "16-inch performance"],
            ),
            _f("manager", "Their manager", "person", True),
        ],
        [
            (1, "Create accounts and mailbox", "Service Desk"),
            (1, "Prepare desk, badge and laptop", "Workplace Services"),
            (1, "Contract and payroll", HR_TEAM),
        ],
    ),
    (
        "leaver",
        "Leaver offboarding",
        "People changes",
        "👋",
        "Close accounts and collect equipment when someone leaves.",
        "employees",
        "sequential",
        3,
        None,
        [],
        [
            _f("leaver", "Who is leaving", "person", True),
            _f("last_day", "Last working day", "date", True),
        ],
        [
            (1, "Confirm the last day", HR_TEAM),
            (2, "Disable accounts", "Service Desk"),
            (3, "Collect equipment", "Workplace Services"),
        ],
    ),
    (
        "portal-login",
        "Portal login for a colleague",
        "For our customers",
        "🙋",
        "Give a colleague of your organisation access to this portal.",
        "customers",
        "sequential",
        1,
        None,
        [],
        [
            _f("name", "Colleague's name", "text", True),
            _f("email", "Colleague's e-mail", "email", True),
        ],
        [(1, "Create the portal login", "Service Desk")],
    ),
    (
        "service-report",
        "Monthly service report",
        "For our customers",
        "📊",
        "Your organisation's tickets and SLA figures, every month by e-mail.",
        "customers",
        "sequential",
        2,
        None,
        [],
        [
            _f("format", "Format", "choice", True, choices=["PDF", "Excel"]),
            _f("recipient", "Send to", "email", True),
        ],
        [(1, "Set up the report", "Service Desk")],
    ),
]


def _team(name: str, organisation: Any) -> Any:
    team, _ = TEAM.objects.get_or_create(name=name, defaults={"organisation": organisation})
    return team


def _ticket_category(catalogue_category: str, teams: dict[str, Any]) -> Any:
    top_name, sub_name, team_name = TICKET_CATEGORIES[catalogue_category]
    team = teams.get(team_name)
    top, _ = TICKET_CATEGORY.objects.get_or_create(
        name=top_name, parent=None, defaults={"default_team": team}
    )
    sub, _ = TICKET_CATEGORY.objects.get_or_create(
        name=sub_name, parent=top, defaults={"default_team": team, "kind": "request"}
    )
    return sub


def _catalogue(teams: dict[str, Any], users: dict[str, Any]) -> dict[str, CatalogueItem]:
    categories = {
        name: CatalogueCategory.objects.create(
            name=name, icon=icon, description=description, order=order * 10
        )
        for order, (name, icon, description) in enumerate(CATEGORIES)
    }
    items = {}
    for order, row in enumerate(ITEMS):
        slug, name, cat, icon, short, audience, mode, days, price, stages, fields, tasks = row
        stages = [
            {**s, "user_id": users[s["user_id"]].pk} if s.get("kind") == "person" else s
            for s in stages
        ]
        first_team = teams[tasks[0][2]]
        item = CatalogueItem(
            slug=slug,
            name=name,
            category=categories[cat],
            icon=icon,
            short_description=short,
            description=short,
            audience=audience,
            fulfilment_mode=mode,
            delivery_days=days,
            price=Decimal(price) if price else None,
            approval_stages=stages,
            default_team=first_team,
            servicedesk_category=_ticket_category(cat, teams),
            order=order,
        )
        item.full_clean()
        item.save()
        for position, spec in enumerate(fields, start=1):
            ItemField.objects.create(item=item, order=position, **spec)
        for step, title, team in tasks:
            FulfilmentTaskTemplate.objects.create(
                item=item, step=step, title=title, team=teams[team], instructions=""
            )
        items[slug] = item
    return items


def _file(items: dict[str, Any], slug: str, user: Any, answers: dict[str, Any], **kw: Any) -> Any:
    return services.item_request(
        item=items[slug],
        requester=org_selectors.person_for_user(user),
        answers=answers,
        actor=user,
        **kw,
    )


def _decide(requested: RequestedItem, approver: Any, decision: str, comment: str = "") -> None:
    from steward.approvals.models import ApprovalRequest

    approval = ApprovalRequest.objects.get(pk=requested.approval_request_id)
    approvals.approval_decide(
        request=approval, approver=approver, decision=decision, comment=comment
    )
    approval.refresh_from_db()
    if approval.status != "pending":
        # Events are delivered after the demo's transaction commits; move on now.
        services.requested_item_approval_decided(
            requested_item=requested, approved=approval.status == "approved"
        )


def _complete(requested: RequestedItem, actor: Any, count: int = 99) -> None:
    for _ in range(count):
        task = requested.tasks.filter(status="open").order_by("step", "pk").first()
        if task is None:
            return
        services.fulfilment_task_complete(task=task, actor=actor, notes="Done (demo).")


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    if CatalogueItem.objects.exists():
        log("catalogue already loaded")
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["admin", "manager", "employee", "agent", "assets", "customer"]
        )
    }
    organisation = org_selectors.internal_organisation()
    if len(users) < 6 or organisation is None:
        log("demo logins missing; no catalogue loaded")
        return
    teams = {t.name: t for t in TEAM.objects.filter(organisation=organisation)}
    teams[HR_TEAM] = _team(HR_TEAM, organisation)
    missing = {t for row in ITEMS for *_x, tasks in [row] for _s, _t, t in tasks} - set(teams)
    if missing:
        log(f"teams missing ({', '.join(sorted(missing))}); no catalogue loaded")
        return
    items = _catalogue(teams, users)
    log(f"{len(items)} catalogue items in {len(CATEGORIES)} categories")

    admin, manager, employee = users["admin"], users["manager"], users["employee"]
    # The demo employee's line manager gets the IT manager's login, so that manager approval
    # can be tried with the demo logins.
    person = org_selectors.person_for_user(employee)
    manager_person = org_selectors.person_for_user(manager)
    if person is None or manager_person is None:
        log("demo logins have no person records; no requests filed")
        return
    if person.manager_id is None or person.manager.user_id is None:
        core_services.object_update(obj=person, data={"manager": manager_person}, actor=admin)
    laptop = {"model": "14-inch standard", "reason": "My laptop is five years old and slow."}
    _file(items, "new-laptop", employee, laptop)  # awaiting approval
    _file(items, "monitor", employee, {"size": '27"', "quantity": 1})  # in fulfilment
    folder = _file(
        items,
        "shared-folder",
        employee,
        {"path": r"\\files\sales\forecasts", "access": "Read"},
    )
    _decide(folder, manager, "approve", "Fine for the forecast work.")
    _complete(folder, users["agent"])  # fulfilled
    phone = _file(items, "mobile-phone", employee, {"model": "iPhone 16", "plan": "Unlimited data"})
    _decide(phone, manager, "reject", "Your role does not need a company phone.")  # rejected
    wifi = _file(
        items,
        "guest-wifi",
        employee,
        {
            "visitor": "Dana Ortiz",
            "visitor_email": "dana.ortiz@example.com",
            "visit_date": "2026-12-10",
            "days": 2,
        },
    )
    services.requested_item_cancel(requested_item=wifi, actor=employee)  # cancelled
    licence = _file(
        items,
        "software-licence",
        users["agent"],
        {"product": "Microsoft Visio", "justification": "Network diagrams for the audit."},
    )
    _decide(licence, admin, "approve")  # manager stage passed; licence board pending
    starter = _file(
        items,
        "new-starter",
        users["assets"],
        {
            "full_name": "Sam Lee",
            "start_date": "2027-01-04",
            "laptop": "14-inch standard",
            "manager": manager_person.pk,
        },
    )
    _decide(starter, admin, "approve")
    _complete(starter, admin, count=1)  # parallel, one of three done
    leaver = _file(
        items,
        "leaver",
        manager,
        {"leaver": org_selectors.person_for_user(users["assets"]).pk, "last_day": "2027-03-31"},
    )
    _complete(leaver, admin, count=1)  # second step open
    _file(items, "portal-login", users["customer"], {"name": "Jo Park", "email": "jo@acme.example"})
    log(f"{RequestedItem.objects.count()} requests in every state")
