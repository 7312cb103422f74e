"""SLA configuration pages: list, detail and edit through the generic views, the holiday
import form, and list pages within a query budget."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from steward.core.testing import PASSWORD, query_budget
from steward.servicedesk.models import Holiday, SLAClock, SLAPolicy
from steward.servicedesk.tests.sla_world import Frozen, b, build_world
from steward.servicedesk.tests.test_sla_engine import open_ticket
from steward.servicedesk.tests.test_sla_ical import GOOD

pytestmark = pytest.mark.django_db
MODELS = [
    "businesscalendar",
    "workinghours",
    "holiday",
    "slapolicy",
    "slatarget",
    "escalationrule",
    "slaclock",
]


@pytest.fixture
def world(org_world, monkeypatch):
    w = build_world()
    clock = Frozen(monkeypatch)
    open_ticket(w, clock, b(12, 1, 9), team=w.team_a)
    from steward.servicedesk.models import EscalationRule

    EscalationRule.objects.create(policy=w.standard, trigger="breach", action="notify")
    return w


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def first_pk(name: str, world) -> int:
    from django.apps import apps

    model = next(
        m for m in apps.get_app_config("servicedesk").get_models() if m._meta.model_name == name
    )
    return model.objects.order_by("pk").first().pk


@pytest.mark.parametrize("name", MODELS)
def test_every_sla_model_has_a_list_and_detail_page_for_agents(world, name):
    client = login("agent")
    assert client.get(reverse(f"servicedesk:{name}_list")).status_code == 200
    detail = reverse(f"servicedesk:{name}_detail", kwargs={"pk": first_pk(name, world)})
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize("name", MODELS)
def test_employees_and_customers_cannot_open_sla_pages(world, name):
    for user in ("employee", "acme_contact"):
        assert login(user).get(reverse(f"servicedesk:{name}_list")).status_code == 403


@pytest.mark.parametrize("name", MODELS)
def test_list_pages_stay_within_a_query_budget(world, name, monkeypatch):
    client = login("agent")
    url = reverse(f"servicedesk:{name}_list")
    client.get(url)
    with query_budget(25) as few:
        client.get(url)
    clock = Frozen(monkeypatch)
    for _ in range(5):
        open_ticket(world, clock, b(12, 1, 9), team=world.team_b)
    with query_budget(len(few.captured_queries) + 1):
        assert client.get(url).status_code == 200


def test_a_manager_creates_a_policy_with_pause_statuses_through_the_form(world):
    client = login("it_manager")
    response = client.post(
        reverse("servicedesk:slapolicy_add"),
        {
            "name": "Weekend",
            "kind": "sla",
            "order": 10,
            "is_active": "on",
            "pause_statuses": ["pending", "assigned"],
            "warning_percent": 75,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SLAPolicy.objects.get(name="Weekend").pause_statuses == ["pending", "assigned"]


def test_the_policy_form_refuses_bad_input_with_a_400(world):
    client = login("it_manager")
    response = client.post(
        reverse("servicedesk:slapolicy_add"),
        {"name": "Bad", "kind": "sla", "order": 1, "warning_percent": 0, "team": world.team_a.pk},
    )
    assert response.status_code == 400


def test_agents_may_not_edit_policies(world):
    url = reverse("servicedesk:slapolicy_edit", kwargs={"pk": world.standard.pk})
    assert login("agent").get(url).status_code in (403, 404)


def test_holiday_import_page_adds_holidays_and_refuses_a_malformed_file(world):
    client = login("it_manager")
    url = reverse("servicedesk:businesscalendar_import", kwargs={"pk": world.office.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("h.ics", GOOD)})
    assert response.status_code == 200
    assert "Weihnachten" in response.content.decode()
    assert Holiday.objects.filter(calendar=world.office, name="Weihnachten").count() == 3
    bad = client.post(url, {"file": SimpleUploadedFile("h.ics", b"nonsense")})
    assert bad.status_code == 400
    assert "iCalendar" in bad.content.decode()


def test_agents_cannot_open_the_import_page(world):
    url = reverse("servicedesk:businesscalendar_import", kwargs={"pk": world.office.pk})
    assert login("agent").get(url).status_code in (403, 404)


def test_the_example_file_downloads_from_the_page(world):
    response = login("agent").get(reverse("servicedesk:holiday_example"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


def test_clock_detail_shows_live_state(world):
    clock = SLAClock.objects.filter(metric="response").first()
    response = login("agent").get(reverse("servicedesk:slaclock_detail", kwargs={"pk": clock.pk}))
    assert response.status_code == 200
    assert "Running" in response.content.decode()


@pytest.mark.parametrize("name", [m for m in MODELS if m != "slaclock"])
def test_managers_open_the_add_and_edit_forms(world, name):
    client = login("it_manager")
    assert client.get(reverse(f"servicedesk:{name}_add")).status_code == 200
    edit = reverse(f"servicedesk:{name}_edit", kwargs={"pk": first_pk(name, world)})
    assert client.get(edit).status_code == 200


def test_editing_a_policy_keeps_its_pause_statuses_checked(world):
    edit = reverse("servicedesk:slapolicy_edit", kwargs={"pk": world.standard.pk})
    html = login("it_manager").get(edit).content.decode()
    assert 'value="pending" id="id_pause_statuses_3" checked' in html
    assert 'value="assigned" id="id_pause_statuses_1">' in html
