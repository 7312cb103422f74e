"""The routing line names a staff-only rule, so it is an internal note, not a public event."""

from __future__ import annotations

import pytest

from steward.core.permissions import Role
from steward.org.models import Team
from steward.servicedesk.models import EntryKind, RoutingRule, TicketEntry
from steward.servicedesk.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


def test_requesters_never_see_which_routing_rule_routed_their_ticket(api, org_world):
    team = Team.objects.create(organisation=org_world["internal"], name="Network")
    RoutingRule.objects.create(name="Secret VIP lane", match_keywords="vpn", set_team=team)
    contact = org_world["users"]["acme_contact"]
    ticket = ticket_create(actor=contact, requester=contact.person, title="VPN drops")

    note = TicketEntry.objects.get(ticket=ticket, body__contains="Secret VIP lane")
    assert note.kind == EntryKind.NOTE
    url = f"/api/servicedesk/ticket-entries/?ticket={ticket.pk}"
    seen = [e["body"] for e in api(contact).get(url).json()["results"]]
    assert seen and not any("Secret VIP lane" in body for body in seen)
    staff = [e["body"] for e in api(org_world["users"][Role.AGENT]).get(url).json()["results"]]
    assert any("Secret VIP lane" in body for body in staff)
