"""Keyset ("seek") pagination for every API list.

DRF's ``CursorPagination`` keeps the first ordering column's value and an offset among the
rows that share it, capped at 1,000. Ordered by a column many rows share (a ticket's
priority or status), paging past 1,000 equal values served the same page again and again,
and rows equal in that column came in no defined order, so a page boundary could skip or
repeat them. Here the order always ends with the primary key, and a cursor holds the values
of every ordering column of the row it stops at: the next page is the rows strictly after
that row (``priority < 3 OR (priority = 3 AND id < 812)``), found through an index at any
depth and stable while rows are added.

NULL sorts as the greatest value on both engines (PostgreSQL's own order, written out for
SQLite), so a nullable column (a due date) pages through its empty values too.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

MAX_CURSOR = 4096
"""Characters: a cursor holds a few column values; anything longer is not one of ours."""


@dataclass(frozen=True)
class Key:
    """One ordering column: its attribute (a foreign key's ``_id``), its field, direction."""

    name: str
    field: Any
    descending: bool

    def flipped(self) -> Key:
        return Key(self.name, self.field, not self.descending)

    def order_by(self) -> OrderBy:
        column = F(self.name)
        if not self.field.null:  # no NULLs clause: an index on the column serves the order
            return column.desc() if self.descending else column.asc()
        # NULL greatest: last going up, first going down (PostgreSQL's default both ways).
        return column.desc(nulls_first=True) if self.descending else column.asc(nulls_last=True)

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def after(self, value: Any) -> Q | None:
        """Rows strictly after ``value`` in this column's order; None when there are none."""
        if value is None:  # NULL is the greatest: after it going down come all the values
            return Q(**{f"{self.name}__isnull": False}) if self.descending else None
        if self.descending:
            return Q(**{f"{self.name}__lt": value})
        later = Q(**{f"{self.name}__gt": value})
        return later | Q(**{f"{self.name}__isnull": True}) if self.field.null else later


def seek(keys: list[Key], position: list[Any], inclusive: bool = False) -> Q:
    """Rows after ``position`` in the order ``keys``: the first column later, or equal and
    the second later, and so on; with ``inclusive``, the row at ``position`` too."""
    found = Q(pk__in=[])
    same = Q()  # the columns before the current one equal the position's
    for key, value in zip(keys, position, strict=True):
        later = key.after(value)
        if later is not None:
            found |= same & later
        same &= key.equal(value)
    return found | same if inclusive else found


def ordering_keys(queryset: QuerySet[Any], ordering: tuple[str, ...]) -> list[Key]:
    """The requested ordering as keys over concrete columns (a foreign key by its id, an
    annotation by its output), ending with the primary key."""
    model = queryset.model
    keys: list[Key] = []
    for term in ordering:
        descending = term.startswith("-")
        name = term.lstrip("-")
        field: Any
        if name == "pk":
            field = model._meta.pk
        else:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                annotation = queryset.query.annotations.get(name)
                if annotation is None:
                    continue
                keys.append(Key(name, annotation.output_field, descending))
                continue
        if not getattr(field, "concrete", False) or field.many_to_many:
            continue
        keys.append(Key(field.attname, field, descending))
        if field.primary_key:
            return keys  # unique: nothing after it changes the order
    pk = model._meta.pk
    keys.append(Key(pk.attname, pk, keys[0].descending if keys else True))
    return keys


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()  # microseconds kept: a cut value would not find its row
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


class Cursor(CursorPagination):
    """Keyset pagination on every list (see the module): ``?page_size=`` up to 500, ``next``
    and ``previous`` links, any ``?ordering=`` the list allows, stable at any depth."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.keys = ordering_keys(queryset, self.get_ordering(request, queryset, view))
        reverse, position, inclusive = self.decode_cursor(request) or (False, None, False)
        self.position = position
        keys = [k.flipped() for k in self.keys] if reverse else self.keys
        rows = queryset.order_by(*(k.order_by() for k in keys))
        if position is not None:
            rows = rows.filter(seek(keys, position, inclusive))
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if reverse:
            page.reverse()
        # Where the cursor came from there are rows on its other side.
        self.has_next = more if not reverse else position is not None
        self.has_previous = more if reverse else position is not None
        self.page = page
        return page

    def _position(self, row: Any) -> list[Any]:
        values = []
        for key in self.keys:
            value = row[key.name] if isinstance(row, dict) else getattr(row, key.name)
            values.append(_plain(value))
        return values

    def _link(self, reverse: bool, position: list[Any], inclusive: bool = False) -> str:
        token: dict[str, Any] = {"p": position}
        if reverse:
            token["r"] = 1
        if inclusive:
            token["i"] = 1
        raw = json.dumps(token, separators=(",", ":")).encode()
        encoded = base64.urlsafe_b64encode(raw).decode("ascii")
        return str(replace_query_param(str(self.base_url), self.cursor_query_param, encoded))

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        if self.page:
            return self._link(False, self._position(self.page[-1]))
        # An empty page read backwards: what follows starts at the cursor's own row.
        return None if self.position is None else self._link(False, self.position, True)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if self.page:
            return self._link(True, self._position(self.page[0]))
        return None if self.position is None else self._link(True, self.position, True)

    def decode_cursor(self, request: Request) -> tuple[bool, list[Any], bool] | None:  # type: ignore[override]
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            if len(encoded) > MAX_CURSOR:
                raise ValueError
            token = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
            raw = token["p"]
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                raise ValueError  # another ordering's cursor
            position = [
                _python(key.field, value) for key, value in zip(self.keys, raw, strict=True)
            ]
            return bool(token.get("r")), position, bool(token.get("i"))
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, ValidationError):
            raise NotFound(self.invalid_cursor_message) from None


def _python(field: Any, value: Any) -> Any:
    """A cursor's value as the column's Python value, within the column's range (an id past
    the integer range answers "invalid cursor", not a database error)."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise ValueError
    column = field.target_field if field.is_relation else field
    value = column.to_python(value)
    column.run_validators(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is None and settings.USE_TZ:
        raise ValueError  # ours carry their offset; a naive one is not ours
    return value
