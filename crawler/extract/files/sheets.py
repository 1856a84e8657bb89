"""Workbooks → report text: every sheet of an ``.xls`` (xlrd, whose 2.x line reads only ``.xls``, all
it is asked to) or ``.xlsx`` (openpyxl in streaming read-only mode) as a grid of cell strings and as
``| a | b |`` lines. The libraries are imported when first used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from io import BytesIO

from crawler.extract.files import msword
from crawler.extract.files.attachment import (
    AttachmentError,
    AttachmentText,
    check_unzipped_size,
    choose_title,
    grid_lines,
    one_line,
)
from crawler.extract.files.ole import check_ole_header
from crawler.extract.textutil import normalise_space

MAX_ROWS = 20_000
_DEFAULT_SHEET = re.compile(r"^(sheet|工作表)\s*\d+$", re.I)


def read_xls(body: bytes) -> AttachmentText:
    """Every sheet of a ``.xls`` workbook as a grid (numbers written without a trailing ``.0``)."""
    import xlrd

    check_ole_header(body)
    try:
        book = xlrd.open_workbook(file_contents=body, on_demand=True)
    except (xlrd.XLRDError, AssertionError, ValueError, IndexError, KeyError) as error:
        raise AttachmentError(f"corrupt XLS: {one_line(error)}") from error
    sheets = []
    title = _ole_title(body)
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        rows = (sheet.row_values(r) for r in range(min(sheet.nrows, MAX_ROWS)))
        sheets.append((sheet.name, _grid_of(rows)))
    return _sheets_result("xls", sheets, title)


def read_xlsx(body: bytes) -> AttachmentText:
    """Every sheet of a ``.xlsx`` workbook as a grid, read in openpyxl's streaming read-only mode."""
    import openpyxl

    check_unzipped_size(body)
    try:
        book = openpyxl.load_workbook(BytesIO(body), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises KeyError, InvalidFileException, XML errors …
        raise AttachmentError(f"corrupt XLSX: {one_line(error)}") from error
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = (row for row, _ in zip(sheet.iter_rows(values_only=True), range(MAX_ROWS), strict=False))
            sheets.append((sheet.title, _grid_of(rows)))
        title = book.properties.title
    finally:
        book.close()
    return _sheets_result("xlsx", sheets, title)


def _grid_of(rows: Iterable[Iterable[object]]) -> list[list[str]]:
    grid = []
    for row in rows:
        cells = [_cell_text(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            grid.append(cells)
    return grid


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    return normalise_space(str(value))


def _sheets_result(kind: str, sheets: list[tuple[str, list[list[str]]]], title: str | None) -> AttachmentText:
    lines: list[str] = []
    grids = []
    for name, grid in sheets:
        if not grid:
            continue
        if not _DEFAULT_SHEET.match(name):
            lines.append(name)
        grids.append(grid)
        lines.extend(grid_lines(grid))
    first_cells = [next((c for c in row if c), "") for row in grids[0][:3]] if grids else []
    title = choose_title(title, first_cells, first_line_fallback=False)
    return AttachmentText(kind=kind, text="\n".join(lines), grids=grids, title=title)


def _ole_title(body: bytes) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(BytesIO(body)) as ole:
            return msword.summary_title(ole)
    except (OSError, ValueError):
        return None
