"""The agent area's menu entries, dashboard cards and demo loader (called from
``registration``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from steward.core import permissions, registry

SECTION_ORDER = 20


def _queue_count(name: str) -> Any:
    def value(user: Any) -> int | None:
        from steward.servicedesk.models import Ticket
        from steward.servicedesk.ui.common import is_agent_user
        from steward.servicedesk.ui.queue import queue_filter

        if not is_agent_user(user):
            return None
        rows = queue_filter(permissions.restrict(Ticket.objects.all(), user), name, user)
        return rows.values("pk").distinct().count()

    return value


def register() -> None:
    from steward.servicedesk import models as m

    # A menu entry shows to those who may view its ``model``. Tickets are visible to everyone
    # (requesters see theirs in the portal), so the agent entries are gated by models only
    # staff may view (ticket links, time entries, team settings).
    desk = _("Service desk")
    registry.register_menu(
        desk, _("Tickets"), "servicedesk:ticket_list", model=m.TicketLink, section_order=20
    )
    registry.register_menu(
        desk,
        _("New ticket"),
        "servicedesk:ticket_add",
        model=m.Ticket,
        action="work",  # what ticket_new checks; asset managers view tickets but do not work them
        section_order=20,
    )
    settings = _("Service desk settings")
    for label, url_name, model in (
        (_("Categories"), "servicedesk:category_list", m.TeamSetting),
        (_("Business services"), "servicedesk:service_list", m.TeamSetting),
        (_("Priority matrix"), "servicedesk:priority_matrix", m.PriorityRule),
        (_("Routing rules"), "servicedesk:routingrule_list", m.RoutingRule),
        (_("Team settings"), "servicedesk:teamsetting_list", m.TeamSetting),
        (_("Organisation settings"), "servicedesk:organisationsetting_list", m.OrganisationSetting),
        (_("Canned responses"), "servicedesk:cannedresponse_list", m.CannedResponse),
        (_("Saved queues"), "servicedesk:savedqueue_list", m.SavedQueue),
    ):
        registry.register_menu(settings, label, url_name, model=model, section_order=21)
    for label, name, url_name, order in (
        (_("My open tickets"), "mine", "servicedesk:queue_mine", 20),
        (_("Unassigned in my teams"), "unassigned", "servicedesk:queue_unassigned", 21),
        (_("Breaching within 1 h"), "breaching", "servicedesk:queue_breaching", 22),
    ):
        registry.register_card(registry.DashboardCard(label, _queue_count(name), url_name, order))
    from steward.servicedesk.ui import demo

    registry.register_demo("servicedesk_agent", demo.load, order=45)
