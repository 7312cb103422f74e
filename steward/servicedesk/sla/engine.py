"""The SLA/OLA engine's entry points, called by the ticket services inside their transaction.

Interface (fixed; the implementation fills these in):

- ``ticket_opened(ticket, at=)``: choose the SLA policy and OLA for a new ticket, start its
  clocks, write the ticket's summary fields (due times, breached flags, paused).
- ``ticket_changed(ticket, changed=, previous=, at=)``: after a saved change of priority,
  status, team, organisation, service, kind or category: pause/resume on pause statuses,
  stop on resolve/close/cancel, resume on reopen, re-target on priority or policy change
  (elapsed business time is kept), restart the OLA on reassignment to another team.
- ``first_response(ticket, at=)``: stop the response clock.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any


def ticket_opened(ticket: Any, *, at: datetime.datetime) -> None:
    return None


def ticket_changed(
    ticket: Any, *, changed: set[str], previous: Mapping[str, Any], at: datetime.datetime
) -> None:
    return None


def first_response(ticket: Any, *, at: datetime.datetime) -> None:
    return None
