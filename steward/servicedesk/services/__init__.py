"""Every state change of the service desk. See ``tickets`` for the ticket use cases."""

from steward.servicedesk.services.surveys import survey_answer
from steward.servicedesk.services.tickets import (
    UNCHANGED,
    ticket_assign,
    ticket_bulk_update,
    ticket_create,
    ticket_link,
    ticket_merge,
    ticket_reply,
    ticket_transition,
    ticket_unlink,
    ticket_update,
    time_entry_add,
)

__all__ = [
    "UNCHANGED",
    "survey_answer",
    "ticket_assign",
    "ticket_bulk_update",
    "ticket_create",
    "ticket_link",
    "ticket_merge",
    "ticket_reply",
    "ticket_transition",
    "ticket_unlink",
    "ticket_update",
    "time_entry_add",
]
