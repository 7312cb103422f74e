"""Pages of stock and procurement, added to the ``assets`` namespace by ``urls.py``."""

from django.urls import path

from steward.assets import procurement_actions as actions
from steward.assets import procurement_forms as forms
from steward.assets import procurement_views as views
from steward.core.ui.routes import crud
from steward.core.ui.views import ObjectDeleteView, ObjectEditView

urlpatterns = [
    path("refresh-forecast/", actions.refresh_forecast, name="refresh_forecast"),
    *crud(
        "stock",
        "stockitem",
        list_view=views.StockItemList,
        detail_view=views.StockItemDetail,
        form_class=forms.StockItemForm,
    ),
    path("stock/<int:pk>/do/<slug:action>/", actions.stock_item_action, name="stockitem_action"),
    path("stock-levels/", views.StockLevelList.as_view(), name="stocklevel_list"),
    path("stock-levels/<int:pk>/", views.StockLevelDetail.as_view(), name="stocklevel_detail"),
    path("stock-movements/", views.StockMovementList.as_view(), name="stockmovement_list"),
    path(
        "stock-movements/<int:pk>/",
        views.StockMovementDetail.as_view(),
        name="stockmovement_detail",
    ),
    path("purchase-requests/", views.PurchaseRequestList.as_view(), name="purchaserequest_list"),
    path("purchase-requests/add/", actions.purchase_request_add, name="purchaserequest_add"),
    path(
        "purchase-requests/<int:pk>/",
        views.PurchaseRequestDetail.as_view(),
        name="purchaserequest_detail",
    ),
    path(
        "purchase-requests/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=views.PurchaseRequest, url_prefix="assets:purchaserequest"),
        name="purchaserequest_delete",
    ),
    path(
        "purchase-requests/<int:pk>/do/<slug:action>/",
        actions.purchase_request_action,
        name="purchaserequest_action",
    ),
    path(
        "purchase-request-lines/",
        views.PurchaseRequestLineList.as_view(),
        name="purchaserequestline_list",
    ),
    path(
        "purchase-request-lines/<int:pk>/",
        views.PurchaseRequestLineDetail.as_view(),
        name="purchaserequestline_detail",
    ),
    path("purchase-orders/", views.PurchaseOrderList.as_view(), name="purchaseorder_list"),
    path("purchase-orders/add/", actions.purchase_order_add, name="purchaseorder_add"),
    path(
        "purchase-orders/<int:pk>/",
        views.PurchaseOrderDetail.as_view(),
        name="purchaseorder_detail",
    ),
    path(
        "purchase-orders/<int:pk>/edit/",
        ObjectEditView.as_view(
            model=views.PurchaseOrder,
            form_class=forms.PurchaseOrderForm,
            url_prefix="assets:purchaseorder",
        ),
        name="purchaseorder_edit",
    ),
    path(
        "purchase-orders/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=views.PurchaseOrder, url_prefix="assets:purchaseorder"),
        name="purchaseorder_delete",
    ),
    path(
        "purchase-orders/<int:pk>/do/<slug:action>/",
        actions.purchase_order_action,
        name="purchaseorder_action",
    ),
    path(
        "purchase-order-lines/",
        views.PurchaseOrderLineList.as_view(),
        name="purchaseorderline_list",
    ),
    path(
        "purchase-order-lines/<int:pk>/",
        views.PurchaseOrderLineDetail.as_view(),
        name="purchaseorderline_detail",
    ),
    path("receipts/", views.GoodsReceiptList.as_view(), name="goodsreceipt_list"),
    path("receipts/<int:pk>/", views.GoodsReceiptDetail.as_view(), name="goodsreceipt_detail"),
    path("receipt-lines/", views.GoodsReceiptLineList.as_view(), name="goodsreceiptline_list"),
    path(
        "receipt-lines/<int:pk>/",
        views.GoodsReceiptLineDetail.as_view(),
        name="goodsreceiptline_detail",
    ),
    *crud(
        "health-readings",
        "assethealthreading",
        list_view=views.HealthReadingList,
        detail_view=views.HealthReadingDetail,
        form_class=forms.HealthReadingForm,
    ),
]
