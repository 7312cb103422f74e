"""The risk heat map in Chromium: an IT manager sees the 5 x 5 grid coloured by the matrix's
bands with the counts of open risks, switches to residual scores, follows a cell to the
filtered list and opens a risk with its controls and linked incident; a risk owner sees
only their own risk on the map."""

from __future__ import annotations

import pytest

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(org_world):
    from steward.org.models import Person
    from steward.servicedesk.models import Ticket
    from steward.strategy.models import Risk, RiskControl, RiskIncident
    from steward.strategy.risk import default_matrix

    users = org_world["users"]
    matrix = default_matrix()
    owner = Person.objects.get(user=users[Role.EMPLOYEE])

    def risk(title, lk, im, **kw):
        return Risk.objects.create(
            title=title,
            category=kw.pop("category", "security"),
            matrix=matrix,
            inherent_likelihood=lk,
            inherent_impact=im,
            **kw,
        )

    ransomware = risk("Ransomware", 4, 5, residual_likelihood=2, residual_impact=4)
    risk("Phishing", 4, 5, residual_likelihood=3, residual_impact=3)
    risk("Laptop theft", 4, 3, category="data", owner=owner)
    risk("Supplier failure", 2, 3, category="supplier")
    risk("Old DNS exposure", 5, 5, status="closed")
    RiskControl.objects.create(
        risk=ransomware, name="Immutable offline backups", control_type="corrective"
    )
    ticket = Ticket.objects.create(
        title="Encrypted files on the share",
        reference="INC-070001",
        requester=Person.objects.get(user=users[Role.AGENT]),
        organisation=org_world["internal"],
    )
    RiskIncident.objects.create(risk=ransomware, ticket_id=ticket.pk, opened_at=ticket.created_at)
    return {"users": users, "ransomware": ransomware}


def _cell(page, lk, im):
    return page.locator(f'#heatmap td[data-likelihood="{lk}"][data-impact="{im}"]')


def test_heat_map_inherent_and_residual_and_a_cell_to_its_risks(session, register):
    manager = session("risk-manager")
    manager.login(register["users"][Role.IT_MANAGER].username)
    manager.goto("/strategy/risks/heat-map/")
    page = manager.page
    assert page.locator("#heatmap tbody tr").count() == 5
    assert page.locator("#heatmap tbody td").count() == 25
    assert _cell(page, 4, 5).inner_text().strip() == "2"
    assert _cell(page, 5, 5).inner_text().strip() == "·"  # the closed risk is not counted
    # Coloured by the bands: critical top right, low bottom left.
    colour = _cell(page, 4, 5).evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(236, 122, 110)"
    assert _cell(page, 1, 1).evaluate("e => getComputedStyle(e).backgroundColor") == (
        "rgb(159, 216, 154)"
    )
    label = _cell(page, 4, 5).locator("a").get_attribute("aria-label")
    assert label == "2 risks, likelihood Likely, impact Severe, level Critical"
    manager.shot("inherent")

    page.get_by_label("Residual").check()
    page.wait_for_url("**view=residual**")
    assert _cell(page, 4, 5).inner_text().strip() == "·"
    assert _cell(page, 2, 4).inner_text().strip() == "1"
    assert _cell(page, 3, 3).inner_text().strip() == "1"
    manager.shot("residual")

    _cell(page, 2, 4).locator("a").click()
    page.wait_for_url("**/strategy/risks/?**")
    assert manager.table_rows() == 1
    assert "Ransomware" in page.locator("#list-table").inner_text()
    page.get_by_role("link", name="RSK-").first.click()
    page.wait_for_url(f"**/strategy/risks/{register['ransomware'].pk}/")
    assert "Immutable offline backups" in page.locator("#controls").inner_text()
    assert "INC-070001" in page.locator("#incidents").inner_text()
    assert "1 linked incident opened in the last 90 days" in page.locator("#incidents").inner_text()
    assert page.locator("#risk-scores").inner_text().count("Critical") == 1
    manager.shot("risk")
    assert manager.errors == []


def test_an_owner_sees_only_their_risk_on_the_map(session, register):
    owner = session("risk-owner")
    owner.login(register["users"][Role.EMPLOYEE].username)
    owner.goto("/strategy/risks/heat-map/")
    page = owner.page
    counts = page.locator("#heatmap td a").all_inner_texts()
    assert counts == ["1"]
    assert _cell(page, 4, 3).inner_text().strip() == "1"
    owner.shot("owner")
    assert owner.errors == []
