import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.filtersets import RestrictedFilterSet
from steward.core.ui.lookup import LookupSelect
from steward.org.models import (
    CostCenter,
    Department,
    Location,
    Organisation,
    OrganisationKind,
    Person,
    PersonKind,
    Team,
)


class SearchFilterSet(RestrictedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ("name",)

    def search(self, queryset, name, value):  # type: ignore[no-untyped-def]
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class OrganisationFilterSet(SearchFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "is_active"]


class PersonFilterSet(SearchFilterSet):
    search_fields = ("first_name", "last_name", "email", "job_title")
    kind = django_filters.ChoiceFilter(choices=PersonKind.choices)
    manager = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Manager")
    )
    has_login = django_filters.BooleanFilter(
        field_name="user", lookup_expr="isnull", exclude=True, label=_("Has a login")
    )

    class Meta:
        model = Person
        fields = [
            "q",
            "kind",
            "organisation",
            "department",
            "location",
            "manager",
            "is_active",
            "has_login",
        ]


class TeamFilterSet(SearchFilterSet):
    class Meta:
        model = Team
        fields = ["q", "organisation"]


class LocationFilterSet(SearchFilterSet):
    search_fields = ("name", "city")

    class Meta:
        model = Location
        fields = ["q", "organisation", "country", "time_zone"]


class DepartmentFilterSet(SearchFilterSet):
    class Meta:
        model = Department
        fields = ["q", "organisation", "cost_center"]


class CostCenterFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = CostCenter
        fields = ["q", "organisation", "owner", "is_default", "is_active"]
