"""Each report's figures on a small known data set."""

import datetime

import pytest

from steward.core.permissions import Role
from steward.servicedesk.models import Channel, Status
from steward.servicedesk.reports import selectors
from steward.servicedesk.reports.selectors import ReportFilters, percentiles
from steward.servicedesk.tests import reports_world
from steward.servicedesk.tests.reports_world import NOW, hours, survey, ticket

pytestmark = pytest.mark.django_db
world = reports_world.world  # fixture
ALL = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))


def rows_by(report, dimension):
    return {r[1]: r[2:] for r in report.rows if r[0] == dimension}


def test_backlog_counts_open_tickets_per_group_and_age_bucket(world):
    user = world["users"][Role.AGENT]
    net, desk = world["network"], world["desk"]
    for age_h, team in [
        (2, net),
        (30, net),
        (30, net),
        (100, net),
        (24 * 10, desk),
        (24 * 40, desk),
    ]:
        ticket(world, created=NOW - hours(age_h), team=team)
    ticket(world, created=NOW - hours(2), team=net, status=Status.RESOLVED)  # not backlog
    ticket(world, created=NOW - hours(2))  # no team
    report = selectors.backlog(user, ALL, now=NOW)
    table = {r[0]: r[1:] for r in report.rows}
    assert table["Network"] == [1, 2, 1, 0, 0, 4]
    assert table["Service Desk"] == [0, 0, 0, 1, 1, 2]
    assert table["(no team)"] == [1, 0, 0, 0, 0, 1]
    assert report.chart["stacked"] is True
    assert report.chart["labels"] == ["(no team)", "Network", "Service Desk"]
    assert [d["data"] for d in report.chart["datasets"]][1] == [0, 2, 0]


def test_median_and_p90_are_nearest_rank(world):
    for h in range(1, 11):  # 1..10 hours to respond, priority 3
        ticket(world, priority=3, first_response_at=NOW + hours(h))
    ticket(world, priority=3)  # not answered yet: not counted
    qs = selectors._tickets(world["users"][Role.AGENT], ALL)
    from django.db.models import F

    ack = selectors.Seconds(F("first_response_at"), F("created_at"))
    result = percentiles(qs, "priority", ack)
    assert result == {3: {"n": 10, "p50": 5 * 3600.0, "p90": 9 * 3600.0}}


def test_response_times_per_priority_and_team(world):
    net = world["network"]
    for h in (1, 2, 3):
        ticket(world, priority=2, team=net, first_response_at=NOW + hours(h / 2),
               resolved_at=NOW + hours(h * 4), status=Status.RESOLVED)  # fmt: skip
    ticket(world, priority=4, first_response_at=NOW + hours(8))
    report = selectors.response_times(world["users"][Role.AGENT], ALL)
    by_priority = rows_by(report, "Priority")
    assert by_priority["P2 High"] == [3, 1.0, 1.5, 3, 8.0, 12.0]
    assert by_priority["P4 Low"] == [1, 8.0, 8.0, 0, None, None]
    assert rows_by(report, "Group")["Network"] == [3, 1.0, 1.5, 3, 8.0, 12.0]
    assert report.chart["labels"] == ["P2 High", "P4 Low"]


def test_sla_compliance_counts_met_and_breached_per_month_and_team(world):
    net = world["network"]
    due = {"resolution_due": NOW + hours(8)}
    may, june = NOW - datetime.timedelta(days=30), NOW
    ticket(world, created=may, team=net, status=Status.CLOSED, **due)  # met
    ticket(world, created=may, team=net, status=Status.CLOSED, resolution_breached=True, **due)
    ticket(world, created=june, team=net, status=Status.RESOLVED, **due)  # met
    ticket(world, created=june, status=Status.IN_PROGRESS, response_breached=True, **due)
    ticket(world, created=june, status=Status.IN_PROGRESS, **due)  # open, within: not counted
    ticket(world, created=june, status=Status.CLOSED)  # no SLA: not counted
    report = selectors.sla_compliance(world["users"][Role.AGENT], ALL)
    assert rows_by(report, "Month") == {"2026-05": [1, 1, 50.0], "2026-06": [1, 1, 50.0]}
    assert rows_by(report, "Group") == {"(no team)": [0, 1, 0.0], "Network": [2, 1, 66.7]}
    assert report.chart["labels"] == ["2026-05", "2026-06"]


def test_volume_is_weekly_by_top_category_and_channel(world):
    monday = datetime.datetime(2026, 6, 8, 9, tzinfo=datetime.UTC)
    ticket(world, created=monday, category=world["laptop"], channel=Channel.EMAIL)
    ticket(world, created=monday + hours(30), category=world["hardware"])
    ticket(world, created=monday + datetime.timedelta(days=7), category=world["email"])
    ticket(world, created=monday + datetime.timedelta(days=7))
    report = selectors.volume(world["users"][Role.AGENT], ALL)
    assert report.columns == [
        "Week of", "Category: (none)", "Category: E-mail", "Category: Hardware",
        "Channel: E-mail", "Channel: Portal", "Total",
    ]  # fmt: skip
    assert report.rows == [["2026-06-08", 0, 0, 2, 1, 1, 2], ["2026-06-15", 1, 1, 0, 0, 2, 2]]
    assert report.chart["type"] == "line"


def test_csat_per_team_and_agent(world):
    net, agent, bea = world["network"], world["agent"], world["bea"]
    survey(ticket(world, team=net, assignee=agent, status=Status.RESOLVED), 5)
    survey(ticket(world, team=net, assignee=agent, status=Status.RESOLVED), 4)
    survey(ticket(world, team=net, assignee=bea, status=Status.RESOLVED), None)
    survey(ticket(world, team=world["desk"], assignee=bea, status=Status.RESOLVED), 2)
    report = selectors.csat(world["users"][Role.AGENT], ALL)
    assert rows_by(report, "Group") == {
        "Network": [3, 2, 66.7, 4.5],
        "Service Desk": [1, 1, 100.0, 2.0],
    }
    assert rows_by(report, "Agent") == {
        "Bea Agent": [2, 1, 50.0, 2.0],
        f"{agent.first_name} {agent.last_name}": [2, 2, 100.0, 4.5],
    }


def test_filters_narrow_by_date_team_and_organisation(world):
    net = world["network"]
    ticket(world, created=NOW, team=net)
    ticket(world, created=NOW - datetime.timedelta(days=40), team=net)
    ticket(world, created=NOW, requester=world["acme_contact"], team=net)
    user = world["users"][Role.AGENT]
    june = ReportFilters(date_from=datetime.date(2026, 6, 1), date_to=datetime.date(2026, 6, 30))
    assert selectors.backlog(user, june, now=NOW).rows[0][-1] == 2
    acme = ReportFilters(**{**ALL.__dict__, "organisation_id": world["acme"].pk})
    assert selectors.backlog(user, acme, now=NOW).rows[0][-1] == 1
    other_team = ReportFilters(**{**ALL.__dict__, "team_id": world["desk"].pk})
    assert selectors.backlog(user, other_team, now=NOW).rows == []


@pytest.mark.parametrize("role", [Role.EMPLOYEE, "acme_contact"])
def test_reports_are_refused_to_employees_and_customers(world, role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selectors.backlog(world["users"][role], ALL)
