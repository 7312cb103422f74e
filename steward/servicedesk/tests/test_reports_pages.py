"""Report pages and API: who may see them, filters, exports, query budgets."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk.models import Status
from steward.servicedesk.reports.selectors import REPORTS
from steward.servicedesk.tests import reports_world
from steward.servicedesk.tests.reports_world import survey, ticket

pytestmark = pytest.mark.django_db
world = reports_world.world  # fixture


def arrange(world, n):
    for i in range(n):
        t = ticket(
            world,
            team=world["network"] if i % 2 else world["desk"],
            assignee=world["agent"] if i % 3 else world["bea"],
            category=world["laptop"],
            status=Status.RESOLVED if i % 2 else Status.NEW,
        )
        if i % 2:
            survey(t, 4)


@pytest.mark.parametrize("name", list(REPORTS))
def test_agents_see_every_report_page_with_chart_and_table(world, client, name):
    arrange(world, 4)
    client.force_login(world["users"][Role.AGENT])
    response = client.get(reverse("servicedesk:report", args=[name]), {"date_from": "2026-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-chart"' in html and 'id="report-chart-data"' in html
    assert "<table" in html and "export=csv" in html


@pytest.mark.parametrize("role", [Role.EMPLOYEE, "acme_contact"])
def test_employees_and_customers_get_403_on_pages_and_api(world, client, api, role):
    user = world["users"][role]
    client.force_login(user)
    assert client.get(reverse("servicedesk:reports")).status_code == 403
    assert client.get(reverse("servicedesk:report", args=["backlog"])).status_code == 403
    assert api(user).get("/api/servicedesk/reports/backlog/").status_code == 403


def test_anonymous_is_sent_to_login_and_refused_by_the_api(world, client, api):
    assert client.get(reverse("servicedesk:reports")).status_code == 302
    assert api().get("/api/servicedesk/reports/csat/").status_code in {401, 403}


def test_unknown_report_is_404(world, client):
    client.force_login(world["users"][Role.AGENT])
    assert client.get("/servicedesk/reports/nope/").status_code == 404


def test_csv_export_has_the_table(world, client):
    arrange(world, 4)
    client.force_login(world["users"][Role.IT_MANAGER])
    response = client.get(
        reverse("servicedesk:report", args=["csat"]),
        {"date_from": "2026-01-01", "export": "csv"},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "By,Value,Sent,Answered,Response rate %,Average rating"
    assert "Group,Network,2,2,100.0,4.0" in lines


def test_xlsx_export_has_the_table(world, client):
    arrange(world, 4)
    client.force_login(world["users"][Role.AGENT])
    response = client.get(
        reverse("servicedesk:report", args=["backlog"]),
        {"date_from": "2026-01-01", "export": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Group" and rows[0][-1] == "Total"
    assert (rows[1][0], rows[1][-1]) == ("Service Desk", 2)


def test_bad_filters_answer_400_with_field_errors(world, client, api):
    user = world["users"][Role.AGENT]
    client.force_login(user)
    url = reverse("servicedesk:report", args=["volume"])
    assert client.get(url, {"date_from": "yesterday"}).status_code == 400
    response = api(user).get(
        "/api/servicedesk/reports/volume/",
        {"date_from": "2026-06-10", "date_to": "2026-06-01", "team": "999999"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"date_to", "team"}


def test_api_report_matches_the_page(world, api):
    arrange(world, 4)
    response = api(world["users"][Role.AGENT]).get(
        "/api/servicedesk/reports/backlog/",
        {"date_from": "2026-01-01", "team": world["desk"].pk},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "backlog" and body["columns"][0] == "Group"
    assert body["rows"] == [["Service Desk", 0, 0, 0, 0, 2, 2]]
    assert body["chart"]["stacked"] is True


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_queries_do_not_grow_with_the_tickets(world, client, name):
    client.force_login(world["users"][Role.AGENT])
    url = reverse("servicedesk:report", args=[name])
    arrange(world, 3)
    client.get(url, {"date_from": "2026-01-01"})
    with query_budget(14) as small:
        client.get(url, {"date_from": "2026-01-01"})
    arrange(world, 30)
    with query_budget(len(small.captured_queries)):
        client.get(url, {"date_from": "2026-01-01"})


def test_report_api_is_in_the_schema(world, api):
    schema = api(world["users"][Role.ADMIN]).get("/api/schema/?format=json").json()
    for name in REPORTS:
        assert f"/api/servicedesk/reports/{name}/" in schema["paths"]


def test_home_dashboard_chart_shows_open_tickets_by_priority(world):
    from steward.servicedesk.reports.charts import open_tickets_by_priority_chart

    ticket(world, priority=2)
    ticket(world, priority=4)
    ticket(world, priority=4)
    ticket(world, priority=4, status=Status.CLOSED)
    chart = open_tickets_by_priority_chart(world["users"][Role.AGENT])
    assert chart["data"]["labels"] == ["P2 High", "P4 Low"]
    assert chart["data"]["datasets"][0]["data"] == [1, 2]
    assert open_tickets_by_priority_chart(world["users"][Role.EMPLOYEE]) is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_answer_400_not_500(world, api, day):
    user = world["users"][Role.AGENT]
    for field in ("date_from", "date_to"):
        response = api(user).get("/api/servicedesk/reports/backlog/", {field: day})
        assert response.status_code == 400
        assert field in response.json()["errors"]
