"""Page actions of stock and procurement: the one-line purchase request form, the action
forms of the stock item, purchase request and purchase order pages (each posts to one
service call; errors come back as messages), and the refresh forecast page with its chart
and CSV export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from steward.assets import condition, procurement, stock
from steward.assets import procurement_forms as f
from steward.assets.models import PurchaseOrder, PurchaseRequest, PurchaseRequestStatus, StockItem
from steward.assets.procurement_views import form_querysets
from steward.core import permissions
from steward.core.export import csv_response
from steward.core.validation import is_id


@login_required
def purchase_request_add(request: HttpRequest) -> HttpResponse:
    """Anyone internal asks for something (one line; the API takes many)."""
    if not permissions.can(request.user, "add", PurchaseRequest):
        raise PermissionDenied
    qs = {"location": form_querysets(request.user)["location"]}
    form = f.PurchaseRequestForm(request.POST or None, querysets=qs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            line = {
                k: data[k]
                for k in ("hardware_model", "stock_item", "quantity", "estimated_unit_cost")
            }
            try:
                created = procurement.purchase_request_create(
                    actor=request.user,
                    lines=[line],
                    justification=data["justification"],
                    location=data["location"],
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, _t("Saved %(obj)s.") % {"obj": created})
                url = reverse("assets:purchaserequest_detail", kwargs={"pk": created.pk})
                return HttpResponseRedirect(url)
        status = 400
    return render(
        request,
        "core/edit.html",
        {
            "form": form,
            "title": _t("New purchase request"),
            "url_prefix": "assets:purchaserequest",
        },
        status=status,
    )


@login_required
def purchase_order_add(request: HttpRequest) -> HttpResponse:
    """Orders are placed from approved requests: show those."""
    if not permissions.can(request.user, "add", PurchaseOrder):
        raise PermissionDenied
    messages.info(request, _t("Order an approved purchase request from its page."))
    url = reverse("assets:purchaserequest_list")
    return HttpResponseRedirect(f"{url}?status={PurchaseRequestStatus.APPROVED}")


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise ValidationError([f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()])
    return dict(form.cleaned_data)


def _run_action(request: HttpRequest, url: str, run: Any) -> HttpResponse:
    """Run one service call; errors come back as messages. ``run`` may return where to go."""
    try:
        url = run() or url
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _t("You may not do this."))
    else:
        messages.success(request, _t("Done."))
    return HttpResponseRedirect(url)


STOCK_ACTIONS = {
    "receive": (f.ReceiveForm, stock.stock_receive),
    "issue": (f.IssueForm, stock.stock_issue),
    "transfer": (f.TransferForm, stock.stock_transfer),
    "adjust": (f.AdjustForm, stock.stock_adjust),
}


@require_POST
@login_required
def stock_item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = permissions.restrict(StockItem.objects.all(), request.user).filter(pk=pk).first()
    if item is None or action not in STOCK_ACTIONS:
        raise Http404
    form_class, service = STOCK_ACTIONS[action]

    def run() -> None:
        form = form_class(request.POST, querysets=form_querysets(request.user))
        service(item=item, actor=request.user, **_valid(form))

    url = reverse("assets:stockitem_detail", kwargs={"pk": item.pk})
    return _run_action(request, url, run)


@require_POST
@login_required
def purchase_request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obj = permissions.restrict(PurchaseRequest.objects.all(), request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    user = request.user
    url = reverse("assets:purchaserequest_detail", kwargs={"pk": obj.pk})

    def run() -> str | None:
        if action == "submit":
            procurement.purchase_request_submit(request=obj, actor=user)
        elif action == "cancel":
            procurement.purchase_request_cancel(request=obj, actor=user)
        elif action == "decide":
            procurement.purchase_request_decide(
                request=obj, actor=user, **_valid(f.DecideForm(request.POST))
            )
        elif action == "order":
            form = f.OrderForm(
                request.POST, querysets={"location": form_querysets(user)["location"]}
            )
            order = procurement.purchase_order_create(request=obj, actor=user, **_valid(form))
            return reverse("assets:purchaseorder_detail", kwargs={"pk": order.pk})
        else:
            raise ValidationError(_t("Unknown action."))
        return None

    return _run_action(request, url, run)


@require_POST
@login_required
def purchase_order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = permissions.restrict(PurchaseOrder.objects.all(), request.user).filter(pk=pk).first()
    if order is None:
        raise Http404
    user = request.user

    def run() -> None:
        if action == "receive":
            form = f.ReceiptForm(request.POST, lines=list(order.lines.all()))
            _valid(form)
            procurement.purchase_order_receive(
                order=order,
                actor=user,
                quantities=form.quantities(),
                invoice_number=form.cleaned_data["invoice_number"],
                received_on=form.cleaned_data["received_on"],
            )
        elif action == "cancel":
            procurement.purchase_order_cancel(
                order=order, actor=user, **_valid(f.CancelOrderForm(request.POST))
            )
        else:
            raise ValidationError(_t("Unknown action."))

    url = reverse("assets:purchaseorder_detail", kwargs={"pk": order.pk})
    return _run_action(request, url, run)


@login_required
def refresh_forecast(request: HttpRequest) -> HttpResponse:
    """Assets to replace per quarter, as a chart and a table; ``?export=csv``."""
    if not permissions.can(request.user, "view", PurchaseOrder):
        raise PermissionDenied
    raw = request.GET.get("threshold", "")
    threshold = int(raw) if is_id(raw) and int(raw) <= 100 else condition.THRESHOLD
    today = timezone.localdate()
    rows = condition.refresh_forecast(user=request.user, today=today, threshold=threshold)
    totals = condition.forecast_totals(rows, today)
    header = [
        _t("Quarter"),
        _t("Asset tag"),
        _t("Model"),
        _t("Score now"),
        _t("Score then"),
        _t("Why"),
        _t("Replacement cost"),
    ]
    table = [
        [
            r.quarter,
            r.asset.asset_tag,
            str(r.asset.model),
            r.score_now,
            r.score_then,
            _t("Score below threshold") if r.reason == "score" else _t("Past useful life"),
            r.replacement_cost,
        ]
        for r in rows
    ]
    if request.GET.get("export") == "csv":
        return csv_response("refresh-forecast", header, table)
    chart = {
        "type": "bar",
        "labels": [t["quarter"] for t in totals],
        "datasets": [
            {
                "label": _t("Replacement cost"),
                "data": [float(t["cost"]) for t in totals],
                "backgroundColor": "#1095c1",
            }
        ],
    }
    return render(
        request,
        "assets/refresh_forecast.html",
        {
            "title": _t("Refresh forecast"),
            "threshold": threshold,
            "totals": totals,
            "header": header,
            "rows": [(r.asset, values) for r, values in zip(rows, table, strict=True)],
            "chart": chart,
        },
    )
