"""How the software catalogue recognises one product under the many names discovery reports.

The rule, applied to publisher and product names alike (``normalise``):

1. Unicode NFKC, case-folded; ``®``, ``™`` and ``©`` dropped.
2. Parenthesised and bracketed parts dropped: ``(x64)``, ``(64-bit)``, ``[en-US]``.
3. A trailing locale after a dash dropped: ``- en-us``, ``- fr-fr``.
4. Architecture words dropped: ``x64``, ``x86``, ``amd64``, ``arm64``, ``64-bit``, ``32-bit``,
   ``win64``, ``win32``.
5. Version-like words dropped: anything with a dot between digits (``16.0.17328``), or
   ``v`` followed by digits (``v2``); plain numbers stay (``Office 365``, ``Photoshop 2024``
   keep ``365`` and ``2024``).
6. Everything that is not a letter or a digit becomes a space; spaces collapse.

Publishers (``publisher_key``) also lose legal suffixes (Inc, Corporation, Corp, Ltd,
GmbH, LLC, AG, SA, Co, Limited, Incorporated). A product (``product_key``) also loses its
publisher's name in front (``Microsoft Office 365 ProPlus`` → ``office 365 proplus``), so
"Microsoft Office 365 ProPlus - en-us", "Office 365 ProPlus (x64)" and
"Microsoft Office 365 ProPlus 16.0.17328.20162" are one product. Names that are the same
product under a different title ("Microsoft 365 Apps for enterprise") are listed as the
product's aliases: their keys point to it too.
"""

from __future__ import annotations

import re
import unicodedata

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LOCALE = re.compile(r"\s+-\s+[a-z]{2}(?:-[a-z]{2,4})?\s*$")
_ARCH = re.compile(r"\b(?:x64|x86|amd64|arm64|x86_64|win64|win32|64-bit|32-bit|64bit|32bit)\b")
_VERSION = re.compile(r"\b(?:v\d+[\w.]*|\d+(?:\.\d+)+[\w.-]*)\b")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LEGAL = {
    "inc",
    "incorporated",
    "corporation",
    "corp",
    "ltd",
    "limited",
    "gmbh",
    "llc",
    "ag",
    "sa",
    "co",
    "plc",
    "bv",
}
MAX_KEY = 200


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = text.replace("®", " ").replace("™", " ").replace("©", " ")
    text = _BRACKETS.sub(" ", text)
    text = _LOCALE.sub(" ", text)
    text = _ARCH.sub(" ", text)
    text = _VERSION.sub(" ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())[:MAX_KEY]


def publisher_key(name: str) -> str:
    words = normalise(name).split()
    while len(words) > 1 and words[-1] in _LEGAL:
        words.pop()
    return " ".join(words)


def product_key(name: str, publisher: str = "") -> str:
    key = normalise(name)
    prefix = publisher_key(publisher)
    if prefix and key.startswith(prefix + " "):
        key = key[len(prefix) + 1 :]
    return key


def alias_keys(aliases: str, publisher: str = "") -> list[str]:
    """The keys of a product's aliases (one per line)."""
    keys = (product_key(line, publisher) for line in (aliases or "").splitlines())
    return [k for k in keys if k]
