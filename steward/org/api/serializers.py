from rest_framework import serializers

from steward.core.api.serializers import StrictSerializer
from steward.org.models import CostCenter, Department, Location, Organisation, Person, Team

COMMON = ["custom_fields", "created_at", "updated_at"]


class OrganisationSerializer(StrictSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "mail_domain", "website", "is_active", "notes", *COMMON]
        internal_fields = ("notes",)


class LocationSerializer(StrictSerializer):
    class Meta:
        model = Location
        fields = ["id", "organisation", "name", "address", "city", "country", "time_zone", *COMMON]


class CostCenterSerializer(StrictSerializer):
    class Meta:
        model = CostCenter
        fields = [
            "id",
            "organisation",
            "code",
            "name",
            "owner",
            "is_default",
            "is_active",
            *COMMON,
        ]


class DepartmentSerializer(StrictSerializer):
    class Meta:
        model = Department
        fields = ["id", "organisation", "name", "cost_center", "parent", *COMMON]


class PersonSerializer(StrictSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "kind",
            "organisation",
            "organisation_name",
            "department",
            "location",
            "manager",
            "job_title",
            "employee_number",
            "time_zone",
            "language",
            "is_active",
            "away_until",
            "has_login",
            *COMMON,
        ]

    def get_has_login(self, obj: Person) -> bool:
        return obj.user_id is not None


class TeamSerializer(StrictSerializer):
    class Meta:
        model = Team
        fields = ["id", "organisation", "name", "email", "description", "lead", "members", *COMMON]
