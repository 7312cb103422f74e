"""What apps register with the platform in ``AppConfig.ready()``: searchable models, list
pages, import/export resources and demo data loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class SearchEntry:
    model: type[models.Model]
    fields: tuple[str, ...]
    url_name: str
    """URL name of the detail page, taking ``pk``."""


search_entries: list[SearchEntry] = []
demo_loaders: list[tuple[int, str, Callable[..., Any]]] = []


def register_search(model: type[models.Model], *, fields: tuple[str, ...], url_name: str) -> None:
    if all(e.model is not model for e in search_entries):
        search_entries.append(SearchEntry(model, fields, url_name))


def register_demo(name: str, loader: Callable[..., Any], *, order: int = 100) -> None:
    """``loader(rng=random.Random, log=callable)`` seeds one app's demo data idempotently."""
    if all(n != name for _, n, _ in demo_loaders):
        demo_loaders.append((order, name, loader))
        demo_loaders.sort(key=lambda item: item[0])


@dataclass(frozen=True)
class MenuItem:
    section: Any
    label: Any
    url_name: str
    model: type[models.Model] | None = None
    """Shown only to users who may do ``action`` on this model."""
    section_order: int = 50
    action: str = "view"


menu_items: list[MenuItem] = []


def register_menu(
    section: Any,
    label: Any,
    url_name: str,
    *,
    model: type[models.Model] | None = None,
    section_order: int = 50,
    action: str = "view",
) -> None:
    if all(m.url_name != url_name for m in menu_items):
        menu_items.append(MenuItem(section, label, url_name, model, section_order, action))
        menu_items.sort(key=lambda m: m.section_order)


@dataclass(frozen=True)
class DashboardCard:
    label: Any
    value: Callable[[Any], Any]
    """``value(user)``: the figure, or None to hide the card from this user."""
    url_name: str | None = None
    order: int = 100


dashboard_cards: list[DashboardCard] = []
dashboard_charts: list[Callable[[Any], dict[str, Any] | None]] = []


def register_card(card: DashboardCard) -> None:
    if all(c.label != card.label for c in dashboard_cards):
        dashboard_cards.append(card)
        dashboard_cards.sort(key=lambda c: c.order)


def register_chart(chart: Callable[[Any], dict[str, Any] | None]) -> None:
    if chart not in dashboard_charts:
        dashboard_charts.append(chart)


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import file; its header is the model field's name."""

    field: str
    lookup: str | None = None
    """For a relation: the related model's field the cell is matched on (``name``, ``email``).
    A many-to-many cell holds several values separated by ``;``."""
    within: str | None = None
    """For a relation: match only related rows that share this row's value of that field,
    e.g. a department by name within the row's organisation."""


@dataclass(frozen=True)
class ImportResource:
    """What an app lets people import: rows are upserted on the natural ``key`` (column
    names) through the generic services, so permissions, ``full_clean`` and audit apply."""

    name: str
    model: type[models.Model]
    columns: tuple[ImportColumn, ...]
    key: tuple[str, ...]

    def column(self, name: str) -> ImportColumn | None:
        return next((c for c in self.columns if c.field == name), None)


import_resources: dict[str, ImportResource] = {}


def register_import_resource(resource: ImportResource) -> None:
    import_resources.setdefault(resource.name, resource)
