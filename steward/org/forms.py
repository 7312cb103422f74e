from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.permissions import Role
from steward.core.ui.lookup import LookupSelect, LookupSelectMultiple
from steward.org.models import CostCenter, Department, Location, Organisation, Person, Team


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "mail_domain", "website", "is_active", "notes"]


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["organisation", "name", "address", "city", "country", "time_zone"]


class CostCenterForm(forms.ModelForm):
    class Meta:
        model = CostCenter
        fields = ["organisation", "code", "name", "owner", "is_default", "is_active"]
        widgets = {"owner": LookupSelect(Person)}


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["organisation", "name", "cost_center", "parent"]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "kind",
            "organisation",
            "department",
            "location",
            "manager",
            "job_title",
            "employee_number",
            "time_zone",
            "language",
            "is_active",
            "away_until",
        ]
        widgets = {
            "away_until": forms.DateInput(attrs={"type": "date"}),
            "manager": LookupSelect(Person),
        }


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["organisation", "name", "email", "description", "lead", "members"]
        widgets = {"lead": LookupSelect(Person), "members": LookupSelectMultiple(Person)}


class GrantLoginForm(forms.Form):
    username = forms.SlugField(label=_("User name"), max_length=150)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    send_reset = forms.BooleanField(
        label=_("E-mail a link to choose a password"), required=False, initial=True
    )
