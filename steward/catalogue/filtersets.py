from steward.catalogue.models import (
    CatalogueCategory,
    CatalogueItem,
    FulfilmentTask,
    FulfilmentTaskTemplate,
    ItemField,
    RequestedItem,
)
from steward.core.filtersets import SearchFilterSet


class CatalogueCategoryFilterSet(SearchFilterSet):
    class Meta:
        model = CatalogueCategory
        fields = ["q", "is_active"]


class CatalogueItemFilterSet(SearchFilterSet):
    search_fields = ("name", "short_description", "slug")

    class Meta:
        model = CatalogueItem
        fields = ["q", "category", "audience", "is_active", "fulfilment_mode", "default_team"]


class ItemFieldFilterSet(SearchFilterSet):
    search_fields = ("name", "label")

    class Meta:
        model = ItemField
        fields = ["q", "item", "type", "required"]


class FulfilmentTaskTemplateFilterSet(SearchFilterSet):
    search_fields = ("title",)

    class Meta:
        model = FulfilmentTaskTemplate
        fields = ["q", "item", "team"]


class RequestedItemFilterSet(SearchFilterSet):
    search_fields = ("item__name", "ticket__reference", "ticket__title")

    class Meta:
        model = RequestedItem
        fields = ["q", "item", "state"]


class FulfilmentTaskFilterSet(SearchFilterSet):
    search_fields = ("title", "requested_item__ticket__reference")

    class Meta:
        model = FulfilmentTask
        fields = ["q", "status", "team"]
