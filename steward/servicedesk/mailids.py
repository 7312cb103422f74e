"""Message-IDs of the mail the service desk sends, and recognising them in replies.

Every ticket mail gets ``<steward.t<ticket id>.<kind>.<random>.<signature>@<inbound domain>>``.
The ticket is readable from the id itself, signed with the secret key, so a reply whose
In-Reply-To or References names one of our ids threads onto its ticket without a lookup
table, and nobody can forge one for a ticket they never got mail about. Each ticket also has
one fixed *thread root* id that every one of its mails lists first in References, so that
mail clients show the acknowledgement, replies and resolution as one conversation, even for
tickets opened in the portal.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "steward.servicedesk.message-id"
_OURS = re.compile(
    r"^<?steward\.t(?P<ticket>\d{1,18})\.(?P<kind>[a-z0-9]{1,12})\.(?P<nonce>[a-z0-9]{1,32})"
    r"\.(?P<sig>[a-f0-9]{16})@(?P<domain>[^>\s]+)>?$",
    re.IGNORECASE,
)
_ANY_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")


def _signature(ticket_id: int, kind: str, nonce: str) -> str:
    return salted_hmac(SALT, f"{ticket_id}.{kind}.{nonce}").hexdigest()[:16]


def _make(ticket_id: int, kind: str, nonce: str) -> str:
    sig = _signature(ticket_id, kind, nonce)
    return f"<steward.t{ticket_id}.{kind}.{nonce}.{sig}@{settings.INBOUND_MAIL_DOMAIN}>"


def issue(ticket_id: int, kind: str) -> str:
    """A new Message-ID for one mail about the ticket (``kind``: ack, reply, resolved)."""
    return _make(ticket_id, kind, secrets.token_hex(6))


def thread_root(ticket_id: int) -> str:
    """The fixed id every mail of the ticket refers to first."""
    return _make(ticket_id, "root", "0")


def ticket_id_of(message_id: str) -> int | None:
    """The ticket one of our Message-IDs was issued for, or None (not ours, or forged)."""
    match = _OURS.match(message_id.strip())
    if match is None:
        return None
    expected = _signature(int(match["ticket"]), match["kind"].lower(), match["nonce"].lower())
    if not constant_time_compare(expected, match["sig"].lower()):
        return None
    return int(match["ticket"])


def ids_in(header_value: str) -> list[str]:
    """The ``<...@...>`` message ids in an In-Reply-To or References header, in order."""
    return _ANY_ID.findall(header_value or "")
