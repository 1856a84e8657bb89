"""Tables rebuilt from a page's layout: rows of positioned text pieces (OCR'd lines and cells, or PDF
glyph runs) → the grids of cell strings the statistics parser reads.

The rows come from :func:`crawler.extract.files.pdf.page_rows`: pieces sharing a horizontal band, split
where the gap between them is wider than half an em, top to bottom. A table is a run of rows of two or
more pieces; its columns are the piece positions of its widest row, every other row's pieces are put
in the column they overlap most (a spanning header cell in the first), and a row that follows the
previous one closer than a table row does (a label or header wrapped inside its cell) is folded into
that row, column by column. Coordinates are PDF-like (``y`` growing upwards); only their differences
matter, so image pixels do as well.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

# Rows whose centres are closer than this many piece heights are one table row wrapped in its cells.
WRAPPED_ROW_STEP = 1.1
MIN_TABLE_ROWS = 2
_LOOKALIKES = str.maketrans("oOlI|", "00111")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_SPECKS = ".,，。·:;：；'`\"‘’“”、"
_NUMBERISH = re.compile(r"[\doOlI|.,，。·:;：；'`\"‘’“”、 ]+")


class Piece(Protocol):
    """A run of text with its box."""

    @property
    def text(self) -> str: ...
    @property
    def x0(self) -> float: ...
    @property
    def x1(self) -> float: ...
    @property
    def y0(self) -> float: ...
    @property
    def y1(self) -> float: ...


def repair_number(text: str) -> str:
    """An OCR'd table cell that is a number, as the number: full-width digits made ASCII, the letters
    OCR confuses with digits (``o`` ``O`` → 0, ``l`` ``I`` ``|`` → 1) replaced, specks read as points,
    colons, commas or quotes before or after it dropped (``0 '`` → 0). Any other text is returned as
    it was."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _NUMBERISH.fullmatch(folded):
        return text
    core = folded.strip(_SPECKS + " ")
    if " " in core:  # two numbers, or a number and a word: not one number
        return text
    if not (any(c.isdigit() for c in core) or core in ("o", "O")):
        return text
    fixed = core.translate(_LOOKALIKES).replace("，", ",").replace("。", ".").replace("·", ".")
    return fixed


@dataclass
class Table:
    """A table found in the layout: its grid, and which rows it took, as ``(page, row)`` indexes with
    the grid row each became (``None``: folded into the row before, a wrapped cell's next line)."""

    grid: list[list[str]]
    rows: dict[tuple[int, int], int | None] = field(default_factory=dict)


def table_grids(pages: Sequence[Sequence[Sequence[Piece]]]) -> list[list[list[str]]]:
    """The grids of the tables among the rows of consecutive pages (:func:`find_tables`)."""
    return [table.grid for table in find_tables(pages)]


def find_tables(pages: Sequence[Sequence[Sequence[Piece]]]) -> list[Table]:
    """The tables among the rows of consecutive pages (each top to bottom), each as rows of cell
    strings. A table broken by a page break goes on: the next page's first row has cells."""
    tables: list[Table] = []
    run: list[tuple[int, int, list[Piece]]] = []
    for number, rows in enumerate(pages):
        previous: Sequence[Piece] | None = None
        for index, row in enumerate(rows):
            if len(row) >= 2 or (run and previous is not None and _wrapped(previous, row)):
                run.append((number, index, list(row)))
            else:
                if len(run) >= MIN_TABLE_ROWS:
                    tables.append(_table(run))
                run = []
            previous = row
    if len(run) >= MIN_TABLE_ROWS:
        tables.append(_table(run))
    return tables


def _height(row: Sequence[Piece]) -> float:
    return statistics.median(piece.y1 - piece.y0 for piece in row)


def _centre(row: Sequence[Piece]) -> float:
    return statistics.median((piece.y0 + piece.y1) / 2 for piece in row)


def _wrapped(previous: Sequence[Piece], row: Sequence[Piece]) -> bool:
    """``row`` continues ``previous`` inside its cells: it follows closer than a row of its own would,
    and holds no number (a row with numbers is a row of data, however tight the table)."""
    if any(_NUMBER.fullmatch(repair_number(piece.text)) for piece in row):
        return False
    height = min(_height(previous), _height(row))
    return _centre(previous) - _centre(row) < WRAPPED_ROW_STEP * height


def _table(run: list[tuple[int, int, list[Piece]]]) -> Table:
    widest = max((row for _, _, row in run), key=len)
    columns = [(piece.x0, piece.x1) for piece in sorted(widest, key=lambda piece: piece.x0)]
    table = Table([])
    previous: tuple[int, list[Piece]] | None = None
    for page, index, row in run:
        cells = [""] * len(columns)
        for piece in sorted(row, key=lambda piece: piece.x0):
            column = _column(piece, columns)
            cells[column] = _join(cells[column], piece.text)
        if previous is not None and previous[0] == page and _wrapped(previous[1], row):
            table.grid[-1] = [
                _join(before, after) for before, after in zip(table.grid[-1], cells, strict=True)
            ]
            table.rows[(page, index)] = None
        else:
            table.rows[(page, index)] = len(table.grid)
            table.grid.append(cells)
        previous = (page, row)
    return table


def _column(piece: Piece, columns: list[tuple[float, float]]) -> int:
    """The column a piece overlaps most; else the nearest by centre."""
    overlaps = [min(piece.x1, x1) - max(piece.x0, x0) for x0, x1 in columns]
    best = max(range(len(columns)), key=lambda i: overlaps[i])
    if overlaps[best] > 0:
        return best
    centre = (piece.x0 + piece.x1) / 2
    return min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - centre))


def _join(before: str, after: str) -> str:
    if not before:
        return after
    if not after:
        return before
    ascii_edge = before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum()
    return f"{before} {after}" if ascii_edge else before + after
