"""An explicit in-process event bus. Handlers are registered in ``AppConfig.ready()`` and run
after the surrounding transaction commits, so a rolled-back change announces nothing."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)
Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
ANY = "*"


def subscribe(name: str, handler: Handler) -> None:
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def publish(name: str, **payload: Any) -> None:
    def deliver() -> None:
        for handler in [*_handlers.get(name, []), *_handlers.get(ANY, [])]:
            try:
                handler(event=name, **payload)
            except Exception:
                log.exception("event handler %r failed for %s", handler, name)

    transaction.on_commit(deliver)
