"""Export of items and relationships in the columns their import takes (the registered
import resources), so that a file exported, edited in a spreadsheet and imported again
updates what it came from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from steward.core.export import csv_response, xlsx_response
from steward.core.registry import import_resources


def export_rows(resource_name: str, qs: QuerySet[Any]) -> tuple[list[str], Iterator[list[Any]]]:
    resource = import_resources[resource_name]
    header = [c.field for c in resource.columns]
    related = [c.field for c in resource.columns if c.lookup]
    qs = qs.select_related(*related).order_by("pk")

    def rows() -> Iterator[list[Any]]:
        for obj in qs.iterator(chunk_size=2000):
            row = []
            for column in resource.columns:
                value = getattr(obj, column.field)
                if column.lookup:
                    value = getattr(value, column.lookup) if value is not None else ""
                row.append("" if value is None else value)
            yield row

    return header, rows()


def export_response(resource_name: str, qs: QuerySet[Any], kind: str) -> Any:
    header, rows = export_rows(resource_name, qs)
    filename = resource_name.replace(".", "-")
    if kind == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, header, rows)
