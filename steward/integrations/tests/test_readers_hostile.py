"""Files built to make the readers work for hours are refused or read in bounded time."""

import contextlib
import io
import time

import pytest
from openpyxl import Workbook

from steward.integrations.readers import ImportFileError, read_table


def _xlsx(cells):
    wb = Workbook()
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_pathological_csv_header_is_read_quickly():
    started = time.monotonic()
    # Refusing it is as good as reading it; taking minutes is not.
    with contextlib.suppress(ImportFileError):
        list(read_table(('a,"' * 40000).encode(), "csv").rows)
    assert time.monotonic() - started < 5


def test_xlsx_padded_with_a_million_empty_rows_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 100
    content = _xlsx({"A1": "email", "A2": "a@example.org", "A1000000": "far away"})
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="more than 100 rows"):
        list(read_table(content, "xlsx").rows)
    assert time.monotonic() - started < 10


def test_xlsx_columns_beyond_the_header_are_not_read():
    content = _xlsx({"A1": "email", "A2": "a@example.org", "XFD2": "wide"})
    rows = list(read_table(content, "xlsx").rows)
    assert rows == [(2, ["a@example.org"])]
