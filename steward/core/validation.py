"""Small input checks shared by views, selectors and parsers."""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def is_id(value: Any) -> bool:
    """Whether ``value`` is a database id: ASCII digits only (``str.isdigit`` also accepts
    characters like "²" that ``int()`` refuses) and within a 64-bit integer."""
    text = str(value)
    return text.isascii() and text.isdecimal() and int(text) <= MAX_ID
