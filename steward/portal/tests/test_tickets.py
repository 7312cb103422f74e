"""Report an issue, my tickets and a ticket's public conversation, per role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core.features import attachments_for
from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk import services as sd
from steward.servicedesk.models import (
    CustomerVisibility,
    OrganisationSetting,
    Ticket,
    TicketEntry,
)

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def _resolve(ticket):
    return sd.ticket_transition(
        ticket=ticket, actor=None, status="resolved", resolution="Replaced the toner."
    )


# ---- Report an issue -------------------------------------------------------------------------


def test_report_opens_a_portal_ticket_for_the_requester_and_shows_its_reference(
    world, client_for, person
):
    response = client_for(Role.EMPLOYEE).post(
        "/portal/report/",
        {
            "title": "Cannot print",
            "description": "Paper jam on floor 2",
            "service": world["email"].pk,
            "urgency": "1",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/report/{ticket.pk}/done/"
    assert ticket.requester == person(Role.EMPLOYEE)
    assert (ticket.channel, ticket.urgency, ticket.service) == ("portal", 1, world["email"])
    done = client_for(Role.EMPLOYEE).get(response["Location"])
    assert ticket.reference in done.content.decode()


def test_report_keeps_attachments_on_the_ticket(world, client_for):
    upload = SimpleUploadedFile("screen.txt", b"error 0x42", content_type="text/plain")
    client_for("acme_contact").post(
        "/portal/report/", {"title": "VPN down", "urgency": "2", "attachments": [upload]}
    )
    ticket = Ticket.objects.get()
    assert ticket.organisation == world["acme"]
    assert [a.name for a in attachments_for(ticket, None)] == ["screen.txt"]


def test_report_with_an_executable_is_refused_and_opens_no_ticket(world, client_for):
    upload = SimpleUploadedFile("tool.bin", ELF)
    response = client_for(Role.EMPLOYEE).post(
        "/portal/report/", {"title": "Please run", "urgency": "2", "attachments": [upload]}
    )
    assert response.status_code == 400
    assert "Executable files are not accepted." in response.content.decode()
    assert not Ticket.objects.exists()


def test_report_without_a_title_shows_the_field_error(world, client_for):
    response = client_for(Role.EMPLOYEE).post("/portal/report/", {"title": "", "urgency": "2"})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Ticket.objects.exists()


def test_report_offers_public_services_only(world, client_for):
    form = client_for("acme_contact").get("/portal/report/").context["form"]
    names = [label for _value, label in form.fields["service"].choices]
    assert "E-mail" in names and "Build farm" not in names
    response = client_for("acme_contact").post(
        "/portal/report/", {"title": "x", "urgency": "2", "service": world["secret"].pk}
    )
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_report_form_asks_for_article_suggestions_while_typing(world, client_for):
    page = client_for(Role.EMPLOYEE).get("/portal/report/").content.decode()
    assert 'hx-trigger="keyup changed delay:300ms"' in page
    assert 'hx-target="#suggestions"' in page


# ---- My tickets ------------------------------------------------------------------------------


def test_my_tickets_lists_my_open_and_closed_tickets_in_plain_words(world, client_for, open_ticket):
    mine = open_ticket(Role.EMPLOYEE, "Screen flickers")
    done = _resolve(open_ticket(Role.EMPLOYEE, "Old laptop"))
    open_ticket(Role.AGENT, "Someone else's")
    client = client_for(Role.EMPLOYEE)
    open_rows = client.get("/portal/tickets/").context["rows"]
    assert [r["ticket"].pk for r in open_rows] == [mine.pk]
    assert open_rows[0]["status"][0] in {"Received", "With our team"}
    closed_rows = client.get("/portal/tickets/?tab=closed").context["rows"]
    assert [(r["ticket"].pk, r["status"][0]) for r in closed_rows] == [
        (done.pk, "Solved: please confirm")
    ]


def test_staff_see_only_their_own_tickets_in_the_portal(world, client_for, open_ticket):
    open_ticket(Role.EMPLOYEE, "Employee's")
    own = open_ticket(Role.AGENT, "Agent's own")
    rows = client_for(Role.AGENT).get("/portal/tickets/").context["rows"]
    assert [r["ticket"].pk for r in rows] == [own.pk]


def test_a_customer_contact_sees_own_tickets_unless_the_organisation_shares(
    world, client_for, open_ticket, acme_colleague
):
    own = open_ticket("acme_contact", "Mine")
    colleague = open_ticket("acme_two", "My colleague's")
    open_ticket("globex_contact", "Globex's")
    client = client_for("acme_contact")
    assert [r["ticket"].pk for r in client.get("/portal/tickets/").context["rows"]] == [own.pk]
    assert client.get(f"/portal/tickets/{colleague.pk}/").status_code == 404

    OrganisationSetting.objects.create(
        organisation=world["acme"], customer_visibility=CustomerVisibility.ORGANISATION
    )
    rows = client.get("/portal/tickets/").context["rows"]
    assert {r["ticket"].pk for r in rows} == {own.pk, colleague.pk}
    page = client.get(f"/portal/tickets/{colleague.pk}/")
    assert page.status_code == 200
    assert page.context["moves"] == set()  # not the requester: no resolve/reopen buttons


def test_a_contact_of_another_organisation_gets_404_everywhere(world, client_for, open_ticket):
    ticket = open_ticket("acme_contact", "Acme only")
    OrganisationSetting.objects.create(
        organisation=world["globex"], customer_visibility=CustomerVisibility.ORGANISATION
    )
    client = client_for("globex_contact")
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
    assert client.post(f"/portal/tickets/{ticket.pk}/", {"body": "hi"}).status_code == 404
    move = client.post(f"/portal/tickets/{ticket.pk}/status/", {"status": "cancelled"})
    assert move.status_code == 404
    assert client.get(f"/portal/report/{ticket.pk}/done/").status_code == 404
    assert client.get("/portal/tickets/").context["rows"] == []
    ticket.refresh_from_db()
    assert ticket.status != "cancelled" and not TicketEntry.objects.filter(body="hi").exists()


def test_an_employee_cannot_open_a_colleagues_ticket(world, client_for, open_ticket):
    ticket = open_ticket(Role.ASSET_MANAGER, "Not yours")
    assert client_for(Role.EMPLOYEE).get(f"/portal/tickets/{ticket.pk}/").status_code == 404
    assert client_for(Role.EMPLOYEE).get("/portal/tickets/abc/").status_code == 404


def test_my_tickets_query_count_does_not_grow_with_rows(world, client_for, open_ticket):
    client = client_for("acme_contact")
    open_ticket("acme_contact", "first")
    client.get("/portal/tickets/")
    with query_budget(12) as few:
        client.get("/portal/tickets/")
    for n in range(15):
        open_ticket("acme_contact", f"ticket {n}")
    with query_budget(len(few.captured_queries)):
        response = client.get("/portal/tickets/")
    assert len(response.context["rows"]) == 16


# ---- One ticket ------------------------------------------------------------------------------


def test_the_conversation_never_shows_internal_notes(world, client_for, open_ticket):
    ticket = open_ticket(Role.EMPLOYEE, "Wifi drops", description="Since Monday")
    agent = world["users"][Role.AGENT]
    sd.ticket_reply(ticket=ticket, actor=agent, body="We are on it.", kind="reply")
    sd.ticket_reply(ticket=ticket, actor=agent, body="SECRET: user is annoying", kind="note")
    for viewer in (Role.EMPLOYEE, Role.ADMIN):
        page = client_for(viewer).get(f"/portal/tickets/{ticket.pk}/").content.decode()
        assert "We are on it." in page and "Since Monday" in page
        assert "SECRET" not in page


def test_a_reply_adds_a_public_entry_and_files(world, client_for, open_ticket, person):
    ticket = open_ticket(Role.EMPLOYEE, "Mouse broken")
    upload = SimpleUploadedFile("photo.txt", b"a photo", content_type="text/plain")
    response = client_for(Role.EMPLOYEE).post(
        f"/portal/tickets/{ticket.pk}/", {"body": "It is the left button.", "attachments": upload}
    )
    assert response.status_code == 302
    entry = TicketEntry.objects.get(ticket=ticket, kind="reply")
    assert (entry.body, entry.author, entry.channel) == (
        "It is the left button.",
        person(Role.EMPLOYEE),
        "portal",
    )
    assert [a.name for a in attachments_for(ticket, None)] == ["photo.txt"]


def test_an_empty_reply_is_refused_with_a_field_error(world, client_for, open_ticket):
    ticket = open_ticket(Role.EMPLOYEE)
    response = client_for(Role.EMPLOYEE).post(f"/portal/tickets/{ticket.pk}/", {"body": "  "})
    assert response.status_code == 400
    assert not TicketEntry.objects.filter(ticket=ticket, kind="reply").exists()


def test_a_reply_to_a_resolved_ticket_reopens_it(world, client_for, open_ticket):
    ticket = _resolve(open_ticket(Role.EMPLOYEE))
    client_for(Role.EMPLOYEE).post(f"/portal/tickets/{ticket.pk}/", {"body": "Still jams."})
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.reopen_count == 1


def test_the_requester_confirms_a_resolution_and_the_ticket_closes(world, client_for, open_ticket):
    ticket = _resolve(open_ticket(Role.EMPLOYEE))
    client = client_for(Role.EMPLOYEE)
    page = client.get(f"/portal/tickets/{ticket.pk}/")
    assert page.context["moves"] == {"closed", "in_progress"}
    assert "Yes, this is solved" in page.content.decode()
    client.post(f"/portal/tickets/{ticket.pk}/status/", {"status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    closed = client.get(f"/portal/tickets/{ticket.pk}/")
    assert closed.context["can_reply"] is False and closed.context["moves"] == set()


def test_the_requester_reopens_a_resolution(world, client_for, open_ticket):
    ticket = _resolve(open_ticket("acme_contact"))
    client_for("acme_contact").post(
        f"/portal/tickets/{ticket.pk}/status/", {"status": "in_progress"}
    )
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.reopen_count == 1


def test_an_open_ticket_cannot_be_closed_by_its_requester(world, client_for, open_ticket):
    ticket = open_ticket(Role.EMPLOYEE)
    client = client_for(Role.EMPLOYEE)
    assert client.get(f"/portal/tickets/{ticket.pk}/").context["moves"] == {"cancelled"}
    response = client.post(
        f"/portal/tickets/{ticket.pk}/status/", {"status": "closed"}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.status in {"new", "assigned"}
    assert response.context["messages"]


def test_an_organisation_colleague_cannot_close_a_contacts_ticket(
    world, client_for, open_ticket, acme_colleague
):
    OrganisationSetting.objects.create(
        organisation=world["acme"], customer_visibility=CustomerVisibility.ORGANISATION
    )
    ticket = _resolve(open_ticket("acme_contact"))
    client = client_for("acme_two")
    client.post(f"/portal/tickets/{ticket.pk}/status/", {"status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


def test_unknown_status_actions_change_nothing(world, client_for, open_ticket):
    ticket = _resolve(open_ticket(Role.EMPLOYEE))
    client_for(Role.EMPLOYEE).post(f"/portal/tickets/{ticket.pk}/status/", {"status": "new"})
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


def test_ticket_detail_query_count_does_not_grow_with_replies(world, client_for, open_ticket):
    ticket = open_ticket(Role.EMPLOYEE)
    client = client_for(Role.EMPLOYEE)
    agent = world["users"][Role.AGENT]
    sd.ticket_reply(ticket=ticket, actor=agent, body="first", kind="reply")
    client.get(f"/portal/tickets/{ticket.pk}/")
    with query_budget(20) as few:
        client.get(f"/portal/tickets/{ticket.pk}/")
    for n in range(10):
        sd.ticket_reply(ticket=ticket, actor=agent, body=f"reply {n}", kind="reply")
    with query_budget(len(few.captured_queries)):
        response = client.get(f"/portal/tickets/{ticket.pk}/")
    assert len(response.context["entries"]) == 11
