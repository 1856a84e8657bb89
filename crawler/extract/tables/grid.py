"""HTML tables and flattened text → grids of cell strings, the one form the statistics parser reads.

The tables reach us as HTML with heavy rowspan/colspan, or flattened into text by trafilatura and the
PDF/DOCX readers: ``|``-separated rows, one cell per line, table 4's fifteen numbers in one row. An HTML
table becomes a full rectangle of cell texts (:func:`html_table_grid`: a spanning cell fills every slot
it covers), a text becomes rows of cells (:func:`text_rows`). Reading a table's cells is the costly
part, and the page's text needs them as well as its statistics, so each table's slots are read once
(:func:`container_slots`) and handed to both.
"""

from __future__ import annotations

from lxml import html

from crawler.extract.tables import patterns as tp
from crawler.extract.tables.cells import is_label
from crawler.extract.textutil import collapse_space, normalise_space

Grid = list[list[str]]
# The HTML limit on colspan; rowspans are cut at the table's last row.
MAX_COLSPAN = 1000
# A cell with this many blocks of text, one a sentence, this long in all, lays out an article.
MIN_LAYOUT_BLOCKS = 2
MIN_LAYOUT_CHARS = 100

# Per (row, column) slot of a table: the text of the cell covering it, and whether it is that cell's first.
Slots = dict[tuple[int, int], tuple[str, bool]]
# Each table of a container with its slots: reading the cells is the costly part of a table, and the
# page's text and its statistics both need them.
TableSlots = dict[html.HtmlElement, Slots]


def container_grids(container: html.HtmlElement | None, slots: TableSlots | None = None) -> list[Grid]:
    """Grids of the innermost tables of a container (layout tables around them are skipped)."""
    if container is None:
        return []
    return [
        html_table_grid(table, slots.get(table) if slots is not None else None)
        for table in container.iter("table")
        if not tp.HAS_NESTED_TABLE(table)
    ]


def container_slots(container: html.HtmlElement | None) -> TableSlots:
    """:func:`table_slots` of every table in a container, nested ones included."""
    if container is None:
        return {}
    return {table: table_slots(table)[1] for table in container.iter("table")}


def html_table_grid(table: html.HtmlElement, slots: Slots | None = None) -> Grid:
    """The table as a full rectangle of cell texts: a rowspan/colspan cell fills every slot it covers."""
    rows = tp.TABLE_ROWS(table)
    slots = row_slots(rows) if slots is None else slots
    width = max((c for _, c in slots), default=-1) + 1
    return [[slots[r, c][0] if (r, c) in slots else "" for c in range(width)] for r in range(len(rows))]


def html_table_text_rows(
    table: html.HtmlElement, slots: Slots | None = None
) -> list[tuple[html.HtmlElement, list[str]]]:
    """Each row of the table with its cells as text shows them: a spanning cell's text once, in its
    first slot, and ``""`` in the slots its span covers, so columns stay aligned; a row ends at its
    last slot (no padding to the table's width). ``slots``: the table's (or an identical copy's)."""
    rows = tp.TABLE_ROWS(table)
    slots = row_slots(rows) if slots is None else slots
    ends = [0] * len(rows)
    for r, c in slots:
        if c >= ends[r]:
            ends[r] = c + 1
    cells = [[""] * end for end in ends]
    for (r, c), (text, first) in slots.items():
        if first:
            cells[r][c] = text
    return list(zip(rows, cells, strict=True))


def is_layout_table(table: html.HtmlElement) -> bool:
    """A table that lays a page out rather than holding data (old CMS templates put the whole article in
    a cell): a cell holding a table of its own, or paragraphs of prose (at least
    :data:`MIN_LAYOUT_BLOCKS` blocks with text, one of them a sentence, :data:`MIN_LAYOUT_CHARS` in all).
    A report's statistics table holds labels and numbers, one short block a cell."""
    for cell in table.iter(*tp.CELL_TAGS):
        if cell.find(".//table") is not None:
            return True
        blocks = [text for block in cell.iter("p", "div") if (text := block.text_content().strip())]
        sentences = any(text.endswith("。") for text in blocks)
        if len(blocks) >= MIN_LAYOUT_BLOCKS and sentences and sum(map(len, blocks)) >= MIN_LAYOUT_CHARS:
            return True
    return False


def table_slots(table: html.HtmlElement) -> tuple[list[html.HtmlElement], Slots]:
    """The table's own rows, and per (row, column) slot the text of the cell that covers it and whether
    the slot is that cell's first: where every ``rowspan``/``colspan`` puts its cell."""
    rows = tp.TABLE_ROWS(table)
    return rows, row_slots(rows)


def row_slots(rows: list[html.HtmlElement]) -> Slots:
    """:func:`table_slots` of a table's rows."""
    slots: Slots = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row.iterchildren(*tp.CELL_TAGS):
            while (r, c) in slots:
                c += 1
            rowspan_value, colspan_value = cell.get("rowspan"), cell.get("colspan")
            if rowspan_value is None and colspan_value is None:
                slots[r, c] = (cell_text(cell), True)  # a plain cell: one free slot
                c += 1
                continue
            rowspan = min(_span(rowspan_value, len(rows)), len(rows) - r)
            colspan = _span(colspan_value, MAX_COLSPAN)
            text = cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    slots.setdefault((r + dr, c + dc), (text, dr == 0 and dc == 0))
            c += colspan
    return slots


def _span(value: str | None, limit: int) -> int:
    if value is None:
        return 1
    try:
        return min(max(int(str(value).strip()), 1), max(limit, 1))
    except ValueError:
        return 1


def cell_text(cell: html.HtmlElement) -> str:
    """A cell's text, its ``<p>``/``<br>`` pieces joined: words apart, CJK characters together."""
    if not len(cell):  # many cells hold one bare number or label
        text = collapse_space(cell.text or "")
    elif (lone := _lone_text(cell)) is not None:
        text = collapse_space(lone)
    else:
        parts: list[str] = []
        _collect_text(cell, parts)
        text = collapse_space("".join(parts))
    return tp.CJK_GAP.sub("", text) if " " in text else text


def _lone_text(cell: html.HtmlElement) -> str | None:
    """The text of a cell that is a chain of only children with text at its bottom alone
    (``<td><p><span>8</span></p></td>``, most cells of word-processor tables), else None: its block
    boundaries then all fall around that text, where the pieces :func:`_collect_text` would join
    change nothing but blank space."""
    element = cell
    while len(element) == 1:
        if (text := element.text) and not text.isspace():
            return None
        element = element[0]
        if not isinstance(tag := element.tag, str) or tag in ("script", "style"):
            return None
        if (tail := element.tail) and not tail.isspace():
            return None
    return None if len(element) else element.text or ""


def _collect_text(element: html.HtmlElement, parts: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str) or tag in ("script", "style"):
        return
    block = tag in tp.CELL_BLOCK_TAGS
    if block:
        parts.append(" ")
    if text := element.text:
        parts.append(text)
    for child in element:
        _collect_text(child, parts)
        if tail := child.tail:
            parts.append(tail)
    if block:
        parts.append(" ")


# ------------------------------------------------------------------------------------- text tables


def text_rows(text: str) -> list[list[str]]:
    """Rows of cells from a text: ``a | b | c`` lines, one cell per line (``|`` lines between them or
    not) and ``label 0 0 0`` lines; a row starts at each label and gathers the values after it."""
    rows: list[list[str]] = []
    current: list[str] | None = None
    after_separator = False
    for line in (normalise_space(raw) for raw in text.splitlines()):
        if not line:
            continue
        if tp.PIPE_ONLY.match(line):
            if after_separator and current is not None:
                current.append("")  # two separators in a row: an empty cell between them
            after_separator = True
            continue
        after_separator = False
        if "|" in line:
            rows.append(_pipe_cells(line))
            current = None
            continue
        label, values = _trailing_values(line)
        if label or current is None:
            current = [label, *values] if label else list(values)
            rows.append(current)
        else:
            current.extend(values)
    return rows


def _pipe_cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") else line
    return [normalise_space(cell) for cell in line.split("|")]


def _trailing_values(line: str) -> tuple[str, list[str]]:
    """``"（一）予以公开 71 0 0"`` → ("（一）予以公开", ["71", "0", "0"])."""
    tokens = line.split(" ")
    start = len(tokens)
    while start > 0 and not is_label(tokens[start - 1]):
        start -= 1
    return " ".join(tokens[:start]), tokens[start:]
