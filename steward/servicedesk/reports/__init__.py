"""Satisfaction surveys (sending side), service-desk reports and charts, the demo data set and
the full-text index's upkeep. ``register()`` is called from the app's ``ready()``."""

from __future__ import annotations

from typing import Any


def _load_demo(**kwargs: Any) -> Any:
    from steward.servicedesk import demo

    return demo.load(**kwargs)


def register() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate
    from django.utils.translation import gettext_lazy as _

    from steward.core import events, registry
    from steward.servicedesk import search
    from steward.servicedesk.mailout import add_resolution_extra
    from steward.servicedesk.models import SLAClock
    from steward.servicedesk.reports.charts import open_tickets_by_priority_chart
    from steward.servicedesk.reports.surveys import on_ticket_resolved, survey_mail_extra

    events.subscribe("servicedesk.ticket_resolved", on_ticket_resolved)
    add_resolution_extra(survey_mail_extra)
    post_migrate.connect(
        search.on_post_migrate,
        sender=apps.get_app_config("servicedesk"),
        dispatch_uid="servicedesk-ticket-search",
    )
    registry.register_chart(open_tickets_by_priority_chart)
    # SLA clocks are visible to staff only, exactly the audience of the reports.
    registry.register_menu(_("Service desk"), _("Reports"), "servicedesk:reports", model=SLAClock)
    registry.register_demo("servicedesk", _load_demo, order=50)
