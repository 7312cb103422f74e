"""Reading CSV and XLSX files into a header and rows of text, with clear errors for bad input.

Cells are never evaluated: a cell that looks like a formula stays the text it is.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; no row is looked at."""


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 10000))


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024))


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    """(row number as a spreadsheet shows it, cells), blank rows left out."""


def detect_format(name: str, content: bytes) -> str:
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return "xlsx"
    if lowered.endswith((".csv", ".txt")):
        return "csv"
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def decode(content: bytes) -> str:
    """UTF-8 with or without a byte order mark; Windows-1252 only when every byte is defined."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("The file is UTF-16; save it as CSV UTF-8 and upload it again."))
    if b"\x00" in content:
        raise ImportFileError(_("The file holds binary data, not CSV text."))
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if any(byte in CP1252_UNDEFINED for byte in content):
        raise ImportFileError(
            _("The file's text encoding is not UTF-8 or Windows-1252; save it as CSV UTF-8.")
        )
    return content.decode("cp1252")


def _check_size(content: bytes) -> None:
    if not content:
        raise ImportFileError(_("The file is empty."))
    if len(content) > max_bytes():
        raise ImportFileError(
            _("The file is larger than %(mb).1f MB.") % {"mb": max_bytes() / 1024 / 1024}
        )


def _normalise_header(cells: list[Any]) -> list[str]:
    header = [str(c if c is not None else "").strip().lower() for c in cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise ImportFileError(_("The first row must name the columns."))
    if "" in header:
        raise ImportFileError(_("A column in the first row has no name."))
    seen = set()
    for name in header:
        if name in seen:
            raise ImportFileError(_("The column %(c)s appears twice.") % {"c": name})
        seen.add(name)
    return header


def _limited(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    limit = max_rows()
    count = 0
    for seen, (number, cells) in enumerate(rows, start=1):
        # Blank rows count towards a looser cap, so a sheet padded with a million empty rows
        # is refused instead of read.
        if seen > 2 * limit + 1000:
            raise ImportFileError(_("The file has more than %(n)s rows.") % {"n": limit})
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > limit:
            raise ImportFileError(_("The file has more than %(n)s rows.") % {"n": limit})
        yield number, cells


def read_csv(content: bytes) -> Table:
    text = decode(content)
    # The sniffer's regular expressions are quadratic: look at the start of the header only.
    first_line = text.split("\n", 1)[0][:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = _normalise_header(next(reader, []))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(e)s") % {"e": exc}) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV file is malformed near line %(n)s: %(e)s")
                % {"n": reader.line_num, "e": exc}
            ) from exc

    return Table(header, _limited(rows()))


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def read_xlsx(content: bytes) -> Table:
    """The first sheet. Formulas are read as their text, never computed."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise ImportFileError(_("The XLSX file is damaged or not an XLSX file.")) from exc
    if unpacked > 20 * max_bytes():
        raise ImportFileError(_("The XLSX file unpacks to more than the allowed size."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        # The sheet's declared size is the file's claim, not its content: ignore it, and read
        # no column beyond the header's.
        sheet.reset_dimensions()
        first = list(next(sheet.iter_rows(max_row=1, values_only=True), ()))
        while first and first[-1] in (None, ""):
            first.pop()
        header = _normalise_header(first)
        values = sheet.iter_rows(min_row=2, max_col=max(1, len(first)), values_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken archives
        raise ImportFileError(_("The XLSX file is damaged or not an XLSX file.")) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, cells in enumerate(values, start=2):
                yield number, [_xlsx_text(c) for c in cells]
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(_("The XLSX file is damaged or not an XLSX file.")) from exc
        finally:
            workbook.close()

    return Table(header, _limited(rows()))


def read_table(content: bytes, fmt: str) -> Table:
    _check_size(content)
    if fmt == "xlsx":
        return read_xlsx(content)
    return read_csv(content)
