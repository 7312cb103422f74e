"""Settings pages, the staff-only lists of ticket rows, the priority grid, menus and cards."""

import pytest
from django.apps import apps
from django.urls import reverse

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk.models import CannedResponse, Category, PriorityRule, TicketEntry
from steward.servicedesk.services import ticket_reply
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture

MODEL_NAMES = [
    m._meta.model_name
    for m in apps.get_app_config("servicedesk").get_models()
    if m._meta.model_name != "ticket" and not m.__module__.endswith(".sla")  # the SLA area's
]
ROW_LISTS = ["ticketentry", "ticketlink", "timeentry", "surveyresponse"]


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_list_page_renders_for_an_administrator(client, desk, name):
    client.force_login(desk["users"][Role.ADMIN])
    response = client.get(reverse(f"servicedesk:{name}_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ROW_LISTS)
@pytest.mark.parametrize("role", [Role.EMPLOYEE, "acme_contact"])
def test_ticket_row_lists_are_staff_only(client, desk, name, role):
    client.force_login(desk["users"][role])
    assert client.get(reverse(f"servicedesk:{name}_list")).status_code == 403


def test_an_entry_row_opens_its_ticket_and_internal_notes_stay_staff_only(client, desk):
    t = w.new_ticket(desk)
    note = ticket_reply(ticket=t, actor=desk["users"][Role.AGENT], body="secret", kind="note")
    client.force_login(desk["users"][Role.AGENT])
    response = client.get(reverse("servicedesk:ticketentry_detail", kwargs={"pk": note.pk}))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/tickets/{t.pk}/#entry-{note.pk}")
    client.force_login(desk["users"][Role.EMPLOYEE])
    assert client.get(reverse("servicedesk:ticketentry_list")).status_code == 403


def test_entry_list_query_count_is_bounded(client, desk):
    t = w.new_ticket(desk)
    for i in range(20):
        ticket_reply(ticket=t, actor=desk["users"][Role.AGENT], body=f"r{i}")
    client.force_login(desk["users"][Role.AGENT])
    with query_budget(12):
        assert client.get(reverse("servicedesk:ticketentry_list")).status_code == 200
    assert TicketEntry.objects.count() >= 20


def test_priority_matrix_grid_shows_the_nine_cells(client, desk):
    client.force_login(desk["users"][Role.IT_MANAGER])
    response = client.get(reverse("servicedesk:priority_matrix"))
    assert response.status_code == 200
    assert response.content.decode().count('class="matrix-cell"') == 9
    assert PriorityRule.objects.count() == 9
    assert "P1 Critical" in response.content.decode()


def test_priority_matrix_is_refused_to_employees(client, desk):
    client.force_login(desk["users"][Role.EMPLOYEE])
    assert client.get(reverse("servicedesk:priority_matrix")).status_code == 403


def test_manager_adds_a_category_through_the_generic_form(client, desk):
    client.force_login(desk["users"][Role.IT_MANAGER])
    response = client.post(
        reverse("servicedesk:category_add"), {"name": "Software", "is_active": "on"}
    )
    assert response.status_code == 302
    assert Category.objects.filter(name="Software").exists()


def test_duplicate_top_level_category_is_a_field_error(client, desk):
    client.force_login(desk["users"][Role.IT_MANAGER])
    response = client.post(reverse("servicedesk:category_add"), {"name": "Hardware"})
    assert response.status_code == 400


def test_agent_may_write_canned_responses_but_not_routing_rules(client, desk):
    client.force_login(desk["users"][Role.AGENT])
    response = client.post(
        reverse("servicedesk:cannedresponse_add"),
        {"title": "Hi", "body": "Hello", "is_active": "on"},
    )
    assert response.status_code == 302 and CannedResponse.objects.filter(title="Hi").exists()
    assert client.get(reverse("servicedesk:routingrule_add")).status_code == 403


def test_agent_menu_has_the_service_desk_and_its_settings(client, desk):
    client.force_login(desk["users"][Role.AGENT])
    html = client.get("/").content.decode()
    assert "Service desk" in html and reverse("servicedesk:ticket_list") in html
    assert reverse("servicedesk:priority_matrix") in html


def test_employee_menu_has_no_agent_pages(client, desk):
    client.force_login(desk["users"][Role.EMPLOYEE])
    html = client.get("/").content.decode()
    assert reverse("servicedesk:ticket_list") not in html
    assert reverse("servicedesk:routingrule_list") not in html


def test_dashboard_cards_count_my_queues_for_agents_only(client, desk):
    t = w.new_ticket(desk)
    from steward.servicedesk.models import Ticket

    Ticket.objects.filter(pk=t.pk).update(team=desk["network"], assignee=desk["agent"])
    client.force_login(desk["users"][Role.AGENT])
    cards = {str(c["label"]): c["value"] for c in client.get("/").context["cards"]}
    assert cards["My open tickets"] == 1
    assert cards["Unassigned in my teams"] == 0
    client.force_login(desk["users"][Role.EMPLOYEE])
    cards = {str(c["label"]) for c in client.get("/").context["cards"]}
    assert "My open tickets" not in cards


def test_demo_loader_is_idempotent(db):
    from steward.servicedesk.models import SavedQueue
    from steward.servicedesk.ui import demo

    demo.load(log=lambda *a: None)
    counts = (CannedResponse.objects.count(), SavedQueue.objects.count())
    demo.load(log=lambda *a: None)
    assert (CannedResponse.objects.count(), SavedQueue.objects.count()) == counts
    assert counts[0] >= 5 and SavedQueue.objects.filter(owner=None).count() == counts[1]


def test_a_private_saved_queue_is_invisible_and_unchangeable_to_another_agent(make_user):
    from steward.core import permissions
    from steward.core.permissions import Role
    from steward.servicedesk.models import SavedQueue

    owner, other, manager = (
        make_user(Role.AGENT),
        make_user(Role.AGENT),
        make_user(Role.IT_MANAGER),
    )
    private = SavedQueue.objects.create(name="Mine", owner=owner, query="status=new")
    shared = SavedQueue.objects.create(name="Team", owner=None, query="status=new")
    visible = permissions.restrict(SavedQueue.objects.all(), other, "view")
    assert list(visible) == [shared]
    assert not permissions.can(other, "change", private)
    assert not permissions.can(other, "change", shared)
    assert permissions.can(manager, "change", shared)
    assert permissions.can(owner, "delete", private)
