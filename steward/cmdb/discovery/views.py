"""Pages of discovery: the quarantine and review queue (re-process, link, create,
discard), inventory tokens (the secret shown once) and the agents that reported."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from steward.cmdb.discovery import services
from steward.cmdb.models import (
    ConfigurationItem,
    DiscoveryAgent,
    InventorySubmission,
    InventoryToken,
    SubmissionStatus,
)
from steward.core import permissions
from steward.core.ui.forms import add_service_errors
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView

PREFIX = "cmdb:discovery:"


class SubmissionList(ObjectListView):
    model, url_prefix = InventorySubmission, PREFIX + "submission"
    title = gettext_lazy("Inventory review and quarantine")
    columns = [
        Column("received_at", gettext_lazy("Received"), sort="received_at", link=True),
        Column("get_status_display", gettext_lazy("Status"), sort="status"),
        Column("reason_code", gettext_lazy("Reason code"), sort="reason_code"),
        Column("reason", gettext_lazy("Reason")),
        Column("deviceid", gettext_lazy("Device id"), sort="deviceid"),
        Column("remote_addr", gettext_lazy("Address")),
        Column("raw_size", gettext_lazy("Size (bytes)")),
    ]

    def get_queryset(self) -> Any:
        qs = super().get_queryset().defer("raw")
        status = self.request.GET.get("status")
        if status in SubmissionStatus.values:
            qs = qs.filter(status=status)
        return qs


class SubmissionDetail(ObjectDetailView):
    model, url_prefix = InventorySubmission, PREFIX + "submission"
    template_name = "cmdb/discovery/submission_detail.html"
    tabs = ("history",)
    fields = [
        Column("get_status_display", gettext_lazy("Status")),
        Column("received_at", gettext_lazy("Received")),
        Column("reason_code", gettext_lazy("Reason code")),
        Column("reason", gettext_lazy("Reason")),
        Column("deviceid", gettext_lazy("Device id")),
        Column("user_agent", gettext_lazy("Agent")),
        Column("remote_addr", gettext_lazy("Address")),
        Column("content_type", gettext_lazy("Content type")),
        Column("token", gettext_lazy("Token")),
        Column("raw_size", gettext_lazy("Size received (bytes)")),
        Column("truncated", gettext_lazy("Truncated")),
        Column("configuration_item", gettext_lazy("Configuration item")),
        Column("result", gettext_lazy("Result")),
        Column("resolved_at", gettext_lazy("Resolved")),
        Column("resolved_by", gettext_lazy("Resolved by")),
    ]

    def extra_context(self, obj: Any) -> dict[str, Any]:
        open_ = obj.status in (SubmissionStatus.QUARANTINED, SubmissionStatus.REVIEW)
        candidates = permissions.restrict(
            ConfigurationItem.objects.filter(pk__in=obj.candidates or []), self.request.user
        )
        return {
            "can_change": False,
            "can_delete": False,
            "can_resolve": open_ and permissions.can(self.request.user, "change", obj),
            "candidates": candidates,
            "preview": bytes(obj.raw[:600]).decode("utf-8", "replace") if obj.raw else "",
        }


def _submission(request: HttpRequest, pk: int) -> InventorySubmission:
    qs = permissions.restrict(InventorySubmission.objects.all(), request.user, "change")
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def submission_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    action = request.POST.get("action", "reprocess")
    item = None
    if action == "link":
        allowed = permissions.restrict(ConfigurationItem.objects.all(), request.user, "change")
        item = (
            allowed.filter(pk=request.POST.get("item") or 0).first()
            if (request.POST.get("item", "").isdigit())
            else None
        )
        if item is None:
            messages.error(request, _("Choose a configuration item you may change."))
            return redirect(PREFIX + "submission_detail", pk=pk)
    try:
        if action == "discard":
            services.submission_discard(submission=submission, actor=request.user)
            messages.success(request, _("Discarded."))
        else:
            done = services.submission_resolve(
                submission=submission, actor=request.user, item=item, create=action == "create"
            )
            messages.success(request, done.result)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(PREFIX + "submission_detail", pk=pk)


class TokenList(ObjectListView):
    model, url_prefix = InventoryToken, PREFIX + "token"
    columns = [
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("prefix", gettext_lazy("Prefix")),
        Column("location", gettext_lazy("Site")),
        Column("deviceid", gettext_lazy("Agent")),
        Column("auto_create", gettext_lazy("Creates devices")),
        Column("is_active", gettext_lazy("Active"), sort="is_active"),
        Column("last_used_at", gettext_lazy("Last used"), sort="last_used_at"),
    ]
    select_related = ("location",)


class TokenDetail(ObjectDetailView):
    model, url_prefix = InventoryToken, PREFIX + "token"
    template_name = "cmdb/discovery/token_detail.html"
    tabs = ("history",)
    fields = [
        Column("prefix", gettext_lazy("Prefix")),
        Column("organisation", gettext_lazy("Organisation")),
        Column("location", gettext_lazy("Site")),
        Column("deviceid", gettext_lazy("Agent device id")),
        Column("auto_create", gettext_lazy("Creates devices")),
        Column("is_active", gettext_lazy("Active")),
        Column("last_used_at", gettext_lazy("Last used")),
    ]

    def extra_context(self, obj: Any) -> dict[str, Any]:
        shown = self.request.session.pop("inventory_token", {})
        return {
            "can_change": False,
            "can_delete": False,
            "can_revoke": obj.is_active and permissions.can(self.request.user, "change", obj),
            "new_secret": shown.get(str(obj.pk)),
        }


class TokenForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = InventoryToken
        fields = ["name", "organisation", "location", "deviceid", "auto_create"]


@login_required
def token_add(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "add", InventoryToken):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["inventory_token"] = {str(token.pk): secret}
            return redirect(PREFIX + "token_detail", pk=token.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": _("New inventory token")}
    return render(request, "core/edit.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    qs = permissions.restrict(InventoryToken.objects.all(), request.user, "change")
    token = qs.filter(pk=pk).first()
    if token is None:
        raise Http404
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked: agents using it are refused from now on."))
    return redirect(PREFIX + "token_detail", pk=pk)


class AgentList(ObjectListView):
    model, url_prefix = DiscoveryAgent, PREFIX + "agent"
    columns = [
        Column("deviceid", gettext_lazy("Device id"), sort="deviceid"),
        Column("configuration_item", gettext_lazy("Configuration item")),
        Column("user_agent", gettext_lazy("Agent")),
        Column("remote_addr", gettext_lazy("Address")),
        Column("last_inventory_at", gettext_lazy("Last inventory"), sort="last_inventory_at"),
        Column("last_boot_at", gettext_lazy("Last boot")),
        Column("inventories", gettext_lazy("Inventories")),
    ]
    select_related = ("configuration_item",)

    def get_queryset(self) -> Any:
        return super().get_queryset().defer("facts")


class AgentDetail(ObjectDetailView):
    model, url_prefix = DiscoveryAgent, PREFIX + "agent"
    tabs = ()
    fields = [
        Column("configuration_item", gettext_lazy("Configuration item")),
        Column("user_agent", gettext_lazy("Agent")),
        Column("remote_addr", gettext_lazy("Address")),
        Column("token", gettext_lazy("Token")),
        Column("last_prolog_at", gettext_lazy("Last contact")),
        Column("last_inventory_at", gettext_lazy("Last inventory")),
        Column("last_boot_at", gettext_lazy("Last boot")),
        Column("inventories", gettext_lazy("Inventories")),
    ]

    def extra_context(self, obj: Any) -> dict[str, Any]:
        facts = {k: v for k, v in (obj.facts or {}).items() if k != "packages"}
        extra = [(k.replace("_", " "), v) for k, v in sorted(facts.items())]
        extra.append((_("packages"), len((obj.facts or {}).get("packages") or {})))
        fields = [(c.label, c.value(obj)) for c in self.fields]
        return {"can_change": False, "can_delete": False, "fields": fields + extra}
