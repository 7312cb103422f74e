from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "steward.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from steward.core import configcache, events, permissions, registry
        from steward.core.permissions import MANAGERS, STAFF, Policy, Role
        from steward.integrations import services, webhooks  # noqa: F401  (job handlers)
        from steward.integrations.models import ImportBatch, WebhookDelivery, WebhookSubscription

        admin_only = frozenset({Role.ADMIN})
        permissions.register(
            ImportBatch,
            Policy(view=STAFF, add=STAFF, change=admin_only, delete=admin_only, scope=_own),
        )
        permissions.register(
            WebhookSubscription,
            Policy(view=MANAGERS, add=admin_only, change=admin_only, delete=admin_only),
        )
        permissions.register(
            WebhookDelivery,
            Policy(view=MANAGERS, add=frozenset(), change=frozenset(), delete=admin_only),
        )
        section = _("Integrations")
        registry.register_menu(section, _("Import"), "integrations:import_list", model=ImportBatch)
        registry.register_menu(
            section, _("Webhooks"), "integrations:webhook_list", model=WebhookSubscription
        )
        events.subscribe(events.ANY, webhooks.on_event)
        configcache.register(WebhookSubscription)


def _own(user, qs, action, roles):  # type: ignore[no-untyped-def]
    """People see their own imports; administrators see all."""
    from steward.core.permissions import Role

    if Role.ADMIN in roles:
        return qs
    return qs.filter(created_by=user)
