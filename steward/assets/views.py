from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from steward.assets import filtersets, labels, selectors, services
from steward.assets.forms import CheckInForm, CheckOutForm, TransitionForm
from steward.assets.models import (
    HELD,
    Asset,
    AssetAssignment,
    Contract,
    HardwareModel,
    Manufacturer,
    Status,
)
from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.core.validation import is_id
from steward.servicedesk import selectors as sd_selectors

TICKET_OPEN = ("new", "assigned", "in_progress", "pending")


class ManufacturerList(ObjectListView):
    model, url_prefix = Manufacturer, "assets:manufacturer"
    filterset_class = filtersets.ManufacturerFilterSet
    columns = [Column("name", _("Name"), sort="name"), Column("website", _("Website"))]


class ManufacturerDetail(ObjectDetailView):
    model, url_prefix = Manufacturer, "assets:manufacturer"
    fields = [Column("name", _("Name")), Column("website", _("Website"))]


class HardwareModelList(ObjectListView):
    model, url_prefix = HardwareModel, "assets:hardwaremodel"
    filterset_class = filtersets.HardwareModelFilterSet
    select_related = ("manufacturer",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("manufacturer", _("Manufacturer"), sort="manufacturer__name"),
        Column("get_category_display", _("Category"), sort="category"),
        Column("get_depreciation_method_display", _("Depreciation")),
        Column("life_months", _("Useful life (months)")),
    ]


class HardwareModelDetail(ObjectDetailView):
    model, url_prefix = HardwareModel, "assets:hardwaremodel"
    select_related = ("manufacturer", "catalogue_item")
    fields = [
        Column("manufacturer", _("Manufacturer")),
        Column("get_category_display", _("Category")),
        Column("get_depreciation_method_display", _("Depreciation")),
        Column("life_months", _("Useful life (months)")),
        Column("residual_percent", _("Residual value (%)")),
        Column("catalogue_item", _("Ordered in the catalogue as")),
    ]


class AssetList(ObjectListView):
    model, url_prefix = Asset, "assets:asset"
    template_name = "assets/asset_list.html"
    filterset_class = filtersets.AssetFilterSet
    select_related = ("model__manufacturer", "location", "assigned_person", "assigned_location")
    columns = [
        Column("asset_tag", _("Asset tag"), sort="asset_tag"),
        Column("name", _("Name"), sort="name"),
        Column("model", _("Model")),
        Column("serial", _("Serial number"), sort="serial"),
        Column("get_status_display", _("Status"), sort="status"),
        Column("holder", _("Assigned to")),
        Column("location", _("Location")),
        Column("loan_due", _("Loan due"), sort="loan_due"),
        Column("warranty_end", _("Warranty end"), sort="warranty_end"),
    ]

    def extra_context(self) -> dict[str, Any]:
        return {"can_print_labels": permissions.can(self.request.user, services.ASSIGN, Asset)}


class AssetDetail(ObjectDetailView):
    model, url_prefix = Asset, "assets:asset"
    template_name = "assets/asset_detail.html"
    select_related = (
        "model__manufacturer",
        "organisation",
        "location",
        "supplier",
        "assigned_person",
        "assigned_location",
    )
    internal_fields = ("notes",)
    fields = [
        Column("name", _("Name")),
        Column("model", _("Model")),
        Column("model.get_category_display", _("Category")),
        Column("serial", _("Serial number")),
        Column("get_status_display", _("Status")),
        Column("get_condition_display", _("Condition")),
        Column("holder", _("Assigned to")),
        Column("loan_due", _("Loan due")),
        Column("acknowledged_at", _("Receipt acknowledged")),
        Column("organisation", _("Organisation")),
        Column("location", _("Location")),
        Column("purchase_cost", _("Cost")),
        Column("purchase_date", _("Purchase date")),
        Column("supplier", _("Supplier")),
        Column("invoice_number", _("Invoice number")),
        Column("warranty_end", _("Warranty end")),
        Column("status_changed_at", _("Status changed")),
        Column("status_note", _("Status note")),
        Column("repair_reference", _("Repair ticket")),
        Column("disposal_certificate", _("Disposal certificate")),
        Column("notes", _("Notes")),
    ]

    def extra_context(self, obj: Asset) -> dict[str, Any]:
        user = self.request.user
        can_assign = permissions.can(user, services.ASSIGN, obj)
        can_change = permissions.can(user, "change", obj)
        querysets = _querysets(user)
        return {
            "book_value": selectors.asset_book_value(obj),
            "schedule": selectors.asset_depreciation_schedule(obj),
            "history": list(selectors.assignment_history(asset=obj, user=user)),
            "contracts": list(
                selectors.contract_list(user=user).filter(assets=obj).order_by("end_date")
            ),
            "check_out_form": (
                CheckOutForm(querysets=querysets)
                if can_assign and obj.status == Status.IN_STOCK
                else None
            ),
            "check_in_form": (
                CheckInForm(querysets={"location": querysets["location"]})
                if can_assign and obj.status in HELD
                else None
            ),
            "transition_form": (
                TransitionForm() if can_change and services.TRANSITIONS[obj.status] else None
            ),
            "allowed_moves": sorted(str(Status(s).label) for s in services.TRANSITIONS[obj.status]),
            **_tickets_context(user, obj),
            "can_print_label": can_assign,
            "can_acknowledge": (
                obj.status in HELD
                and obj.acknowledged_at is None
                and obj.assigned_person is not None
                and obj.assigned_person.user_id == user.pk
            ),
        }


TICKETS_SHOWN = 20


def _tickets_context(user: Any, asset: Asset) -> dict[str, Any]:
    """The asset's repair history: the service-desk tickets about it that ``user`` may see
    (three queries whatever their number)."""
    tickets = sd_selectors.tickets_of_asset(user, asset.pk)
    counts = tickets.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status__in=TICKET_OPEN))
    )
    staff = permissions.has_role(user, *permissions.STAFF)
    return {
        "tickets": list(tickets[:TICKETS_SHOWN]),
        "ticket_count": counts["total"],
        "open_ticket_count": counts["open"],
        "ticket_url_name": "servicedesk:ticket_detail" if staff else "portal:ticket_detail",
    }


def _querysets(user: Any) -> dict[str, Any]:
    from steward.assets.forms import Location, Person

    return {
        "person": permissions.restrict(Person.objects.all(), user),
        "location": permissions.restrict(Location.objects.all(), user),
    }


@require_POST
def asset_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Check-out, check-in, status change or acknowledgement from the asset's page: one
    service call; errors come back as messages on the page."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    asset = selectors.asset_get(user=request.user, pk=pk)
    if asset is None:
        raise Http404
    url = reverse("assets:asset_detail", kwargs={"pk": asset.pk})
    try:
        _run(request, asset, action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _t("You may not do this."))
    else:
        messages.success(request, _t("Saved %(obj)s.") % {"obj": asset})
    return HttpResponseRedirect(url)


def _run(request: HttpRequest, asset: Asset, action: str) -> None:
    user = request.user
    if action == "check-out":
        form: Any = CheckOutForm(request.POST, querysets=_querysets(user))
        _valid(form)
        services.asset_check_out(asset=asset, actor=user, **form.cleaned_data)
    elif action == "check-in":
        form = CheckInForm(request.POST, querysets={"location": _querysets(user)["location"]})
        _valid(form)
        services.asset_check_in(asset=asset, actor=user, **form.cleaned_data)
    elif action == "transition":
        form = TransitionForm(request.POST)
        _valid(form)
        services.asset_transition(asset=asset, actor=user, **form.cleaned_data)
    elif action == "acknowledge":
        services.asset_acknowledge(asset=asset, actor=user)
    else:
        raise ValidationError(_t("Unknown action."))


def _valid(form: Any) -> None:
    if not form.is_valid():
        raise ValidationError([f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()])


@require_safe
def asset_label(request: HttpRequest, pk: int) -> HttpResponse:
    """One label (PDF) for a label printer, for those who check assets out and in."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    asset = (
        selectors.asset_label_list(user=request.user).filter(pk=pk).first() if is_id(pk) else None
    )
    if asset is None:
        raise Http404
    return _pdf(labels.label_pdf(asset), f"label-{asset.asset_tag}.pdf")


@require_safe
def asset_labels(request: HttpRequest) -> HttpResponse:
    """A4 sheets of labels for the assets the list's filters select (the same query string
    as the list page), or for the ``id`` values given."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    if not permissions.can(request.user, services.ASSIGN, Asset):
        raise PermissionDenied
    qs = selectors.asset_label_list(user=request.user)
    ids = request.GET.getlist("id")
    if ids:
        if not all(is_id(i) for i in ids):
            return HttpResponseBadRequest(_t("Asset ids are whole numbers."))
        qs = qs.filter(pk__in=ids)
    filterset = filtersets.AssetFilterSet(request.GET, queryset=qs, request=request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(" ".join(filterset.errors.as_text().split()))
    chosen = list(filterset.qs.order_by("asset_tag", "pk")[: labels.MAX_LABELS + 1])
    if len(chosen) > labels.MAX_LABELS:
        return HttpResponseBadRequest(
            _t("At most %(n)s labels at once: narrow the filter.") % {"n": labels.MAX_LABELS}
        )
    return _pdf(labels.label_sheets_pdf(chosen), "asset-labels.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class AssetAssignmentList(ObjectListView):
    model, url_prefix = AssetAssignment, "assets:assetassignment"
    filterset_class = filtersets.AssetAssignmentFilterSet
    select_related = ("asset", "person", "location", "checked_out_by")
    title = _("Asset history")
    columns = [
        Column("asset", _("Asset")),
        Column("holder", _("Held by")),
        Column("started_at", _("From"), sort="started_at"),
        Column("ended_at", _("Until"), sort="ended_at"),
        Column("loan_due", _("Loan due")),
        Column("acknowledged_at", _("Acknowledged")),
        Column("checked_out_by", _("Checked out by")),
    ]


class ContractList(ObjectListView):
    model, url_prefix = Contract, "assets:contract"
    filterset_class = filtersets.ContractFilterSet
    select_related = ("vendor",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_kind_display", _("Kind"), sort="kind"),
        Column("vendor", _("Vendor")),
        Column("cost", _("Cost"), sort="cost"),
        Column("start_date", _("Start"), sort="start_date"),
        Column("end_date", _("End"), sort="end_date"),
        Column("get_renewal_display", _("Renewal")),
    ]


class ContractDetail(ObjectDetailView):
    model, url_prefix = Contract, "assets:contract"
    select_related = ("vendor",)
    fields = [
        Column("reference", _("Contract number")),
        Column("get_kind_display", _("Kind")),
        Column("vendor", _("Vendor")),
        Column("cost", _("Cost")),
        Column("start_date", _("Start")),
        Column("end_date", _("End")),
        Column("get_renewal_display", _("Renewal")),
        Column("renewal_terms", _("Renewal terms")),
        Column("notice_days", _("Notice (days)")),
        Column("notice_by", _("Give notice by")),
        Column("assets.count", _("Assets covered")),
        Column("notes", _("Notes")),
    ]


class AssetAssignmentDetail(ObjectDetailView):
    model, url_prefix = AssetAssignment, "assets:assetassignment"
    select_related = ("asset", "person", "location", "checked_out_by", "checked_in_by")
    tabs = ("history",)
    fields = [
        Column("asset", _("Asset")),
        Column("holder", _("Held by")),
        Column("started_at", _("From")),
        Column("ended_at", _("Until")),
        Column("loan_due", _("Loan due")),
        Column("acknowledged_at", _("Acknowledged")),
        Column("checked_out_by", _("Checked out by")),
        Column("checked_in_by", _("Checked in by")),
        Column("note", _("Note")),
    ]
