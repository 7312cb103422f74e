"""State changes of the risk register: risks (on the default matrix unless told), their
review, controls with what they protect, and the security incidents linked to a risk.

Permissions: IT managers and administrators manage every risk; a risk's owner changes their
own risk (not its owner: the re-check inside the transaction refuses a risk given away) and
its controls. Incidents are service-desk tickets of kind incident, read through
``steward.servicedesk.selectors`` with the actor's own visibility, one query for all ids."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import events, permissions, services
from steward.strategy.models import Risk, RiskControl, RiskControlLink, RiskIncident, TargetType
from steward.strategy.risk import default_matrix

MAX_LINKS = 200


@transaction.atomic
def risk_create(*, data: Mapping[str, Any], actor: Any) -> Risk:
    data = dict(data)
    if data.get("matrix") is None:
        data["matrix"] = default_matrix()
    return services.object_create(model=Risk, data=data, actor=actor)


@transaction.atomic
def risk_update(*, risk: Risk, data: Mapping[str, Any], actor: Any) -> Risk:
    return services.object_update(obj=risk, data=data, actor=actor)


@transaction.atomic
def risk_review(*, risk: Risk, actor: Any, today: datetime.date | None = None) -> Risk:
    """Record a review today: the next one is due a review interval later."""
    today = today or timezone.localdate()
    return services.object_update(
        obj=risk,
        data={
            "last_reviewed": today,
            "next_review": today + datetime.timedelta(days=risk.review_interval_days),
        },
        actor=actor,
    )


def _targets(actor: Any, links: Iterable[Any]) -> list[tuple[str, int]]:
    """``links`` as (type, id) pairs the actor may see; ValidationError on ``links``."""
    from steward.assets import selectors as assets
    from steward.cmdb import selectors as cmdb

    pairs: list[tuple[str, int]] = []
    for link in links:
        if not isinstance(link, Mapping) or set(link) != {"type", "id"}:
            raise ValidationError({"links": [_("Each link has a type and an id, nothing else.")]})
        kind, pk = link["type"], link["id"]
        if kind not in TargetType.values:
            raise ValidationError(
                {"links": [_("Unknown type; one of: %(t)s.") % {"t": ", ".join(TargetType.values)}]}
            )
        if isinstance(pk, bool) or not isinstance(pk, int) or pk < 1:
            raise ValidationError({"links": [_("Give ids.")]})
        pairs.append((kind, pk))
    pairs = list(dict.fromkeys(pairs))
    if len(pairs) > MAX_LINKS:
        raise ValidationError({"links": [_("At most %(n)s links.") % {"n": MAX_LINKS}]})
    ci_ids = {pk for kind, pk in pairs if kind == TargetType.CI}
    asset_ids = {pk for kind, pk in pairs if kind == TargetType.ASSET}
    seen_cis = (
        set(cmdb.ci_list(user=actor).filter(pk__in=ci_ids).values_list("pk", flat=True))
        if ci_ids
        else set()
    )
    seen_assets = (
        set(assets.asset_list(user=actor).filter(pk__in=asset_ids).values_list("pk", flat=True))
        if asset_ids
        else set()
    )
    for kind, pk in pairs:
        if pk not in (seen_cis if kind == TargetType.CI else seen_assets):
            raise ValidationError(
                {"links": [_("No such %(type)s: %(id)s.") % {"type": kind, "id": pk}]}
            )
    return pairs


def _set_links(control: RiskControl, pairs: list[tuple[str, int]]) -> None:
    current = {(lk.target_type, lk.target_id): lk for lk in control.links.all()}
    for key, link in current.items():
        if key not in pairs:
            link.delete()
    for kind, pk in pairs:
        if (kind, pk) not in current:
            RiskControlLink.objects.create(control=control, target_type=kind, target_id=pk)


@transaction.atomic
def control_save(
    *, control: RiskControl | None, data: Mapping[str, Any], actor: Any
) -> RiskControl:
    """Create (``control`` None) or change a control of a risk the actor may change. A
    ``links`` entry in ``data`` replaces what the control protects."""
    data = dict(data)
    links = data.pop("links", None)
    risk = data.get("risk") or (control.risk if control is not None else None)
    if risk is None:
        raise ValidationError({"risk": [_("This field is required.")]})
    permissions.ensure(actor, "change", risk)
    if control is None:
        saved = RiskControl(**data)
        saved.full_clean()
        saved.save()
    else:
        saved = RiskControl._base_manager.select_for_update().get(pk=control.pk)
        permissions.ensure(actor, "change", saved.risk)
        for name, value in data.items():
            setattr(saved, name, value)
        saved.full_clean()
        saved.save()
    if links is not None:
        _set_links(saved, _targets(actor, links))
    permissions.ensure(actor, "change", saved.risk)
    return saved


@transaction.atomic
def control_delete(*, control: RiskControl, actor: Any) -> None:
    permissions.ensure(actor, "change", control.risk)
    control.delete()


@transaction.atomic
def risk_link_incidents(*, risk: Risk, ticket_ids: Iterable[Any], actor: Any) -> int:
    """Link security incidents to the risk; returns how many links are new (idempotent)."""
    permissions.ensure(actor, "change", risk)
    from steward.servicedesk import selectors as desk

    tickets = desk.incidents_by_ids(actor, ticket_ids)
    linked = set(RiskIncident.objects.filter(risk=risk).values_list("ticket_id", flat=True))
    added = 0
    for ticket in tickets:
        if ticket.pk in linked:
            continue
        RiskIncident.objects.create(risk=risk, ticket_id=ticket.pk, opened_at=ticket.created_at)
        events.publish("strategy.risk_incident_linked", risk_id=risk.pk, ticket_id=ticket.pk)
        added += 1
    return added


@transaction.atomic
def risk_unlink_incident(*, risk: Risk, ticket_id: int, actor: Any) -> None:
    permissions.ensure(actor, "change", risk)
    for link in RiskIncident.objects.filter(risk=risk, ticket_id=ticket_id):
        link.delete()
