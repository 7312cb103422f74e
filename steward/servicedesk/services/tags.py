"""Tags on tickets through the platform's shared tags (``steward.core.features``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from steward.core import features
from steward.core.models import Tag


def ticket_tags_set(*, ticket: Any, names: Iterable[str], actor: Any) -> list[Tag]:
    """Replaces the ticket's tags; the system (``actor=None``: mail, monitoring) tags without
    a permission check. Non-text names are ignored."""
    clean = [name for name in names if isinstance(name, str)]
    return features.tag_set(obj=ticket, names=clean, actor=actor)
