"""Demo data of change management (filled in below)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    log("changes: nothing yet")
