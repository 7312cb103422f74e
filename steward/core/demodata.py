"""Helpers every app's demo loader shares: the demo's size and bulk writes that keep the
historical timestamps a loader sets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models

from steward.config import env


def scale_from_env() -> float:
    """``STEWARD_DEMO_SCALE`` (1 = the full demo; schemathesis runs a tiny one)."""
    try:
        return max(0.0, float(env.get("STEWARD_DEMO_SCALE", "1") or "1"))
    except ValueError:
        return 1.0


@contextmanager
def keep_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Lets bulk writes keep the historical ``created_at``/``updated_at`` set by the loader."""
    saved: list[tuple[Any, bool, bool]] = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))  # type: ignore[attr-defined]
                f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add
