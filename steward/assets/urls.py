from django.urls import path

from steward.assets import forms, procurement_urls, software_urls, views
from steward.core.ui.routes import crud

app_name = "assets"
urlpatterns = [
    path("assets/labels.pdf", views.asset_labels, name="asset_labels"),
    path("assets/<int:pk>/label.pdf", views.asset_label, name="asset_label"),
    *crud(
        "assets",
        "asset",
        list_view=views.AssetList,
        detail_view=views.AssetDetail,
        form_class=forms.AssetForm,
    ),
    path(
        "assets/<int:pk>/do/<slug:action>/",
        views.asset_action,
        name="asset_action",
    ),
    path("history/", views.AssetAssignmentList.as_view(), name="assetassignment_list"),
    path(
        "history/<int:pk>/",
        views.AssetAssignmentDetail.as_view(),
        name="assetassignment_detail",
    ),
    *crud(
        "models",
        "hardwaremodel",
        list_view=views.HardwareModelList,
        detail_view=views.HardwareModelDetail,
        form_class=forms.HardwareModelForm,
    ),
    *crud(
        "manufacturers",
        "manufacturer",
        list_view=views.ManufacturerList,
        detail_view=views.ManufacturerDetail,
        form_class=forms.ManufacturerForm,
    ),
    *crud(
        "contracts",
        "contract",
        list_view=views.ContractList,
        detail_view=views.ContractDetail,
        form_class=forms.ContractForm,
    ),
]
urlpatterns += software_urls.urlpatterns
urlpatterns += procurement_urls.urlpatterns
