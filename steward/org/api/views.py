from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from steward.core.api.viewsets import StewardViewSet
from steward.core.permissions import Role
from steward.org import filtersets, services
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


class GrantLoginSerializer(drf.Serializer):  # type: ignore[type-arg]
    username = drf.SlugField(max_length=150)
    roles = drf.ListField(child=drf.ChoiceField(choices=Role.choices), allow_empty=False)


class PersonViewSet(StewardViewSet):
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet
    list_select_related = ("organisation",)
    ordering_fields = ["last_name", "first_name", "created_at"]

    @extend_schema(request=GrantLoginSerializer, responses={200: serializers.PersonSerializer})
    @action(detail=True, methods=["post"], url_path="grant-login")
    def grant_login(self, request: Request, pk: str | None = None) -> Response:
        """Give this person a login with roles (administrators only)."""
        person = self.get_object()
        payload = GrantLoginSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.person_grant_login(person=person, actor=request.user, **payload.validated_data)
        person.refresh_from_db()
        return Response(serializers.PersonSerializer(person).data)


class TeamViewSet(StewardViewSet):
    queryset = Team.objects.all()
    serializer_class = serializers.TeamSerializer
    filterset_class = filtersets.TeamFilterSet
    list_prefetch_related = ("members",)
    ordering_fields = ["name"]
