"""A report's statistics: its template version, tables 2–4 (or the 2008-era indicator list) as fixed,
named JSON structures, and the templates' consistency checks over them.

Researchers code every cell of tables 2–4 of the 2019/2021 templates (or the 2008-era indicator list)
and whether the numbers add up (DOMAIN.md §1). The tables reach us as HTML with heavy rowspan/colspan,
or flattened into text by trafilatura and PDF/DOCX readers: ``|``-separated rows, one cell per line,
table 4's fifteen numbers in one row. Every form is first turned into rows of cell strings (an HTML
table through :func:`~crawler.extract.tables.grid.html_table_grid`, a text through
:func:`~crawler.extract.tables.grid.text_rows`); one row reader then matches
row labels loosely (:mod:`crawler.extract.tables.patterns`) and takes the numbers after them.

Entry points::

    stats = parse_statistics(grids, text)            # grids: html_table_grid() of each <table>
    stats = parse_statistics_from_container(container, text)
    stats.as_json() == {
        "template_version": "2021",                  # "2008" | "2019" | "2021" | None
        "tables": {"table2": …, "table3": …, "table4": …},   # or {"indicators": …} or {"prose": …}
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
* ``indicators``: ``{indicator: {"raw", "value", "unit"}}`` for each indicator found (``INDICATORS``);
* ``prose``: the same shape, for the figures a 2008-template report without an indicator table states
  in its sentences (:mod:`crawler.extract.tables.prose`; ``raw`` holds the words that state it).

Checks never alter data: each says pass, fail or unknown (a needed cell holds no number) with both
sides of the equation (:data:`crawler.extract.tables.checks.RULES`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import html

from crawler.extract import fields
from crawler.extract.tables import patterns as tp
from crawler.extract.tables.cells import (
    Cell,
    IndicatorCell,
    fold,
    is_label,
    key_text,
    lines_key_text,
    make_cell,
    memo,
    parse_value,
)
from crawler.extract.tables.checks import Check, consistency_checks
from crawler.extract.tables.grid import Grid, TableSlots, container_grids, text_rows
from crawler.extract.tables.prose import stated_figures


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
    elif version == "2008" and (stated := stated_figures(text)):
        tables["prose"] = stated
    return Statistics(version, tables, consistency_checks(tables))


def parse_statistics_from_container(
    container: html.HtmlElement | None, text: str = "", slots: TableSlots | None = None
) -> Statistics:
    """:func:`parse_statistics` over the tables inside a page's content container (``slots``: their
    :func:`container_slots`, when the caller has them already)."""
    return parse_statistics(container_grids(container, slots), text)


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
    flags = [is_label(cell) for cell in cells]
    last = max((i for i, flag in enumerate(flags) if flag), default=-1)
    labels = tuple(dict.fromkeys(cell for cell, flag in zip(cells, flags, strict=True) if flag))
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


@memo
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
