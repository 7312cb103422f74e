"""The SLA/OLA engine: business calendars, clocks, warnings, breaches and escalations."""


def register() -> None:
    """Called from ``ServiceDeskConfig.ready()``: the scan's job handler and schedule, the
    notification kinds of escalations, the demo loader."""
    from django.apps import apps
    from django.db.models.signals import post_migrate
    from django.utils.translation import gettext_lazy as _

    from steward.core import registry
    from steward.notifications.services import event_register
    from steward.servicedesk.sla import demo, recalculate, scan  # noqa: F401 - job handlers

    event_register(
        "servicedesk.sla_warning",
        _("SLA warning"),
        _("A ticket's service-level target is close to being missed."),
    )
    event_register(
        "servicedesk.sla_breached",
        _("SLA breached"),
        _("A ticket missed its service-level target."),
    )
    registry.register_demo("servicedesk_sla", demo.load, order=30)
    recalculate.register()
    from steward.servicedesk import models as m

    settings = _("Service desk settings")
    for label, url_name, model in (
        (_("SLA policies"), "servicedesk:slapolicy_list", m.SLAPolicy),
        (_("Business calendars"), "servicedesk:businesscalendar_list", m.BusinessCalendar),
        (_("Escalation rules"), "servicedesk:escalationrule_list", m.EscalationRule),
    ):
        registry.register_menu(settings, label, url_name, model=model, section_order=21)
    post_migrate.connect(
        _ensure_schedule, sender=apps.get_app_config("servicedesk"), dispatch_uid="sla_scan"
    )


def _ensure_schedule(sender, **kwargs):  # type: ignore[no-untyped-def]
    import datetime

    from steward.core.jobs import schedule_ensure
    from steward.servicedesk.sla.scan import HANDLER

    schedule_ensure(name="SLA scan", handler=HANDLER, interval=datetime.timedelta(minutes=1))
