"""Pages of the scenario plans: growth plans (computed lines, chart of cost against the
remaining budget, recompute, purchase-request draft), recovery plans (the recovery order
with backup status and RPO flags), and the lists and forms of targets, backup reports,
tabletop exercises and their actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView
from steward.strategy import growth, recovery
from steward.strategy import scenario_filtersets as filtersets
from steward.strategy.models import (
    BackupReport,
    Exercise,
    ExerciseAction,
    GrowthPlan,
    RecoveryPlan,
    RecoveryTarget,
)


class GrowthPlanList(ObjectListView):
    model, url_prefix = GrowthPlan, "strategy:growthplan"
    filterset_class = filtersets.GrowthPlanFilterSet
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("target_date", _("Hired by"), sort="target_date"),
        Column("computed_at", _("Computed at"), sort="computed_at"),
    ]


def _growth_chart(budget: dict[str, Any]) -> dict[str, Any]:
    rows = [*budget.get("rows", []), {**budget.get("total", {}), "name": _t("Total")}]
    rows = [r for r in rows if "cost" in r]
    return {
        "type": "bar",
        "labels": [str(r["name"]) for r in rows],
        "datasets": [
            {"label": _t("Cost of the plan"), "data": [float(r["cost"]) for r in rows]},
            {"label": _t("Remaining budget"), "data": [float(r["remaining"]) for r in rows]},
        ],
    }


class GrowthPlanDetail(ObjectDetailView):
    model, url_prefix = GrowthPlan, "strategy:growthplan"
    template_name = "strategy/growth_detail.html"
    fields = [
        Column("name", _("Name")),
        Column("target_date", _("Hired by")),
        Column("notes", _("Notes")),
        Column("computed_at", _("Computed at")),
        Column("purchase_request", _("Purchase request draft")),
    ]

    def extra_context(self, obj: GrowthPlan) -> dict[str, Any]:
        computed = obj.computed or {}
        return {
            "hires": list(obj.hires.select_related("department")),
            "computed": computed,
            "chart": _growth_chart(computed.get("budget", {})) if computed else None,
        }


class GrowthPlanEdit(ObjectEditView):
    def save(self, obj: Any, data: dict[str, Any]) -> Any:
        return growth.growth_plan_save(
            actor=self.request.user, data=data, hires=self._form.hires(), plan=obj
        )

    def make_form(self, obj: Any, data: Any = None) -> Any:
        self._form = super().make_form(obj, data)
        return self._form


def _plan(request: HttpRequest, pk: int) -> GrowthPlan:
    plan = permissions.restrict(GrowthPlan.objects.all(), request.user, "change").filter(pk=pk)
    found = plan.first()
    if found is None:
        if GrowthPlan.objects.filter(pk=pk).exists() and permissions.can(
            request.user, "view", GrowthPlan
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        raise Http404
    return found


@login_required
@require_POST
def growth_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    plan = growth.growth_compute(plan=_plan(request, pk), actor=request.user)
    messages.success(request, _t("Recomputed from today's data."))
    return HttpResponseRedirect(reverse("strategy:growthplan_detail", kwargs={"pk": plan.pk}))


@login_required
@require_POST
def growth_purchase(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        draft = growth.growth_purchase_request(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _t("Purchase request draft %(r)s created.") % {"r": draft})
    return HttpResponseRedirect(reverse("strategy:growthplan_detail", kwargs={"pk": plan.pk}))


class RecoveryPlanList(ObjectListView):
    model, url_prefix = RecoveryPlan, "strategy:recoveryplan"
    filterset_class = filtersets.RecoveryPlanFilterSet
    select_related = ("owner",)
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("get_scenario_display", _("Scenario"), sort="scenario"),
        Column("owner", _("Owner")),
    ]


class RecoveryPlanDetail(ObjectDetailView):
    model, url_prefix = RecoveryPlan, "strategy:recoveryplan"
    template_name = "strategy/recovery_detail.html"
    select_related = ("owner",)
    fields = [
        Column("name", _("Name")),
        Column("get_scenario_display", _("Scenario")),
        Column("owner", _("Owner")),
        Column("description", _("Description")),
    ]

    def extra_context(self, obj: RecoveryPlan) -> dict[str, Any]:
        result = recovery.plan_recovery(plan=obj, user=self.request.user)
        return {
            "recovery": result,
            "exercises": list(obj.exercises.order_by("-held_on")[:20]),
        }


class RecoveryTargetList(ObjectListView):
    model, url_prefix = RecoveryTarget, "strategy:recoverytarget"
    filterset_class = filtersets.RecoveryTargetFilterSet
    select_related = ("plan", "service")
    columns = [
        Column("plan", _("Plan"), sort="plan__name", link=True),
        Column("service", _("Service"), sort="service__name"),
        Column("rto_minutes", _("RTO (minutes)"), sort="rto_minutes"),
        Column("rpo_minutes", _("RPO (minutes)"), sort="rpo_minutes"),
    ]


class RecoveryTargetDetail(ObjectDetailView):
    model, url_prefix = RecoveryTarget, "strategy:recoverytarget"
    select_related = ("plan", "service")
    fields = [
        Column("plan", _("Plan")),
        Column("service", _("Service")),
        Column("rto_minutes", _("RTO (minutes)")),
        Column("rpo_minutes", _("RPO (minutes)")),
    ]


class BackupReportList(ObjectListView):
    model, url_prefix = BackupReport, "strategy:backupreport"
    filterset_class = filtersets.BackupReportFilterSet
    select_related = ("configuration_item",)
    columns = [
        Column("finished_at", _("Finished at"), sort="finished_at", link=True),
        Column("configuration_item", _("Configuration item"), sort="configuration_item__name"),
        Column("job", _("Job"), sort="job"),
        Column("get_status_display", _("Status"), sort="status"),
    ]


class BackupReportDetail(ObjectDetailView):
    model, url_prefix = BackupReport, "strategy:backupreport"
    select_related = ("configuration_item",)
    fields = [
        Column("configuration_item", _("Configuration item")),
        Column("job", _("Job")),
        Column("finished_at", _("Finished at")),
        Column("get_status_display", _("Status")),
        Column("size_bytes", _("Size (bytes)")),
        Column("message", _("Message")),
    ]


class ExerciseList(ObjectListView):
    model, url_prefix = Exercise, "strategy:exercise"
    filterset_class = filtersets.ExerciseFilterSet
    select_related = ("plan",)
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("held_on", _("Held on"), sort="held_on"),
        Column("plan", _("Recovery plan")),
    ]


class ExerciseDetail(ObjectDetailView):
    model, url_prefix = Exercise, "strategy:exercise"
    template_name = "strategy/exercise_detail.html"
    select_related = ("plan",)
    fields = [
        Column("name", _("Name")),
        Column("held_on", _("Held on")),
        Column("plan", _("Recovery plan")),
        Column("participants", _("Participants")),
        Column("summary", _("Summary")),
    ]

    def extra_context(self, obj: Exercise) -> dict[str, Any]:
        return {"actions": list(obj.actions.select_related("owner"))}


class ExerciseActionList(ObjectListView):
    model, url_prefix = ExerciseAction, "strategy:exerciseaction"
    filterset_class = filtersets.ExerciseActionFilterSet
    select_related = ("exercise", "owner")
    columns = [
        Column("action", _("Action"), sort="action", link=True),
        Column("exercise", _("Exercise"), sort="exercise__held_on"),
        Column("owner", _("Owner")),
        Column("due", _("Due"), sort="due"),
        Column("done", _("Done"), sort="done"),
    ]


class ExerciseActionDetail(ObjectDetailView):
    model, url_prefix = ExerciseAction, "strategy:exerciseaction"
    select_related = ("exercise", "owner")
    fields = [
        Column("exercise", _("Exercise")),
        Column("finding", _("Finding")),
        Column("action", _("Action")),
        Column("owner", _("Owner")),
        Column("due", _("Due")),
        Column("done", _("Done")),
    ]
