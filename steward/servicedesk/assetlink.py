"""The ticket's asset (``Ticket.asset_id``): a plain id, like the CMDB's configuration item,
so that the service desk owns no foreign key into the assets app. Whether a person may see
or link the asset is the assets app's rule, asked through its selectors; without the
assets app installed no ticket can name an asset."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from steward.core.validation import is_id


def visible_asset(user: Any, asset_id: Any) -> Any | None:
    """The asset ``user`` may see, or None (unknown, malformed, not theirs, no assets app)."""
    if not apps.is_installed("steward.assets") or not is_id(asset_id):
        return None
    from steward.assets import selectors

    return selectors.asset_get(user=user, pk=asset_id)


def check_asset(actor: Any, asset_id: Any) -> str | None:
    """The error message when ``actor`` may not link the ticket to ``asset_id``, else None.
    The system (``actor=None``: mail, monitoring, jobs) is trusted with the id it gives."""
    if asset_id is None or actor is None:
        return None
    if visible_asset(actor, asset_id) is None:
        return _("No asset with this id that you may see.")
    return None


def asset_link(user: Any, asset_id: Any) -> dict[str, Any] | None:
    """What the ticket page shows of its asset for ``user``: the label and the link when
    they may see the asset, only the id otherwise; None when the ticket has no asset."""
    if asset_id is None:
        return None
    asset = visible_asset(user, asset_id)
    if asset is None:
        return {"id": asset_id, "label": f"#{asset_id}", "url": None}
    return {
        "id": asset_id,
        "label": f"{asset.asset_tag} · {asset.model}",
        "url": reverse("assets:asset_detail", kwargs={"pk": asset.pk}),
    }
