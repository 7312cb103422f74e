from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "steward.catalogue"
    label = "catalogue"
    verbose_name = _("Service catalogue")

    def ready(self) -> None:
        from steward.catalogue import demo, policies, services
        from steward.catalogue.models import (
            CatalogueItem,
            FulfilmentTask,
            FulfilmentTaskTemplate,
            RequestedItem,
        )
        from steward.core import events, registry
        from steward.notifications.services import event_register

        policies.register()
        section = _("Service catalogue")
        registry.register_menu(
            section, _("Request something"), "catalogue:browse", model=CatalogueItem
        )
        registry.register_menu(
            section, _("My requests"), "catalogue:my_requests", model=RequestedItem
        )
        registry.register_menu(
            section, _("Fulfilment tasks"), "catalogue:task_queue", model=FulfilmentTask
        )
        # The catalogue's set-up pages are for staff: the task templates' policy says who.
        registry.register_menu(
            section,
            _("Manage catalogue"),
            "catalogue:catalogueitem_list",
            model=FulfilmentTaskTemplate,
        )
        registry.register_search(
            CatalogueItem,
            fields=("name", "short_description"),
            url_name="catalogue:item_by_pk",
        )
        registry.register_card(
            registry.DashboardCard(
                _("My open requests"), _open_requests, "catalogue:my_requests", order=5
            )
        )
        registry.register_card(
            registry.DashboardCard(
                _("Fulfilment tasks for my teams"), _open_tasks, "catalogue:task_queue", order=6
            )
        )
        event_register(services.EVENT_TASK_OPENED, _("A fulfilment task opened for my team"))
        events.subscribe("approvals.request_approved", services.on_approval_decided)
        events.subscribe("approvals.request_rejected", services.on_approval_decided)
        events.subscribe("servicedesk.ticket_status_changed", services.on_ticket_status_changed)
        registry.register_demo("catalogue", demo.load, order=45)


def _open_requests(user):  # type: ignore[no-untyped-def]
    from steward.catalogue import selectors

    return selectors.my_open_request_count(user=user)


def _open_tasks(user):  # type: ignore[no-untyped-def]
    from steward.catalogue import selectors
    from steward.core import permissions

    if not permissions.has_role(user, *permissions.STAFF):
        return None
    return selectors.task_queue(user=user).count()
