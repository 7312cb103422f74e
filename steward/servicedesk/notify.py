"""In-app notices for agents on the event bus: a ticket assigned to them or arriving in their
team's queue, a requester's reply, a watched ticket resolved. Mail to requesters is the mail
channel's (``mailout``); these handlers only tell the people working the ticket."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core.compiled import Compiled
from steward.core.context import current
from steward.core.models import Watch
from steward.notifications.services import notify
from steward.servicedesk.models import Ticket

ASSIGNED_TO_ME = "servicedesk.assigned_to_me"
ASSIGNED_TO_TEAM = "servicedesk.assigned_to_team"
REQUESTER_REPLIED = "servicedesk.requester_replied"
WATCHED_RESOLVED = "servicedesk.watched_resolved"


def _url(ticket: Ticket) -> str:
    try:
        return reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk})
    except NoReverseMatch:
        return ""


def _by_id(qs: QuerySet[Ticket], ticket_id: int) -> Ticket | None:
    """The ticket, or None once it is gone (get(), not first(): a primary key needs no
    ORDER BY to build and plan)."""
    try:
        return qs.get(pk=ticket_id)
    except Ticket.DoesNotExist:
        return None


def _ticket(ticket_id: int) -> Ticket | None:
    return _by_id(Ticket.objects.select_related("assignee__user", "team", "requester"), ticket_id)


ASSIGNED_COLUMNS = (
    "reference",
    "title",
    "description",
    "status",
    "assignee__user__is_active",
    "assignee__user__email",
    "team__name",
)


# Read for every new ticket: compiled once (steward/core/compiled.py).
_ASSIGNED: Compiled[Ticket] = Compiled(
    lambda pk: (
        Ticket.objects.select_related("assignee__user", "team")
        .only(*ASSIGNED_COLUMNS)
        .filter(pk=pk)
    ),
    -1,
)


def _assigned_ticket(ticket_id: int) -> Ticket | None:
    """What an assignment notice reads, for every new ticket: the few columns the notice
    and ``notify`` use (the ticket's words, the assignee's login: active, address; the
    team's name), not every column of four rows."""
    try:
        return _ASSIGNED.get(ticket_id)
    except Ticket.DoesNotExist:
        return None


def _not_the_actor(users: list[Any]) -> list[Any]:
    """Nobody is told about what they did themselves."""
    actor = current().actor()
    return [u for u in users if u is not None and (actor is None or u.pk != actor.pk)]


def _team_users(ticket: Ticket) -> list[Any]:
    if ticket.team is None:
        return []
    members = ticket.team.members.filter(is_active=True, user__isnull=False).select_related("user")
    return [p.user for p in members]


def _watchers(ticket: Ticket) -> list[Any]:
    kind = ContentType.objects.get_for_model(Ticket)
    rows = Watch.objects.filter(content_type=kind, object_id=str(ticket.pk)).select_related("user")
    # A watcher who may no longer see the ticket (moved to another organisation, say) is
    # told nothing about it.
    return [w.user for w in rows if permissions.can(w.user, "view", ticket)]


def on_ticket_assigned(*, event: str, ticket_id: int, assignee_id: Any = None, **kw: Any) -> None:
    ticket = _assigned_ticket(ticket_id)
    if ticket is None or not ticket.is_open:
        return
    title = f"{ticket.reference} {ticket.title}"
    if assignee_id and ticket.assignee_id == assignee_id and ticket.assignee.user_id:
        users = _not_the_actor([ticket.assignee.user])
        notify(
            users=users,
            event=ASSIGNED_TO_ME,
            title=_("Assigned to you: %(t)s") % {"t": title},
            body=ticket.description[:500],
            url=_url(ticket),
        )
    elif not ticket.assignee_id and ticket.team is not None:
        notify(
            users=_not_the_actor(_team_users(ticket)),
            event=ASSIGNED_TO_TEAM,
            title=_("New in %(team)s: %(t)s") % {"team": ticket.team, "t": title},
            body=ticket.description[:500],
            url=_url(ticket),
        )


def on_entry_added(
    *, event: str, ticket_id: int, public: bool = False, by_requester: bool = False, **kw: Any
) -> None:
    if not (public and by_requester):
        return
    ticket = _ticket(ticket_id)
    if ticket is None:
        return
    if ticket.assignee_id and ticket.assignee.user_id:
        users = [ticket.assignee.user]
    else:
        users = _team_users(ticket)
    users += _watchers(ticket)
    notify(
        users=_not_the_actor(users),
        event=REQUESTER_REPLIED,
        title=_("%(p)s replied on %(r)s %(t)s")
        % {"p": ticket.requester, "r": ticket.reference, "t": ticket.title},
        url=_url(ticket),
    )


def on_ticket_resolved(*, event: str, ticket_id: int, **kw: Any) -> None:
    ticket = _ticket(ticket_id)
    if ticket is None:
        return
    notify(
        users=_not_the_actor(_watchers(ticket)),
        event=WATCHED_RESOLVED,
        title=_("Resolved: %(r)s %(t)s") % {"r": ticket.reference, "t": ticket.title},
        body=ticket.resolution[:500],
        url=_url(ticket),
    )
