from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from steward.core import permissions
from steward.core.models import User
from steward.core.ui.forms import add_service_errors
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.org import filtersets, services
from steward.org.forms import GrantLoginForm
from steward.org.models import CostCenter, Department, Location, Organisation, Person, Team


class OrganisationList(ObjectListView):
    model, url_prefix, filterset_class = (
        Organisation,
        "org:organisation",
        filtersets.OrganisationFilterSet,
    )
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_kind_display", _("Kind")),
        Column("mail_domain", _("Mail domain")),
        Column("is_active", _("Active")),
    ]


class OrganisationDetail(ObjectDetailView):
    model, url_prefix = Organisation, "org:organisation"
    internal_fields = ("notes",)
    fields = [
        Column("get_kind_display", _("Kind")),
        Column("mail_domain", _("Mail domain")),
        Column("website", _("Website")),
        Column("is_active", _("Active")),
        Column("notes", _("Notes")),
    ]


class LocationList(ObjectListView):
    model, url_prefix, filterset_class = Location, "org:location", filtersets.LocationFilterSet
    select_related = ("organisation",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("city", _("City"), sort="city"),
        Column("country", _("Country")),
        Column("time_zone", _("Time zone"), sort="time_zone"),
        Column("organisation", _("Organisation")),
    ]


class LocationDetail(ObjectDetailView):
    model, url_prefix, select_related = Location, "org:location", ("organisation",)
    fields = [
        Column("organisation", _("Organisation")),
        Column("address", _("Address")),
        Column("city", _("City")),
        Column("country", _("Country")),
        Column("time_zone", _("Time zone")),
    ]


class CostCenterList(ObjectListView):
    model, url_prefix, filterset_class = (
        CostCenter,
        "org:costcenter",
        filtersets.CostCenterFilterSet,
    )
    select_related = ("organisation", "owner")
    columns = [
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("organisation", _("Organisation")),
        Column("owner", _("Owner")),
        Column("is_default", _("Default"), sort="is_default"),
        Column("is_active", _("Active"), sort="is_active"),
    ]


class CostCenterDetail(ObjectDetailView):
    model, url_prefix = CostCenter, "org:costcenter"
    select_related = ("organisation", "owner")
    fields = [
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("organisation", _("Organisation")),
        Column("owner", _("Owner")),
        Column("is_default", _("Default")),
        Column("is_active", _("Active")),
    ]


class DepartmentList(ObjectListView):
    model, url_prefix, filterset_class = (
        Department,
        "org:department",
        filtersets.DepartmentFilterSet,
    )
    select_related = ("organisation", "cost_center", "parent")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("cost_center", _("Cost centre")),
        Column("parent", _("Parent")),
        Column("organisation", _("Organisation")),
    ]


class DepartmentDetail(ObjectDetailView):
    model, url_prefix = Department, "org:department"
    select_related = ("organisation", "cost_center", "parent")
    fields = [
        Column("organisation", _("Organisation")),
        Column("cost_center", _("Cost centre")),
        Column("parent", _("Parent")),
    ]


class PersonList(ObjectListView):
    model, url_prefix, filterset_class = Person, "org:person", filtersets.PersonFilterSet
    select_related = ("organisation", "department", "location")
    columns = [
        Column("full_name", _("Name"), sort="last_name"),
        Column("email", _("E-mail"), sort="email"),
        Column("job_title", _("Job title")),
        Column("department", _("Department")),
        Column("location", _("Location")),
        Column("organisation", _("Organisation")),
    ]


class PersonDetail(ObjectDetailView):
    model, url_prefix = Person, "org:person"
    select_related = ("organisation", "department", "location", "manager", "user")
    tabs = ("history", "comments", "attachments", "tags", "watchers")
    fields = [
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("get_kind_display", _("Kind")),
        Column("organisation", _("Organisation")),
        Column("department", _("Department")),
        Column("location", _("Location")),
        Column("manager", _("Manager")),
        Column("job_title", _("Job title")),
        Column("employee_number", _("Employee number")),
        Column("effective_time_zone", _("Time zone")),
        Column("get_language_display", _("Language")),
        Column("user", _("Login")),
        Column("is_active", _("Active")),
        Column("away_until", _("Away until")),
    ]


class TeamList(ObjectListView):
    model, url_prefix, filterset_class = Team, "org:team", filtersets.TeamFilterSet
    select_related = ("organisation", "lead")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("lead", _("Lead")),
        Column("member_count", _("Members"), sort="member_count"),
        Column("email", _("E-mail")),
    ]

    def get_queryset(self) -> Any:
        return super().get_queryset().annotate(member_count=Count("members"))


class TeamDetail(ObjectDetailView):
    model, url_prefix, select_related = Team, "org:team", ("organisation", "lead")
    fields = [
        Column("organisation", _("Organisation")),
        Column("email", _("E-mail")),
        Column("lead", _("Lead")),
        Column("members", _("Members")),
        Column("description", _("Description")),
    ]


class PersonDetailWithActions(PersonDetail):
    def extra_context(self, obj: Person) -> dict[str, Any]:
        actions = []
        if permissions.can(self.request.user, "change", User):
            url = reverse("org:person_login", kwargs={"pk": obj.pk})
            actions.append((_("Login and roles"), url))
        return {"actions": actions}


class PersonGrantLogin(ObjectDetailView):
    """Administrators give a person a login and roles (and mail them a password link)."""

    model, url_prefix = Person, "org:person"
    template_name = "org/grant_login.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self.get_object()
        if not permissions.can(request.user, "change", User):
            raise PermissionDenied
        initial: dict[str, Any] = {"username": person.email.split("@")[0] or ""}
        if person.user:
            initial = {
                "username": person.user.username,
                "roles": list(person.user.groups.values_list("name", flat=True)),
            }
        form = GrantLoginForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.person_grant_login(
                    person=person,
                    username=form.cleaned_data["username"],
                    roles=form.cleaned_data["roles"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                person.refresh_from_db()
                if form.cleaned_data["send_reset"]:
                    services.person_send_password_link(person=person, request=request)
                messages.success(request, _("Login saved for %(p)s.") % {"p": person})
                return redirect("org:person_detail", pk=person.pk)
        status = 400 if request.method == "POST" else 200
        context = {"form": form, "object": person, "title": _("Login and roles")}
        return render(request, self.template_name, context, status=status)

    post = get
