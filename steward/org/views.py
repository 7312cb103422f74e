from django.utils.translation import gettext_lazy as _

from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.org import filtersets
from steward.org.models import CostCenter, Department, Location, Organisation, Person, Team


class OrganisationList(ObjectListView):
    model, url_prefix, filterset_class = Organisation, "org:organisation", filtersets.OrganisationFilterSet
    columns = [Column("name", _("Name"), sort="name"), Column("get_kind_display", _("Kind")),
               Column("mail_domain", _("Mail domain")), Column("is_active", _("Active"))]


class OrganisationDetail(ObjectDetailView):
    model, url_prefix = Organisation, "org:organisation"
    fields = [Column("get_kind_display", _("Kind")), Column("mail_domain", _("Mail domain")),
              Column("website", _("Website")), Column("is_active", _("Active")),
              Column("notes", _("Notes"))]


class LocationList(ObjectListView):
    model, url_prefix, filterset_class = Location, "org:location", filtersets.LocationFilterSet
    select_related = ("organisation",)
    columns = [Column("name", _("Name"), sort="name"), Column("city", _("City"), sort="city"),
               Column("country", _("Country")), Column("time_zone", _("Time zone"), sort="time_zone"),
               Column("organisation", _("Organisation"))]


class LocationDetail(ObjectDetailView):
    model, url_prefix, select_related = Location, "org:location", ("organisation",)
    fields = [Column("organisation", _("Organisation")), Column("address", _("Address")),
              Column("city", _("City")), Column("country", _("Country")),
              Column("time_zone", _("Time zone"))]


class CostCenterList(ObjectListView):
    model, url_prefix, filterset_class = CostCenter, "org:costcenter", filtersets.CostCenterFilterSet
    select_related = ("organisation",)
    columns = [Column("code", _("Code"), sort="code"), Column("name", _("Name"), sort="name"),
               Column("organisation", _("Organisation"))]


class CostCenterDetail(ObjectDetailView):
    model, url_prefix, select_related = CostCenter, "org:costcenter", ("organisation",)
    fields = [Column("code", _("Code")), Column("name", _("Name")),
              Column("organisation", _("Organisation"))]


class DepartmentList(ObjectListView):
    model, url_prefix, filterset_class = Department, "org:department", filtersets.DepartmentFilterSet
    select_related = ("organisation", "cost_center", "parent")
    columns = [Column("name", _("Name"), sort="name"), Column("cost_center", _("Cost centre")),
               Column("parent", _("Parent")), Column("organisation", _("Organisation"))]


class DepartmentDetail(ObjectDetailView):
    model, url_prefix = Department, "org:department"
    select_related = ("organisation", "cost_center", "parent")
    fields = [Column("organisation", _("Organisation")), Column("cost_center", _("Cost centre")),
              Column("parent", _("Parent"))]


class PersonList(ObjectListView):
    model, url_prefix, filterset_class = Person, "org:person", filtersets.PersonFilterSet
    select_related = ("organisation", "department", "location")
    columns = [Column("full_name", _("Name"), sort="last_name"),
               Column("email", _("E-mail"), sort="email"), Column("job_title", _("Job title")),
               Column("department", _("Department")), Column("location", _("Location")),
               Column("organisation", _("Organisation"))]


class PersonDetail(ObjectDetailView):
    model, url_prefix = Person, "org:person"
    select_related = ("organisation", "department", "location", "manager", "user")
    tabs = ("history", "comments", "attachments", "watchers")
    fields = [Column("email", _("E-mail")), Column("phone", _("Phone")),
              Column("get_kind_display", _("Kind")), Column("organisation", _("Organisation")),
              Column("department", _("Department")), Column("location", _("Location")),
              Column("manager", _("Manager")), Column("job_title", _("Job title")),
              Column("employee_number", _("Employee number")), Column("user", _("Login")),
              Column("is_active", _("Active")), Column("away_until", _("Away until"))]


class TeamList(ObjectListView):
    model, url_prefix, filterset_class = Team, "org:team", filtersets.TeamFilterSet
    select_related = ("organisation", "lead")
    prefetch_related = ("members",)
    columns = [Column("name", _("Name"), sort="name"), Column("lead", _("Lead")),
               Column("members.count", _("Members")), Column("email", _("E-mail"))]


class TeamDetail(ObjectDetailView):
    model, url_prefix, select_related = Team, "org:team", ("organisation", "lead")
    fields = [Column("organisation", _("Organisation")), Column("email", _("E-mail")),
              Column("lead", _("Lead")), Column("members", _("Members")),
              Column("description", _("Description"))]
