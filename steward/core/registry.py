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
    section: str
    label: Any
    url_name: str
    model: type[models.Model] | None = None
    """Shown only to users who may view this model."""


menu_items: list[MenuItem] = []


def register_menu(section: str, label: Any, url_name: str, *,
                  model: type[models.Model] | None = None) -> None:
    if all(m.url_name != url_name for m in menu_items):
        menu_items.append(MenuItem(section, label, url_name, model))


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
