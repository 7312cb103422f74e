from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "steward.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from steward.core import permissions, registry
        from steward.core.permissions import EVERYONE, INTERNAL, MANAGERS, Policy, Role
        from steward.org import charts, demo, selectors
        from steward.org.models import CostCenter, Department, Location, Organisation, Person, Team

        permissions.set_tenant_resolver(selectors.organisation_of_user)
        permissions.register(
            Organisation, Policy(view=EVERYONE, tenant_field="id", scope=_internal_only)
        )
        permissions.register(
            Person,
            Policy(
                view=EVERYONE,
                add=MANAGERS | {Role.AGENT},
                change=MANAGERS | {Role.AGENT},
                tenant_field="organisation_id",
                scope=_internal_people,
            ),
        )
        for model in (Location, CostCenter, Department):
            permissions.register(model, Policy(view=INTERNAL, tenant_field=None))
        permissions.register(Team, Policy(view=INTERNAL, add=MANAGERS, change=MANAGERS))

        section = _("Organisation")
        registry.register_menu(section, _("People"), "org:person_list", model=Person)
        registry.register_menu(section, _("Teams"), "org:team_list", model=Team)
        registry.register_menu(
            section, _("Organisations"), "org:organisation_list", model=Organisation
        )
        registry.register_menu(section, _("Departments"), "org:department_list", model=Department)
        registry.register_menu(section, _("Locations"), "org:location_list", model=Location)
        registry.register_menu(section, _("Cost centres"), "org:costcenter_list", model=CostCenter)

        registry.register_search(
            Person, fields=("first_name", "last_name", "email"), url_name="org:person_detail"
        )
        registry.register_search(
            Organisation, fields=("name", "mail_domain"), url_name="org:organisation_detail"
        )
        registry.register_search(Team, fields=("name",), url_name="org:team_detail")
        registry.register_search(Location, fields=("name", "city"), url_name="org:location_detail")
        registry.register_search(Department, fields=("name",), url_name="org:department_detail")

        registry.register_card(
            registry.DashboardCard(
                _("People"), lambda user: _count(user, Person), "org:person_list", order=10
            )
        )
        registry.register_card(
            registry.DashboardCard(
                _("Teams"), lambda user: _count(user, Team), "org:team_list", order=11
            )
        )
        registry.register_chart(charts.people_per_location_chart)
        registry.register_demo("org", demo.load, order=10)
        _register_imports()


def _register_imports() -> None:
    """Spreadsheet imports (steward.integrations): upsert on each model's natural key."""
    from steward.core.registry import ImportColumn as C
    from steward.core.registry import ImportResource, register_import_resource
    from steward.org.models import CostCenter, Department, Location, Organisation, Person, Team

    org = C("organisation", lookup="name")
    for resource in (
        ImportResource(
            "org.organisation",
            Organisation,
            (C("name"), C("kind"), C("mail_domain"), C("website"), C("is_active"), C("notes")),
            key=("name",),
        ),
        ImportResource(
            "org.location",
            Location,
            (org, C("name"), C("address"), C("city"), C("country"), C("time_zone")),
            key=("organisation", "name"),
        ),
        ImportResource(
            "org.costcenter",
            CostCenter,
            (C("code"), C("name"), org),
            key=("code",),
        ),
        ImportResource(
            "org.department",
            Department,
            (
                org,
                C("name"),
                C("cost_center", lookup="code"),
                C("parent", lookup="name", within="organisation"),
            ),
            key=("organisation", "name"),
        ),
        ImportResource(
            "org.person",
            Person,
            (
                C("email"),
                C("first_name"),
                C("last_name"),
                C("phone"),
                C("kind"),
                org,
                C("department", lookup="name", within="organisation"),
                C("location", lookup="name", within="organisation"),
                C("manager", lookup="email"),
                C("job_title"),
                C("employee_number"),
                C("is_active"),
                C("away_until"),
            ),
            key=("email",),
        ),
        ImportResource(
            "org.team",
            Team,
            (
                C("name"),
                org,
                C("email"),
                C("description"),
                C("lead", lookup="email"),
                C("members", lookup="email"),
            ),
            key=("name",),
        ),
    ):
        register_import_resource(resource)


def _count(user, model):  # type: ignore[no-untyped-def]
    from steward.core import permissions

    if not permissions.can(user, "view", model):
        return None
    return permissions.restrict(model.objects.all(), user).count()


def _internal_only(user, qs, action, roles):  # type: ignore[no-untyped-def]
    """Employees see the internal organisation; staff see customers too."""
    from steward.core.permissions import STAFF

    if roles & STAFF:
        return qs
    from steward.org.models import OrganisationKind

    if roles & {"employee"}:
        return qs.filter(kind=OrganisationKind.INTERNAL)
    return qs


def _internal_people(user, qs, action, roles):  # type: ignore[no-untyped-def]
    from steward.core.permissions import STAFF

    if roles & STAFF:
        return qs
    from steward.org.models import PersonKind

    if roles & {"employee"}:
        return qs.filter(kind=PersonKind.EMPLOYEE)
    return qs
