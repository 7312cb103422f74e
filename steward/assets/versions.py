"""Version comparison that works in the database.

Discovery reports versions in every shape (``10.0.19045.3803``, ``123.0.6312.86``,
``2.40.1.windows.1``, ``1.2rc1``, ``7.4-beta``). ``version_key`` turns one into a fixed-width
string of digits whose ordering (under any collation: only digits, all the same length) is
the order of the versions, so minimum-version policies compare with ``version_key__lt`` in
SQL instead of a Python loop over every device.

The rule (tolerant, close to PEP 440 where the version is PEP 440):

- the release is the first run of dot-separated numbers; up to ``PARTS`` parts count,
  trailing zeros do not (``1.0`` equals ``1.0.0``), a part above 99,999,999 is capped;
- a pre-release tag right after it (``a``/``alpha``, ``b``/``beta``, ``rc``/``c``/``pre``/
  ``preview``, ``dev``) sorts before the release, ``post``/``p`` after, each with its number;
- anything else after the release (``.windows.1``, ``-ubuntu2``, build metadata) is ignored;
- a string without any number gets the lowest key.
"""

from __future__ import annotations

import re

PARTS = 6
WIDTH = 8
KEY_LENGTH = PARTS * WIDTH + 1 + WIDTH
_RELEASE = re.compile(r"(\d+(?:\.\d+)*)")
_TAG = re.compile(r"^[-_.\s]?(alpha|beta|preview|pre|post|dev|rc|a|b|c|p)[-_.]?(\d*)", re.I)
_PHASE = {"dev": 0, "a": 1, "alpha": 1, "b": 2, "beta": 2, "c": 3, "rc": 3, "pre": 3}
_PHASE |= {"preview": 3, "post": 7, "p": 7}
FINAL = 5
CAP = 10**WIDTH - 1


def version_key(version: str) -> str:
    """The sortable key of ``version`` (see the module's rule). Never raises."""
    text = (version or "").strip()[:200]
    match = _RELEASE.search(text)
    if match is None:
        return "0" * KEY_LENGTH
    parts = [min(int(p), CAP) for p in match.group(1).split(".")[:PARTS]]
    parts += [0] * (PARTS - len(parts))
    phase, number = FINAL, 0
    tag = _TAG.match(text[match.end() :])
    if tag is not None:
        phase = _PHASE[tag.group(1).lower()]
        number = min(int(tag.group(2) or 0), CAP)
    release = "".join(f"{p:0{WIDTH}d}" for p in parts)
    return f"{release}{phase}{number:0{WIDTH}d}"


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as ``left`` is older than, the same as or newer than ``right``."""
    a, b = version_key(left), version_key(right)
    return (a > b) - (a < b)


def is_older(version: str, minimum: str) -> bool:
    return version_key(version) < version_key(minimum)
