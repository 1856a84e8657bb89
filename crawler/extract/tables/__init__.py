"""Statistics tables of the annual reports → fixed, named JSON structures, plus the templates'
consistency checks.

Researchers code every cell of tables 2–4 of the 2019/2021 templates (or the 2008-era indicator list)
and whether the numbers add up (DOMAIN.md §1). The tables reach us as HTML with heavy rowspan/colspan,
or flattened into text by trafilatura and PDF/DOCX readers: ``|``-separated rows, one cell per line,
table 4's fifteen numbers in one row. Every form is first turned into rows of cell strings (an HTML
table through :func:`html_table_grid`, a text through :func:`text_rows`); one row reader then matches
row labels loosely (:mod:`crawler.extract.tables.patterns`) and takes the numbers after them.

Entry points::

    stats = parse_statistics(grids, text)            # grids: html_table_grid() of each <table>
    stats = parse_statistics_from_container(container, text)
    stats.as_json() == {
        "template_version": "2021",                  # "2008" | "2019" | "2021" | None
        "tables": {"table2": …, "table3": …, "table4": …},   # or {"indicators": …}
        "checks": [{"rule": "table4_group_sum", "where": "review", "status": "pass",
                    "left": 7, "right": 7}, …],
    }

Shapes (every key name is in :mod:`crawler.extract.tables.patterns`):

* a cell is ``{"raw": "—", "value": None}``: ``raw`` is the text as shown (``None`` when the table has
  no such cell); ``value`` is the number in it, or ``None`` for blank, ``/``, ``—``, ``无``…, so a
  reported 0 and "nothing reported" stay apart;
* ``table2``: ``{row: {column: cell}}``, rows and columns of the report's template (``TABLE2_COLUMNS``);
* ``table3``: ``{row: {column: cell}}``, rows ``new, carried_over, granted, partly_granted,
  refused_1..8, unable_1..3, not_processed_1..5, other | other_1..3, total, carry_forward``, columns
  ``natural_person, commercial, research, social_welfare, legal_service, other, total``;
* ``table4``: ``{group: {column: cell}}``, groups ``review, litigation_direct, litigation_after_review``,
  columns ``upheld, corrected, other, pending, total``;
* ``indicators``: ``{indicator: {"raw", "value", "unit"}}`` for each indicator found (``INDICATORS``).

Checks never alter data: each says pass, fail or unknown (a needed cell holds no number) with both
sides of the equation (:data:`RULES`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any, TypedDict, TypeVar

from lxml import html

from crawler.extract import fields
from crawler.extract.tables import patterns as tp
from crawler.extract.textutil import collapse_space, normalise_space

Grid = list[list[str]]
T = TypeVar("T")
Number = int | float
# The HTML limit on colspan; rowspans are cut at the table's last row.
MAX_COLSPAN = 1000
TOLERANCE = 1e-6
# Label and number tests are memoised: cells up to CELL_CHARS long (template labels and small numbers,
# the same on every report) for good, longer text lines (each read two or three times while one page is
# parsed) only for a while; longer texts are not kept.
CELL_CHARS, CELL_CACHE_SIZE = 64, 8192
LINE_CHARS, LINE_CACHE_SIZE = 2048, 512

RULES = {
    "table3_balance": "per column: 一 new + 二 carried_over = 三（七）total + 四 carry_forward",
    "table3_outcomes_sum": "per column: （七）total = sum of the outcome rows （一）…（六）",
    "table3_applicants_sum": "per row: 总计 column = sum of the six applicant columns",
    "table4_group_sum": "per group: upheld + corrected + other + pending = total",
}


class Cell(TypedDict):
    raw: str | None
    value: Number | None


class IndicatorCell(TypedDict):
    raw: str | None
    value: Number | None
    unit: str | None


@dataclass(frozen=True)
class Check:
    """One consistency rule applied at one place; ``left``/``right`` are None when not computable."""

    rule: str
    where: str
    status: str  # "pass" | "fail" | "unknown"
    left: Number | None
    right: Number | None

    def as_dict(self) -> dict[str, Any]:
        """``asdict`` without its recursive deep copy (a report has some forty checks)."""
        return {
            "rule": self.rule,
            "where": self.where,
            "status": self.status,
            "left": self.left,
            "right": self.right,
        }


@dataclass
class Statistics:
    """What a report's statistics say: template, named tables and the checks' results."""

    template_version: str | None
    tables: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "template_version": self.template_version,
            "tables": self.tables,
            "checks": [check.as_dict() for check in self.checks],
        }

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.status == "fail"]


# ------------------------------------------------------------------------------------- entry points


def parse_statistics(grids: Sequence[Grid], text: str = "") -> Statistics:
    """Tables and checks of one report from its table grids and/or its text.

    Grids win; a table they lack is looked for in the text (a flattened or extracted copy).
    """
    version = template_version(text, grids)
    grid_rows = read_rows(row for grid in grids for row in grid)

    @lru_cache(maxsize=1)
    def flat_rows() -> list[Row]:
        """The text's rows, read only when the grids lack a table (a full HTML table needs none)."""
        return read_rows(text_rows(text))

    tables: dict[str, Any] = {}
    if version != "2008":
        for name, parse in (("table2", _table2), ("table3", _table3), ("table4", _table4)):
            if table := parse(grid_rows, version) or parse(flat_rows(), version):
                tables[name] = table
    if version in ("2008", None) and (indicators := _indicators(grid_rows) or _indicators(flat_rows())):
        tables["indicators"] = indicators
    return Statistics(version, tables, consistency_checks(tables))


def parse_statistics_from_container(
    container: html.HtmlElement | None, text: str = "", slots: TableSlots | None = None
) -> Statistics:
    """:func:`parse_statistics` over the tables inside a page's content container (``slots``: their
    :func:`container_slots`, when the caller has them already)."""
    return parse_statistics(container_grids(container, slots), text)


def container_grids(container: html.HtmlElement | None, slots: TableSlots | None = None) -> list[Grid]:
    """Grids of the innermost tables of a container (layout tables around them are skipped)."""
    if container is None:
        return []
    return [
        html_table_grid(table, slots.get(table) if slots is not None else None)
        for table in container.iter("table")
        if not tp.HAS_NESTED_TABLE(table)
    ]


# ------------------------------------------------------------------------------------- HTML tables

# Per (row, column) slot of a table: the text of the cell covering it, and whether it is that cell's first.
Slots = dict[tuple[int, int], tuple[str, bool]]
# Each table of a container with its slots: reading the cells is the costly part of a table, and the
# page's text and its statistics both need them.
TableSlots = dict[html.HtmlElement, Slots]


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
    while start > 0 and not _is_label(tokens[start - 1]):
        start -= 1
    return " ".join(tokens[:start]), tokens[start:]


# ------------------------------------------------------------------------------------- cells and rows


def _memo(function: Callable[[str], T]) -> Callable[[str], T]:
    """Memoise a pure function of a cell's or a line's text (see CELL_CHARS): normalising the same
    strings again and again was most of the parser's time."""
    cells = lru_cache(maxsize=CELL_CACHE_SIZE)(function)
    lines = lru_cache(maxsize=LINE_CACHE_SIZE)(function)

    @wraps(function)
    def call(text: str) -> T:
        size = len(text)
        return cells(text) if size <= CELL_CHARS else lines(text) if size <= LINE_CHARS else function(text)

    return call


@_memo
def fold(text: str) -> str:
    """NFKC: full-width digits, brackets and colons become ASCII, for matching only."""
    return unicodedata.normalize("NFKC", text).strip()


@_memo
def key_text(label: str) -> str:
    """A label as patterns see it: folded, without any whitespace."""
    return "".join(fold(label).split())


def lines_key_text(text: str) -> str:
    """:func:`key_text` of a long text, line by line: the same string (a line break is a normalisation
    boundary, and whitespace goes anyway), but NFKC's quick check passes most lines untouched, where
    one full-width comma sends a whole page through the slow path."""
    return "".join(key_text(line) for line in text.splitlines())


# A cell holding only one of these means zero (〇 U+3007, ○ U+25CB typed for it, 零).
ZERO_CHARACTERS = frozenset({"〇", "○", "零"})


def parse_value(raw: str | None) -> Number | None:
    """``"217"`` → 217, ``"4.651万元"`` → 4.651, ``"-2"`` → -2, ``"〇"``/``"零"`` alone → 0;
    blank, ``—``, ``/``, ``无`` → None."""
    return None if raw is None else _number(raw)


@_memo
def _number(raw: str) -> Number | None:
    folded = fold(raw)
    if folded in ZERO_CHARACTERS:
        return 0
    if not (match := tp.NUMBER.match(folded)):
        return None
    digits = match.group(1).replace(",", "")
    return float(digits) if "." in digits else int(digits)


def make_cell(raw: str | None) -> Cell:
    return {"raw": raw, "value": parse_value(raw)}


@_memo
def _is_label(text: str) -> bool:
    """Neither blank, a number (〇 and 零 too), a placeholder, a unit nor a quantity in words: a cell
    taken for a label in the numbers would end the row's labels there and shift its numbers."""
    if not text.strip():
        return False
    folded = fold(text)
    return not (
        folded in ZERO_CHARACTERS
        or tp.NUMBER.match(folded)
        or tp.PLACEHOLDER.match(folded)
        or tp.UNIT.match(folded)
        or tp.QUANTITY_WORDS.match(folded)
    )


@dataclass(frozen=True)
class Row:
    """A table row read as its label cells (distinct, in page order) and the cells after the last one.

    Every parser asks the same of a row's labels, so the answers are worked out once, here:
    ``keys`` (each label's key text), ``label`` (the most specific one: the last, as a rowspan group
    label comes first) and ``unnumbered`` (that one without its enumerator, as table 2 and the
    indicators name rows).
    """

    labels: tuple[str, ...]
    values: tuple[str, ...]
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    label: str = field(init=False, repr=False, compare=False)
    unnumbered: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = tuple(key_text(text) for text in self.labels)
        label = keys[-1] if keys else ""
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "unnumbered", _unnumbered(label))


def read_row(cells: Sequence[str]) -> Row:
    is_label = [_is_label(cell) for cell in cells]
    last = max((i for i, flag in enumerate(is_label) if flag), default=-1)
    labels = tuple(dict.fromkeys(cell for cell, flag in zip(cells, is_label, strict=True) if flag))
    return Row(labels, tuple(cells[last + 1 :]))


def read_rows(rows: Iterable[Sequence[str]]) -> list[Row]:
    """Every row read once: the four table parsers share them."""
    return [read_row(cells) for cells in rows]


def _take(values: Sequence[str], count: int, *, from_end: bool = False) -> list[str | None]:
    """``count`` cells, missing ones as None. Blank cells beyond ``count`` at the end are padding of a
    ragged row, and at the start an extra empty column; with ``from_end`` the last cells are taken, as
    blanks before them are colspan padding."""
    kept: list[str] = list(values)
    while len(kept) > count and not kept[-1].strip():
        kept.pop()
    while len(kept) > count and not kept[0].strip():
        kept.pop(0)
    chosen: list[str | None] = list(kept[-count:] if from_end else kept[:count])
    return chosen + [None] * (count - len(chosen))


def _cells(columns: Sequence[str], values: Sequence[str], *, from_end: bool = False) -> dict[str, Cell]:
    raws = _take(values, len(columns), from_end=from_end)
    return {column: make_cell(raw) for column, raw in zip(columns, raws, strict=True)}


@_memo
def _unnumbered(label: str) -> str:
    return tp.ENUMERATOR_PREFIX.sub("", label, count=1)


# ------------------------------------------------------------------------------------- template


def template_version(text: str, grids: Sequence[Grid] = ()) -> str | None:
    """``"2008"``, ``"2019"``, ``"2021"`` or None, from the tables' forms first, then the headings.

    Table 2's column headers (and 2021's three 其他处理 sub-rows) tell the two new templates apart;
    the fixed six headings tell new from free-form, where a new-template report without tables is
    dated by its year; a report on a year before 2019 is free-form whatever its headings.
    """
    tables = "\n".join("|".join(row) for grid in grids for row in grid)
    lines = [key_text(line) for line in text.splitlines()]
    folded = lines_key_text(tables) + "".join(lines)  # key_text(tables + "\n" + text), line by line
    if tp.TEMPLATE_2021_MARKERS.search(folded):
        return "2021"
    if tp.TEMPLATE_2019_MARKERS.search(folded):
        return "2019"
    headings = [line for line in lines if tp.ANY_TEMPLATE_HEADING.match(line)]
    new = sum(any(p.match(line) for line in headings) for p in tp.NEW_TEMPLATE_HEADINGS)
    old = sum(any(p.match(line) for line in headings) for p in tp.OLD_TEMPLATE_HEADINGS)
    year = fields.report_year(None, text)
    if new >= 2 and new > old:
        if year is None or year < tp.FIRST_NEW_TEMPLATE_YEAR:
            return None
        return "2021" if year >= tp.FIRST_2021_TEMPLATE_YEAR else "2019"
    if old >= 2 or tp.OLD_TEMPLATE_TABLE.search(folded):
        return "2008"
    if year is not None and year < tp.FIRST_NEW_TEMPLATE_YEAR:
        return "2008"
    return None


# ------------------------------------------------------------------------------------- table 2


def parse_table2(rows: Sequence[Sequence[str]], version: str | None) -> dict[str, dict[str, Cell]] | None:
    """Table 2 (主动公开) of the 2019 or 2021 template: the row's numbers in the template's column order."""
    return _table2(read_rows(rows), version)


def _table2(rows: Sequence[Row], version: str | None) -> dict[str, dict[str, Cell]] | None:
    if version not in tp.TABLE2_COLUMNS:
        return None
    columns = tp.TABLE2_COLUMNS[version]
    found: dict[str, tuple[str, ...]] = {}
    for row in rows:
        if not row.labels or not row.values or not tp.TABLE2_ANY_ROW.fullmatch(label := row.unnumbered):
            continue
        key = next((k for k, pattern in tp.TABLE2_ROWS.items() if pattern.fullmatch(label)), None)
        if key in columns and key not in found:
            found[key] = row.values
    if not found:
        return None
    return {key: _cells(cols, found.get(key, ())) for key, cols in columns.items()}


# ------------------------------------------------------------------------------------- table 3


def parse_table3(
    rows: Sequence[Sequence[str]], version: str | None = None
) -> dict[str, dict[str, Cell]] | None:
    """Table 3 (依申请) from the 本年新收 row to the 结转下年度 row; group labels carry over sub-rows."""
    return _table3(read_rows(rows), version)


def _table3(rows: Sequence[Row], version: str | None = None) -> dict[str, dict[str, Cell]] | None:
    # Nothing before the first 本年新收 row with numbers counts (and that row closes any group):
    # most tables have none, and are passed over with one search a row.
    new = tp.TABLE3_TOP_ROWS["new"]
    start = next(
        (i for i, row in enumerate(rows) if row.values and new.search(row.label) and not _prose(row)), None
    )
    if start is None:
        return None
    found: dict[str, tuple[str, ...]] = {}
    group: str | None = None
    for row in rows[start:]:
        if not row.labels:
            continue
        key, group = table3_row_key(row, group)
        if not row.values or _prose(row) or ("new" not in found and key != "new"):
            continue
        if key is not None and key not in found:
            found[key] = row.values
        if key == "carry_forward":
            break
    if "new" not in found:
        return None
    # Values are the row's last seven cells: flattened text pads colspan labels with blank cells.
    return {
        key: _cells(tp.TABLE3_COLUMNS, found.get(key, ()), from_end=True)
        for key in table3_keys(version, found)
    }


def _prose(row: Row) -> bool:
    """A unit cell among the numbers ("本年新收申请 25 件"): a sentence with spaces, not a table row."""
    return any(tp.UNIT.match(fold(value)) for value in row.values)


def table3_row_key(row: Row, group: str | None) -> tuple[str | None, str | None]:
    """(row key or None, outcome group now open) for one row of table 3."""
    label = row.label
    for key, pattern in tp.TABLE3_TOP_ROWS.items():
        if pattern.search(label):
            return key, None
    # The row's own group label is its last one: a group label before it is a rowspan run too far.
    group = next(
        (g for text in reversed(row.keys) for g, p in tp.TABLE3_GROUPS.items() if p.search(text)), group
    )
    own = tp.TABLE3_GROUPS[group].search(label) if group else None
    sub_label = label[own.end() :] if own else label  # "(三)不予公开1.属于国家秘密" → "1.属于国家秘密"
    for key, pattern in tp.TABLE3_SUBROWS.items():
        if pattern.search(sub_label):
            return key, key.rsplit("_", 1)[0]
    number = tp.SUBROW_NUMBER.match(sub_label)
    if group and number and 1 <= int(number.group(1)) <= tp.TABLE3_GROUP_SIZES[group]:
        return f"{group}_{int(number.group(1))}", group
    if group == "other" and own and not sub_label:
        return "other", group  # the 2019 form's single （六）其他处理 row
    return None, group


def table3_keys(version: str | None, found: Iterable[str] = ()) -> list[str]:
    """Row keys of table 3 in page order; the （六）其他处理 form follows what the table shows."""
    found = set(found)
    if "other" in found and not found & {"other_1", "other_2", "other_3"}:
        other = ["other"]
    elif found & {"other_1", "other_2", "other_3"} or version != "2019":
        other = ["other_1", "other_2", "other_3"]
    else:
        other = ["other"]
    groups = [
        f"{g}_{i}"
        for g in ("refused", "unable", "not_processed")
        for i in range(1, tp.TABLE3_GROUP_SIZES[g] + 1)
    ]
    return ["new", "carried_over", "granted", "partly_granted", *groups, *other, "total", "carry_forward"]


# ------------------------------------------------------------------------------------- table 4


def parse_table4(
    rows: Sequence[Sequence[str]], version: str | None = None
) -> dict[str, dict[str, Cell]] | None:
    """Table 4 (复议/诉讼): fifteen cells in one row after the 行政复议 header, or one row per group."""
    return _table4(read_rows(rows), version)


def _table4(rows: Sequence[Row], version: str | None = None) -> dict[str, dict[str, Cell]] | None:
    width = len(tp.TABLE4_COLUMNS)
    header = next((i for i, row in enumerate(rows) if any(map(tp.TABLE4_HEADER.search, row.keys))), None)
    if header is None:
        return None
    by_group: dict[str, tuple[str, ...]] = {}
    for row in rows[header:]:
        taken = _take(row.values, width * 3)
        values = [value for value in taken if value is not None]
        if len(values) == len(taken) and any(value.strip() for value in values):
            return {
                group: _cells(tp.TABLE4_COLUMNS, values[i * width : (i + 1) * width])
                for i, group in enumerate(tp.TABLE4_GROUPS)
            }
        group = next(
            (g for g, p in tp.TABLE4_GROUP_LABELS.items() if row.labels and p.search(row.label)), None
        )
        if group and len(row.values) >= width and group not in by_group:
            by_group[group] = row.values
    if len(by_group) < len(tp.TABLE4_GROUPS):
        return None
    return {group: _cells(tp.TABLE4_COLUMNS, by_group[group]) for group in tp.TABLE4_GROUPS}


# ------------------------------------------------------------------------------------- 2008 indicators


def parse_indicators(rows: Sequence[Sequence[str]]) -> dict[str, IndicatorCell] | None:
    """The 指标|单位|数量 list: each known indicator's first row with its unit and value."""
    return _indicators(read_rows(rows))


def _indicators(rows: Sequence[Row]) -> dict[str, IndicatorCell] | None:
    found: dict[str, IndicatorCell] = {}
    for row in rows:
        if not row.labels or not row.values or not tp.ANY_INDICATOR.match(label := row.unnumbered):
            continue
        key = next((k for k, pattern in tp.INDICATORS.items() if pattern.match(label)), None)
        if key is not None and key not in found:
            found[key] = indicator_cell(row.values)
    return found or None


def indicator_cell(values: Sequence[str]) -> IndicatorCell:
    """``["件", "3"]`` → unit 件, value 3; ``["", "6"]`` (no unit given) and ``["6"]`` → value 6."""
    unit_slot = bool(values) and (tp.UNIT.match(fold(values[0])) or tp.PLACEHOLDER.match(fold(values[0])))
    unit, raw = (
        (values[0], values[1] if len(values) > 1 else None)
        if unit_slot
        else (None, values[0] if values else None)
    )
    if unit is not None and not tp.UNIT.match(fold(unit)):
        unit = None
    return {"raw": raw, "value": parse_value(raw), "unit": unit}


# ------------------------------------------------------------------------------------- checks


def consistency_checks(tables: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "table3" in tables:
        checks += check_table3(tables["table3"])
    if "table4" in tables:
        checks += check_table4(tables["table4"])
    return checks


def check_table3(table3: dict[str, dict[str, Cell]]) -> list[Check]:
    """The template's own 勾稽关系 per column, the outcome sum per column, the applicant sum per row."""
    edges = ("new", "carried_over", "total", "carry_forward")
    outcomes = [key for key in table3 if key not in edges]
    checks = []
    for column in tp.TABLE3_COLUMNS:
        cell = {key: table3[key][column] for key in table3}
        checks.append(
            compare(
                "table3_balance",
                column,
                [cell["new"], cell["carried_over"]],
                [cell["total"], cell["carry_forward"]],
            )
        )
        checks.append(compare("table3_outcomes_sum", column, [cell["total"]], [cell[k] for k in outcomes]))
    for key, row in table3.items():
        checks.append(
            compare("table3_applicants_sum", key, [row["total"]], [row[c] for c in tp.APPLICANT_COLUMNS])
        )
    return checks


def check_table4(table4: dict[str, dict[str, Cell]]) -> list[Check]:
    return [
        compare("table4_group_sum", group, [row[c] for c in tp.TABLE4_COLUMNS[:4]], [row["total"]])
        for group, row in table4.items()
    ]


def compare(rule: str, where: str, left: Sequence[Cell], right: Sequence[Cell]) -> Check:
    """Sum both sides; unknown when either side has a cell without a number."""
    left_sum, right_sum = _sum(left), _sum(right)
    if left_sum is None or right_sum is None:
        return Check(rule, where, "unknown", left_sum, right_sum)
    status = "pass" if abs(left_sum - right_sum) <= TOLERANCE else "fail"
    return Check(rule, where, status, left_sum, right_sum)


def _sum(cells: Sequence[Cell]) -> Number | None:
    values = [cell["value"] for cell in cells]
    if any(value is None for value in values):
        return None
    total = sum(value for value in values if value is not None)
    return round(total, 6) if isinstance(total, float) else total
