"""URLs of goals and the portfolio, included by the app's ``urls``."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from steward.core.ui.routes import crud
from steward.strategy import portfolio_forms as forms
from steward.strategy import portfolio_views as views


def _crud_with(
    prefix: str, name: str, *, list_view: Any, detail_view: Any, edit: Any
) -> list[URLPattern]:
    """``crud`` with an edit page class of our own (its ``save`` calls our service)."""
    patterns = [
        p
        for p in crud(
            prefix, name, list_view=list_view, detail_view=detail_view, form_class=edit.form_class
        )
        if p.name not in {f"{name}_add", f"{name}_edit"}
    ]
    view = edit.as_view()
    return [
        *patterns,
        path(f"{prefix}/add/", view, name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/edit/", view, name=f"{name}_edit"),
    ]


def _edit(base: Any, list_view: Any, form: Any) -> Any:
    return type(
        f"{list_view.model.__name__}Edit",
        (base,),
        {"model": list_view.model, "url_prefix": list_view.url_prefix, "form_class": form},
    )


urlpatterns: list[URLPattern] = [
    path("strategy-map/", views.strategy_map, name="strategy_map"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("capacity/", views.capacity, name="capacity"),
    *crud(
        "business-goals",
        "businessgoal",
        list_view=views.BusinessGoalList,
        detail_view=views.BusinessGoalDetail,
        form_class=forms.BusinessGoalForm,
    ),
    *crud(
        "it-goals",
        "itgoal",
        list_view=views.ITGoalList,
        detail_view=views.ITGoalDetail,
        form_class=forms.ITGoalForm,
    ),
    *crud(
        "key-results",
        "keyresult",
        list_view=views.KeyResultList,
        detail_view=views.KeyResultDetail,
        form_class=forms.KeyResultForm,
    ),
    *_crud_with(
        "check-ins",
        "checkin",
        list_view=views.CheckInList,
        detail_view=views.CheckInDetail,
        edit=_edit(views.CheckInEdit, views.CheckInList, forms.CheckInForm),
    ),
    *_crud_with(
        "projects",
        "project",
        list_view=views.ProjectList,
        detail_view=views.ProjectDetail,
        edit=_edit(views.ProjectEdit, views.ProjectList, forms.ProjectForm),
    ),
    *_crud_with(
        "milestones",
        "milestone",
        list_view=views.MilestoneList,
        detail_view=views.MilestoneDetail,
        edit=_edit(views.ProjectChildEdit, views.MilestoneList, forms.MilestoneForm),
    ),
    *_crud_with(
        "allocations",
        "allocation",
        list_view=views.AllocationList,
        detail_view=views.AllocationDetail,
        edit=_edit(views.ProjectChildEdit, views.AllocationList, forms.AllocationForm),
    ),
]
