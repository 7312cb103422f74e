"""Pages of the risk register: the list (with filters), a risk with its assessment,
controls and linked security incidents, its edit page, the heat map, controls and matrices."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView
from steward.core.validation import is_id
from steward.strategy import risk_filtersets, risk_forms, risk_selectors, risk_services
from steward.strategy.models import Risk, RiskControl, RiskMatrix, RiskStatus, TargetType
from steward.strategy.risk import assessment, bands_of, default_matrix

OPEN_STATUSES = [s for s in RiskStatus.values if s != RiskStatus.CLOSED]


class RiskMatrixList(ObjectListView):
    model, url_prefix = RiskMatrix, "strategy:riskmatrix"
    filterset_class = risk_filtersets.RiskMatrixFilterSet
    columns = [Column("name", _("Name"), sort="name", link=True)]


class RiskMatrixDetail(ObjectDetailView):
    model, url_prefix = RiskMatrix, "strategy:riskmatrix"
    fields = [
        Column("name", _("Name")),
        Column("likelihood_labels", _("Likelihood scale")),
        Column("impact_labels", _("Impact scale")),
        Column("bands", _("Score bands")),
    ]


class RiskList(ObjectListView):
    model, url_prefix = Risk, "strategy:risk"
    filterset_class = risk_filtersets.RiskFilterSet
    columns = [
        Column("reference", _("Reference"), sort="pk", link=True),
        Column("title", _("Title"), sort="title"),
        Column("get_category_display", _("Category"), sort="category"),
        Column("owner", _("Owner")),
        Column("get_status_display", _("Status"), sort="status"),
        Column("inherent_text", _("Inherent")),
        Column("residual_text", _("Residual")),
        Column("get_treatment_display", _("Treatment"), sort="treatment"),
        Column("next_review", _("Next review"), sort="next_review"),
        Column("recent_incidents", _("Incidents (90 days)"), sort="recent_incidents"),
    ]

    def get_queryset(self) -> Any:
        return risk_selectors.risk_list(user=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        return {"actions": [(_t("Heat map"), reverse("strategy:risk_heatmap"))]}


class RiskDetail(ObjectDetailView):
    model, url_prefix = Risk, "strategy:risk"
    template_name = "strategy/risk_detail.html"
    fields = [
        Column("title", _("Title")),
        Column("description", _("Description")),
        Column("get_category_display", _("Category")),
        Column("get_status_display", _("Status")),
        Column("owner", _("Owner")),
        Column("matrix", _("Matrix")),
        Column("get_treatment_display", _("Treatment")),
        Column("treatment_plan", _("Treatment plan")),
        Column("review_interval_days", _("Review every (days)")),
        Column("last_reviewed", _("Last reviewed")),
        Column("next_review", _("Next review")),
        Column("recent_incidents", _("Incidents in the last 90 days")),
    ]

    def get_object(self) -> Any:
        risk = risk_selectors.risk_get(user=self.request.user, pk=self.kwargs["pk"])
        if risk is None:
            raise Http404
        return risk

    def extra_context(self, obj: Risk) -> dict[str, Any]:
        user = self.request.user
        controls = list(
            risk_selectors.risk_control_list(user=user).filter(risk=obj).order_by("name", "pk")
        )
        targets = risk_selectors.control_targets(controls=controls, user=user)
        matrix = obj.matrix
        scores = assessment(obj)
        for name, row in scores.items():
            lk, im = row["likelihood"], row["impact"]
            row["likelihood_label"] = matrix.likelihood_labels[lk - 1] if lk else None
            row["impact_label"] = matrix.impact_labels[im - 1] if im else None
            row["name"] = {
                "inherent": _t("Inherent"),
                "residual": _t("Residual"),
                "target": _t("Target"),
            }[name]
        return {
            "scores": scores.values(),
            "controls": [(c, targets[c.pk]) for c in controls],
            "incidents": risk_selectors.risk_incidents(risk=obj, user=user),
            "can_add_control": permissions.can(user, "change", obj),
        }


class RiskEdit(ObjectEditView):
    model, url_prefix = Risk, "strategy:risk"
    form_class = risk_forms.RiskForm

    def make_form(self, obj: Any, data: Any = None) -> Any:
        form = super().make_form(obj, data)
        form.fields["matrix"].queryset = RiskMatrix.objects.order_by("pk")
        if obj is None and data is None:
            form.initial["matrix"] = default_matrix().pk
        return form

    def save(self, obj: Risk | None, data: dict[str, Any]) -> Risk:
        if obj is None:
            return risk_services.risk_create(data=data, actor=self.request.user)
        return risk_services.risk_update(risk=obj, data=data, actor=self.request.user)


def _risk(request: HttpRequest, pk: Any) -> Risk:
    risk = risk_selectors.risk_get(user=request.user, pk=pk)
    if risk is None:
        raise Http404
    return risk


@login_required
@require_POST
def risk_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST per action of the risk page: link incidents (by reference or number),
    unlink one, record a review."""
    from steward.servicedesk import selectors as desk

    risk = _risk(request, pk)
    user, post = request.user, request.POST
    try:
        if action == "link":
            text = post.get("incident", "")[:100]
            ticket = desk.ticket_find(user, text)
            if ticket is None:
                raise ValidationError(_t("No such incident: %(ref)s.") % {"ref": text})
            n = risk_services.risk_link_incidents(risk=risk, ticket_ids=[ticket.pk], actor=user)
            messages.success(request, _t("%(n)s incident(s) linked.") % {"n": n})
        elif action == "unlink" and is_id(post.get("ticket", "")):
            risk_services.risk_unlink_incident(risk=risk, ticket_id=int(post["ticket"]), actor=user)
        elif action == "reviewed":
            risk_services.risk_review(risk=risk, actor=user)
            messages.success(request, _t("Review recorded."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return HttpResponseRedirect(reverse("strategy:risk_detail", kwargs={"pk": risk.pk}))


@login_required
def risk_heatmap(request: HttpRequest) -> HttpResponse:
    """Open risks per likelihood and impact, inherent or residual, coloured by the bands of
    the matrix; each cell links to the list of its risks."""
    user = request.user
    if not permissions.can(user, "view", Risk):
        raise PermissionDenied
    view = request.GET.get("view") if request.GET.get("view") in risk_selectors.VIEWS else None
    view = view or "inherent"
    matrices = list(risk_selectors.risk_matrix_list(user=user).order_by("pk"))
    wanted = request.GET.get("matrix")
    matrix = next((m for m in matrices if is_id(wanted) and str(m.pk) == wanted), None)
    matrix = matrix or default_matrix()
    result = risk_selectors.heat_map(user=user, matrix=matrix, view=view)
    base = reverse("strategy:risk_list")
    rows = []
    for lk, label, cells in result.rows:
        out = []
        for cell in cells:
            query = [
                (f"{view}_likelihood", cell.likelihood),
                (f"{view}_impact", cell.impact),
                ("matrix", matrix.pk),
                *(("status", s) for s in OPEN_STATUSES),
            ]
            out.append(
                {
                    "cell": cell,
                    "url": f"{base}?{urlencode(query)}",
                    "impact_label": matrix.impact_labels[cell.impact - 1],
                }
            )
        rows.append({"likelihood": lk, "label": label, "cells": out})
    return render(
        request,
        "strategy/risk_heatmap.html",
        {
            "title": _t("Risk heat map"),
            "view": view,
            "views": [("inherent", _t("Inherent")), ("residual", _t("Residual"))],
            "matrix": matrix,
            "matrices": matrices,
            "result": result,
            "rows": rows,
            "impacts": list(enumerate(matrix.impact_labels, start=1)),
            "bands": bands_of(matrix),
        },
    )


class RiskControlList(ObjectListView):
    model, url_prefix = RiskControl, "strategy:riskcontrol"
    filterset_class = risk_filtersets.RiskControlFilterSet
    select_related = ("risk", "owner")
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("risk", _("Risk"), sort="risk"),
        Column("get_control_type_display", _("Type"), sort="control_type"),
        Column("get_effectiveness_display", _("Effectiveness"), sort="effectiveness"),
        Column("owner", _("Owner")),
    ]


class RiskControlDetail(ObjectDetailView):
    model, url_prefix = RiskControl, "strategy:riskcontrol"
    template_name = "strategy/risk_control_detail.html"
    select_related = ("risk", "owner")
    fields = [
        Column("name", _("Name")),
        Column("risk", _("Risk")),
        Column("get_control_type_display", _("Type")),
        Column("get_effectiveness_display", _("Effectiveness")),
        Column("owner", _("Owner")),
        Column("description", _("Description")),
    ]

    def extra_context(self, obj: RiskControl) -> dict[str, Any]:
        targets = risk_selectors.control_targets(controls=[obj], user=self.request.user)
        return {"targets": targets[obj.pk]}


class RiskControlEdit(ObjectEditView):
    model, url_prefix = RiskControl, "strategy:riskcontrol"
    form_class = risk_forms.RiskControlForm

    def ensure_allowed(self, obj: Any) -> None:
        if obj is None and not permissions.can(self.request.user, "add", self.model):
            raise PermissionDenied

    def make_form(self, obj: Any, data: Any = None) -> Any:
        form = super().make_form(obj, data)
        form.fields["risk"].queryset = permissions.restrict(
            Risk.objects.order_by("-pk"), self.request.user, "change"
        )
        wanted = self.request.GET.get("risk")
        if obj is None and data is None and is_id(wanted):
            form.initial["risk"] = wanted
        return form

    def form_data(self, form: Any) -> dict[str, Any]:
        data = super().form_data(form)
        data["links"] = [
            *(
                {"type": TargetType.CI.value, "id": i}
                for i in form.cleaned_data["configuration_items"]
            ),
            *({"type": TargetType.ASSET.value, "id": i} for i in form.cleaned_data["assets"]),
        ]
        return data

    def save(self, obj: RiskControl | None, data: dict[str, Any]) -> RiskControl:
        return risk_services.control_save(control=obj, data=data, actor=self.request.user)
