"""Deciding by e-mail reply.

Approval mail carries ``Reply-To: approval+<token>@<INBOUND_MAIL_DOMAIN>``; the token is a
signed, timestamped ``<stage id>-<approver id>``. The first line of the reply that is not a
quote decides ("approve", "approved", "yes" or "reject", "rejected", "no"); the rest is the
comment. A bad or expired token, a sender who is neither the approver nor their active
delegate, or a reply without a decision is quarantined with the reason.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from steward.approvals import selectors
from steward.approvals.models import ApprovalStage, Decision, RequestStatus, StageStatus, Via
from steward.core.context import Origin, change_context
from steward.core.mail import InboundEmail, MailRejected, body_text
from steward.core.validation import is_id

SALT = "steward.approvals.reply"
PREFIX = "approval+"
APPROVE_WORDS = {"approve", "approved", "yes"}
REJECT_WORDS = {"reject", "rejected", "no"}
_FIRST_WORD = re.compile(r"^([^\W\d_]+)\b[\s.,:;!\-–—]*(.*)$", re.UNICODE)
_QUOTE_INTRO = re.compile(r"^(on .+ wrote:|-----\s*original message\s*-----|from: .+)$", re.I)


class _ReplySigner(signing.TimestampSigner):
    """A timestamped signer with the HMAC-SHA256 cut to 128 bits (22 characters), so that
    ``approval+<token>`` fits the 64-character local part of RFC 5321 that mail servers
    enforce."""

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        return super().signature(value, key)[:22]


def _signer() -> signing.TimestampSigner:
    return _ReplySigner(salt=SALT, sep=".")


def max_age_seconds() -> int:
    return int(getattr(settings, "APPROVAL_REPLY_MAX_AGE_DAYS", 14)) * 86400


def reply_token(stage_id: int, user_id: int) -> str:
    return _signer().sign(f"{stage_id}-{user_id}")


def reply_address(stage: ApprovalStage, user: Any) -> str:
    return f"{PREFIX}{reply_token(stage.pk, user.pk)}@{settings.INBOUND_MAIL_DOMAIN}"


def read_token(token: str) -> tuple[int, int]:
    """The (stage id, approver id) a token was issued for; raises MailRejected."""
    try:
        value = _signer().unsign(token, max_age=max_age_seconds())
    except signing.SignatureExpired:
        raise MailRejected("expired-token", token[:100]) from None
    except signing.BadSignature:
        raise MailRejected("bad-token", token[:100]) from None
    stage_id, _, user_id = value.partition("-")
    if not (is_id(stage_id) and is_id(user_id)):
        raise MailRejected("bad-token", token[:100])
    return int(stage_id), int(user_id)


def token_in(msg: InboundEmail) -> str:
    for address in msg.recipients():
        local = address.rsplit("@", 1)[0]
        if local.lower().startswith(PREFIX):
            return local[len(PREFIX) :]
    return ""


def is_approval_reply(msg: InboundEmail) -> bool:
    return bool(token_in(msg))


def parse_decision(text: str) -> tuple[str, str] | None:
    """``(decision, comment)`` from the first non-quoted line, or None when it decides nothing."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        match = _FIRST_WORD.match(stripped)
        word = match.group(1).lower() if match else ""
        if word in APPROVE_WORDS:
            decision = Decision.APPROVE
        elif word in REJECT_WORDS:
            decision = Decision.REJECT
        else:
            return None
        comment = [match.group(2)] if match else []
        for rest in lines[index + 1 :]:
            if rest.startswith(">") or rest.rstrip() == "--" or _QUOTE_INTRO.match(rest.strip()):
                break
            comment.append(rest)
        return str(decision), "\n".join(comment).strip()
    return None


def _acting_user(approver: Any, sender: str) -> Any:
    if approver.email and approver.email.strip().lower() == sender:
        return approver
    for delegate in selectors.delegate_users(approver):
        if delegate.email and delegate.email.strip().lower() == sender:
            return delegate
    raise MailRejected(
        "not-approver", f"{sender or '(no sender)'} is neither the approver nor their delegate"
    )


def handle_reply(msg: InboundEmail) -> None:
    """Mail handler: decide the stage the token names, as the sender."""
    from steward.approvals.services import approval_decide

    stage_id, approver_id = read_token(token_in(msg))
    stage = ApprovalStage.objects.select_related("request").filter(pk=stage_id).first()
    approver = get_user_model().objects.filter(pk=approver_id, is_active=True).first()
    if stage is None or approver is None:
        raise MailRejected("bad-token", "the stage or approver no longer exists")
    if stage.status != StageStatus.PENDING or stage.request.status != RequestStatus.PENDING:
        raise MailRejected(
            "not-pending",
            f"request {stage.request_id} is {stage.request.status}, stage {stage.status}",
        )
    acting = _acting_user(approver, msg.sender())
    parsed = parse_decision(body_text(msg))
    if parsed is None:
        raise MailRejected("no-decision", "the first line says neither approve nor reject")
    decision, comment = parsed
    try:
        with change_context(origin=Origin.MAIL, user=acting):
            approval_decide(
                request=stage.request,
                approver=acting,
                decision=decision,
                comment=comment,
                via=Via.EMAIL,
                on_behalf_of=approver if acting.pk != approver.pk else None,
            )
    except (PermissionDenied, ValidationError) as exc:
        message = " ".join(getattr(exc, "messages", [str(exc)]))
        raise MailRejected("not-allowed", message) from None
