"""Meta-tests: rules that hold for every model, so that a new model cannot slip past them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import NoReverseMatch, get_resolver, reverse

from steward.core import audit, permissions
from steward.core.models import AuditedModel, AuditedQuerySet

# Models that are deliberately not audited row by row, and why. Adding one here needs a reason.
AUDIT_EXEMPT = {
    "core.AuditEntry": "the audit log itself; append-only",
    "core.Job": "progress and log lines written many times a second; what a job changes is audited",
    "integrations.WebhookDelivery": "delivery log written on every attempt; webhooks are audited",
    "notifications.Notification": "a high-volume per-user log written by the system",
    "cmdb.DiscoveryAgent": (
        "an agent's last facts, rewritten on every inventory; the differences are audited on "
        'the configuration item ("memory 8 → 16 GB")'
    ),
    "cmdb.NetworkInterface": "discovered by agents; differences audited on the item",
    "cmdb.IPAddress": "discovered by agents; differences audited on the item",
    "cmdb.Disk": "discovered by agents; differences audited on the item",
    "notifications.InboundMessage": (
        "mail from outside (spam and bounce floods included); who re-processed or discarded it "
        "is stored on the row"
    ),
}
# Platform tables of libraries we use, not Steward data.
FOREIGN_APPS = {
    "auth",
    "contenttypes",
    "sessions",
    "authtoken",
    "django_tasks_database",
    "django_tasks_db",
}


def steward_models():
    for model in apps.get_models():
        if model._meta.app_label in FOREIGN_APPS or model._meta.auto_created:
            continue
        yield model


def test_every_steward_model_is_audited_or_exempt_with_a_reason():
    missing = [
        m._meta.label
        for m in steward_models()
        if not issubclass(m, AuditedModel) and m._meta.label not in AUDIT_EXEMPT
    ]
    assert missing == [], f"audit these models or exempt them with a reason: {missing}"


def test_audited_models_use_the_audited_queryset_so_bulk_writes_are_recorded():
    for model in steward_models():
        if issubclass(model, AuditedModel):
            qs = model._default_manager.all()
            assert isinstance(qs, AuditedQuerySet), model._meta.label


def test_audit_handlers_are_connected_for_saves_deletes_and_m2m():
    assert any(r[1]() is audit.on_post_save for r in post_save.receivers if r[1]())
    assert any(r[1]() is audit.on_post_delete for r in post_delete.receivers if r[1]())
    assert any(r[1]() is audit.on_m2m_changed for r in m2m_changed.receivers if r[1]())


def test_every_steward_model_has_a_permission_policy():
    missing = []
    for model in steward_models():
        try:
            permissions.policy_for(model)
        except LookupError:
            missing.append(model._meta.label)
    assert missing == [], f"register a Policy in the app's ready(): {missing}"


def _api_models() -> set[str]:
    found = set()

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
                continue
            cls = getattr(p.callback, "cls", None)
            qs = getattr(cls, "queryset", None)
            if qs is not None:
                found.add(qs.model._meta.label)

    walk(get_resolver().url_patterns)
    return found


# Models reached through their parent object's pages and endpoints rather than their own.
NO_OWN_ENDPOINT = {
    "core.User",
    "core.TaggedItem",
    "core.Comment",
    "core.Attachment",
    "core.Watch",
    "core.Schedule",
    # Shown on their configuration item's page, written only by discovery's reconciliation.
    "cmdb.NetworkInterface",
    "cmdb.IPAddress",
    "cmdb.Disk",
    # Reached through their change or problem, and the profile's calendar-feed page.
    "changes.ChangeRequestCI",
    "changes.CalendarFeedToken",
    "changes.ProblemIncident",
    "changes.ProblemTask",
    "changes.ChangeIncident",
    # Reached through their control or risk (the control's links, the risk's incidents).
    "strategy.RiskControlLink",
    "strategy.RiskIncident",
    # Written with their growth plan (its hires), read on its page and in its API.
    "strategy.GrowthHire",
}
# List pages named otherwise than ``<app>:<model>_list``.
LIST_PAGE = {
    "cmdb.ConfigurationItem": "cmdb:ci_list",
    "cmdb.InventoryToken": "cmdb:discovery:token_list",
    "cmdb.DiscoveryAgent": "cmdb:discovery:agent_list",
    "cmdb.InventorySubmission": "cmdb:discovery:submission_list",
}


@pytest.mark.parametrize(
    "app_label",
    ["org", "servicedesk", "catalogue", "knowledge", "assets", "cmdb", "changes", "strategy"],
)
def test_every_domain_model_has_an_api_endpoint_and_list_page(app_label):
    api = _api_models()
    for model in apps.get_app_config(app_label).get_models():
        label = model._meta.label
        if label in NO_OWN_ENDPOINT:
            continue
        assert label in api, f"{label} has no API viewset"
        name = LIST_PAGE.get(label, f"{app_label}:{model._meta.model_name}_list")
        try:
            reverse(name)
        except NoReverseMatch:
            pytest.fail(f"{label} has no list page named {name}")
