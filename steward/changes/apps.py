from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "steward.changes"
    label = "changes"
    verbose_name = _("Changes")

    def ready(self) -> None:
        from steward.changes import calendar_cache, demo, services
        from steward.core import events, registry

        _register_policies()
        _register_menu_and_search()
        for outcome in ("approved", "rejected", "cancelled"):
            events.subscribe(f"approvals.request_{outcome}", services.on_approval_decided)
        registry.register_demo("changes", demo.load, order=58)
        calendar_cache.connect()


def _register_policies() -> None:
    """Who may do what with changes.

    Staff (agents, asset managers, IT managers, administrators) raise, assess, schedule and
    implement changes; IT managers maintain the pre-approved templates and the maintenance
    and blackout windows. An employee sees only the changes they requested (and the windows:
    when IT will be down is no secret inside the company). Customer contacts see nothing:
    no role here and no tenant field, these rows belong to the IT organisation."""
    from steward.changes.models import (
        CalendarFeedToken,
        ChangeIncident,
        ChangeRequest,
        ChangeRequestCI,
        ChangeTemplate,
        ChangeWindow,
        Problem,
        ProblemIncident,
        ProblemTask,
    )
    from steward.core import permissions
    from steward.core.permissions import INTERNAL, MANAGERS, STAFF, Policy

    none: frozenset[str] = frozenset()
    permissions.register(
        ChangeRequest,
        Policy(view=INTERNAL, add=STAFF, change=STAFF, delete=none, scope=_own_changes),
    )
    permissions.register(
        ChangeRequestCI,
        Policy(view=INTERNAL, add=none, change=none, delete=none, scope=_own_change_links),
    )
    permissions.register(ChangeTemplate, Policy(view=STAFF, add=MANAGERS, change=MANAGERS))
    permissions.register(
        ChangeWindow, Policy(view=INTERNAL, add=MANAGERS, change=MANAGERS, delete=MANAGERS)
    )
    # Problems are IT's investigation: staff only.
    permissions.register(Problem, Policy(view=STAFF, add=STAFF, change=STAFF, delete=none))
    # Which incidents a change caused is IT's too, even on a change an employee asked for.
    for model in (ProblemIncident, ProblemTask, ChangeIncident):
        permissions.register(model, Policy(view=STAFF, add=none, change=none, delete=none))
    permissions.register(
        CalendarFeedToken,
        Policy(view=INTERNAL, add=none, change=none, delete=none, scope=_own_token),
    )


def _is_staff(roles: frozenset[str]) -> bool:
    from steward.core.permissions import STAFF

    return bool(roles & STAFF)


def _own_changes(user, qs, action, roles):  # type: ignore[no-untyped-def]
    return qs if _is_staff(roles) else qs.filter(requester=user)


def _own_change_links(user, qs, action, roles):  # type: ignore[no-untyped-def]
    return qs if _is_staff(roles) else qs.filter(change__requester=user)


def _own_token(user, qs, action, roles):  # type: ignore[no-untyped-def]
    return qs.filter(user=user)


def _register_menu_and_search() -> None:
    from steward.changes.models import ChangeRequest, ChangeTemplate, ChangeWindow, Problem
    from steward.core import registry

    section = _("Changes")
    for label, url_name, model in (
        (_("Change requests"), "changes:changerequest_list", ChangeRequest),
        (_("Change calendar"), "changes:calendar_month", ChangeRequest),
        (_("Templates"), "changes:changetemplate_list", ChangeTemplate),
        (_("Maintenance and blackout windows"), "changes:changewindow_list", ChangeWindow),
        (_("Problems"), "changes:problem_list", Problem),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=42)
    registry.register_search(
        ChangeRequest, fields=("title",), url_name="changes:changerequest_detail"
    )
    registry.register_search(Problem, fields=("title",), url_name="changes:problem_detail")
