"""Pages (list, detail, form, calendar month and week) and the iCalendar feeds."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.test import Client

from steward.changes import services
from steward.changes.models import CalendarFeedToken, ChangeRequest, ChangeState, WindowKind
from steward.core.testing import PASSWORD, query_budget

from .conftest import at

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_list_filters_and_budget(world, estate, make_change):
    for n in range(15):
        make_change(estate["vm"], start=at(days=n), title=f"Change {n}")
    make_change(start=at(days=2), title="Draft thing", state=ChangeState.DRAFT)
    client = _client(world["agent"])
    client.get("/changes/requests/")
    with query_budget(25):
        response = client.get("/changes/requests/")
    assert response.status_code == 200 and b"Change 14" in response.content
    response = client.get("/changes/requests/?state=draft")
    assert b"Draft thing" in response.content and b"Change 3" not in response.content
    assert client.get("/changes/requests/?configuration_item=x").status_code in (200, 400)


def test_detail_shows_risk_reasons_conflicts_services_and_people(world, estate, make_change):
    client = _client(world["agent"])
    change = services.change_create(
        data={
            "title": "Switch firmware",
            "configuration_items": [estate["switch"].pk],
            "planned_start": at(days=5),
            "planned_end": at(days=5, hours=2),
            "implementation_plan": "flash",
            "backout_plan": "flash back",
        },
        actor=world["agent"],
    )
    services.change_transition(change=change, actor=world["agent"], state=ChangeState.ASSESSMENT)
    other = make_change(estate["app"], start=at(days=5, hours=1), title="App release")
    page = client.get(f"/changes/requests/{change.pk}/").content.decode()
    assert 'id="risk-reasons"' in page and "ERP" in page and "Services impacted" in page
    assert other.reference in page and "depends on core-switch" in page
    assert 'id="impacted-services"' in page and "Intranet" in page
    assert "To Authorisation" in page


def test_the_approval_page_links_back_to_the_change(world, make_change):
    change = make_change(start=at(days=2))
    assert change.get_absolute_url() == f"/changes/requests/{change.pk}/"


def test_form_creates_and_transition_page_moves(world, estate):
    client = _client(world["agent"])
    assert client.get("/changes/requests/add/").status_code == 200
    response = client.post(
        "/changes/requests/add/",
        {
            "title": "Patch",
            "change_type": "normal",
            "configuration_items": [estate["vm"].pk],
            "planned_start": "2031-05-01T22:00",
            "planned_end": "2031-05-01T23:00",
            "implementation_plan": "patch",
            "backout_plan": "revert",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = ChangeRequest.objects.get()
    response = client.post(f"/changes/requests/{change.pk}/transition/", {"state": "assessment"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == ChangeState.ASSESSMENT
    bad = client.post(
        "/changes/requests/add/",
        {
            "title": "Bad",
            "change_type": "normal",
            "planned_start": "2031-05-01T22:00",
            "planned_end": "2031-05-01T21:00",
        },
    )
    assert bad.status_code == 400


def test_editing_a_scheduled_change_offers_only_what_may_still_change(world, estate, make_change):
    change = make_change(estate["vm"], start=at(days=3), state=ChangeState.SCHEDULED)
    client = _client(world["agent"])
    page = client.get(f"/changes/requests/{change.pk}/edit/").content.decode()
    assert 'name="title"' in page and 'name="planned_start"' not in page
    response = client.post(f"/changes/requests/{change.pk}/edit/", {"title": "New title"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.title == "New title" and change.planned_start == at(days=3)


def test_calendar_month_and_week_flag_conflicts(world, estate, make_change, make_window):
    start = datetime.datetime(2031, 3, 12, 22, 0, tzinfo=datetime.UTC)
    a = make_change(estate["vm"], start=start, title="First")
    make_change(estate["vm"], start=start + datetime.timedelta(hours=1), title="Second")
    make_window("Patch night", WindowKind.MAINTENANCE, start, start + datetime.timedelta(hours=6))
    client = _client(world["agent"])
    month = client.get("/changes/calendar/?month=2031-03")
    assert month.status_code == 200
    page = month.content.decode()
    assert "First" in page and "Patch night" in page and "conflict" in page
    assert a.reference in page.split('id="flagged"')[1]
    week = client.get("/changes/calendar/week/?date=2031-03-12")
    assert week.status_code == 200 and "Second" in week.content.decode()
    for bad in ("month=2031-13", "month=x", "month=99999-01"):
        assert client.get(f"/changes/calendar/?{bad}").status_code == 400
    for bad in ("date=x", "date=2031-02-30", "date=0001-01-01"):
        assert client.get(f"/changes/calendar/week/?{bad}").status_code == 400


def test_calendar_escapes_titles_and_conflict_texts(world, make_ci, make_change):
    """The calendar's cells are put together in Python (not by the template's tags): what
    users typed is escaped there too."""
    start = datetime.datetime(2031, 3, 12, 22, 0, tzinfo=datetime.UTC)
    ci = make_ci('<b id="ci">db</b>')
    make_change(ci, start=start, title='<script>alert("t")</script>')
    make_change(ci, start=start + datetime.timedelta(hours=1), title="Other & co")
    for path in ("/changes/calendar/?month=2031-03", "/changes/calendar/week/?date=2031-03-12"):
        page = _client(world["agent"]).get(path).content.decode()
        assert "<script>alert" not in page and '<b id="ci">' not in page
        assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
        assert "&lt;b id=&quot;ci&quot;&gt;db&lt;/b&gt;" in page.split('id="flagged"')[1]
        assert "Other &amp; co" in page


def test_calendar_month_query_budget(world, estate, make_change):
    start = datetime.datetime(2031, 3, 1, 22, 0, tzinfo=datetime.UTC)
    for n in range(25):
        make_change(estate["lonely"], start=start + datetime.timedelta(days=n), title=f"C{n}")
    client = _client(world["agent"])
    client.get("/changes/calendar/?month=2031-03")
    with query_budget(20):
        assert client.get("/changes/calendar/?month=2031-03").status_code == 200


def test_customer_and_employee_pages(world, make_change):
    change = make_change(start=at(days=2))
    mine = make_change(start=at(days=2), requester=world["employee"], title="Mine")
    customer = _client(world["customer"])
    assert customer.get("/changes/requests/").status_code == 403
    assert customer.get("/changes/calendar/").status_code == 403
    assert customer.get(f"/changes/requests/{change.pk}/").status_code in (403, 404)
    employee = _client(world["employee"])
    assert employee.get(f"/changes/requests/{change.pk}/").status_code == 404
    assert employee.get(f"/changes/requests/{mine.pk}/").status_code == 200
    assert employee.get("/changes/requests/add/").status_code == 403


def _feed_secret(user):
    return services.feed_token_rotate(user=user)


def test_user_feed_parses_back_with_icalendar(world, estate, make_change, make_window):
    agent = world["agent"]
    mine = make_change(estate["vm"], start=at(days=3), title="Mine", requester=agent)
    owned = make_change(start=at(days=4), title="Owned", requester=world["manager"], owner=agent)
    make_change(start=at(days=4), title="Someone else's", requester=world["manager"])
    cancelled = make_change(start=at(days=5), title="Dropped", state="cancelled")
    window = make_window("Freeze", WindowKind.BLACKOUT, at(days=6), at(days=7))
    secret = _feed_secret(agent)
    response = Client().get(f"/changes/calendar/mine.ics?token={secret}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and "Steward" in str(cal["PRODID"])
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        f"change-{mine.pk}@testserver",
        f"change-{owned.pk}@testserver",
        f"change-{cancelled.pk}@testserver",
        f"change-window-{window.pk}@testserver",
    }
    event = events[f"change-{mine.pk}@testserver"]
    assert event.decoded("DTSTART") == mine.planned_start
    assert event.decoded("DTEND") == mine.planned_end
    assert str(event["SUMMARY"]) == f"{mine.reference} Mine"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(events[f"change-{cancelled.pk}@testserver"]["STATUS"]) == "CANCELLED"
    assert str(events[f"change-window-{window.pk}@testserver"]["SUMMARY"]) == "Blackout: Freeze"
    assert CalendarFeedToken.objects.get(user=agent).last_used_at is not None


def test_team_feed_and_bad_tokens(world, make_change):
    agent = world["agent"]
    team = world["cab"]
    assigned = make_change(start=at(days=3), title="Team work", assignment_team=team)
    make_change(start=at(days=3), title="Elsewhere")
    secret = _feed_secret(agent)
    response = Client().get(f"/changes/calendar/teams/{team.pk}.ics?token={secret}")
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [f"change-{assigned.pk}@testserver"]
    client = Client()
    for url in (
        "/changes/calendar/mine.ics",
        "/changes/calendar/mine.ics?token=wrong",
        "/changes/calendar/mine.ics?token=" + "x" * 500,
        f"/changes/calendar/teams/{team.pk}.ics?token=wrong",
        f"/changes/calendar/teams/99999999999999999999.ics?token={secret}",
        f"/changes/calendar/teams/abc.ics?token={secret}",
    ):
        assert client.get(url).status_code == 404, url
    new = _feed_secret(agent)  # rotating ends the old address
    assert client.get(f"/changes/calendar/mine.ics?token={secret}").status_code == 404
    assert client.get(f"/changes/calendar/mine.ics?token={new}").status_code == 200
    services.feed_token_revoke(user=agent)
    assert client.get(f"/changes/calendar/mine.ics?token={new}").status_code == 404


def test_feed_token_pages(world):
    client = _client(world["agent"])
    assert client.get("/changes/calendar/feed/").status_code == 200
    response = client.post("/changes/calendar/feed/rotate/", follow=True)
    assert b"mine.ics?token=cal_" in response.content
    again = client.get("/changes/calendar/feed/")
    assert b"mine.ics?token=" not in again.content  # shown once
    customer = _client(world["customer"])
    assert customer.post("/changes/calendar/feed/rotate/").status_code == 403
    assert not CalendarFeedToken.objects.filter(user=world["customer"]).exists()


def test_template_and_window_pages(world):
    client = _client(world["manager"])
    for url in (
        "/changes/templates/",
        "/changes/templates/add/",
        "/changes/windows/",
        "/changes/windows/add/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/changes/windows/add/",
        {
            "name": "Sunday",
            "kind": "maintenance",
            "start": "2031-01-05T01:00",
            "end": "2031-01-05T05:00",
        },
    )
    assert response.status_code == 302
