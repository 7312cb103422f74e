from django.urls import path
from django.views.generic import RedirectView

from steward.catalogue import forms, pages, views
from steward.core.ui.routes import crud

app_name = "catalogue"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="catalogue:browse"), name="index"),
    path("browse/", pages.browse, name="browse"),
    path("i/<int:pk>/", pages.item_by_pk, name="item_by_pk"),
    path("i/<slug:slug>/", pages.item, name="item"),
    path("my/", pages.my_requests, name="my_requests"),
    path("my/<int:pk>/", pages.request_detail, name="request_detail"),
    path("my/<int:pk>/cancel/", pages.request_cancel, name="request_cancel"),
    path("queue/", pages.task_queue, name="task_queue"),
    path("queue/<int:pk>/<slug:action>/", pages.task_action, name="task_action"),
    *crud(
        "categories",
        "cataloguecategory",
        list_view=views.CatalogueCategoryList,
        detail_view=views.CatalogueCategoryDetail,
        form_class=forms.CatalogueCategoryForm,
    ),
    *crud(
        "items",
        "catalogueitem",
        list_view=views.CatalogueItemList,
        detail_view=views.CatalogueItemDetail,
        form_class=forms.CatalogueItemForm,
    ),
    *crud(
        "fields",
        "itemfield",
        list_view=views.ItemFieldList,
        detail_view=views.ItemFieldDetail,
        form_class=forms.ItemFieldForm,
    ),
    *crud(
        "task-templates",
        "fulfilmenttasktemplate",
        list_view=views.FulfilmentTaskTemplateList,
        detail_view=views.FulfilmentTaskTemplateDetail,
        form_class=forms.FulfilmentTaskTemplateForm,
    ),
    path("requests/", views.RequestedItemList.as_view(), name="requesteditem_list"),
    path("requests/<int:pk>/", pages.request_detail, name="requesteditem_detail"),
    path("tasks/", views.FulfilmentTaskList.as_view(), name="fulfilmenttask_list"),
    path("tasks/<int:pk>/", views.FulfilmentTaskDetail.as_view(), name="fulfilmenttask_detail"),
]
