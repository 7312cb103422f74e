"""Pages: import (upload, preview with progress, confirm) and webhooks with their log."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from steward.core import permissions
from steward.core.ui.forms import add_service_errors
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView
from steward.integrations import services, webhooks
from steward.integrations.api.views import template_response
from steward.integrations.forms import ImportForm, WebhookForm
from steward.integrations.models import ImportBatch, WebhookDelivery, WebhookSubscription


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    qs = ImportBatch.objects.select_related("preview_job", "apply_job")
    batch = permissions.restrict(qs, request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "add", ImportBatch):
        raise PermissionDenied
    resources = services.import_resources_for(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, resources=resources)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = services.import_batch_create(
                    resource=form.cleaned_data["resource"],
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                )
                return redirect("integrations:import_detail", pk=batch.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
        status = 400
    batches = permissions.restrict(ImportBatch.objects.all(), request.user)[:20]
    context = {
        "title": _("Import"),
        "form": form,
        "batches": batches,
        "templates": form.fields["resource"].choices,
    }
    return render(request, "integrations/import_list.html", context, status=status)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    job = batch.apply_job or batch.preview_job
    summary = batch.summary or {}
    context = {
        "title": str(batch),
        "batch": batch,
        "job": job,
        "summary": summary,
        "running": job is not None and not job.finished,
        "can_apply": batch.status == "checked"
        and (summary.get("created") or summary.get("updated")),
    }
    return render(request, "integrations/import_detail.html", context)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        services.import_batch_apply(
            batch=batch,
            actor=request.user,
            valid_rows_only=request.POST.get("valid_rows_only") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("integrations:import_detail", pk=batch.pk)


@login_required
def import_template(request: HttpRequest, resource: str, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    try:
        spec = services.import_resource_get(name=resource, user=request.user)
    except ValidationError:
        raise Http404 from None
    return template_response(spec, fmt)


# Webhooks ------------------------------------------------------------------------------


class WebhookList(ObjectListView):
    model, url_prefix = WebhookSubscription, "integrations:webhook"
    columns = [
        Column("name", gettext_lazy("Name"), sort="name"),
        Column("url", gettext_lazy("URL")),
        Column("events", gettext_lazy("Events")),
        Column("is_active", gettext_lazy("Active")),
    ]


class WebhookDetail(ObjectDetailView):
    model, url_prefix = WebhookSubscription, "integrations:webhook"
    template_name = "integrations/webhook_detail.html"
    tabs = ("history",)
    fields = [
        Column("url", gettext_lazy("URL")),
        Column("events", gettext_lazy("Events")),
        Column("is_active", gettext_lazy("Active")),
    ]

    def extra_context(self, obj: Any) -> dict[str, Any]:
        secrets = self.request.session.pop("webhook_secret", {})
        return {
            "deliveries": obj.deliveries.all()[:50],
            "new_secret": secrets.get(str(obj.pk)),
            "can_ping": permissions.can(self.request.user, "change", obj),
        }


class WebhookEdit(ObjectEditView):
    model, url_prefix, form_class = WebhookSubscription, "integrations:webhook", WebhookForm


@login_required
def webhook_add(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "add", WebhookSubscription):
        raise PermissionDenied
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sub, secret = webhooks.webhook_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["webhook_secret"] = {str(sub.pk): secret}
            return redirect("integrations:webhook_detail", pk=sub.pk)
    title = _("New webhook")
    status = 400 if request.method == "POST" else 200
    return render(request, "core/edit.html", {"form": form, "title": title}, status=status)


@login_required
@require_POST
def webhook_ping(request: HttpRequest, pk: int) -> HttpResponse:
    sub = permissions.restrict(WebhookSubscription.objects.all(), request.user, "change")
    subscription = sub.filter(pk=pk).first()
    if subscription is None:
        raise Http404
    webhooks.webhook_ping(subscription=subscription, actor=request.user)
    messages.success(request, _("Ping queued."))
    return redirect("integrations:webhook_detail", pk=pk)


def _delivery(request: HttpRequest, pk: str) -> WebhookDelivery:
    qs = permissions.restrict(WebhookDelivery.objects.select_related("subscription"), request.user)
    try:
        delivery = qs.filter(pk=pk).first()
    except ValidationError:
        delivery = None
    if delivery is None:
        raise Http404
    return delivery


@login_required
def delivery_detail(request: HttpRequest, pk: str) -> HttpResponse:
    delivery = _delivery(request, pk)
    context = {
        "title": _("Delivery %(id)s") % {"id": delivery.pk},
        "delivery": delivery,
        "payload": json.dumps(delivery.payload, indent=2),
        "can_redeliver": permissions.can(request.user, "change", delivery.subscription),
    }
    return render(request, "integrations/delivery_detail.html", context)


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, pk: str) -> HttpResponse:
    delivery = _delivery(request, pk)
    again = webhooks.delivery_redeliver(delivery=delivery, actor=request.user)
    messages.success(request, _("Delivery queued again."))
    return redirect("integrations:delivery_detail", pk=again.pk)
