"""The menu marks the entry a page belongs to, and only that one."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from steward.core.permissions import Role
from steward.core.testing import PASSWORD
from steward.core.ui.context import current_href


def test_the_longest_entry_a_path_starts_with_is_current():
    hrefs = ["/strategy/", "/strategy/risks/", "/strategy/risks/heat-map/", "/changes/calendar/"]
    assert current_href(hrefs, "/strategy/") == "/strategy/"
    assert current_href(hrefs, "/strategy/risks/12/") == "/strategy/risks/"
    assert current_href(hrefs, "/strategy/risks/heat-map/") == "/strategy/risks/heat-map/"
    assert current_href(hrefs, "/changes/calendar/week/") == "/changes/calendar/"
    assert current_href(hrefs, "/assets/") == ""
    assert current_href(["", "/x/"], "/y/") == ""


@pytest.mark.django_db
def test_a_page_below_a_dashboard_marks_one_menu_entry(org_world):
    client = Client()
    assert client.login(username=org_world["users"][Role.IT_MANAGER].username, password=PASSWORD)
    dashboard, risks = reverse("strategy:dashboard"), reverse("strategy:risk_list")
    assert risks.startswith(dashboard)  # the dashboard's address is a prefix of the others'
    for path, expected in ((risks, risks), ("/changes/calendar/week/", "/changes/calendar/")):
        page = client.get(path).content.decode()
        nav = page[page.index('class="shell-nav"') : page.index('id="main"')]
        assert dashboard in nav
        assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == [expected]
