"""State changes of discovery: inventory tokens, taking an agent's message, the quarantine
and the review queue. Inventories are taken as the system (no actor); every administrator
action is permission-checked and audited.

Limits (settings, env-driven): ``INVENTORY_MAX_BYTES`` for the request body,
``INVENTORY_MAX_XML_BYTES`` for the decompressed XML, ``INVENTORY_KEEP_BYTES`` for the raw
bytes a quarantined submission keeps.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.cmdb.discovery import inventory as inventory_reader
from steward.cmdb.discovery.protocol import Message, ProtocolError, parse
from steward.cmdb.discovery.reconcile import NeedsReview, Outcome, reconcile
from steward.cmdb.models import (
    ConfigurationItem,
    DiscoveryAgent,
    InventorySubmission,
    InventoryToken,
    SubmissionStatus,
)
from steward.core import permissions, services

MB = 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "INVENTORY_MAX_BYTES", 16 * MB))


def max_xml_bytes() -> int:
    return int(getattr(settings, "INVENTORY_MAX_XML_BYTES", 32 * MB))


def keep_bytes() -> int:
    return int(getattr(settings, "INVENTORY_KEEP_BYTES", 2 * MB))


# --- tokens ----------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, data: Mapping[str, Any], actor: Any) -> tuple[InventoryToken, str]:
    """A new token; the secret is returned once to show and only its digest is kept."""
    secret = "inv_" + secrets.token_urlsafe(32)
    token = services.object_create(
        model=InventoryToken,
        data={**data, "prefix": secret[:12], "token_hash": _digest(secret)},
        actor=actor,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: InventoryToken, actor: Any) -> InventoryToken:
    revoked: InventoryToken = services.object_update(
        obj=token, data={"is_active": False}, actor=actor
    )
    return revoked


def token_authenticate(secret: str, deviceid: str = "") -> InventoryToken | None:
    """The active token with this secret (any agent, or the one it is bound to)."""
    if not secret or len(secret) > 200:
        return None
    token = InventoryToken.objects.filter(token_hash=_digest(secret), is_active=True).first()
    if token is None or (token.deviceid and deviceid and token.deviceid != deviceid):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        InventoryToken._base_manager.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- intake ----------------------------------------------------------------------------


@dataclass
class Request:
    """What the endpoint knows about one HTTP request, whatever its outcome."""

    body: bytes
    size: int
    content_type: str = ""
    user_agent: str = ""
    remote_addr: str | None = None
    token: InventoryToken | None = None
    deviceid: str = ""


def quarantine(
    request: Request, *, code: str, reason: str, status: str = SubmissionStatus.QUARANTINED
) -> InventorySubmission:
    """Keep what was refused, with its reason, for an administrator (raw bytes up to the
    configured cap)."""
    cap = keep_bytes()
    return InventorySubmission.objects.create(
        received_at=timezone.now(),
        status=status,
        reason_code=code[:30],
        reason=reason[:500],
        deviceid=request.deviceid[:255],
        user_agent=request.user_agent[:200],
        remote_addr=request.remote_addr,
        content_type=request.content_type[:100],
        token=request.token,
        raw=bytes(request.body[:cap]),
        raw_size=request.size,
        truncated=request.size > cap or len(request.body) > cap,
    )


def read_message(request: Request) -> Message:
    """Parse the body; a refused one is quarantined before ProtocolError is re-raised."""
    try:
        message = parse(request.body, max_bytes=max_xml_bytes())
    except ProtocolError as exc:
        quarantine(request, code=exc.code, reason=exc.message)
        raise
    request.deviceid = message.deviceid
    return message


def contact(request: Request, message: Message) -> None:
    """A PROLOG: note when the agent called (an agent is known from its first PROLOG)."""
    if message.deviceid:
        agent = _agent(request, message.deviceid)
        DiscoveryAgent._base_manager.filter(pk=agent.pk).update(last_prolog_at=timezone.now())


def _agent(request: Request, deviceid: str) -> DiscoveryAgent:
    agent, _created = DiscoveryAgent.objects.get_or_create(deviceid=deviceid[:255])
    fields = {
        "user_agent": request.user_agent[:200],
        "remote_addr": request.remote_addr,
        "token_id": request.token.pk if request.token else None,
    }
    changed = [k for k, v in fields.items() if getattr(agent, k) != v]
    if changed:
        for key in changed:
            setattr(agent, key, fields[key])
        agent.save(update_fields=changed)
    return agent


def take_inventory(
    request: Request,
    message: Message,
    *,
    item: ConfigurationItem | None = None,
    create: bool = False,
) -> Outcome:
    """Reconcile an INVENTORY. A device that needs a person's decision goes to the review
    queue (a submission with the raw bytes) and the outcome says ``review``. Retries once
    when a concurrent inventory created the same catalogue rows first."""
    if not message.deviceid:
        quarantine(request, code="no_deviceid", reason="The inventory has no <DEVICEID>.")
        raise ProtocolError("no_deviceid", "The inventory has no <DEVICEID>.")
    facts = inventory_reader.read(message.root, deviceid=message.deviceid, user_agent="")
    if not facts.agent:
        facts.agent = request.user_agent[:200]
    for attempt in range(3):
        agent = _agent(request, message.deviceid)
        try:
            return reconcile(
                inventory=facts, agent=agent, token=request.token, item=item, create=create
            )
        except NeedsReview as exc:
            submission = quarantine(
                request, code="review", reason=exc.reason, status=SubmissionStatus.REVIEW
            )
            InventorySubmission.objects.filter(pk=submission.pk).update(candidates=exc.candidates)
            return Outcome("review", reason=exc.reason, candidates=exc.candidates)
        except (IntegrityError, OperationalError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# --- administrators --------------------------------------------------------------------


def _ensure_can_resolve(actor: Any, submission: InventorySubmission) -> None:
    permissions.ensure(actor, "change", submission)


def _replay(submission: InventorySubmission) -> tuple[Request, Message]:
    if submission.truncated:
        raise ValidationError(_("Only part of this submission was kept: it cannot be re-run."))
    request = Request(
        body=bytes(submission.raw),
        size=submission.raw_size,
        content_type=submission.content_type,
        user_agent=submission.user_agent,
        remote_addr=submission.remote_addr,
        token=submission.token,
        deviceid=submission.deviceid,
    )
    try:
        message = parse(request.body, max_bytes=max_xml_bytes())
    except ProtocolError as exc:
        raise ValidationError(_("Still refused: %(reason)s") % {"reason": exc.message}) from None
    if message.query != "INVENTORY":
        raise ValidationError(_("This is a %(q)s, not an inventory.") % {"q": message.query})
    return request, message


@transaction.atomic
def submission_resolve(
    *,
    submission: InventorySubmission,
    actor: Any,
    item: ConfigurationItem | None = None,
    create: bool = False,
) -> InventorySubmission:
    """Re-process a quarantined or waiting submission: as it is (matching again), linked to
    ``item`` (the administrator's choice), or as a new item (``create``). Raises
    ValidationError when it is still refused or waits again, PermissionDenied."""
    _ensure_can_resolve(actor, submission)
    if submission.status not in (SubmissionStatus.QUARANTINED, SubmissionStatus.REVIEW):
        raise ValidationError(_("This submission was already resolved."))
    if item is not None and not permissions.can(actor, "change", item):
        raise PermissionDenied(_("You may not change this configuration item."))
    request, message = _replay(submission)
    agent = DiscoveryAgent.objects.filter(deviceid=message.deviceid).first()
    facts = inventory_reader.read(
        message.root, deviceid=message.deviceid, user_agent=request.user_agent
    )
    try:
        outcome = reconcile(
            inventory=facts,
            agent=agent or _agent(request, message.deviceid),
            token=request.token,
            item=item,
            create=create,
        )
    except NeedsReview as exc:
        raise ValidationError(exc.reason) from None
    return services.object_update(
        obj=submission,
        data={
            "status": SubmissionStatus.PROCESSED,
            "configuration_item": outcome.item,
            "resolved_at": timezone.now(),
            "resolved_by": actor,
            "result": f"{outcome.status}: {outcome.item}"[:500],
        },
        actor=actor,
    )


@transaction.atomic
def submission_discard(*, submission: InventorySubmission, actor: Any) -> InventorySubmission:
    _ensure_can_resolve(actor, submission)
    return services.object_update(
        obj=submission,
        data={
            "status": SubmissionStatus.DISCARDED,
            "resolved_at": timezone.now(),
            "resolved_by": actor,
            "raw": b"",
        },
        actor=actor,
    )
