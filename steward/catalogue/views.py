"""Staff pages of the catalogue's set-up (generic list/detail/edit), and the lists of
requests and tasks. The storefront and the requester's pages are in ``pages``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from steward.catalogue import filtersets
from steward.catalogue.models import (
    CatalogueCategory,
    CatalogueItem,
    FulfilmentTask,
    FulfilmentTaskTemplate,
    ItemField,
    RequestedItem,
)
from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView


class StaffOnly:
    """The set-up pages show every item (inactive ones, other audiences): staff only."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not permissions.has_role(
            request.user, *permissions.STAFF
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class CatalogueCategoryList(StaffOnly, ObjectListView):
    model, url_prefix = CatalogueCategory, "catalogue:cataloguecategory"
    filterset_class = filtersets.CatalogueCategoryFilterSet
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("icon", _("Icon")),
        Column("item_count", _("Items"), sort="item_count"),
        Column("order", _("Order"), sort="order"),
        Column("is_active", _("Active")),
    ]

    def get_queryset(self) -> Any:
        return super().get_queryset().annotate(item_count=Count("items"))


class CatalogueCategoryDetail(StaffOnly, ObjectDetailView):
    model, url_prefix = CatalogueCategory, "catalogue:cataloguecategory"
    fields = [
        Column("description", _("Description")),
        Column("icon", _("Icon")),
        Column("order", _("Order")),
        Column("is_active", _("Active")),
    ]


class CatalogueItemList(StaffOnly, ObjectListView):
    model, url_prefix = CatalogueItem, "catalogue:catalogueitem"
    filterset_class = filtersets.CatalogueItemFilterSet
    select_related = ("category", "default_team")
    title = _("Catalogue items")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("category", _("Category"), sort="category__name"),
        Column("get_audience_display", _("Audience")),
        Column("get_fulfilment_mode_display", _("Fulfilment")),
        Column("delivery_days", _("Days"), sort="delivery_days"),
        Column("default_team", _("Default team")),
        Column("is_active", _("Active")),
    ]


class CatalogueItemDetail(StaffOnly, ObjectDetailView):
    model, url_prefix = CatalogueItem, "catalogue:catalogueitem"
    select_related = ("category", "default_team", "servicedesk_category")
    template_name = "catalogue/item_admin.html"
    fields = [
        Column("slug", _("Slug")),
        Column("category", _("Category")),
        Column("short_description", _("Short description")),
        Column("get_audience_display", _("Audience")),
        Column("is_active", _("Active")),
        Column("get_fulfilment_mode_display", _("Fulfilment")),
        Column("delivery_days", _("Expected delivery (business days)")),
        Column("price", _("Price")),
        Column("approval_stages", _("Approval stages")),
        Column("default_team", _("Default team")),
        Column("servicedesk_category", _("Ticket category")),
    ]

    def extra_context(self, obj: CatalogueItem) -> dict[str, Any]:
        return {
            "form_fields": list(obj.fields.all()),
            "task_templates": list(obj.task_templates.select_related("team")),
            "request_count": obj.requests.count(),
        }


class ItemFieldList(StaffOnly, ObjectListView):
    model, url_prefix = ItemField, "catalogue:itemfield"
    filterset_class = filtersets.ItemFieldFilterSet
    select_related = ("item",)
    columns = [
        Column("label", _("Label"), sort="label"),
        Column("item", _("Item"), sort="item__name"),
        Column("name", _("Name")),
        Column("get_type_display", _("Type")),
        Column("required", _("Required")),
        Column("order", _("Order"), sort="order"),
    ]


class ItemFieldDetail(StaffOnly, ObjectDetailView):
    model, url_prefix, select_related = ItemField, "catalogue:itemfield", ("item",)
    fields = [
        Column("item", _("Item")),
        Column("name", _("Name")),
        Column("get_type_display", _("Type")),
        Column("required", _("Required")),
        Column("choices", _("Choices")),
        Column("help_text", _("Help")),
        Column("order", _("Order")),
        Column("min_value", _("Minimum")),
        Column("max_value", _("Maximum")),
    ]


class FulfilmentTaskTemplateList(ObjectListView):
    model, url_prefix = FulfilmentTaskTemplate, "catalogue:fulfilmenttasktemplate"
    filterset_class = filtersets.FulfilmentTaskTemplateFilterSet
    select_related = ("item", "team")
    columns = [
        Column("title", _("Title"), sort="title"),
        Column("item", _("Item"), sort="item__name"),
        Column("step", _("Step"), sort="step"),
        Column("team", _("Team")),
    ]


class FulfilmentTaskTemplateDetail(ObjectDetailView):
    model, url_prefix = FulfilmentTaskTemplate, "catalogue:fulfilmenttasktemplate"
    select_related = ("item", "team")
    fields = [
        Column("item", _("Item")),
        Column("step", _("Step")),
        Column("team", _("Team")),
        Column("instructions", _("Instructions")),
    ]


class RequestedItemList(StaffOnly, ObjectListView):
    model, url_prefix = RequestedItem, "catalogue:requesteditem"
    filterset_class = filtersets.RequestedItemFilterSet
    select_related = ("item", "ticket", "requested_for")
    title = _("Catalogue requests")
    columns = [
        Column("ticket.reference", _("Ticket"), sort="ticket__reference"),
        Column("item", _("Item"), sort="item__name"),
        Column("requested_for", _("For")),
        Column("get_state_display", _("State"), sort="state"),
        Column("created_at", _("Requested"), sort="created_at"),
    ]


class FulfilmentTaskList(ObjectListView):
    model, url_prefix = FulfilmentTask, "catalogue:fulfilmenttask"
    filterset_class = filtersets.FulfilmentTaskFilterSet
    select_related = ("team", "assignee", "requested_item__ticket")
    columns = [
        Column("title", _("Task"), sort="title"),
        Column("requested_item.ticket.reference", _("Ticket")),
        Column("step", _("Step"), sort="step"),
        Column("team", _("Team")),
        Column("assignee", _("Assignee")),
        Column("get_status_display", _("Status"), sort="status"),
        Column("done_at", _("Done"), sort="done_at"),
    ]


class FulfilmentTaskDetail(ObjectDetailView):
    model, url_prefix = FulfilmentTask, "catalogue:fulfilmenttask"
    select_related = ("team", "assignee", "requested_item__ticket", "requested_item__item")
    fields = [
        Column("requested_item", _("Request")),
        Column("step", _("Step")),
        Column("team", _("Team")),
        Column("assignee", _("Assignee")),
        Column("get_status_display", _("Status")),
        Column("opened_at", _("Opened")),
        Column("done_at", _("Done")),
        Column("instructions", _("Instructions")),
        Column("notes", _("Notes")),
    ]

    def extra_context(self, obj: FulfilmentTask) -> dict[str, Any]:
        # Tasks change through their actions in the queue, never the generic edit form.
        return {"can_change": False, "can_delete": False}
