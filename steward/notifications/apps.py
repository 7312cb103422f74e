from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "steward.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from steward.core import mail, permissions, registry
        from steward.core.permissions import EVERYONE, Policy, Role
        from steward.notifications import services
        from steward.notifications.models import (
            InboundMessage,
            Notification,
            NotificationPreference,
        )

        admin_only = frozenset({Role.ADMIN})
        # Everyone has an inbox; rows narrow to the recipient's own. Customer contacts are
        # confined by tenant first, found through the login's person record.
        permissions.register(
            Notification,
            Policy(
                view=EVERYONE,
                add=frozenset(),
                change=EVERYONE,
                delete=EVERYONE,
                tenant_field="recipient__person__organisation_id",
                scope=_own("recipient"),
            ),
        )
        permissions.register(
            NotificationPreference,
            Policy(
                view=EVERYONE,
                add=EVERYONE,
                change=EVERYONE,
                delete=EVERYONE,
                tenant_field="user__person__organisation_id",
                scope=_own("user"),
            ),
        )
        permissions.register(
            InboundMessage,
            Policy(view=admin_only, add=frozenset(), change=admin_only, delete=admin_only),
        )
        mail.set_quarantine_sink(services.inbound_message_quarantine)
        registry.register_menu(
            _("Administration"),
            _("Mail quarantine"),
            "notifications:quarantine",
            model=InboundMessage,
            section_order=90,
        )
        from steward.notifications import demo

        services.event_register("platform.welcome", _("Welcome and announcements"))
        registry.register_demo("notifications", demo.load, order=90)
        from steward.notifications import selectors

        registry.register_card(
            registry.DashboardCard(
                _("Unread notifications"),
                selectors.unread_count,
                "notifications:inbox",
                order=2,
            )
        )


def _own(field):  # type: ignore[no-untyped-def]
    def scope(user, qs, action, roles):  # type: ignore[no-untyped-def]
        return qs.filter(**{field: user})

    return scope
