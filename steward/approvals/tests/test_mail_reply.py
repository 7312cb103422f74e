import datetime
import shutil
import socket
import subprocess
import time
from contextlib import closing
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from conftest import require_service
from steward.approvals import mailreply, services
from steward.approvals.models import ApprovalDecision, Delegation
from steward.approvals.services import StageSpec
from steward.core import mail
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.notifications.models import InboundMessage


def _request(world):
    return services.approval_request_create(
        obj=world["obj"],
        title="New laptop",
        requester=world["users"][Role.EMPLOYEE],
        stages=[StageSpec(kind="manager")],
    )


def _reply(to: str, sender: str, body: str, *headers: str) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        "Subject: Re: Approval needed: New laptop",
        "Message-ID: <reply-1@example.test>",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def _address(world, request, role=Role.IT_MANAGER):
    return mailreply.reply_address(request.stages.get(), world["users"][role])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("approve", ("approve", "")),
        (
            "Approved. Go ahead\nwith the Dell.\n\nOn Mon, Bob wrote:\n> please",
            ("approve", "Go ahead\nwith the Dell."),
        ),
        ("\n> quoted first\nYes, fine", ("approve", "fine")),
        ("REJECT: too expensive\n-- \nBob", ("reject", "too expensive")),
        ("no", ("reject", "")),
        ("rejected", ("reject", "")),
        ("Maybe later", None),
        ("nothing\napprove", None),
        ("> approve", None),
        ("", None),
    ],
)
def test_first_non_quoted_line_decides_and_the_rest_is_the_comment(text, expected):
    assert mailreply.parse_decision(text) == expected


@pytest.mark.django_db
def test_reply_approve_from_the_approver_decides_by_email(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    raw = _reply(_address(world, request), f"Boss <{manager.email}>", "Approve - fine by me\n")
    outcome = mail.dispatch(raw)
    assert outcome.handled and outcome.handler == "approvals.reply"
    decision = ApprovalDecision.objects.get()
    assert (decision.approver, decision.via, decision.comment) == (manager, "email", "fine by me")
    request.refresh_from_db()
    assert request.status == "approved"
    entry = AuditEntry.objects.get(content_type__model="approvaldecision")
    assert (entry.origin, entry.actor) == ("mail", manager)


def test_reply_address_fits_the_rfc5321_local_part_limit():
    token = mailreply.reply_token(2_147_483_647, 2_147_483_647)
    assert len(f"{mailreply.PREFIX}{token}") <= 64
    assert mailreply.read_token(token) == (2_147_483_647, 2_147_483_647)


@pytest.mark.django_db
def test_reply_with_bad_token_is_quarantined(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    forged = _address(world, request).replace("approval+", "approval+x")
    outcome = mail.dispatch(_reply(forged, manager.email, "approve"))
    assert outcome.reason == "bad-token"
    assert InboundMessage.objects.get().reason == "bad-token"
    assert not ApprovalDecision.objects.exists()


@pytest.mark.django_db
def test_reply_with_expired_token_is_quarantined(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    issued = time.time() - 15 * 86400
    with mock.patch("django.core.signing.time.time", return_value=issued):
        address = _address(world, request)
    outcome = mail.dispatch(_reply(address, manager.email, "approve"))
    assert outcome.reason == "expired-token"
    assert InboundMessage.objects.get().reason == "expired-token"
    assert not ApprovalDecision.objects.exists()


@pytest.mark.django_db
def test_token_signed_with_another_salt_is_a_bad_token(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    stage = request.stages.get()
    token = signing.TimestampSigner(salt="other", sep=".").sign(f"{stage.pk}-{manager.pk}")
    token = token[: token.rindex(".") + 23]
    outcome = mail.dispatch(_reply(f"approval+{token}@steward.localhost", manager.email, "yes"))
    assert outcome.reason == "bad-token"


@pytest.mark.django_db
def test_reply_from_someone_who_is_not_the_approver_is_quarantined(world):
    request = _request(world)
    outcome = mail.dispatch(_reply(_address(world, request), "mallory@evil.example", "approve"))
    assert outcome.reason == "not-approver"
    assert InboundMessage.objects.get().detail.startswith("mallory@evil.example")
    assert not ApprovalDecision.objects.exists()


@pytest.mark.django_db
def test_delegate_replying_to_the_approvers_mail_decides_on_behalf_of_delegator(world):
    manager, agent = world["users"][Role.IT_MANAGER], world["users"][Role.AGENT]
    Delegation.objects.create(from_user=manager, to_user=agent, start=timezone.localdate())
    request = _request(world)
    outcome = mail.dispatch(_reply(_address(world, request), agent.email, "reject\nnot now"))
    assert outcome.handled
    decision = ApprovalDecision.objects.get()
    assert (decision.approver, decision.on_behalf_of, decision.decision) == (
        agent,
        manager,
        "reject",
    )
    assert decision.comment == "not now"


@pytest.mark.django_db
def test_delegate_whose_delegation_ended_is_quarantined(world):
    manager, agent = world["users"][Role.IT_MANAGER], world["users"][Role.AGENT]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Delegation.objects.create(from_user=manager, to_user=agent, start=yesterday, end=yesterday)
    request = _request(world)
    assert (
        mail.dispatch(_reply(_address(world, request), agent.email, "yes")).reason == "not-approver"
    )


@pytest.mark.django_db
def test_reply_without_a_decision_is_quarantined(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    outcome = mail.dispatch(_reply(_address(world, request), manager.email, "What is this about?"))
    assert outcome.reason == "no-decision"
    assert not ApprovalDecision.objects.exists()


@pytest.mark.django_db
def test_second_reply_after_the_stage_closed_is_quarantined(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    address = _address(world, request)
    assert mail.dispatch(_reply(address, manager.email, "approve")).handled
    assert mail.dispatch(_reply(address, manager.email, "reject")).reason == "not-pending"
    assert ApprovalDecision.objects.count() == 1


@pytest.mark.django_db
def test_html_only_reply_decides_from_its_text(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    raw = _reply(
        _address(world, request),
        manager.email,
        "<html><body><p>Reject: wrong&nbsp;model</p>"
        "<blockquote><p>Approval needed</p></blockquote></body></html>",
        "Content-Type: text/html; charset=utf-8",
    )
    assert mail.dispatch(raw).handled
    decision = ApprovalDecision.objects.get()
    assert (decision.decision, decision.comment) == ("reject", "wrong model")


@pytest.mark.django_db
def test_out_of_office_reply_to_an_approval_is_never_acted_on(world):
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    raw = _reply(
        _address(world, request), manager.email, "Yes I am away", "Auto-Submitted: auto-replied"
    )
    assert mail.dispatch(raw).reason == "auto-reply"
    assert not ApprovalDecision.objects.exists()


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_approval_reply_sent_with_swaks_approves_the_request(world):
    require_service("swaks (apt-get install swaks)", shutil.which("swaks") is not None)
    request = _request(world)
    manager = world["users"][Role.IT_MANAGER]
    address = _address(world, request)
    port = _free_port()
    with mail.listening("127.0.0.1", port):
        bad = subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{port}", "--from", manager.email,
             "--to", address.replace("approval+", "approval+0"), "--body", "approve"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        good = subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{port}", "--helo", "mx.example.test",
             "--from", manager.email, "--to", address,
             "--header", "Subject: Re: Approval needed: New laptop",
             "--header", "Content-Type: text/plain; charset=UTF-8",
             "--body", "Approved – enjoy the laptop\n\nOn Mon, Steward wrote:\n> Approval needed"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert bad.returncode == 0 and good.returncode == 0, good.stdout + good.stderr
    assert InboundMessage.objects.get().reason == "bad-token"
    decision = ApprovalDecision.objects.get()
    assert (decision.approver, decision.via) == (manager, "email")
    assert decision.comment == "enjoy the laptop"
    request.refresh_from_db()
    assert request.status == "approved"
