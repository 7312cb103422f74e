"""My assets: what an employee holds now, acknowledging receipt of what IT handed them,
reporting a problem with one (a service-desk ticket linked to the asset) and asking for new
equipment (the catalogue). Reads and writes go through the assets, service desk and
catalogue apps' selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from steward.assets import selectors as asset_selectors
from steward.assets import services as asset_services
from steward.catalogue import selectors as cat_selectors
from steward.core.validation import is_id
from steward.portal.forms import AssetProblemForm
from steward.portal.views.shell import page, viewer
from steward.portal.views.tickets import _errors_to_form
from steward.servicedesk import selectors as sd_selectors
from steward.servicedesk import services as sd_services

NEW_EQUIPMENT_ITEM = "new-laptop"
"""The catalogue item "Request new equipment" opens when the catalogue offers it (the demo
does); otherwise the link opens the whole catalogue."""


def _employee_only(request: HttpRequest) -> None:
    if not viewer(request).is_employee:
        raise Http404


def _my_asset_or_404(request: HttpRequest, pk: Any) -> Any:
    """One asset the person holds now; anyone else's (or none) answers 404 alike."""
    _employee_only(request)
    asset = (
        asset_selectors.assets_of_user(user=request.user).filter(pk=pk).first()
        if is_id(pk)
        else None
    )
    if asset is None:
        raise Http404
    return asset


def _new_equipment_url(request: HttpRequest) -> str:
    item = cat_selectors.item_list(user=request.user).filter(slug=NEW_EQUIPMENT_ITEM).first()
    if item is not None:
        return reverse("catalogue:item", kwargs={"slug": item.slug})
    return reverse("portal:request")


@login_required
@require_safe
def my_assets(request: HttpRequest) -> HttpResponse:
    _employee_only(request)
    assets = list(asset_selectors.assets_of_user(user=request.user).order_by("asset_tag"))
    return page(
        request,
        "portal/assets.html",
        {
            "title": _("My assets"),
            "assets": assets,
            "new_equipment_url": _new_equipment_url(request),
        },
        current="assets",
    )


@login_required
@require_POST
def asset_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _my_asset_or_404(request, pk)
    try:
        asset_services.asset_acknowledge(asset=asset, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.warning(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, _("Thank you: receipt of %(a)s confirmed.") % {"a": asset})
    return redirect("portal:assets")


def problem_description(asset: Any, text: str) -> str:
    """The ticket's description: the person's words, then what identifies the device."""
    facts = [
        _("Asset tag: %(v)s") % {"v": asset.asset_tag},
        _("Model: %(v)s") % {"v": asset.model},
        _("Serial number: %(v)s") % {"v": asset.serial or "—"},
    ]
    return "\n\n".join(part for part in (text.strip(), "\n".join(facts)) if part)


@login_required
@require_http_methods(["GET", "POST"])
def asset_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a problem with one of my assets: one incident, requested by me, linked to the
    asset (its repair history), in the hardware category that fits its kind when the service
    desk has one."""
    asset = _my_asset_or_404(request, pk)
    who = viewer(request)
    form = AssetProblemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if who.person is None:
            form.add_error(None, _("Your login is not linked to a person; ask the IT team."))
        if form.is_valid():
            data = form.cleaned_data
            category = sd_selectors.category_by_names(
                [str(asset.model.get_category_display()), "Hardware"], kind="incident"
            )
            try:
                ticket = sd_services.ticket_create(
                    actor=request.user,
                    requester=who.person,
                    title=f"{asset.asset_tag}: {data['title']}"[:250],
                    description=problem_description(asset, data["description"]),
                    channel="portal",
                    category=category,
                    urgency=data["urgency"],
                    asset_id=asset.pk,
                )
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
            else:
                return redirect("portal:report_done", pk=ticket.pk)
        status = 400
    return page(
        request,
        "portal/asset_report.html",
        {"title": _("Report a problem"), "asset": asset, "form": form},
        current="assets",
        status=status,
    )
