"""Pages of goals and the portfolio: lists and forms of each model, an IT goal with its key
results and check-ins, a project with its milestones, people and links, the strategy map,
the roadmap (server-drawn bars) and the capacity of people per month."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView
from steward.core.validation import is_id
from steward.strategy import goals, portfolio
from steward.strategy import portfolio_filtersets as f
from steward.strategy.models import (
    Allocation,
    BusinessGoal,
    CheckIn,
    ITGoal,
    KeyResult,
    Milestone,
    Project,
)


class BusinessGoalList(ObjectListView):
    model, url_prefix = BusinessGoal, "strategy:businessgoal"
    filterset_class = f.BusinessGoalFilterSet
    select_related = ("owner",)
    columns = [
        Column("title", _("Title"), sort="title", link=True),
        Column("owner", _("Owner")),
        Column("target_date", _("Target date"), sort="target_date"),
    ]


class BusinessGoalDetail(ObjectDetailView):
    model, url_prefix = BusinessGoal, "strategy:businessgoal"
    template_name = "strategy/goal_detail.html"
    select_related = ("owner",)
    fields = [
        Column("title", _("Title")),
        Column("description", _("Description")),
        Column("owner", _("Owner")),
        Column("target_date", _("Target date")),
    ]

    def extra_context(self, obj: Any) -> dict[str, Any]:
        ids = list(obj.it_goals.values_list("pk", flat=True))
        rows = goals.it_goal_progress(user=self.request.user, it_goal_ids=ids)
        return {"it_goals": rows, "progress": round(goals.mean([r.exact for r in rows]), 1)}


class ITGoalList(ObjectListView):
    model, url_prefix = ITGoal, "strategy:itgoal"
    filterset_class = f.ITGoalFilterSet
    select_related = ("business_goal", "owner")
    columns = [
        Column("title", _("Title"), sort="title", link=True),
        Column("business_goal", _("Business goal"), sort="business_goal__title"),
        Column("owner", _("Owner")),
        Column("start", _("Start"), sort="start"),
        Column("end", _("End"), sort="end"),
    ]


class ITGoalDetail(ObjectDetailView):
    model, url_prefix = ITGoal, "strategy:itgoal"
    template_name = "strategy/goal_detail.html"
    select_related = ("business_goal", "owner")
    fields = [
        Column("title", _("Title")),
        Column("business_goal", _("Business goal")),
        Column("description", _("Description")),
        Column("owner", _("Owner")),
        Column("start", _("Start")),
        Column("end", _("End")),
    ]

    def extra_context(self, obj: Any) -> dict[str, Any]:
        rows = goals.it_goal_progress(user=self.request.user, it_goal_ids=[obj.pk])
        check_ins = goals.check_in_list(user=self.request.user).filter(key_result__it_goal=obj)
        return {
            "key_results": rows[0].key_results if rows else [],
            "progress": rows[0].progress if rows else 0.0,
            "check_ins": list(check_ins.order_by("-date", "-pk")[:50]),
        }


class KeyResultList(ObjectListView):
    model, url_prefix = KeyResult, "strategy:keyresult"
    filterset_class = f.KeyResultFilterSet
    select_related = ("it_goal",)
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("it_goal", _("IT goal"), sort="it_goal__title"),
        Column("metric", _("Metric")),
        Column("start_value", _("Start")),
        Column("target_value", _("Target")),
        Column("current_value", _("Current")),
        Column("unit", _("Unit")),
        Column("progress", _("Progress %")),
    ]


class KeyResultDetail(ObjectDetailView):
    model, url_prefix = KeyResult, "strategy:keyresult"
    select_related = ("it_goal",)
    fields = [
        Column("name", _("Name")),
        Column("it_goal", _("IT goal")),
        Column("metric", _("Metric")),
        Column("unit", _("Unit")),
        Column("start_value", _("Start value")),
        Column("target_value", _("Target value")),
        Column("current_value", _("Current value")),
        Column("progress", _("Progress %")),
    ]


class CheckInList(ObjectListView):
    model, url_prefix = CheckIn, "strategy:checkin"
    filterset_class = f.CheckInFilterSet
    select_related = ("key_result",)
    columns = [
        Column("date", _("Date"), sort="date", link=True),
        Column("key_result", _("Key result"), sort="key_result__name"),
        Column("value", _("Value"), sort="value"),
        Column("note", _("Note")),
    ]


class CheckInDetail(ObjectDetailView):
    model, url_prefix = CheckIn, "strategy:checkin"
    select_related = ("key_result",)
    fields = [
        Column("key_result", _("Key result")),
        Column("date", _("Date")),
        Column("value", _("Value")),
        Column("note", _("Note")),
    ]


class CheckInEdit(ObjectEditView):
    def save(self, obj: Any, data: dict[str, Any]) -> Any:
        if obj is None:
            return goals.check_in_record(actor=self.request.user, **data)
        return super().save(obj, data)


class ProjectList(ObjectListView):
    model, url_prefix = Project, "strategy:project"
    filterset_class = f.ProjectFilterSet
    select_related = ("owner", "it_goal")
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("get_kind_display", _("Kind"), sort="kind"),
        Column("get_phase_display", _("Phase"), sort="phase"),
        Column("get_status_display", _("Status"), sort="status"),
        Column("get_health_display", _("Health"), sort="health"),
        Column("owner", _("Owner")),
        Column("planned_start", _("Planned start"), sort="planned_start"),
        Column("planned_end", _("Planned end"), sort="planned_end"),
        Column("budget", _("Budget"), sort="budget"),
    ]


class ProjectDetail(ObjectDetailView):
    model, url_prefix = Project, "strategy:project"
    template_name = "strategy/project_detail.html"
    fields = [
        Column("get_kind_display", _("Kind")),
        Column("it_goal", _("IT goal")),
        Column("get_phase_display", _("Phase")),
        Column("get_status_display", _("Status")),
        Column("get_health_display", _("Health")),
        Column("health_reason", _("Health reason")),
        Column("owner", _("Owner")),
        Column("budget", _("Budget")),
        Column("actual_spent", _("Spent")),
        Column("budget_line", _("Budget line")),
        Column("planned_start", _("Planned start")),
        Column("planned_end", _("Planned end")),
        Column("actual_start", _("Actual start")),
        Column("actual_end", _("Actual end")),
        Column("description", _("Description")),
    ]

    def get_object(self) -> Any:
        from django.http import Http404

        obj = portfolio.project_get(user=self.request.user, pk=self.kwargs["pk"])
        if obj is None:
            raise Http404
        return obj

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return portfolio.project_links(user=self.request.user, project=obj)


class ProjectEdit(ObjectEditView):
    """Projects through the portfolio's services: links only to what the editor may see."""

    def make_form(self, obj: Any, data: Any = None) -> Any:
        return self.get_form_class()(data, instance=obj, user=self.request.user)

    def save(self, obj: Any, data: dict[str, Any]) -> Any:
        user = self.request.user
        if obj is None:
            return portfolio.project_create(data=data, actor=user)
        return portfolio.project_update(project=obj, data=data, actor=user)


class MilestoneList(ObjectListView):
    model, url_prefix = Milestone, "strategy:milestone"
    filterset_class = f.MilestoneFilterSet
    select_related = ("project",)
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("project", _("Project"), sort="project__name"),
        Column("due", _("Due"), sort="due"),
        Column("done", _("Done"), sort="done"),
    ]


class MilestoneDetail(ObjectDetailView):
    model, url_prefix = Milestone, "strategy:milestone"
    select_related = ("project",)
    fields = [
        Column("project", _("Project")),
        Column("name", _("Name")),
        Column("due", _("Due")),
        Column("done", _("Done")),
    ]


class AllocationList(ObjectListView):
    model, url_prefix = Allocation, "strategy:allocation"
    filterset_class = f.AllocationFilterSet
    select_related = ("project", "person")
    columns = [
        Column("person", _("Person"), sort="person__last_name", link=True),
        Column("project", _("Project"), sort="project__name"),
        Column("percent", _("Allocation %"), sort="percent"),
        Column("start", _("Start"), sort="start"),
        Column("end", _("End"), sort="end"),
    ]


class AllocationDetail(ObjectDetailView):
    model, url_prefix = Allocation, "strategy:allocation"
    select_related = ("project", "person")
    fields = [
        Column("project", _("Project")),
        Column("person", _("Person")),
        Column("percent", _("Allocation %")),
        Column("start", _("Start")),
        Column("end", _("End")),
    ]


class ProjectChildEdit(ObjectEditView):
    """Milestones and allocations: added by those who may change their project."""

    def ensure_allowed(self, obj: Any) -> None:
        if obj is None and not permissions.can(self.request.user, "add", self.model):
            raise PermissionDenied

    def make_form(self, obj: Any, data: Any = None) -> Any:
        """A new one starts on the project named by ``?project=`` (from the project page)."""
        wanted = self.request.GET.get("project")
        initial = {"project": wanted} if obj is None and is_id(wanted) else None
        return self.get_form_class()(data, instance=obj, initial=initial)

    def save(self, obj: Any, data: dict[str, Any]) -> Any:
        user = self.request.user
        if obj is None:
            return portfolio.project_child_create(model=self.model, data=data, actor=user)
        return portfolio.project_child_update(obj=obj, data=data, actor=user)


def _month(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else default
    except ValueError:
        return default


@login_required
def strategy_map(request: HttpRequest) -> HttpResponse:
    """Business goal → IT goal → initiative/project → services and budget, as tiers."""
    if not permissions.can(request.user, "view", BusinessGoal):
        raise PermissionDenied
    tree = goals.strategy_map(user=request.user)
    return render(
        request, "strategy/strategy_map.html", {"title": _t("Strategy map"), "tree": tree}
    )


@login_required
def roadmap(request: HttpRequest) -> HttpResponse:
    """The portfolio as a timeline: a bar per project (planned, and actual once started),
    its milestones as markers, a line for today."""
    if not permissions.can(request.user, "view", Project):
        raise PermissionDenied
    data = portfolio.roadmap_layout(portfolio.roadmap(user=request.user))
    context = {"title": _t("Portfolio roadmap"), "roadmap": data}
    context["summary"] = portfolio.portfolio_summary(user=request.user)
    return render(request, "strategy/portfolio_roadmap.html", context)


@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    """People's allocation per month, over 100 % flagged."""
    if not permissions.can(request.user, "view", Allocation):
        raise PermissionDenied
    today = timezone.localdate().replace(day=1)
    start = _month(request.GET.get("start"), today)
    data = portfolio.capacity(user=request.user, start=start, months=12)
    return render(
        request,
        "strategy/portfolio_capacity.html",
        {"title": _t("Capacity"), "capacity": data, "start": start},
    )
