from steward.core.api.viewsets import StewardViewSet
from steward.org import filtersets
from steward.org.api import serializers
from steward.org.models import CostCenter, Department, Location, Organisation, Person, Team


class OrganisationViewSet(StewardViewSet):
    queryset = Organisation.objects.all()
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    ordering_fields = ["name", "created_at"]


class LocationViewSet(StewardViewSet):
    queryset = Location.objects.all()
    serializer_class = serializers.LocationSerializer
    filterset_class = filtersets.LocationFilterSet
    ordering_fields = ["name"]


class CostCenterViewSet(StewardViewSet):
    queryset = CostCenter.objects.all()
    serializer_class = serializers.CostCenterSerializer
    filterset_class = filtersets.CostCenterFilterSet
    ordering_fields = ["code"]


class DepartmentViewSet(StewardViewSet):
    queryset = Department.objects.all()
    serializer_class = serializers.DepartmentSerializer
    filterset_class = filtersets.DepartmentFilterSet
    ordering_fields = ["name"]


class PersonViewSet(StewardViewSet):
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet
    list_select_related = ("organisation",)
    ordering_fields = ["last_name", "first_name", "created_at"]


class TeamViewSet(StewardViewSet):
    queryset = Team.objects.all()
    serializer_class = serializers.TeamSerializer
    filterset_class = filtersets.TeamFilterSet
    list_prefetch_related = ("members",)
    ordering_fields = ["name"]
