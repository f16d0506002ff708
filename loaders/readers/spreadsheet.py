"""Spreadsheets (``.xlsx`` with openpyxl, ``.xls`` with xlrd): each sheet's rows as tab-separated lines.

Agencies sometimes publish the report's tables as a workbook. A sheet is read row by row, each row one
line with its cells joined by tabs; a merged range keeps its value in its first cell and leaves the rest
empty, as the DOCX and HTML readers do. A whole number stored as a float (``12.0``) is written ``12``;
other numbers keep their digits. Rows with nothing in them are dropped.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from loaders.readers.cells import row_line
from loaders.readers.document import Document, UnreadableDocumentError
from loaders.readers.limits import check_zip, one_document, table_cells


def read_xlsx(data: bytes) -> Document:
    """Read an ``.xlsx`` workbook, every sheet in order, within the limits of :mod:`loaders.readers.limits`
    (its parts as unpacked, its sheets' cells as iterated)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with one_document():
        check_zip(data, "XLSX")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise UnreadableDocumentError(f"not a readable XLSX file (corrupt or another format): {exc}") from exc
        try:
            lines = [line for sheet in book.worksheets
                     for line in _sheet_lines(sheet.title, sheet.iter_rows(values_only=True), "XLSX")]
        finally:
            book.close()
    return Document("\n".join(lines) + "\n", "xlsx", None)


def read_xls(data: bytes) -> Document:
    """Read an ``.xls`` (Excel 97–2003) workbook, every sheet in order."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, zipfile.BadZipFile, struct.error, ValueError, IndexError,
            KeyError, AssertionError) as exc:
        raise UnreadableDocumentError(f"not a readable XLS file (corrupt or another format): {exc}") from exc
    lines: list[str] = []
    with one_document():
        for sheet in book.sheets():
            rows = ([_xls_value(sheet.cell(r, c), book.datemode) for c in range(sheet.ncols)]
                    for r in range(sheet.nrows))
            lines.extend(_sheet_lines(sheet.name, rows, "XLS"))
    return Document("\n".join(lines) + "\n", "xls", None)


def _xls_value(cell: Any, datemode: int) -> object:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    return cell.value if cell.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else None


def _sheet_lines(title: str, rows: Iterable[Sequence[object]], kind: str) -> Iterator[str]:
    """The sheet's title (unless Excel's default ``Sheet1``) and its non-empty rows. Every cell the sheet's
    dimensions give counts towards ``XXGK_MAX_TABLE_CELLS``, empty or not: a sheet declared a million rows
    by sixteen thousand columns wide is refused, not iterated."""
    if title and not title.lower().startswith("sheet"):
        yield title
    for row in rows:
        table_cells(len(row), kind)
        cells = [_text(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            yield row_line(cells) if len(cells) > 1 else cells[0]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
