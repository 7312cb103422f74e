"""Who lands where, and what each role finds in the portal's navigation."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.permissions import Role
from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = [
    "/portal/",
    "/portal/report/",
    "/portal/tickets/",
    "/portal/request/",
    "/portal/knowledge/",
]


def _login(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    client.landing = response.redirect_chain[-1][0]  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("username", [Role.EMPLOYEE, "acme_contact"])
def test_self_service_people_land_in_the_portal_after_login(world, username):
    assert _login(username).landing == "/portal/"


@pytest.mark.parametrize("username", [Role.ADMIN, Role.AGENT, Role.IT_MANAGER])
def test_staff_land_on_the_agent_home_after_login(world, username):
    assert _login(username).landing == "/"


def test_an_employee_who_is_also_an_agent_keeps_the_agent_home(world, make_user):
    from steward.org.models import Person

    both = make_user(Role.EMPLOYEE, Role.AGENT, username="both")
    Person.objects.create(
        first_name="Bo", last_name="Th", organisation=world["internal"], user=both
    )
    assert _login("both").landing == "/"


@pytest.mark.parametrize("username", [Role.EMPLOYEE, "acme_contact", "globex_contact", Role.AGENT])
@pytest.mark.parametrize("path", PAGES)
def test_every_portal_page_opens_for_each_role(client_for, username, path):
    response = client_for(username).get(path)
    assert response.status_code == 200
    assert response.templates[0].name.startswith("portal/")


@pytest.mark.parametrize("path", [*PAGES, "/portal/approvals/"])
def test_anonymous_visitors_are_sent_to_log_in(world, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_employees_see_approvals_in_the_menu_customers_do_not(client_for):
    employee = client_for(Role.EMPLOYEE).get("/portal/")
    labels = [i["label"] for i in employee.context["portal_nav"]["items"]]
    assert labels == [
        "Home",
        "Report an issue",
        "Request something",
        "My tickets",
        "Approvals",
        "Knowledge",
        "My assets",
    ]
    contact = client_for("acme_contact").get("/portal/")
    assert "Approvals" not in [i["label"] for i in contact.context["portal_nav"]["items"]]
    assert client_for("acme_contact").get("/portal/approvals/").status_code == 404


def test_my_assets_link_appears_only_with_an_assets_app(client_for, monkeypatch):
    from django.apps import apps

    client = client_for(Role.EMPLOYEE)
    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "steward.assets" and real(name))
    assert "My assets" not in client.get("/portal/").content.decode()
    monkeypatch.setattr(apps, "is_installed", real)
    page = client.get("/portal/").content.decode()
    assert "My assets" in page and 'href="/portal/assets/"' in page


def test_the_portal_has_no_agent_menus(client_for):
    page = client_for(Role.EMPLOYEE).get("/portal/").content.decode()
    assert "shell-nav" not in page and "Audit log" not in page and "Agent workspace" not in page
    staff = client_for(Role.AGENT).get("/portal/").content.decode()
    assert "Agent workspace" in staff
