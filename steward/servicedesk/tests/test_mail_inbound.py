"""Mail to the service desk opens and answers tickets (the pipeline behind SMTP and IMAP)."""

from __future__ import annotations

import base64

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core.features import attachments_for
from steward.core.models import Attachment, Watch
from steward.notifications.models import InboundMessage, InboundStatus
from steward.notifications.services import inbound_message_reprocess
from steward.org.models import Person, PersonKind
from steward.servicedesk import mailids, mailin
from steward.servicedesk.models import Channel, EntryKind, Status, Ticket, TicketEntry
from steward.servicedesk.tests.mail_world import DESK, deliver, desk_fixture, eml  # noqa: F401

pytestmark = pytest.mark.django_db


def only_ticket() -> Ticket:
    return Ticket.objects.select_related("requester", "organisation").get()


def quarantined() -> InboundMessage:
    return InboundMessage.objects.get(status=InboundStatus.QUARANTINED)


# --- opening ------------------------------------------------------------------------------


def test_new_mail_opens_a_ticket_for_the_known_sender(desk):
    contact = Person.objects.get(email="acme_contact@acme.example")
    outcome = deliver(eml("From: ACME_Contact@Acme.Example", "Subject: Re: [EXT] Printer jam"))
    assert outcome.handled, outcome
    ticket = only_ticket()
    assert (ticket.requester, ticket.organisation) == (contact, desk["acme"])
    assert (ticket.title, ticket.channel) == ("Printer jam", Channel.EMAIL)
    assert ticket.description == "My laptop does not boot."
    opened = TicketEntry.objects.get(ticket=ticket, kind=EntryKind.EVENT, message_id__gt="")
    assert opened.message_id == "<m1@acme.example>"


def test_unknown_sender_of_a_customer_domain_becomes_a_contact_of_that_organisation(desk):
    deliver(eml("From: Alice Martin <Alice.Martin@eu.acme.example>"), sender="x@y.z")
    alice = Person.objects.get(email__iexact="alice.martin@eu.acme.example")
    assert (alice.first_name, alice.last_name) == ("Alice", "Martin")
    assert (alice.organisation, alice.kind) == (desk["acme"], PersonKind.CONTACT)
    assert alice.user is None
    assert only_ticket().requester == alice


def test_unknown_sender_of_the_internal_domain_becomes_an_employee(desk):
    deliver(eml("From: bob.stone@internal.example"))
    bob = Person.objects.get(email="bob.stone@internal.example")
    assert (bob.first_name, bob.last_name, bob.kind) == ("Bob", "Stone", PersonKind.EMPLOYEE)
    assert bob.organisation == desk["internal"]


def test_sender_of_an_unknown_domain_joins_the_configured_default_organisation(desk, settings):
    settings.SERVICEDESK_MAIL_DEFAULT_ORGANISATION = "globex"
    deliver(eml("From: carol@gmail.example"))
    assert only_ticket().organisation == desk["globex"]


def test_sender_of_an_unknown_domain_without_default_is_quarantined_then_reprocessed(desk):
    outcome = deliver(eml("From: carol@gmail.example"))
    assert (outcome.reason, Ticket.objects.count()) == (mailin.UNKNOWN_SENDER, 0)
    stored = quarantined()
    assert stored.reason == mailin.UNKNOWN_SENDER and "gmail.example" in stored.detail
    assert not Person.objects.filter(email="carol@gmail.example").exists()

    Person.objects.create(
        first_name="Carol",
        last_name="Gmail",
        email="carol@gmail.example",
        organisation=desk["globex"],
    )
    result = inbound_message_reprocess(message=stored, actor=desk["users"]["admin"])
    assert result.handled
    stored.refresh_from_db()
    assert stored.status == InboundStatus.PROCESSED
    assert only_ticket().requester.email == "carol@gmail.example"


def test_subject_prefixes_and_our_reference_are_cleaned_from_the_title():
    assert mailin.clean_subject("RE: Fwd: [EXT] AW:  VPN   down") == "VPN down"
    assert mailin.clean_subject("[External] Re[2]: TR: Badge") == "Badge"
    assert mailin.clean_subject("Re: [INC-000042] Printer") == "Printer"


def test_html_only_mail_becomes_text_without_markup(desk):
    raw = eml(
        "Content-Type: text/html; charset=utf-8",
        body="<html><head><style>p{}</style></head><body><p>Screen <b>flickers</b></p>"
        "<script>alert(1)</script></body></html>",
    )
    deliver(raw)
    assert only_ticket().description == "Screen flickers"


def test_mail_to_another_address_is_not_taken_by_the_service_desk(desk):
    outcome = deliver(eml(to="someone@else.example"), to="someone@else.example")
    assert outcome.reason == "no-handler"
    assert not Ticket.objects.exists()


def test_the_same_message_delivered_twice_opens_one_ticket(desk):
    assert deliver(eml()).handled
    assert deliver(eml()).handled
    assert Ticket.objects.count() == 1


# --- threading ----------------------------------------------------------------------------


@pytest.fixture
def ticket(desk):
    deliver(eml("From: acme_contact@acme.example"))
    return only_ticket()


def reply_entries(ticket):
    return list(TicketEntry.objects.filter(ticket=ticket).exclude(kind=EntryKind.EVENT))


def test_reply_with_the_reference_in_the_subject_threads_onto_the_ticket(ticket):
    raw = eml(
        "From: acme_contact@acme.example",
        f"Subject: Re: [{ticket.reference}] Laptop does not boot",
        "Message-ID: <m2@acme.example>",
        body="It boots again.\n\nOn Mon, 23 Nov 2026 the desk wrote:\n> Try a BIOS reset.\n",
    )
    assert deliver(raw).handled
    [entry] = reply_entries(ticket)
    assert (entry.kind, entry.body, entry.channel) == (EntryKind.REPLY, "It boots again.", "email")
    assert entry.author == ticket.requester and entry.message_id == "<m2@acme.example>"
    assert Ticket.objects.count() == 1


def test_reply_by_in_reply_to_an_entry_threads_even_with_a_changed_subject(ticket):
    raw = eml(
        "From: acme_contact@acme.example",
        "Subject: something else",
        "Message-ID: <m3@acme.example>",
        "In-Reply-To: <m1@acme.example>",
    )
    assert deliver(raw).handled
    assert len(reply_entries(ticket)) == 1 and Ticket.objects.count() == 1


def test_reply_to_one_of_our_message_ids_threads(ticket):
    ours = mailids.issue(ticket.pk, "ack")
    raw = eml(
        "From: acme_contact@acme.example",
        "Subject: thanks",
        "Message-ID: <m4@acme.example>",
        f"References: <unrelated@x.example> {ours}",
    )
    assert deliver(raw).handled
    assert len(reply_entries(ticket)) == 1


def test_a_forged_message_id_of_ours_does_not_thread(ticket):
    forged = mailids.issue(ticket.pk, "ack").replace(f"steward.t{ticket.pk}.", "steward.t999.")
    assert mailids.ticket_id_of(forged) is None
    raw = eml("From: acme_contact@acme.example", "Message-ID: <m5@x>", f"In-Reply-To: {forged}")
    deliver(raw)
    assert Ticket.objects.count() == 2


def test_reply_from_a_third_party_is_kept_as_an_internal_note(ticket):
    raw = eml(
        "From: globex_contact@globex.example",
        f"Subject: Re: [{ticket.reference}] hello",
        "Message-ID: <m6@globex.example>",
        body="I have the same problem.",
    )
    assert deliver(raw).handled
    [entry] = reply_entries(ticket)
    assert entry.kind == EntryKind.NOTE
    assert entry.body.startswith("From a third party (globex_contact@globex.example)")
    assert entry.body.endswith("I have the same problem.")


def test_reply_from_a_watcher_or_staff_is_public(ticket, desk):
    Watch.objects.create(
        user=desk["users"]["employee"],
        content_type=ContentType.objects.get_for_model(Ticket),
        object_id=str(ticket.pk),
    )
    for n, sender in enumerate(("employee@internal.example", "agent@internal.example")):
        raw = eml(
            f"From: {sender}", f"Subject: [{ticket.reference}]", f"Message-ID: <w{n}@internal>"
        )
        assert deliver(raw).handled
    assert [e.kind for e in reply_entries(ticket)] == [EntryKind.REPLY, EntryKind.REPLY]


def test_requester_reply_reopens_a_resolved_ticket(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)
    raw = eml(
        "From: acme_contact@acme.example", f"Subject: [{ticket.reference}]", "Message-ID: <r@a>"
    )
    deliver(raw)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_reply_to_a_closed_ticket_opens_a_new_related_one(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    raw = eml(
        "From: acme_contact@acme.example",
        f"Subject: Re: [{ticket.reference}] Laptop does not boot",
        "Message-ID: <again@acme.example>",
    )
    assert deliver(raw).handled
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert new.title == "Laptop does not boot"
    assert new.links_out.get().target == ticket


# --- attachments --------------------------------------------------------------------------

GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 60


def multipart(*parts: tuple[str, str, bytes]) -> bytes:
    """A swaks-shaped multipart/mixed message with a text part and (type, name, data) parts;
    the name is put in the header as raw UTF-8 bytes."""
    boundary = "----=_MIME_BOUNDARY_000_1"
    out = [
        eml("MIME-Version: 1.0", f'Content-Type: multipart/mixed; boundary="{boundary}"', body=""),
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n".encode(),
    ]
    for kind, name, data in parts:
        out.append(
            f'--{boundary}\r\nContent-Type: {kind}; name="{name}"\r\n'
            f'Content-Disposition: attachment; filename="{name}"\r\n'
            "Content-Transfer-Encoding: BASE64\r\n\r\n".encode()
            + base64.b64encode(data)
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


def test_attachments_are_kept_including_a_raw_utf8_file_name(desk):
    raw = multipart(
        ("text/csv", "inventory.csv", b"host,tag\nsrv01,IT-42\n"), ("image/gif", "écran 1.gif", GIF)
    )
    assert "écran".encode() in raw
    assert deliver(raw).handled
    ticket = only_ticket()
    assert ticket.description == "See attached."
    names = sorted(a.name for a in attachments_for(ticket, None))
    assert names == ["inventory.csv", "écran_1.gif"]
    gif = Attachment.objects.get(name="écran_1.gif")
    assert (gif.media_type, gif.size, gif.uploaded_by) == ("image/gif", len(GIF), None)
    assert gif.file.read() == GIF


def test_an_executable_attachment_is_refused_and_named_in_a_note(desk):
    deliver(multipart(("application/octet-stream", "setup.exe", ELF), ("image/gif", "a.gif", GIF)))
    ticket = only_ticket()
    assert [a.name for a in attachments_for(ticket, None)] == ["a.gif"]
    note = TicketEntry.objects.get(ticket=ticket, kind=EntryKind.NOTE)
    assert "setup.exe" in note.body and "Executable" in note.body


def test_an_attachment_over_the_size_limit_is_refused_and_named(desk, settings):
    settings.MAX_UPLOAD_BYTES = 100
    deliver(multipart(("text/plain", "big.txt", b"x" * 500)))
    ticket = only_ticket()
    assert not attachments_for(ticket, None).exists()
    assert "big.txt" in TicketEntry.objects.get(ticket=ticket, kind=EntryKind.NOTE).body


# --- never a ticket -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "sender", "expected"),
    [
        ("Auto-Submitted: auto-replied", "alice@acme.example", "Auto-Submitted: auto-replied"),
        ("Precedence: bulk", "alice@acme.example", "Precedence: bulk"),
        ("Precedence: list", "alice@acme.example", "Precedence: list"),
        ("X-Loop: steward@steward.localhost", "alice@acme.example", "X-Loop"),
        ("From: MAILER-DAEMON@acme.example", "alice@acme.example", "mailer-daemon"),
        ("X-Note: bounce", "", "null envelope sender"),
        ("From: steward@localhost", "steward@localhost", "loop"),
    ],
)
def test_auto_replies_bounces_and_loops_never_open_a_ticket(desk, header, sender, expected):
    outcome = deliver(eml(header), sender=sender)
    assert outcome.reason == "auto-reply"
    assert expected in outcome.detail
    assert not Ticket.objects.exists()
    assert quarantined().reason == "auto-reply"


def test_mail_from_the_service_desk_address_itself_is_a_loop(desk):
    outcome = deliver(eml(f"From: {DESK}"), sender=DESK)
    assert (outcome.reason, Ticket.objects.count()) == (mailin.LOOP, 0)
    assert quarantined().reason == mailin.LOOP


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (eml("From: "), mailin.NO_FROM),
        (
            eml("MIME-Version: 1.0", "Content-Type: multipart/mixed", body="no boundary\n"),
            mailin.MALFORMED,
        ),
        (
            eml(
                "MIME-Version: 1.0",
                'Content-Type: multipart/mixed; boundary="b1"',
                body="x\n--b2\n",
            ),
            mailin.MALFORMED,
        ),
        (
            eml("Content-Type: text/plain; charset=x-klingon", body="qapla'\n"),
            mailin.UNKNOWN_CHARSET,
        ),
        (eml("Subject: =?x-klingon?Q?qapla=27?="), mailin.UNKNOWN_CHARSET),
    ],
    ids=["no-from", "no-boundary", "boundary-never-found", "body-charset", "subject-charset"],
)
def test_malformed_mail_is_quarantined_with_its_reason(desk, raw, reason):
    outcome = deliver(raw)
    assert outcome.reason == reason, outcome
    assert not Ticket.objects.exists()
    stored = quarantined()
    assert (stored.reason, bytes(stored.raw)) == (reason, raw)


def test_a_forwarded_message_is_kept_as_an_eml_file(desk):
    inner = eml("Subject: Original problem", "Message-ID: <inner@x.example>", body="Inner text.")
    boundary = "fwd-1"
    raw = (
        eml("MIME-Version: 1.0", f'Content-Type: multipart/mixed; boundary="{boundary}"', body="")
        + f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n".encode()
        + f"--{boundary}\r\nContent-Type: message/rfc822\r\n\r\n".encode()
        + inner
        + f"\r\n--{boundary}--\r\n".encode()
    )
    assert deliver(raw).handled
    [kept] = attachments_for(only_ticket(), None)
    assert kept.name.endswith(".eml") and not kept.internal  # the requester's own file
    assert b"Inner text." in kept.file.read()


def test_a_reply_to_a_merged_ticket_lands_on_the_ticket_it_was_merged_into(ticket, desk):
    deliver(eml("From: acme_contact@acme.example", "Message-ID: <other@acme.example>"))
    target = Ticket.objects.exclude(pk=ticket.pk).get()
    Ticket.objects.filter(pk=ticket.pk).update(merged_into=target)
    raw = eml(
        "From: acme_contact@acme.example", f"Subject: [{ticket.reference}]", "Message-ID: <mm@a>"
    )
    assert deliver(raw).handled
    assert [e.ticket_id for e in reply_entries(target)] == [target.pk]


def test_names_of_new_people_come_from_the_display_name_or_the_address(desk):
    deliver(eml('From: "Martin, Alice" <am@acme.example>', "Message-ID: <n1@a>"))
    deliver(eml("From: zed@acme.example", "Message-ID: <n2@a>"))
    names = dict(
        Person.objects.filter(email__in=["am@acme.example", "zed@acme.example"]).values_list(
            "email", "first_name"
        )
    )
    assert names == {"am@acme.example": "Alice", "zed@acme.example": "Zed"}
    assert Person.objects.get(email="zed@acme.example").last_name == "(acme.example)"


def test_quarantined_desk_mail_is_shown_to_administrators_and_reprocessed_by_the_api(desk, api):
    deliver(eml("From: dave@gmail.example", "Subject: Help"))
    admin, agent = desk["users"]["admin"], desk["users"]["agent"]
    listed = api(admin).get("/api/notifications/inbound-messages/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert (row["reason"], row["sender"], row["subject"]) == (
        mailin.UNKNOWN_SENDER,
        "dave@gmail.example",
        "Help",
    )
    assert api(agent).get("/api/notifications/inbound-messages/").status_code == 403
    desk["globex"].mail_domain = "gmail.example"
    desk["globex"].save()
    done = api(admin).post(f"/api/notifications/inbound-messages/{row['id']}/reprocess/")
    assert done.status_code == 200, done.content
    assert only_ticket().requester.organisation == desk["globex"]


def test_the_domain_of_the_service_desk_address_is_the_internal_one(desk, settings):
    desk["internal"].mail_domain = ""
    desk["internal"].save()
    settings.SERVICEDESK_MAIL_ADDRESSES = ["servicedesk@example.com"]
    deliver(
        eml("From: bob@example.com", to="servicedesk@example.com"), to="servicedesk@example.com"
    )
    bob = Person.objects.get(email="bob@example.com")
    assert (bob.organisation, bob.kind) == (desk["internal"], PersonKind.EMPLOYEE)
