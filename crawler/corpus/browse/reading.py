"""What a report page shows, as plain data for its template: the text as headings, paragraphs and the
grids extractors flatten tables into, the stored statistics (``reports.tables``) as tables with the
template's labels, and the consistency checks. Pure functions; the template escapes every value."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from crawler.corpus.browse import labels

# A section heading of the templates: 一、总体情况, （三）…, 二、主动公开政府信息情况.
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])\S{1,30}$")
# A row of a table flattened into text: | a | b | c |
_GRID_ROW = re.compile(r"^\|.*\|$")


@dataclass(frozen=True)
class Block:
    """One piece of a report's text: a ``heading``, a ``paragraph`` (one line of the stored text), or a
    ``grid`` (consecutive ``| a | b |`` lines, as cells)."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def text_blocks(text: str | None) -> list[Block]:
    """The stored text (paragraphs joined with newlines) as blocks a page shows one by one."""
    blocks: list[Block] = []
    grid: list[tuple[str, ...]] = []
    for raw_line in (text or "").splitlines():
        line = raw_line.strip()
        if _GRID_ROW.match(line):
            grid.append(tuple(cell.strip() for cell in line.strip("|").split("|")))
            continue
        if grid:
            blocks.append(Block("grid", rows=tuple(grid)))
            grid = []
        if not line:
            continue
        blocks.append(Block("heading" if _HEADING.match(line) else "paragraph", text=line))
    if grid:
        blocks.append(Block("grid", rows=tuple(grid)))
    return blocks


@dataclass
class StatisticsTable:
    """One statistics table as the page shows it: a title, column headers and labelled rows."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)


def decode(value: Any, empty: Any) -> Any:
    """A JSON column's value decoded (``empty`` when absent or not JSON)."""
    if value is None or value == "":
        return empty
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return empty


def cell_text(cell: Any) -> str:
    """A stored cell as shown on the page: its raw text (``{"raw": "7", "value": 7}`` → ``7``)."""
    if isinstance(cell, dict):
        raw = cell.get("raw")
        if raw is None:
            value = cell.get("value")
            return "" if value is None else str(value)
        return str(raw)
    return "" if cell is None else str(cell)


def statistics_tables(tables: Any, template_version: str | None) -> list[StatisticsTable]:
    """The stored statistics (``{"table2": …, "table3": …, "table4": …}`` or ``{"indicators": …}``) as
    tables in the template's order; tables the report has not got are left out."""
    stored = decode(tables, {})
    if not isinstance(stored, dict):
        return []
    shown: list[StatisticsTable] = []
    for key, build in (
        ("table2", _table2),
        ("table3", _table3),
        ("table4", _table4),
        ("indicators", _indicators),
    ):
        content = stored.get(key)
        if isinstance(content, dict) and content:
            table = build(content, template_version)
            table.key, table.title = key, labels.TABLE_TITLES[key]
            shown.append(table)
    return shown


def _rows_of(content: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(key, row) for key, row in content.items() if isinstance(row, dict)]


def _table2(content: dict[str, Any], template_version: str | None) -> StatisticsTable:
    """One line per (row, column): the templates give each row its own columns."""
    table = StatisticsTable("", "", ["信息内容", "项目", "数值"])
    for key, row in _rows_of(content):
        for column, cell in row.items():
            label = labels.table2_column(template_version, column)
            table.rows.append((labels.table2_row(template_version, key), [label, cell_text(cell)]))
    return table


def _table3(content: dict[str, Any], template_version: str | None) -> StatisticsTable:
    columns = list(labels.TABLE3_COLUMNS)
    table = StatisticsTable("", "", ["", *labels.TABLE3_COLUMNS.values()])
    for key, row in _rows_of(content):
        table.rows.append((labels.row("table3", key), [cell_text(row.get(c)) for c in columns]))
    return table


def _table4(content: dict[str, Any], template_version: str | None) -> StatisticsTable:
    columns = list(labels.TABLE4_COLUMNS)
    table = StatisticsTable("", "", ["", *labels.TABLE4_COLUMNS.values()])
    for key, row in _rows_of(content):
        table.rows.append((labels.row("table4", key), [cell_text(row.get(c)) for c in columns]))
    return table


def _indicators(content: dict[str, Any], template_version: str | None) -> StatisticsTable:
    table = StatisticsTable("", "", ["指标", "数量", "单位"])
    for key, cell in _rows_of(content):
        table.rows.append((labels.row("indicators", key), [cell_text(cell), str(cell.get("unit") or "")]))
    return table


@dataclass(frozen=True)
class CheckLine:
    rule: str
    where: str
    status: str
    status_label: str
    left: str
    right: str


def check_lines(checks: Any) -> list[CheckLine]:
    """The stored consistency checks, failures first."""
    stored = decode(checks, [])
    lines = [
        CheckLine(
            rule=str(check.get("rule", "")),
            where=str(check.get("where", "")),
            status=str(check.get("status", "")),
            status_label=labels.CHECK_STATUS.get(str(check.get("status")), str(check.get("status", ""))),
            left=cell_text(check.get("left")),
            right=cell_text(check.get("right")),
        )
        for check in (stored if isinstance(stored, list) else [])
        if isinstance(check, dict)
    ]
    order = {"fail": 0, "unknown": 1}
    return sorted(lines, key=lambda line: order.get(line.status, 2))


def check_counts(lines: list[CheckLine]) -> dict[str, int]:
    """How many checks passed, failed and could not be made."""
    counts = {"pass": 0, "fail": 0, "unknown": 0}
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
    return counts
