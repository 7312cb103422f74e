"""Exports of the ticket queue: titles that a spreadsheet would run as formulas are
neutralised, and characters XLSX cannot hold do not break the export."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from steward.core.permissions import Role
from steward.core.testing import PASSWORD
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture
TITLES = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "＝fullwidth",
    "bell\x07and\x1bescape",
]


def _agent(desk) -> Client:
    client = Client(raise_request_exception=False)
    assert client.login(username=desk["users"][Role.AGENT].username, password=PASSWORD)
    return client


def _cells(values) -> set[str]:
    return {str(v) for v in values if v is not None}


def test_ticket_titles_that_look_like_formulas_are_neutralised_in_csv(desk):
    for title in TITLES:
        w.new_ticket(desk, title=title)
    response = _agent(desk).get("/servicedesk/tickets/", {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = _cells(c for row in csv.reader(io.StringIO(text)) for c in row)
    for title in TITLES[:5]:
        assert title not in cells and "'" + title in cells, title


def test_ticket_titles_with_control_characters_export_to_xlsx(desk):
    for title in TITLES:
        w.new_ticket(desk, title=title)
    response = _agent(desk).get("/servicedesk/tickets/", {"export": "xlsx"})
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = _cells(c for row in sheet.iter_rows(values_only=True) for c in row)
    for title in TITLES[:5]:
        assert title not in cells and "'" + title in cells, title
    assert any(c.startswith("bell") for c in cells)
