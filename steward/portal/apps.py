from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The self-service portal for employees and customer contacts, and the public service
    status page. No models of its own: it shows the service desk, knowledge base, catalogue
    and approvals through their services and selectors."""

    name = "steward.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        pass
