"""The main menu of each role leads only to pages that role may use, and employees and
customer contacts find their way back to the portal from the agent pages they reach."""

from __future__ import annotations

import re

import pytest

from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ("admin", "it_manager", "agent", "asset_manager", "employee", "acme_contact")


def _sidebar(html: str) -> list[tuple[str, str]]:
    aside = html.split('<aside class="shell-nav">', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', aside)


@pytest.mark.parametrize("username", ROLES)
def test_every_menu_entry_of_a_role_opens_without_a_403(client, org_world, username):
    assert client.login(username=username, password=PASSWORD)
    links = _sidebar(client.get("/org/people/").content.decode())
    assert links
    refused = [
        (label, href, status)
        for href, label in links
        if (status := client.get(href).status_code) != 200
    ]
    assert refused == []


def test_asset_managers_see_no_new_ticket_entry_they_could_not_use(client, org_world):
    assert client.login(username="asset_manager", password=PASSWORD)
    labels = [label for _, label in _sidebar(client.get("/org/people/").content.decode())]
    assert "Tickets" in labels and "New ticket" not in labels


@pytest.mark.parametrize(("username", "home"), [("employee", "/portal/"), ("agent", "/")])
def test_home_in_the_agent_shell_leads_self_service_people_to_the_portal(
    client, org_world, username, home
):
    assert client.login(username=username, password=PASSWORD)
    sidebar = _sidebar(client.get("/org/people/").content.decode())
    assert {label: href for href, label in sidebar}["Home"] == home


def test_catalogue_pages_keep_the_portal_layout_for_employees(client, org_world):
    assert client.login(username="employee", password=PASSWORD)
    html = client.get("/catalogue/browse/").content.decode()
    assert 'class="portal"' in html and "shell-nav" not in html
    assert client.login(username="agent", password=PASSWORD)
    assert "shell-nav" in client.get("/catalogue/browse/").content.decode()
