"""SLA API: who may read and write, bad input answers 400, clocks are read-only with live
state, iCal import, and list endpoints within a query budget."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk.models import (
    BusinessCalendar,
    EscalationRule,
    Holiday,
    SLAPolicy,
    SLATarget,
    WorkingHours,
)
from steward.servicedesk.tests.sla_world import Frozen, b, build_world
from steward.servicedesk.tests.test_sla_engine import open_ticket

pytestmark = pytest.mark.django_db
BASE = "/api/servicedesk"
LISTS = [
    "business-calendars",
    "working-hours",
    "holidays",
    "sla-policies",
    "sla-targets",
    "escalation-rules",
    "sla-clocks",
]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def users(org_world):
    return org_world["users"]


@pytest.mark.parametrize("path", LISTS)
def test_agents_read_and_employees_and_customers_get_nothing(api, users, world, path):
    assert api(users[Role.AGENT]).get(f"{BASE}/{path}/").status_code == 200
    assert api(users[Role.EMPLOYEE]).get(f"{BASE}/{path}/").status_code == 403
    assert api(users["acme_contact"]).get(f"{BASE}/{path}/").status_code == 403
    assert api().get(f"{BASE}/{path}/").status_code in (401, 403)


def test_agents_cannot_write_and_managers_can(api, users, world):
    payload = {"name": "Night shift", "time_zone": "Europe/Berlin"}
    assert api(users[Role.AGENT]).post(f"{BASE}/business-calendars/", payload).status_code == 403
    response = api(users[Role.IT_MANAGER]).post(
        f"{BASE}/business-calendars/", payload, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["hours"] == []
    assert BusinessCalendar.objects.filter(name="Night shift").exists()


def test_calendar_lists_its_hours_and_holidays(api, users, world):
    data = api(users[Role.AGENT]).get(f"{BASE}/business-calendars/{world.office.pk}/").json()
    assert len(data["hours"]) == 5
    assert [h["date"] for h in data["holidays"]] == ["2026-12-24", "2026-12-25", "2027-01-01"]


BAD = [
    ("business-calendars", {"name": "X", "time_zone": "Mars/Olympus"}, "time_zone"),
    ("working-hours", {"calendar": "CAL", "weekday": 1, "start": "17:00", "end": "08:00"}, None),
    (
        "working-hours",
        {"calendar": "CAL", "weekday": 9, "start": "08:00", "end": "17:00"},
        "weekday",
    ),
    ("working-hours", {"calendar": "CAL", "weekday": 1, "start": "16:00", "end": "18:00"}, "start"),
    ("holidays", {"calendar": "CAL", "date": "2026-12-24", "name": "Again"}, None),
    ("holidays", {"calendar": "CAL", "date": "not a date", "name": "X"}, "date"),
    ("sla-policies", {"name": "P", "pause_statuses": ["resolved"]}, "pause_statuses"),
    ("sla-policies", {"name": "P", "pause_statuses": "pending"}, "pause_statuses"),
    ("sla-policies", {"name": "P", "warning_percent": 150}, "warning_percent"),
    ("sla-policies", {"name": "P", "kind": "sla", "team": "TEAM"}, "team"),
    ("sla-targets", {"policy": "POLICY", "priority": 2}, None),
    ("sla-targets", {"policy": "POLICY", "priority": 3, "resolution_minutes": 5}, None),
    ("sla-targets", {"policy": "POLICY", "priority": 9, "resolution_minutes": 5}, "priority"),
    (
        "escalation-rules",
        {"policy": "POLICY", "trigger": "breach", "action": "reassign"},
        "reassign_team",
    ),
    ("escalation-rules", {"policy": "POLICY", "trigger": "later", "action": "notify"}, "trigger"),
    ("sla-policies", {"name": "P", "unknown": 1}, "unknown"),
]


@pytest.mark.parametrize(("path", "payload", "field"), BAD)
def test_bad_input_is_a_400_with_field_errors(api, users, world, path, payload, field):
    ids = {"CAL": world.office.pk, "POLICY": world.standard.pk, "TEAM": world.team_a.pk}
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    response = api(users[Role.IT_MANAGER]).post(f"{BASE}/{path}/", body, format="json")
    assert response.status_code == 400, response.content
    if field:
        assert field in str(response.json())


def test_clocks_are_read_only_filtered_by_ticket_with_live_state(api, users, world, monkeypatch):
    clock = Frozen(monkeypatch)
    first = open_ticket(world, clock, b(12, 1, 9))
    open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 1, 10))
    client = api(users[Role.AGENT])
    rows = client.get(f"{BASE}/sla-clocks/", {"ticket": first.pk}).json()["results"]
    assert sorted(r["metric"] for r in rows) == ["resolution", "response"]
    response = next(r for r in rows if r["metric"] == "response")
    assert response["state"]["elapsed_seconds"] == 3600
    assert response["state"]["remaining_seconds"] == 3 * 3600
    assert response["state"]["percent"] == 25
    assert client.post(f"{BASE}/sla-clocks/", {}, format="json").status_code in (403, 405)
    assert client.delete(f"{BASE}/sla-clocks/{rows[0]['id']}/").status_code in (403, 405)


def test_bad_clock_filter_is_a_400(api, users, world):
    response = api(users[Role.AGENT]).get(f"{BASE}/sla-clocks/", {"ticket": "abc"})
    assert response.status_code == 400


ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
    b"DTSTART;VALUE=DATE:20271003\r\nSUMMARY:Einheit\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n"
    b"DTSTART;VALUE=DATE:20261224\r\nSUMMARY:Heiligabend\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _upload(client, calendar, data, name="holidays.ics"):
    return client.post(
        f"{BASE}/business-calendars/{calendar.pk}/import-holidays/",
        {"file": SimpleUploadedFile(name, data, content_type="text/calendar")},
        format="multipart",
    )


def test_holiday_import_through_the_api(api, users, world):
    response = _upload(api(users[Role.IT_MANAGER]), world.office, ICS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == [{"date": "2027-10-03", "name": "Einheit"}]
    assert body["skipped"] == [{"date": "2026-12-24", "name": "Heiligabend"}]
    assert Holiday.objects.filter(calendar=world.office, date=datetime.date(2027, 10, 3)).exists()


def test_a_malformed_holiday_file_is_a_clear_400(api, users, world):
    response = _upload(api(users[Role.IT_MANAGER]), world.office, b"this is no calendar")
    assert response.status_code == 400
    assert "iCalendar" in str(response.json())
    missing = api(users[Role.IT_MANAGER]).post(
        f"{BASE}/business-calendars/{world.office.pk}/import-holidays/", {}, format="multipart"
    )
    assert missing.status_code == 400


def test_agents_cannot_import_holidays(api, users, world):
    assert _upload(api(users[Role.AGENT]), world.office, ICS).status_code == 403


def test_the_example_file_downloads(api, users, world):
    response = api(users[Role.AGENT]).get(f"{BASE}/business-calendars/holiday-example/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content


def _more_rows(world, n):
    for i in range(n):
        cal = BusinessCalendar.objects.create(name=f"Cal {i}", time_zone="UTC")
        WorkingHours.objects.create(
            calendar=cal, weekday=0, start=datetime.time(9), end=datetime.time(17)
        )
        Holiday.objects.create(calendar=cal, date=datetime.date(2027, 1, 1 + i), name="H")
        policy = SLAPolicy.objects.create(name=f"Policy {i}", calendar=cal)
        SLATarget.objects.create(policy=policy, priority=3, resolution_minutes=60)
        EscalationRule.objects.create(policy=policy, trigger="breach", action="notify")


@pytest.mark.parametrize("path", LISTS)
def test_list_endpoints_stay_within_a_query_budget(api, users, world, path, monkeypatch):
    clock = Frozen(monkeypatch)
    for _ in range(3):
        open_ticket(world, clock, b(12, 1, 9), team=world.team_a)
    client = api(users[Role.AGENT])
    client.get(f"{BASE}/{path}/")
    with query_budget(12) as few:
        assert client.get(f"{BASE}/{path}/").status_code == 200
    _more_rows(world, 6)
    for _ in range(6):
        open_ticket(world, clock, b(12, 1, 9), team=world.team_a)
    with query_budget(len(few.captured_queries)):
        assert client.get(f"{BASE}/{path}/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "holidays/?year=99999999999999999999",
        "holidays/?year=2026.5",
        "sla-clocks/?ticket=99999999999999999999999",
        "sla-clocks/?ticket=1.5",
        "sla-targets/?priority=9",
        "sla-clocks/?team=abc",
    ],
)
def test_bad_filter_values_are_a_400_not_a_500(api, users, world, query):
    assert api(users[Role.IT_MANAGER]).get(f"{BASE}/{query}").status_code == 400
