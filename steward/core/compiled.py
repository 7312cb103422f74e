"""Hot read queries of a fixed shape, compiled to SQL once per database connection.

Django builds and compiles a queryset's SQL at every evaluation. For the lookups that run on
every request (the API token with its login and person, a new ticket's assignment notice)
that is most of their cost: compiling a ``select_related`` read of a wide model takes longer
than the database takes to answer it (0.5 of 1.2 ms, measured in bench/README.md).

``Compiled`` builds its queryset once per connection with a *marker* standing for each
value, keeps the compiler Django made, and on each call runs that SQL with the real values;
Django's own ``ModelIterable`` turns the rows into instances (``select_related`` objects,
converters, ``from_db`` and with it the audit's loaded values, as for any query).

Markers are ``str`` or ``int`` values that reach the SQL parameters unchanged and appear
there exactly once (checked when compiling); values of other types (dates, say) belong in
Python after the read. The compiled state is per thread and per connection, because Django's
connections are.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _State:
    connection: Any
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    positions: tuple[int, ...]
    source: QuerySet[Any]


class _Rows:
    """What ``ModelIterable`` reads of a queryset, answering with the compiled compiler."""

    def __init__(self, source: QuerySet[Any], compiler: Any) -> None:
        self.db = source.db
        self.model = source.model
        self._known_related_objects: dict[Any, Any] = {}
        self.query = self
        self._compiler = compiler

    def get_compiler(self, using: Any = None, connection: Any = None, **kw: Any) -> Any:
        return self._compiler


class Compiled(Generic[M]):
    """``Compiled(lambda key: Token.objects.select_related("user").filter(key=key), "k")``
    then ``.get(real_key)``: the queryset's rows for the real values, without building or
    compiling the query again. ``build`` takes one marker per value."""

    def __init__(self, build: Callable[..., QuerySet[M]], *markers: str | int) -> None:
        for marker in markers:
            if type(marker) not in (str, int):
                raise TypeError(f"markers are str or int, not {type(marker).__name__}")
        if len(set(markers)) != len(markers):
            raise ValueError("each value needs its own marker")
        self._build = build
        self._markers = markers
        self._local = threading.local()

    def _state(self) -> _State:
        state: _State | None = getattr(self._local, "state", None)
        if state is not None and state.connection is connections[state.source.db]:
            return state
        source = self._build(*self._markers)
        compiler = source.query.get_compiler(using=source.db)
        sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
        positions = []
        for marker in self._markers:
            found = [i for i, p in enumerate(params) if type(p) is type(marker) and p == marker]
            if len(found) != 1:
                raise ValueError(
                    f"marker {marker!r} is {len(found)} times in the SQL parameters, not once"
                )
            positions.append(found[0])
        state = _State(
            connections[source.db], compiler, sql, tuple(params), tuple(positions), source
        )
        self._local.state = state
        return state

    def all(self, *values: Any) -> list[M]:
        """The rows for ``values`` (one per marker, converted to the marker's type)."""
        if len(values) != len(self._markers):
            raise TypeError(f"{len(self._markers)} values expected, {len(values)} given")
        state = self._state()
        params = list(state.params)
        for position, marker, value in zip(state.positions, self._markers, values, strict=True):
            params[position] = type(marker)(value)
        compiler = copy.copy(state.compiler)
        sql, bound = state.sql, tuple(params)
        compiler.as_sql = lambda *a, **kw: (sql, bound)
        return list(ModelIterable(_Rows(state.source, compiler)))  # type: ignore[arg-type]

    def get(self, *values: Any) -> M:
        """The one row for ``values`` (a lookup by a unique key); the model's DoesNotExist
        or MultipleObjectsReturned otherwise, as ``QuerySet.get``."""
        rows = self.all(*values)
        model: Any = self._state().source.model
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        if len(rows) > 1:
            raise model.MultipleObjectsReturned(
                f"get() returned more than one {model._meta.object_name} -- it returned "
                f"{len(rows)}!"
            )
        return rows[0]
