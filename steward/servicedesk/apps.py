from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "steward.servicedesk"
    label = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # One module per area registers its part (policies, menus, mail, SLA jobs, reports,
        # demo), so that the areas can grow without touching each other.
        from steward.servicedesk import policies, registration
        from steward.servicedesk.mailchannel import register as register_mail
        from steward.servicedesk.reports import register as register_reports
        from steward.servicedesk.sla import register as register_sla

        policies.register()
        registration.register()
        register_mail()
        register_sla()
        register_reports()
