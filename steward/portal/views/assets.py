"""My assets: what an employee holds now, and acknowledging receipt of what IT handed them
(through the assets app's selectors and services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from steward.assets import selectors as asset_selectors
from steward.assets import services as asset_services
from steward.portal.views.shell import page, viewer


def _employee_only(request: HttpRequest) -> None:
    if not viewer(request).is_employee:
        raise Http404


@login_required
@require_safe
def my_assets(request: HttpRequest) -> HttpResponse:
    _employee_only(request)
    assets = list(asset_selectors.assets_of_user(user=request.user).order_by("asset_tag"))
    return page(
        request, "portal/assets.html", {"title": _("My assets"), "assets": assets}, current="assets"
    )


@login_required
@require_POST
def asset_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    _employee_only(request)
    asset = asset_selectors.assets_of_user(user=request.user).filter(pk=pk).first()
    if asset is None:
        raise Http404
    try:
        asset_services.asset_acknowledge(asset=asset, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.warning(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, _("Thank you: receipt of %(a)s confirmed.") % {"a": asset})
    return redirect("portal:assets")
