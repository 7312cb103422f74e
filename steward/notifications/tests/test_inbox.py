import pytest
from django.test import Client

from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget
from steward.notifications import services
from steward.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def inboxes(org_world):
    agent, employee = org_world["users"][Role.AGENT], org_world["users"][Role.EMPLOYEE]
    contact = org_world["users"]["acme_contact"]
    for i in range(3):
        services.notify(users=[agent], event="e", title=f"agent {i}", url="/org/people/")
    services.notify(users=[employee], event="e", title="employee only")
    services.notify(users=[contact], event="e", title="contact only")
    return {"agent": agent, "employee": employee, "contact": contact}


def test_recipients_see_only_their_own_notifications_in_the_api(api, inboxes):
    response = api(inboxes["employee"]).get("/api/notifications/")
    assert response.status_code == 200
    assert [r["title"] for r in response.json()["results"]] == ["employee only"]
    other = Notification.objects.filter(recipient=inboxes["agent"]).first()
    assert api(inboxes["employee"]).get(f"/api/notifications/{other.pk}/").status_code == 404


def test_customer_contact_has_an_inbox_too(api, inboxes):
    response = api(inboxes["contact"]).get("/api/notifications/")
    assert [r["title"] for r in response.json()["results"]] == ["contact only"]


def test_marking_someone_elses_notification_read_is_not_found(api, inboxes):
    other = Notification.objects.filter(recipient=inboxes["agent"]).first()
    response = api(inboxes["employee"]).post(f"/api/notifications/{other.pk}/read/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_api_marks_one_and_all_read(api, inboxes):
    client = api(inboxes["agent"])
    first = Notification.objects.filter(recipient=inboxes["agent"]).first()
    response = client.post(f"/api/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    unread = client.get("/api/notifications/?unread=true").json()["results"]
    assert len(unread) == 2
    assert client.post("/api/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/notifications/?unread=true").json()["results"] == []


def test_notifications_cannot_be_created_through_the_api(api, inboxes):
    response = api(inboxes["agent"]).post("/api/notifications/", {"title": "x"})
    assert response.status_code in {403, 405}


def test_preferences_api_lists_defaults_and_rejects_unknown_events(api, inboxes):
    services.event_register("test.ping", "Ping")
    client = api(inboxes["agent"])
    rows = {r["event"]: r for r in client.get("/api/notifications/preferences/").json()}
    assert rows["test.ping"]["in_app"] is True and rows["test.ping"]["email"] is True
    response = client.post(
        "/api/notifications/preferences/", {"event": "test.ping", "in_app": True, "email": False}
    )
    assert response.status_code == 200 and response.json()["email"] is False
    bad = client.post(
        "/api/notifications/preferences/", {"event": "nope", "in_app": True, "email": True}
    )
    assert bad.status_code == 400 and bad.json()["type"] == "validation_error"
    extra = client.post(
        "/api/notifications/preferences/",
        {"event": "test.ping", "in_app": True, "email": True, "user": 1},
    )
    assert extra.status_code == 400 and "user" in extra.json()["errors"]


def test_inbox_page_lists_own_and_nav_shows_unread_count(inboxes):
    client = _client(inboxes["agent"])
    with query_budget(14):
        page = client.get("/inbox/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "agent 2" in text and "employee only" not in text
    assert 'class="nav-count"' in text and ">3</mark>" in text
    assert 'href="/inbox/"' in text


def test_htmx_mark_read_returns_the_row_and_the_count_drops(inboxes):
    client = _client(inboxes["agent"])
    first = Notification.objects.filter(recipient=inboxes["agent"]).first()
    response = client.post(f"/inbox/{first.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in response.content.decode()
    assert "Mark read" not in response.content.decode()
    assert ">2</mark>" in client.get("/inbox/").content.decode()


def test_mark_all_read_page_clears_the_nav_count(inboxes):
    client = _client(inboxes["agent"])
    assert client.post("/inbox/read-all/").status_code == 302
    assert 'class="nav-count"' not in client.get("/inbox/").content.decode()


def test_opening_a_notification_marks_it_read_and_follows_a_local_link(inboxes):
    client = _client(inboxes["agent"])
    first = Notification.objects.filter(recipient=inboxes["agent"]).first()
    response = client.get(f"/inbox/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/org/people/"
    first.refresh_from_db()
    assert first.read_at is not None


def test_opening_a_notification_never_redirects_off_site(org_world):
    agent = org_world["users"][Role.AGENT]
    (n,) = services.notify(users=[agent], event="e", title="t", url="https://evil.example/")
    response = _client(agent).get(f"/inbox/{n.pk}/open/")
    assert response["Location"] == "/inbox/"


def test_preferences_page_saves_choices(inboxes):
    services.event_register("test.ping", "Ping")
    client = _client(inboxes["agent"])
    assert "Ping" in client.get("/inbox/preferences/").content.decode()
    client.post("/inbox/preferences/", {"test.ping:in_app": "on"})
    pref = inboxes["agent"].notification_preferences.get(event="test.ping")
    assert (pref.in_app, pref.email) == (True, False)


def test_notification_list_api_stays_within_its_query_budget(api, org_world):
    agent = org_world["users"][Role.AGENT]
    for i in range(30):
        services.notify(users=[agent], event="e", title=f"n{i}")
    client = api(agent)
    client.get("/api/notifications/")
    with query_budget(8):
        response = client.get("/api/notifications/")
    assert len(response.json()["results"]) == 30
