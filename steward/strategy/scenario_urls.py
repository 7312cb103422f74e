"""Page routes of the scenario plans, included by ``strategy.urls``."""

from __future__ import annotations

from django.urls import URLPattern, path

from steward.core.ui.routes import crud
from steward.core.ui.views import ObjectDeleteView, ObjectListView
from steward.strategy import scenario_forms as forms
from steward.strategy import scenario_views as views


def _routes(prefix: str, name: str, lv: type[ObjectListView], dv: object, form: object) -> list:  # type: ignore[type-arg]
    return crud(prefix, name, list_view=lv, detail_view=dv, form_class=form)


growth_edit = views.GrowthPlanEdit.as_view(
    model=views.GrowthPlan, form_class=forms.GrowthPlanForm, url_prefix="strategy:growthplan"
)

urlpatterns: list[URLPattern] = [
    path("growth-plans/", views.GrowthPlanList.as_view(), name="growthplan_list"),
    path("growth-plans/add/", growth_edit, name="growthplan_add"),
    path("growth-plans/<int:pk>/", views.GrowthPlanDetail.as_view(), name="growthplan_detail"),
    path("growth-plans/<int:pk>/edit/", growth_edit, name="growthplan_edit"),
    path(
        "growth-plans/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=views.GrowthPlan, url_prefix="strategy:growthplan"),
        name="growthplan_delete",
    ),
    path("growth-plans/<int:pk>/compute/", views.growth_recompute, name="growthplan_compute"),
    path("growth-plans/<int:pk>/purchase/", views.growth_purchase, name="growthplan_purchase"),
    *_routes(
        "recovery-plans",
        "recoveryplan",
        views.RecoveryPlanList,
        views.RecoveryPlanDetail,
        forms.RecoveryPlanForm,
    ),
    *_routes(
        "recovery-targets",
        "recoverytarget",
        views.RecoveryTargetList,
        views.RecoveryTargetDetail,
        forms.RecoveryTargetForm,
    ),
    *_routes(
        "backup-reports",
        "backupreport",
        views.BackupReportList,
        views.BackupReportDetail,
        forms.BackupReportForm,
    ),
    *_routes("exercises", "exercise", views.ExerciseList, views.ExerciseDetail, forms.ExerciseForm),
    *_routes(
        "exercise-actions",
        "exerciseaction",
        views.ExerciseActionList,
        views.ExerciseActionDetail,
        forms.ExerciseActionForm,
    ),
]
