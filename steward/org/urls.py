from django.urls import path

from steward.core.ui.routes import crud
from steward.org import forms, views

app_name = "org"
urlpatterns = [
    *crud(
        "organisations",
        "organisation",
        list_view=views.OrganisationList,
        detail_view=views.OrganisationDetail,
        form_class=forms.OrganisationForm,
    ),
    *crud(
        "locations",
        "location",
        list_view=views.LocationList,
        detail_view=views.LocationDetail,
        form_class=forms.LocationForm,
    ),
    *crud(
        "cost-centres",
        "costcenter",
        list_view=views.CostCenterList,
        detail_view=views.CostCenterDetail,
        form_class=forms.CostCenterForm,
    ),
    *crud(
        "departments",
        "department",
        list_view=views.DepartmentList,
        detail_view=views.DepartmentDetail,
        form_class=forms.DepartmentForm,
    ),
    *crud(
        "people",
        "person",
        list_view=views.PersonList,
        detail_view=views.PersonDetailWithActions,
        form_class=forms.PersonForm,
    ),
    path("people/<int:pk>/login/", views.PersonGrantLogin.as_view(), name="person_login"),
    *crud(
        "teams",
        "team",
        list_view=views.TeamList,
        detail_view=views.TeamDetail,
        form_class=forms.TeamForm,
    ),
]
