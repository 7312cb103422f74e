"""An IT manager opens every service desk settings and SLA page from the menu: each answers,
every input has a label, and a screenshot of each is kept for review."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_servicedesk_agent import desk  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_settings_and_sla_page_opens_with_labelled_inputs(session, desk):  # noqa: F811
    from tests.e2e.test_a11y import UNLABELLED

    s = session("servicedesk-settings")
    s.login("it_manager")
    section = s.page.locator(".shell-nav h2", has_text="Service desk settings")
    links = section.locator("xpath=following-sibling::ul[1]//a")
    pages = [(a.inner_text().strip(), a.get_attribute("href")) for a in links.all()]
    assert {"SLA policies", "Business calendars", "Escalation rules"} <= {p[0] for p in pages}
    for label, href in pages:
        assert s.goto(href).status == 200, href
        assert s.page.evaluate(UNLABELLED) == [], href
        s.shot(re.sub(r"[^a-z0-9]+", "-", label.lower()))
        add = s.page.get_by_role("button", name="Add")
        if add.count():
            add.first.click()
            s.page.wait_for_load_state()
            assert s.page.evaluate(UNLABELLED) == [], s.page.url
            s.shot(re.sub(r"[^a-z0-9]+", "-", label.lower()) + "-add")
    s.goto("/servicedesk/settings/sla-policies/")
    s.page.get_by_role("link", name="Standard").first.click()
    s.page.wait_for_load_state()
    s.shot("sla-policy-detail")
    assert s.errors == []
