"""Internal attachments on tickets: IT staff's only, like internal comments. Requesters
(employees and customer contacts) never list or download them on their own tickets, through
the detail tab, the portal, the API or the download address."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core import features
from steward.core.models import Attachment
from steward.core.permissions import Role
from steward.org.models import Person
from steward.servicedesk import services as desk
from steward.servicedesk.models import Ticket

pytestmark = pytest.mark.django_db

REQUESTERS = [Role.EMPLOYEE, "acme_contact"]


def _file(name: str, data: bytes = b"some text") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


@pytest.fixture
def world(org_world) -> dict[str, Any]:
    """A ticket of the employee and one of an Acme contact, each with a public and an
    internal file attached by an agent."""
    users = org_world["users"]
    agent = users[Role.AGENT]
    tickets = {}
    for who in REQUESTERS:
        requester = Person.objects.get(user=users[who])
        ticket = desk.ticket_create(actor=None, requester=requester, title=f"Ticket of {who}")
        features.attachment_add(obj=ticket, upload=_file("public-answer.txt"), user=agent)
        features.attachment_add(
            obj=ticket, upload=_file("staff-only.txt", b"SECRET"), user=agent, internal=True
        )
        tickets[who] = ticket
    return {**org_world, "tickets": tickets}


def _files(ticket: Ticket) -> dict[str, Attachment]:
    return {a.name: a for a in features.attachments_for(ticket, None)}


def _tab(ticket: Ticket) -> str:
    ct = ContentType.objects.get_for_model(Ticket).pk
    return f"/objects/{ct}/{ticket.pk}/attachments/"


@pytest.mark.parametrize("who", REQUESTERS)
def test_requester_never_lists_internal_attachments_in_the_detail_tab(client, world, who):
    client.force_login(world["users"][who])
    r = client.get(_tab(world["tickets"][who]))
    assert r.status_code == 200
    assert b"public-answer.txt" in r.content and b"staff-only.txt" not in r.content
    assert b'name="internal"' not in r.content


def test_agent_lists_internal_attachments_marked_and_may_upload_them(client, world):
    client.force_login(world["users"][Role.AGENT])
    ticket = world["tickets"][Role.EMPLOYEE]
    r = client.get(_tab(ticket))
    assert b"public-answer.txt" in r.content and b"staff-only.txt" in r.content
    assert b'class="internal"' in r.content and b'name="internal"' in r.content
    client.post(_tab(ticket), {"file": _file("diagnosis.txt"), "internal": "on"})
    assert _files(ticket)["diagnosis.txt"].internal


def test_requester_marking_a_file_internal_in_the_tab_still_uploads_it_public(client, world):
    client.force_login(world["users"][Role.EMPLOYEE])
    ticket = world["tickets"][Role.EMPLOYEE]
    client.post(_tab(ticket), {"file": _file("photo.txt"), "internal": "on"})
    assert _files(ticket)["photo.txt"].internal is False


@pytest.mark.parametrize("who", REQUESTERS)
def test_requester_cannot_download_an_internal_attachment_by_url(client, world, who):
    files = _files(world["tickets"][who])
    client.force_login(world["users"][who])
    assert client.get(f"/attachments/{files['staff-only.txt'].pk}/").status_code == 404
    assert client.get(f"/attachments/{files['public-answer.txt'].pk}/").status_code == 200


def test_agent_downloads_an_internal_attachment(client, world):
    files = _files(world["tickets"]["acme_contact"])
    client.force_login(world["users"][Role.AGENT])
    r = client.get(f"/attachments/{files['staff-only.txt'].pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"SECRET"


@pytest.mark.parametrize("who", REQUESTERS)
def test_portal_ticket_page_never_shows_internal_attachments(client, world, who):
    client.force_login(world["users"][who])
    r = client.get(f"/portal/tickets/{world['tickets'][who].pk}/")
    assert r.status_code == 200
    assert b"public-answer.txt" in r.content and b"staff-only.txt" not in r.content


@pytest.mark.parametrize("who", REQUESTERS)
def test_requester_never_lists_or_downloads_internal_attachments_through_the_api(api, world, who):
    ticket = world["tickets"][who]
    files = _files(ticket)
    client = api(world["users"][who])
    base = f"/api/servicedesk/tickets/{ticket.pk}/attachments/"
    rows = client.get(base).json()
    assert [r["name"] for r in rows] == ["public-answer.txt"]
    assert rows[0]["internal"] is False and rows[0]["download"].endswith(
        f"{base}{files['public-answer.txt'].pk}/"
    )
    assert client.get(f"{base}{files['staff-only.txt'].pk}/").status_code == 404
    r = client.get(f"{base}{files['public-answer.txt'].pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"some text"


def test_agent_lists_downloads_and_uploads_internal_attachments_through_the_api(api, world):
    ticket = world["tickets"]["acme_contact"]
    client = api(world["users"][Role.AGENT])
    base = f"/api/servicedesk/tickets/{ticket.pk}/attachments/"
    rows = {r["name"]: r for r in client.get(base).json()}
    assert rows["staff-only.txt"]["internal"] is True
    r = client.get(f"{base}{rows['staff-only.txt']['id']}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"SECRET"
    r = client.post(base, {"file": _file("trace.txt"), "internal": "true"}, format="multipart")
    assert r.status_code == 201 and r.json()["internal"] is True
    assert _files(ticket)["trace.txt"].internal


@pytest.mark.parametrize("who", REQUESTERS)
def test_requester_cannot_upload_an_internal_attachment_through_the_api(api, world, who):
    ticket = world["tickets"][who]
    client = api(world["users"][who])
    base = f"/api/servicedesk/tickets/{ticket.pk}/attachments/"
    r = client.post(base, {"file": _file("mine.txt"), "internal": "true"}, format="multipart")
    assert r.status_code == 403 and "mine.txt" not in _files(ticket)
    r = client.post(base, {"file": _file("mine.txt")}, format="multipart")
    assert r.status_code == 201 and r.json()["internal"] is False


def test_only_staff_mark_a_file_internal_in_the_service(world):
    ticket = world["tickets"][Role.EMPLOYEE]
    with pytest.raises(PermissionDenied):
        features.attachment_add(
            obj=ticket, upload=_file("x.txt"), user=world["users"][Role.EMPLOYEE], internal=True
        )


def test_customer_of_another_organisation_never_reaches_the_files(api, client, world):
    ticket = world["tickets"]["acme_contact"]
    files = _files(ticket)
    globex = world["users"]["globex_contact"]
    client.force_login(globex)
    for a in files.values():
        assert client.get(f"/attachments/{a.pk}/").status_code == 404
    assert client.get(_tab(ticket)).status_code == 404
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
    base = f"/api/servicedesk/tickets/{ticket.pk}/attachments/"
    assert api(globex).get(base).status_code == 404
    assert api(globex).get(f"{base}{files['public-answer.txt'].pk}/").status_code == 404
    r = api(globex).post(base, {"file": _file("x.txt")}, format="multipart")
    assert r.status_code == 404
