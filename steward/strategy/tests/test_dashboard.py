"""The CIO dashboard on a known small organisation: the budget of conftest's ``budget`` (as
of 2025-07-01), two business goals, five risks, two services with known tickets, three
projects with milestones. Figures worked out by hand in the docstrings."""

from __future__ import annotations

import base64
import datetime
import io
import itertools
import re
import shutil
import subprocess
import zlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from steward.core.permissions import Role
from steward.org.models import Person
from steward.servicedesk.models import Service, Status, Ticket
from steward.strategy import dashboard, dashboard_export
from steward.strategy.models import (
    BusinessGoal,
    ITGoal,
    KeyResult,
    Milestone,
    Project,
    Risk,
)
from steward.strategy.risk import default_matrix

D = datetime.date
NOW = datetime.datetime(2025, 7, 1, 12, 0, tzinfo=datetime.UTC)
_n = itertools.count(1)


def _ticket(world, service, *, created, status=Status.NEW, breached=False, major=False, due=True):
    person = Person.objects.get(user=world["employee"])
    t = Ticket.objects.create(
        reference=f"INC-{800000 + next(_n):06d}",
        title="t",
        requester=person,
        organisation=person.organisation,
        service=service,
        status=status,
        is_major=major,
        resolution_breached=breached,
        resolution_due=created + datetime.timedelta(hours=8) if due else None,
    )
    Ticket.objects.filter(pk=t.pk).update(created_at=created)
    return t


def _goals(n=1):
    """Business goal "Grow" with IT goals at 50 % (one KR 0→10 at 5) and 100 % (KR at
    target): 75 %; business goal "Save" without IT goals: 0 %. Overall (75 + 0) / 2 = 37.5."""
    grow = BusinessGoal.objects.create(title="Grow")
    BusinessGoal.objects.create(title="Save")
    for i in range(n):
        half = ITGoal.objects.create(
            business_goal=grow, title=f"Half {i}", start=D(2025, 1, 1), end=D(2025, 12, 31)
        )
        KeyResult.objects.create(
            it_goal=half, name="kr", metric="m", start_value=0, target_value=10, current_value=5
        )
        full = ITGoal.objects.create(
            business_goal=grow, title=f"Full {i}", start=D(2025, 1, 1), end=D(2025, 12, 31)
        )
        KeyResult.objects.create(
            it_goal=full, name="kr", metric="m", start_value=0, target_value=4, current_value=4
        )


def _risks(n=1, tag=""):
    """Residual scores: (4, 5) twice, (2, 2) with residual, (3, 3) inherent only; one closed."""
    matrix = default_matrix()
    for i in range(n):
        for lk, im, rl, ri, status in (
            (5, 5, 4, 5, "treating"),
            (4, 5, None, None, "assessed"),
            (3, 3, 2, 2, "treating"),
            (3, 3, None, None, "identified"),
            (5, 5, None, None, "closed"),
        ):
            Risk.objects.create(
                title=f"R{tag}{i}-{lk}{im}{status}",
                category="security",
                matrix=matrix,
                status=status,
                inherent_likelihood=lk,
                inherent_impact=im,
                residual_likelihood=rl,
                residual_impact=ri,
            )


def _services(world, n=1, tag=""):
    """E-mail: open incidents 2 (one major), SLA in the last 30 days: 3 met, 1 breached
    (75.0 %); a breached ticket 40 days old and an open one within target do not count.
    Payroll: no tickets (SLA None)."""
    for i in range(n):
        email = Service.objects.create(name=f"E-mail {tag}{i}", slug=f"email-{tag}{i}", order=1)
        Service.objects.create(name=f"Payroll {tag}{i}", slug=f"payroll-{tag}{i}", order=2)
        day = datetime.timedelta(days=1)
        _ticket(world, email, created=NOW - day, major=True)
        _ticket(world, email, created=NOW - 2 * day)
        for _ in range(3):
            _ticket(world, email, created=NOW - 3 * day, status=Status.RESOLVED)
        _ticket(world, email, created=NOW - 5 * day, status=Status.CLOSED, breached=True)
        _ticket(world, email, created=NOW - 40 * day, status=Status.CLOSED, breached=True)


def _projects(n=1):
    """Live: A green execution with a milestone 10 days late, B red planning; C completed
    (not counted, its late milestone neither)."""
    for i in range(n):
        common = {"planned_start": D(2025, 1, 1), "planned_end": D(2025, 12, 31)}
        a = Project.objects.create(
            name=f"A{i}", phase="execution", status="active", health="green", **common
        )
        Project.objects.create(
            name=f"B{i}",
            phase="planning",
            status="active",
            health="red",
            health_reason="late",
            **common,
        )
        c = Project.objects.create(
            name=f"C{i}", phase="done", status="completed", health="green", **common
        )
        Milestone.objects.create(project=a, name="Pilot", due=D(2025, 6, 21))
        Milestone.objects.create(project=a, name="Done", due=D(2025, 6, 1), done=True)
        Milestone.objects.create(project=c, name="Old", due=D(2025, 3, 1))


@pytest.fixture
def known(budget):
    _goals()
    _risks()
    _services(budget)
    _projects()
    return budget


def test_figures_on_a_known_organisation(known):
    data = dashboard.dashboard_get(user=known["manager"], now=NOW)

    assert data.today == D(2025, 7, 1)
    assert data.alignment["overall"] == 37.5
    assert [(g["title"], g["it_goals"], g["progress"]) for g in data.alignment["goals"]] == [
        ("Grow", 2, 75.0),
        ("Save", 0, 0.0),
    ]
    # conftest: planned 17,000; actual 3,640 + 1,000 + 910 = 5,550;
    # forecast 7,300 + 5,000 + 1,825 + 0 = 14,125; 182 of 365 days.
    budget = data.budget
    assert budget["fiscal_year"]["name"] == "FY2025"
    assert budget["total"]["planned"] == Decimal("17000.00")
    assert budget["total"]["actual"] == Decimal("5550.00")
    assert budget["total"]["forecast"] == Decimal("14125.00")
    assert budget["total"]["variance"] == Decimal("-2875.00")
    assert budget["burn_percent"] == Decimal("32.6")  # 5,550 / 17,000
    assert budget["year_elapsed_percent"] == Decimal("49.9")  # 182 / 365
    cells = {(c.likelihood, c.impact): c.count for _, _, row in data.risks.rows for c in row}
    assert data.risks.total == 4
    assert {k: v for k, v in cells.items() if v} == {(4, 5): 2, (2, 2): 1, (3, 3): 1}
    email, payroll = data.services
    assert (email["open_incidents"], email["major_incidents"]) == (2, 1)
    assert (email["sla_met"], email["sla_breached"], email["sla_percent"]) == (3, 1, 75.0)
    assert (payroll["open_incidents"], payroll["sla_percent"]) == (0, None)
    p = data.portfolio
    assert p["total"] == 2
    assert {h["health"]: h["count"] for h in p["by_health"]} == {"green": 1, "amber": 0, "red": 1}
    assert {x["phase"]: x["count"] for x in p["by_phase"] if x["count"]} == {
        "execution": 1,
        "planning": 1,
    }
    assert p["late_milestones_count"] == 1
    assert p["late_milestones"][0] | {"id": 0, "project_id": 0} == {
        "id": 0,
        "name": "Pilot",
        "due": D(2025, 6, 21),
        "days_late": 10,
        "project_id": 0,
        "project": "A0",
    }


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IT_MANAGER])
def test_managers_see_the_page_and_exports(known, client, role):
    client.force_login(known["users"][role])
    page = client.get(reverse("strategy:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    for card in ("card-alignment", "card-budget", "card-risks", "card-services", "card-portfolio"):
        assert f'id="{card}"' in html
    for name in ("strategy_map", "budget", "risk_heatmap", "roadmap"):
        assert reverse(f"strategy:{name}") in html
    assert reverse("servicedesk:report", kwargs={"name": "sla-compliance"}) in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    for name in ("dashboard_pdf", "dashboard_xlsx"):
        assert client.get(reverse(f"strategy:{name}")).status_code == 200
    assert client.get("/api/strategy/dashboard/").status_code == 200


@pytest.mark.parametrize("who", ["agent", "asset_manager", "employee", "customer"])
def test_others_are_refused(known, client, who):
    client.force_login(known[who])
    for url in (
        reverse("strategy:dashboard"),
        reverse("strategy:dashboard_pdf"),
        reverse("strategy:dashboard_xlsx"),
        "/api/strategy/dashboard/",
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_log_in(client, db):
    assert client.get(reverse("strategy:dashboard")).status_code == 302
    assert client.get("/api/strategy/dashboard/").status_code in (401, 403)


def test_menu_shows_the_dashboard_to_managers_only(known, client):
    url = reverse("strategy:dashboard")
    client.force_login(known["manager"])
    assert f'href="{url}"' in client.get(reverse("strategy:budget")).content.decode()
    client.force_login(known["asset_manager"])
    assert f'href="{url}"' not in client.get(reverse("strategy:budget")).content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_organisation(budget, client):
    _goals(1)
    _risks(1)
    _services(budget, 1)
    _projects(1)
    client.force_login(budget["manager"])
    urls = [reverse("strategy:dashboard"), "/api/strategy/dashboard/"]
    small = [_count(client, u) for u in urls]
    more = BusinessGoal.objects.create(title="More")
    for i in range(3):
        g = ITGoal.objects.create(
            business_goal=more, title=f"x{i}", start=D(2025, 1, 1), end=D(2025, 12, 31)
        )
        KeyResult.objects.create(
            it_goal=g, name="k", metric="m", start_value=0, target_value=1, current_value=1
        )
    _risks(4, tag="more")
    _services(budget, 4, tag="more")
    for i in range(1, 5):
        common = {"planned_start": D(2025, 1, 1), "planned_end": D(2025, 12, 31)}
        p = Project.objects.create(name=f"More {i}", health="amber", health_reason="x", **common)
        Milestone.objects.create(project=p, name="m", due=D(2025, 1, 1))
    large = [_count(client, u) for u in urls]
    assert large == small
    assert small[0] <= 30


def test_pdf_has_title_date_sections_and_a_coloured_heat_map(known):
    data = dashboard.as_dict(dashboard.dashboard_get(user=known["manager"], now=NOW))
    pdf = dashboard_export.pdf_bytes(data)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "CIO dashboard",
        "As of 2025-07-01",
        "Alignment",
        "Grow",
        "37.5",
        "Budget burn FY2025",
        "17000.00",
        "14125.00",
        "Risk heat map",
        "Almost certain",
        "E-mail 0",
        "75.0",
        "Portfolio",
        "Pilot",
    ):
        assert expected in text, expected
    # The band colours are drawn as cell backgrounds (critical #ec7a6e = 0.925 0.478 0.431).
    drawn = b"".join(
        zlib.decompress(base64.a85decode(m.strip().removesuffix(b"~>")))
        for m in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    )
    assert b".92549 .478431 .431373 rg" in drawn


def test_xlsx_has_a_sheet_per_section(known):
    from openpyxl import load_workbook

    data = dashboard.as_dict(dashboard.dashboard_get(user=known["manager"], now=NOW))
    wb = load_workbook(io.BytesIO(dashboard_export.xlsx_bytes(data)))
    assert wb.sheetnames == [
        "Alignment",
        "Budget",
        "Risks",
        "Services",
        "Portfolio",
        "Late milestones",
    ]
    rows = [list(r) for r in wb["Budget"].iter_rows(values_only=True)]
    assert rows[1] == ["Category", "Planned", "Actual", "Forecast", "Variance"]
    assert rows[-1][0] == "Total" and Decimal(str(rows[-1][3])) == Decimal("14125")
    services = [list(r) for r in wb["Services"].iter_rows(values_only=True)]
    assert services[2] == ["E-mail 0", 2, 1, 3, 1, 75.0]
    risks = [list(r) for r in wb["Risks"].iter_rows(values_only=True)]
    assert risks[2][0] == "Almost certain" and risks[3][0] == "Likely" and risks[3][5] == 2
    align = [list(r) for r in wb["Alignment"].iter_rows(values_only=True)]
    assert align[-1] == ["Overall", None, 37.5]


def test_exports_neutralise_formulas(known):
    from openpyxl import load_workbook

    BusinessGoal.objects.create(title="=HYPERLINK(1)")
    data = dashboard.as_dict(dashboard.dashboard_get(user=known["manager"], now=NOW))
    wb = load_workbook(io.BytesIO(dashboard_export.xlsx_bytes(data)))
    titles = [r[0] for r in wb["Alignment"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in titles


def test_api_figures(known, client):
    client.force_login(known["manager"])
    body = client.get("/api/strategy/dashboard/").json()
    assert set(body) == {"today", "alignment", "budget", "risks", "services", "portfolio"}
    assert body["today"] == timezone.localdate().isoformat()
    # Today is after FY2025: the forecast is the actual, 9,550 of 17,000.
    assert body["budget"]["total"]["actual"] == "9550.00"
    assert body["budget"]["burn_percent"] == "56.2"
    assert body["risks"]["total"] == 4
    assert body["portfolio"]["by_health"][0] == {"health": "green", "name": "Green", "count": 1}
