"""Tags on tickets through the platform's shared tags (``steward.core.features``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import slugify

from steward.core import features
from steward.core.models import Tag, TaggedItem


def ticket_tags_set(*, ticket: Any, names: Iterable[str], actor: Any) -> list[Tag]:
    """Replaces the ticket's tags. The system (``actor=None``: mail, monitoring) tags without
    a permission check; everyone else through ``features.tag_set``, which checks it."""
    unique: dict[str, str] = {}
    for name in names:
        if isinstance(name, str) and name.strip():
            unique.setdefault(name.strip()[:64].casefold(), name.strip()[:64])
    names = list(unique.values())
    if actor is not None:
        return features.tag_set(obj=ticket, names=names, actor=actor)
    wanted = []
    for name in names:
        slug = slugify(name)[:64] or hashlib.sha256(name.encode()).hexdigest()[:12]
        tag = Tag.objects.filter(Q(name__iexact=name) | Q(slug=slug)).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
        wanted.append(tag)
    link = {"content_type": ContentType.objects.get_for_model(ticket), "object_id": str(ticket.pk)}
    TaggedItem.objects.filter(**link).exclude(tag__in=wanted).delete()
    have = set(TaggedItem.objects.filter(**link).values_list("tag_id", flat=True))
    for tag in wanted:
        if tag.pk not in have:
            TaggedItem.objects.create(tag=tag, **link)
    return wanted
