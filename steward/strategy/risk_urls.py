"""The risk register's pages, included by strategy's ``urls.py``."""

from django.urls import URLPattern, path

from steward.core.ui.routes import crud
from steward.core.ui.views import ObjectDeleteView
from steward.strategy import risk_forms, risk_views
from steward.strategy.models import Risk, RiskControl

_risk_edit = risk_views.RiskEdit.as_view()
_control_edit = risk_views.RiskControlEdit.as_view()

urlpatterns: list[URLPattern] = [
    path("risks/", risk_views.RiskList.as_view(), name="risk_list"),
    path("risks/add/", _risk_edit, name="risk_add"),
    path("risks/heat-map/", risk_views.risk_heatmap, name="risk_heatmap"),
    path("risks/<int:pk>/", risk_views.RiskDetail.as_view(), name="risk_detail"),
    path("risks/<int:pk>/edit/", _risk_edit, name="risk_edit"),
    path(
        "risks/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=Risk, url_prefix="strategy:risk"),
        name="risk_delete",
    ),
    path("risks/<int:pk>/<slug:action>/", risk_views.risk_action, name="risk_action"),
    path("risk-controls/", risk_views.RiskControlList.as_view(), name="riskcontrol_list"),
    path("risk-controls/add/", _control_edit, name="riskcontrol_add"),
    path(
        "risk-controls/<int:pk>/",
        risk_views.RiskControlDetail.as_view(),
        name="riskcontrol_detail",
    ),
    path("risk-controls/<int:pk>/edit/", _control_edit, name="riskcontrol_edit"),
    path(
        "risk-controls/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=RiskControl, url_prefix="strategy:riskcontrol"),
        name="riskcontrol_delete",
    ),
    *crud(
        "risk-matrices",
        "riskmatrix",
        list_view=risk_views.RiskMatrixList,
        detail_view=risk_views.RiskMatrixDetail,
        form_class=risk_forms.RiskMatrixForm,
    ),
]
