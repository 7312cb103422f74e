"""Small input checks shared by views, selectors and parsers."""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def is_id(value: Any) -> bool:
    """Whether ``value`` is a database id: ASCII digits only (``str.isdigit`` also accepts
    characters like "²" that ``int()`` refuses) and within a 64-bit integer."""
    text = str(value)
    return text.isascii() and text.isdecimal() and int(text) <= MAX_ID


def contains_nul(value: Any) -> bool:
    """Whether a JSON value holds a NUL character anywhere (in a text, a key or nested):
    PostgreSQL stores none in text or jsonb, so such input is refused, not saved."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_nul(v) for v in value)
    return False
