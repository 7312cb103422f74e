"""(filled in as the app grows)"""


def register() -> None:
    _register_config_cache()
    _register_notifications()
    _register_search()
    _register_menus()


def _register_config_cache() -> None:
    """Settings read on every new ticket, cached per process (``core.configcache``)."""
    from steward.core import configcache
    from steward.servicedesk.models import (
        BusinessCalendar,
        Category,
        Holiday,
        PriorityRule,
        RoutingRule,
        SLAPolicy,
        SLATarget,
        WorkingHours,
    )

    configcache.register(Category, PriorityRule, RoutingRule, SLAPolicy, SLATarget)
    configcache.register(BusinessCalendar, WorkingHours, Holiday)


def _register_notifications() -> None:
    """Notice kinds people can switch on or off, and the handlers that tell agents about
    assignments and requesters' replies (tickets-core area)."""
    from django.utils.translation import gettext_lazy as _

    from steward.core import events
    from steward.notifications.services import event_register
    from steward.servicedesk import notify

    event_register(notify.ASSIGNED_TO_ME, _("A ticket was assigned to me"))
    event_register(notify.ASSIGNED_TO_TEAM, _("A new ticket arrived in my team's queue"))
    event_register(notify.REQUESTER_REPLIED, _("The requester replied on a ticket I work on"))
    event_register(notify.WATCHED_RESOLVED, _("A ticket I watch was resolved"))
    events.subscribe("servicedesk.ticket_assigned", notify.on_ticket_assigned)
    events.subscribe("servicedesk.entry_added", notify.on_entry_added)
    events.subscribe("servicedesk.ticket_resolved", notify.on_ticket_resolved)


def _register_search() -> None:
    """Tickets in the global search, by reference, title and text (tickets-core area)."""
    from steward.core import registry
    from steward.servicedesk.models import Ticket

    registry.register_search(Ticket, fields=("search_text",), url_name="servicedesk:ticket_detail")


def _register_menus() -> None:
    """Menus and dashboard cards of the agent pages (agent-ui area)."""
    from steward.servicedesk.ui import menus

    menus.register()
