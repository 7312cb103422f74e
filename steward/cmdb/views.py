"""Pages of the CMDB: items, relationships, attributes per class, impact analysis and the
service map. Every read goes through the selectors (``permissions.restrict``), every write
through one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from steward.cmdb import filtersets, selectors, services
from steward.cmdb.attributes import definitions_for
from steward.cmdb.forms import ConfigurationItemForm, ImpactForm, RelationshipAddForm
from steward.cmdb.models import (
    AttributeDefinition,
    CIClass,
    CIStatus,
    ConfigurationItem,
    RelationKind,
    Relationship,
)
from steward.cmdb.transfer import export_response
from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView
from steward.core.validation import is_id

Organisation = ConfigurationItem._meta.get_field("organisation").related_model
Team = ConfigurationItem._meta.get_field("owner_team").related_model
Person = ConfigurationItem._meta.get_field("owner").related_model
Asset = ConfigurationItem._meta.get_field("asset").related_model


class ConfigurationItemList(ObjectListView):
    model, url_prefix = ConfigurationItem, "cmdb:ci"
    filterset_class = filtersets.ConfigurationItemFilterSet
    select_related = ("owner_team",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_ci_class_display", _("Class"), sort="ci_class"),
        Column("get_status_display", _("Status"), sort="status"),
        Column("get_criticality_display", _("Criticality"), sort="criticality"),
        Column("hostname", _("Host name"), sort="hostname"),
        Column("owner_team", _("Owner group")),
    ]

    def export(self, qs: QuerySet[Any], kind: str) -> Any:
        """The import's columns, so that an export edited in a spreadsheet imports back."""
        return export_response("cmdb.configurationitem", qs, kind)


class RelationshipList(ObjectListView):
    model, url_prefix = Relationship, "cmdb:relationship"
    filterset_class = filtersets.RelationshipFilterSet
    select_related = ("source", "target")
    columns = [
        Column("source", _("Source")),
        Column("get_kind_display", _("Kind"), sort="kind"),
        Column("target", _("Target")),
        Column("note", _("Note")),
        Column("created_at", _("Added"), sort="created_at"),
    ]

    def export(self, qs: QuerySet[Any], kind: str) -> Any:
        return export_response("cmdb.relationship", qs, kind)

    def extra_context(self) -> dict[str, Any]:
        return {"can_add": False}  # added from an item's page, where the other end is chosen


class RelationshipDetail(ObjectDetailView):
    model, url_prefix = Relationship, "cmdb:relationship"
    select_related = ("source", "target")
    fields = [
        Column("source", _("Source")),
        Column("get_kind_display", _("Kind")),
        Column("target", _("Target")),
        Column("note", _("Note")),
        Column("created_at", _("Added")),
    ]


class AttributeDefinitionList(ObjectListView):
    model, url_prefix = AttributeDefinition, "cmdb:attributedefinition"
    template_name = "cmdb/attributedefinition_list.html"
    filterset_class = filtersets.AttributeDefinitionFilterSet
    columns = [
        Column("label", _("Label"), sort="label"),
        Column("get_ci_class_display", _("Class"), sort="ci_class"),
        Column("name", _("Name"), sort="name"),
        Column("get_type_display", _("Type")),
        Column("required", _("Required")),
    ]

    def extra_context(self) -> dict[str, Any]:
        from steward.cmdb.attributes import BUILTIN

        return {"builtin": [(CIClass(c).label, defs) for c, defs in BUILTIN.items()]}


class AttributeDefinitionDetail(ObjectDetailView):
    model, url_prefix = AttributeDefinition, "cmdb:attributedefinition"
    fields = [
        Column("get_ci_class_display", _("Class")),
        Column("name", _("Name")),
        Column("label", _("Label")),
        Column("get_type_display", _("Type")),
        Column("required", _("Required")),
        Column("choices", _("Choices")),
        Column("help_text", _("Help text")),
        Column("order", _("Order")),
    ]


class ConfigurationItemDetail(ObjectDetailView):
    model, url_prefix = ConfigurationItem, "cmdb:ci"
    template_name = "cmdb/ci_detail.html"
    select_related = selectors.LIST_RELATED
    fields = [
        Column("get_ci_class_display", _("Class")),
        Column("get_status_display", _("Status")),
        Column("get_criticality_display", _("Criticality")),
        Column("organisation", _("Organisation")),
        Column("owner_team", _("Owner group")),
        Column("owner", _("Owner")),
        Column("asset", _("Asset")),
        Column("serial_number", _("Serial number")),
        Column("hardware_uuid", _("Hardware UUID")),
        Column("hostname", _("Host name")),
        Column("fqdn", _("FQDN")),
        Column("description", _("Description")),
        Column("get_source_display", _("Source")),
        Column("last_seen_at", _("Last seen")),
    ]

    def extra_context(self, obj: ConfigurationItem) -> dict[str, Any]:
        user = self.request.user
        values = obj.attributes or {}
        can_relate = permissions.can(user, "add", Relationship)
        return {
            "attributes": [
                (d.label, values.get(d.name))
                for d in definitions_for(obj.ci_class)
                if values.get(d.name) not in (None, "")
            ],
            "relationships": selectors.relationships_of(ci=obj, user=user),
            "can_relate": can_relate,
            "can_unrelate": permissions.can(user, "delete", Relationship),
            "relationship_form": (
                RelationshipAddForm(queryset=selectors.ci_list(user=user)) if can_relate else None
            ),
            "impact_form": ImpactForm(),
            "open_incidents": selectors.open_incident_counts(user=user, ci_ids=[obj.pk]).get(
                obj.pk, 0
            ),
        }


def _querysets(user: Any) -> dict[str, Any]:
    return {
        "organisation": permissions.restrict(Organisation.objects.all(), user),
        "owner_team": permissions.restrict(Team.objects.all(), user),
        "owner": permissions.restrict(Person.objects.all(), user),
        "asset": permissions.restrict(Asset.objects.all(), user),
    }


class ConfigurationItemEdit(ObjectEditView):
    """Create (choose the class first) or edit an item through the CMDB's services."""

    model, url_prefix = ConfigurationItem, "cmdb:ci"

    def _class(self, obj: ConfigurationItem | None) -> str | None:
        wanted = self.request.POST.get("ci_class") or self.request.GET.get("ci_class")
        if wanted in CIClass.values:
            return str(wanted)
        return obj.ci_class if obj is not None else None

    def make_form(self, obj: ConfigurationItem | None, data: Any = None) -> ConfigurationItemForm:
        return ConfigurationItemForm(
            data,
            instance=obj,
            ci_class=self._class(obj),
            querysets=_querysets(self.request.user),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """A new item starts by choosing its class (its fields depend on it)."""
        if "pk" not in kwargs and self._class(None) is None:
            self.ensure_allowed(None)
            return render(
                request,
                "cmdb/ci_choose_class.html",
                {"title": _t("New configuration item"), "classes": CIClass.choices},
            )
        return super().get(request, *args, **kwargs)

    def form_data(self, form: Any) -> dict[str, Any]:
        return {n: form.cleaned_data[n] for n in [*form._meta.fields, "attributes"]}

    def save(self, obj: ConfigurationItem | None, data: dict[str, Any]) -> ConfigurationItem:
        if obj is None:
            return services.ci_create(data=data, actor=self.request.user)
        return services.ci_update(ci=obj, data=data, actor=self.request.user)


def _ci_or_404(request: HttpRequest, pk: Any) -> ConfigurationItem:
    ci = selectors.ci_get(user=request.user, pk=pk)
    if ci is None:
        raise Http404
    return ci


@login_required
@require_POST
def relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a relationship from the item's page; errors come back as messages."""
    ci = _ci_or_404(request, pk)
    form = RelationshipAddForm(request.POST, queryset=selectors.ci_list(user=request.user))
    url = reverse("cmdb:ci_detail", kwargs={"pk": ci.pk}) + "#relationships"
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return HttpResponseRedirect(url)
    other = form.cleaned_data["other"]
    source, target = (ci, other) if form.cleaned_data["direction"] == "out" else (other, ci)
    try:
        rel = services.relationship_create(
            source=source,
            target=target,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(url)
    messages.success(request, _t("Added: %(rel)s.") % {"rel": rel})
    return HttpResponseRedirect(url)


@login_required
@require_POST
def relationship_remove(request: HttpRequest, pk: int, rel_pk: int) -> HttpResponse:
    ci = _ci_or_404(request, pk)
    rel = (
        selectors.relationship_list(user=request.user).filter(pk=rel_pk).filter(source=ci).first()
        or selectors.relationship_list(user=request.user).filter(pk=rel_pk, target=ci).first()
    )
    if rel is None:
        raise Http404
    services.relationship_delete(relationship=rel, actor=request.user)
    messages.success(request, _t("Removed: %(rel)s.") % {"rel": rel})
    return HttpResponseRedirect(reverse("cmdb:ci_detail", kwargs={"pk": ci.pk}) + "#relationships")


IMPACT_SHOWN = 500


@login_required
@require_safe
def ci_impact(request: HttpRequest, pk: int) -> HttpResponse:
    """The impact section of an item's page (an HTMX fragment, or a page of its own)."""
    ci = _ci_or_404(request, pk)
    form = ImpactForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {"max_hops": 10, "direction": "impact"}
    if request.GET and not form.is_valid():
        return render(request, "cmdb/_impact.html", {"form": form, "object": ci}, status=400)
    result = selectors.ci_impact(user=request.user, ci=ci, **params)
    reached = [n for n in result["nodes"] if n.hops > 0]
    context = {
        "object": ci,
        "form": form,
        "direction": params["direction"],
        "max_hops": params["max_hops"],
        "count": len(reached),
        "nodes": reached[:IMPACT_SHOWN],
        "more": max(0, len(reached) - IMPACT_SHOWN),
        "services": [n for n in reached if n.id in {s.id for s in result["graph"].services}],
        "people": result["people"],
        "class_labels": dict(CIClass.choices),
        "status_labels": dict(CIStatus.choices),
        "kind_labels": dict(RelationKind.choices),
    }
    template = "cmdb/_impact.html" if request.headers.get("HX-Request") else "cmdb/impact.html"
    return render(request, template, context)


@login_required
@require_safe
def service_map(request: HttpRequest) -> HttpResponse:
    """The interactive map: starts from ``?ci=`` (or the most critical business service) and
    grows as nodes are clicked, each click fetching the node's neighbours from the API."""
    if not permissions.can(request.user, "view", ConfigurationItem):
        raise PermissionDenied
    items = selectors.ci_list(user=request.user)
    start = None
    wanted = request.GET.get("ci")
    if wanted is not None:
        start = items.filter(pk=wanted).first() if is_id(wanted) else None
        if start is None:
            raise Http404
    else:
        start = (
            items.filter(ci_class=CIClass.BUSINESS_SERVICE).order_by("-criticality", "name").first()
        )
    services_ = items.filter(ci_class=CIClass.BUSINESS_SERVICE).order_by("name")[:50]
    return render(
        request,
        "cmdb/service_map.html",
        {"title": _t("Service map"), "start": start, "services": services_},
    )
