from django.urls import URLPattern, URLResolver, include, path

from steward.cmdb import forms, views
from steward.core.ui.routes import crud
from steward.core.ui.views import ObjectDeleteView

app_name = "cmdb"

_ci_edit = views.ConfigurationItemEdit.as_view()

urlpatterns: list[URLPattern | URLResolver] = [
    path("items/", views.ConfigurationItemList.as_view(), name="ci_list"),
    path("items/add/", _ci_edit, name="ci_add"),
    path("items/<int:pk>/", views.ConfigurationItemDetail.as_view(), name="ci_detail"),
    path("items/<int:pk>/edit/", _ci_edit, name="ci_edit"),
    path(
        "items/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=views.ConfigurationItem, url_prefix="cmdb:ci"),
        name="ci_delete",
    ),
    path("items/<int:pk>/impact/", views.ci_impact, name="ci_impact"),
    path("items/<int:pk>/relationships/add/", views.relationship_add, name="ci_relationship_add"),
    path(
        "items/<int:pk>/relationships/<int:rel_pk>/remove/",
        views.relationship_remove,
        name="ci_relationship_remove",
    ),
    path("map/", views.service_map, name="service_map"),
    path("relationships/", views.RelationshipList.as_view(), name="relationship_list"),
    path("relationships/<int:pk>/", views.RelationshipDetail.as_view(), name="relationship_detail"),
    path(
        "relationships/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=views.Relationship, url_prefix="cmdb:relationship"),
        name="relationship_delete",
    ),
    *crud(
        "attributes",
        "attributedefinition",
        list_view=views.AttributeDefinitionList,
        detail_view=views.AttributeDefinitionDetail,
        form_class=forms.AttributeDefinitionForm,
    ),
    path("discovery/", include("steward.cmdb.discovery.urls")),
]
