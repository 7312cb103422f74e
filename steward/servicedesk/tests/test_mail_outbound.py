"""Ticket mail out: acknowledgement, staff replies and resolution, threaded for mail clients."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail as django_mail

from steward.core.mail import loop_marker
from steward.core.models import Watch
from steward.servicedesk import mailids, mailout
from steward.servicedesk.models import EntryKind, Status, Ticket, TicketEntry
from steward.servicedesk.services.tickets import ticket_reply, ticket_transition
from steward.servicedesk.tests.mail_world import DESK, deliver, desk_fixture, eml  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(desk, django_capture_on_commit_callbacks):
    """A ticket opened by mail from the Acme contact, and its acknowledgement."""
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(eml("From: acme_contact@acme.example")).handled
    ticket = Ticket.objects.select_related("requester").get()
    [ack] = django_mail.outbox
    django_mail.outbox.clear()
    return ticket, ack


def test_acknowledgement_goes_to_the_requester_with_reference_and_thread_headers(opened):
    ticket, ack = opened
    assert ack.to == ["acme_contact@acme.example"] and ack.cc == []
    assert ack.subject == f"[{ticket.reference}] Laptop does not boot"
    assert ack.reply_to == [DESK]
    headers = ack.extra_headers
    assert mailids.ticket_id_of(headers["Message-ID"]) == ticket.pk
    assert headers["In-Reply-To"] == "<m1@acme.example>"
    assert headers["References"].split() == [mailids.thread_root(ticket.pk), "<m1@acme.example>"]
    assert headers["Auto-Submitted"] == "auto-replied"
    assert headers["X-Loop"] == loop_marker()
    assert ticket.reference in ack.body
    [(html, kind)] = ack.alternatives
    assert kind == "text/html" and f"<strong>{ticket.reference}</strong>" in html
    sent = ack.message()
    assert sent["Message-ID"] == headers["Message-ID"]


def test_a_staff_reply_mails_requester_and_watchers_and_stores_its_message_id(
    opened, desk, django_capture_on_commit_callbacks
):
    ticket, _ack = opened
    # a watcher who may see the ticket (an employee may not: watchers who cannot see a
    # ticket get no mail about it)
    watcher = desk["users"]["it_manager"]
    Watch.objects.create(
        user=watcher, content_type=ContentType.objects.get_for_model(Ticket), object_id=ticket.pk
    )
    agent = desk["users"]["agent"]
    with django_capture_on_commit_callbacks(execute=True):
        entry = ticket_reply(ticket=ticket, actor=agent, body="Please try a BIOS reset.")
    [reply] = django_mail.outbox
    entry.refresh_from_db()
    assert reply.extra_headers["Message-ID"] == entry.message_id
    assert mailids.ticket_id_of(entry.message_id) == ticket.pk
    assert (reply.to, reply.cc) == (["acme_contact@acme.example"], [watcher.email])
    assert reply.subject == f"[{ticket.reference}] Laptop does not boot"
    assert "Auto-Submitted" not in reply.extra_headers
    assert reply.body.startswith("Please try a BIOS reset.")
    references = reply.extra_headers["References"].split()
    assert references[0] == mailids.thread_root(ticket.pk)
    assert "<m1@acme.example>" in references
    assert reply.extra_headers["In-Reply-To"] == references[-1]


def test_internal_notes_and_the_requesters_own_replies_are_not_mailed(
    opened, desk, django_capture_on_commit_callbacks
):
    ticket, _ack = opened
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(
            ticket=ticket, actor=desk["users"]["agent"], body="VIP, be quick.", kind=EntryKind.NOTE
        )
        ticket_reply(ticket=ticket, actor=desk["users"]["acme_contact"], body="Any news?")
    assert django_mail.outbox == []
    assert (
        mailout.ticket_message(
            kind=mailout.REPLY,
            ticket_id=ticket.pk,
            entry_id=TicketEntry.objects.get(kind=EntryKind.NOTE).pk,
        )
        is None
    )


def test_resolution_notice_carries_the_resolution_and_the_reports_hook(
    opened, desk, django_capture_on_commit_callbacks
):
    ticket, _ack = opened

    def survey(t):
        return mailout.MailExtra(text=f"Rate us: /survey/{t.reference}", html="<p>Rate us</p>")

    mailout.add_resolution_extra(survey)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ticket_transition(
                ticket=ticket,
                actor=desk["users"]["agent"],
                status=Status.RESOLVED,
                resolution="BIOS reset.",
            )
    finally:
        mailout._resolution_extras.remove(survey)
    [notice] = [m for m in django_mail.outbox if "resolved" in m.body]
    assert notice.to == ["acme_contact@acme.example"]
    assert notice.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "BIOS reset." in notice.body
    assert f"Rate us: /survey/{ticket.reference}" in notice.body
    assert "<p>Rate us</p>" in notice.alternatives[0][0]


def test_a_reply_to_our_outgoing_message_id_threads_onto_the_ticket(opened):
    ticket, ack = opened
    raw = eml(
        "From: acme_contact@acme.example",
        "Subject: Re: your mail",
        "Message-ID: <m9@acme.example>",
        f"In-Reply-To: {ack.extra_headers['Message-ID']}",
        body="Thanks, it works now.",
    )
    assert deliver(raw).handled
    entry = TicketEntry.objects.get(message_id="<m9@acme.example>")
    assert (entry.ticket_id, entry.kind, entry.body) == (
        ticket.pk,
        EntryKind.REPLY,
        "Thanks, it works now.",
    )


def test_our_own_mail_coming_back_is_a_loop_and_opens_nothing(opened):
    ticket, ack = opened
    outcome = deliver(ack.message().as_bytes(), sender="steward@localhost")
    assert outcome.reason == "auto-reply"
    assert Ticket.objects.count() == 1
    assert not TicketEntry.objects.filter(ticket=ticket, kind=EntryKind.REPLY).exists()


def test_the_portal_link_is_only_offered_to_requesters_with_a_login(
    opened, desk, django_capture_on_commit_callbacks
):
    ticket, ack = opened
    assert f"/portal/tickets/{ticket.pk}/" in ack.body
    with django_capture_on_commit_callbacks(execute=True):
        deliver(eml("From: Walk In <walk.in@acme.example>", "Message-ID: <w@acme.example>"))
    [second] = django_mail.outbox
    assert second.to == ["walk.in@acme.example"]
    assert "/portal/" not in second.body


def test_a_staff_answer_by_mail_is_relayed_to_the_requester(
    opened, desk, django_capture_on_commit_callbacks
):
    ticket, _ack = opened
    raw = eml(
        "From: agent@internal.example",
        f"Subject: Re: [{ticket.reference}] Laptop does not boot",
        "Message-ID: <agent-1@internal.example>",
        body="Bring it to the desk on floor 3.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(raw, sender="agent@internal.example").handled
    [relayed] = django_mail.outbox
    assert relayed.to == ["acme_contact@acme.example"]
    assert relayed.body.startswith("Bring it to the desk on floor 3.")
    assert mailids.ticket_id_of(relayed.extra_headers["Message-ID"]) == ticket.pk
    entry = TicketEntry.objects.get(kind=EntryKind.REPLY)
    assert (entry.author.email, entry.message_id) == (
        "agent@internal.example",
        "<agent-1@internal.example>",
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
