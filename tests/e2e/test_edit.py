"""Forms and detail tabs: create and edit an organisation, comment on and attach a file to a
person, global search, log out."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_create_then_edit_an_organisation_records_both_in_history(session, org_world):
    from steward.core.models import AuditEntry
    from steward.org.models import Organisation

    s = session("organisation-form")
    s.login("admin")
    s.goto("/org/organisations/")
    s.page.get_by_role("button", name="Add").click()
    s.page.wait_for_url("**/org/organisations/add/")
    s.shot("new-form")
    s.page.get_by_role("button", name="Save").click()  # empty name: a field error, no 500
    assert s.page.locator("small.error").first.is_visible()
    s.shot("new-form-errors")

    s.page.get_by_label("Name").fill("Initech")
    s.page.get_by_label("Kind").select_option("customer")
    s.page.get_by_label("Mail domain").fill("initech.example")
    s.page.get_by_role("button", name="Save").click()
    s.page.wait_for_url(re.compile(r"/org/organisations/\d+/$"))
    assert s.page.get_by_role("heading", name="Initech").is_visible()
    assert "Saved Initech" in s.page.locator(".messages").inner_text()
    org = Organisation.objects.get(name="Initech")
    assert org.mail_domain == "initech.example"

    s.page.get_by_role("button", name="Edit").click()
    s.page.wait_for_url(re.compile(r"/edit/$"))
    s.page.get_by_label("Mail domain").fill("initrode.example")
    s.page.get_by_role("button", name="Save").click()
    s.page.wait_for_url(re.compile(r"/org/organisations/\d+/$"))
    assert "initrode.example" in s.page.locator(".fields").inner_text()

    # History is the first tab: the page loads it, and clicking it loads it again. Interact
    # only once the click's answer has replaced the page's (an entry opened in the first
    # answer would be swapped for a closed one: the failure CI saw as an empty table).
    entries = s.page.locator("#tab-panel .history-entry")
    entries.nth(1).wait_for()
    from_page_load = entries.first.element_handle()
    s.page.get_by_role("tab", name="History").click()
    from_page_load.wait_for_element_state("hidden")
    entries.nth(1).wait_for()
    newest = entries.first
    assert "Updated" in newest.inner_text() and "mail_domain" in newest.inner_text()
    newest.locator("summary").click()
    newest.locator("table").get_by_text("initrode.example").first.wait_for()
    assert "initrode.example" in newest.locator("table").inner_text()
    assert "Created" in entries.nth(1).inner_text()
    s.shot("history-after-edit")
    audit = AuditEntry.objects.filter(object_id=str(org.pk), content_type__model="organisation")
    assert set(audit.values_list("origin", flat=True)) == {"web"}
    assert s.errors == []


def test_comment_and_attachment_on_a_person(session, org_world, tmp_path):
    from steward.org.models import Person

    person = Person.objects.get(first_name="employee")
    s = session("person-tabs")
    s.login("agent")
    s.goto(f"/org/people/{person.pk}/")
    s.page.get_by_role("tab", name="Comments").click()
    s.page.get_by_label("Add a comment").fill("Laptop handed over at the front desk.")
    s.page.get_by_role("button", name="Comment").click()
    s.page.locator("#tab-panel .comment").first.wait_for()
    assert "Laptop handed over" in s.page.locator("#tab-panel .comment").first.inner_text()
    s.shot("comment")

    upload = tmp_path / "receipt.txt"
    upload.write_text("Signed by the employee.\n")
    s.page.get_by_role("tab", name="Attachments").click()
    s.page.get_by_label(re.compile("Attach a file")).set_input_files(str(upload))
    s.page.get_by_role("button", name="Upload").click()
    link = s.page.locator("#tab-panel").get_by_role("link", name="receipt.txt")
    link.wait_for()
    s.shot("attachment")
    with s.page.expect_download() as download:
        link.click()
    assert download.value.path().read_text() == "Signed by the employee.\n"

    staff_only = tmp_path / "background-check.txt"
    staff_only.write_text("For HR and IT only.\n")
    s.page.get_by_label(re.compile("Attach a file")).set_input_files(str(staff_only))
    s.page.get_by_label(re.compile("Internal file")).check()
    s.page.get_by_role("button", name="Upload").click()
    row = s.page.locator("#tab-panel tr.internal")
    row.wait_for()
    assert "background-check.txt" in row.inner_text() and "internal" in row.inner_text()
    s.shot("internal-attachment")
    assert s.errors == []


def test_a_tab_opened_while_the_first_still_loads_stays_open(session, org_world):
    """The first tab loads with the page; a tab the user opens before that answer arrives is
    not replaced by it when it lands late (the tab list's requests replace each other)."""
    from playwright.sync_api import Error as PlaywrightError

    from steward.org.models import Person

    person = Person.objects.get(first_name="employee")
    s = session("tab-race")
    s.login("agent")
    held: list = []

    def hold(route):  # the page's History answer waits until the test lets it go
        held.append(route)

    s.page.route(re.compile(r"/history/$"), hold)
    s.goto(f"/org/people/{person.pk}/")
    for _ in range(250):
        if held:
            break
        s.page.wait_for_timeout(20)
    assert held, "the page did not ask for its first tab"
    s.page.get_by_role("tab", name="Comments").click()
    s.page.get_by_label("Add a comment").wait_for()
    s.page.unroute(re.compile(r"/history/$"))
    # Let the History answer go; the browser has already dropped that request.
    with contextlib.suppress(PlaywrightError):  # an aborted request cannot be continued
        held[0].continue_()
    s.page.wait_for_timeout(500)
    assert s.page.locator("#tab-panel .history-entry").count() == 0
    assert s.page.get_by_label("Add a comment").is_visible()
    assert s.errors == []


def test_global_search_finds_a_person_then_log_out(session, org_world):
    from steward.org.models import Person

    Person.objects.create(
        first_name="Marguerite",
        last_name="Quennell",
        organisation=org_world["internal"],
        email="mq@internal.example",
    )
    # Employees land in the portal, which has no agent search; staff keep the global search.
    employee = session("search-employee")
    employee.login("employee")
    assert employee.page.url.endswith("/portal/")
    assert employee.page.get_by_role("searchbox", name="Search everything").count() == 0

    s = session("search-logout")
    s.login("agent")
    assert urlsplit(s.page.url).path == "/"  # staff land on the agent home
    search = s.page.get_by_role("searchbox", name="Search everything")
    search.fill("Quennell")
    search.press("Enter")
    s.page.wait_for_url(re.compile(r"/search/\?q=Quennell"))
    hit = s.page.get_by_role("link", name="Marguerite Quennell")
    assert hit.is_visible()
    s.shot("search")
    hit.click()
    s.page.wait_for_url(re.compile(r"/org/people/\d+/$"))

    s.page.locator(".user-menu summary").click()
    s.page.get_by_role("button", name="Log out").click()
    s.page.wait_for_url(re.compile(r"/login/"))
    s.shot("logged-out")
    assert s.goto("/org/people/").url.endswith("/login/?next=/org/people/")
    assert s.errors == []
