from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "steward.core"
    label = "core"
    verbose_name = "Steward platform"

    def ready(self) -> None:
        from steward.core import audit, permissions
        from steward.core.models import (
            Attachment,
            AuditEntry,
            Comment,
            CustomFieldDefinition,
            Job,
            Schedule,
            Tag,
            TaggedItem,
            User,
            Watch,
        )
        from steward.core.permissions import EVERYONE, INTERNAL, MANAGERS, STAFF, Policy, Role

        audit.connect()
        from steward.core import configcache

        configcache.register(CustomFieldDefinition)
        from django.utils.translation import gettext_lazy as _

        from steward.core import registry

        section = _("Administration")
        admin_menu = [
            (_("Audit log"), "audit_list", AuditEntry),
            (_("Background jobs"), "job_list", Job),
            (_("Schedules"), "core:schedule_list", Schedule),
            (_("Custom fields"), "core:customfielddefinition_list", CustomFieldDefinition),
            (_("Tags"), "core:tag_list", Tag),
        ]
        for label, url_name, model in admin_menu:
            registry.register_menu(section, label, url_name, model=model, section_order=90)
        admin_only = frozenset({Role.ADMIN})
        permissions.register(User, Policy(view=STAFF, add=admin_only, change=admin_only))
        permissions.register(
            AuditEntry,
            Policy(view=MANAGERS, add=frozenset(), change=frozenset(), delete=frozenset()),
        )
        permissions.register(Tag, Policy(view=INTERNAL, add=STAFF, change=MANAGERS))
        permissions.register(
            CustomFieldDefinition, Policy(view=STAFF, add=admin_only, change=admin_only)
        )
        permissions.register(Schedule, Policy(view=MANAGERS, add=admin_only, change=admin_only))
        # Rows of these hang off other objects; views check the parent object first.
        for model in (TaggedItem, Comment, Attachment, Watch):
            permissions.register(
                model, Policy(view=EVERYONE, add=EVERYONE, change=EVERYONE, delete=EVERYONE)
            )
        permissions.register(
            Job,
            Policy(view=STAFF, add=STAFF, change=admin_only, scope=_own_jobs),
        )


def _own_jobs(user, qs, action, roles):  # type: ignore[no-untyped-def]
    from steward.core.permissions import Role

    if Role.ADMIN in roles:
        return qs
    return qs.filter(created_by=user)
