"""What each role sees after logging in: menu, people rows, the audit log."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORG_MENU = ["People", "Teams", "Organisations", "Departments", "Locations", "Cost centres"]

# role -> (menu entries expected, menu entries that must be absent, people rows, audit status)
EXPECTED = {
    "admin": ([*ORG_MENU, "Audit log"], [], 7, 200),
    "it_manager": ([*ORG_MENU, "Audit log"], [], 7, 200),
    "agent": (ORG_MENU, ["Audit log"], 7, 403),
    "asset_manager": (ORG_MENU, ["Audit log"], 7, 403),
    "employee": (["People", "Teams", "Organisations"], ["Audit log", "Background jobs"], 5, 403),
    "acme_contact": (
        ["People", "Organisations"],
        ["Teams", "Departments", "Audit log", "Background jobs"],
        1,
        403,
    ),
}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_sees_its_menu_people_and_audit_access(session, org_world, username):
    present, absent, people, audit_status = EXPECTED[username]
    s = session(f"role-{username}")
    s.login(username)
    s.shot("home")
    if username in ("employee", "acme_contact"):  # self-service roles land in the portal
        assert s.page.url.endswith("/portal/")
        s.goto("/org/people/")
    menu = s.nav_labels()
    for label in present:
        assert label in menu, f"{username} should see {label!r} in {menu}"
    for label in absent:
        assert label not in menu, f"{username} should not see {label!r} in {menu}"

    s.goto("/org/people/")
    s.shot("people")
    assert s.table_rows() == people
    names = " ".join(s.page.locator("#list-table tbody").all_inner_texts())
    if username == "acme_contact":
        assert "acme_contact" in names and "globex_contact" not in names
    if username == "employee":
        assert "Contact" not in names  # no customer contacts for employees

    response = s.goto("/audit/")
    assert response.status == audit_status
    if audit_status == 403:
        assert s.page.get_by_role("heading", name="Not allowed").is_visible()
        s.shot("audit-forbidden")
    else:
        assert s.page.get_by_role("heading", name="Audit log").is_visible()
        assert s.table_rows() > 0
        s.shot("audit-log")
    assert s.errors == []
