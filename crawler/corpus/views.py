"""The SQL views ``statistics`` and ``measures``: the statistics as data for datasette and ``sqlite3``.

``statistics`` is the tidy long table, one row per statistics cell (``url, body, level, region,
division_code, report_year, template_version, table, row_key, col_key, row_label, col_label, raw,
value``); ``measures`` one row per report with the harmonised measures of
:mod:`crawler.extract.tables.measures`. Both are generated from the same data the Python exports use
(:mod:`crawler.extract.tables.labels`, :data:`~crawler.extract.tables.measures.MEASURES`).

Why views over the ``tables`` JSON column (SQLite's JSON1) and not materialised tables: a view is
correct by construction whenever ``reports.tables`` is. Reports are written by several paths —
a crawl's store (with its dedupe that replaces or promotes copies), ``merge`` of shards, ``reextract``
of stored captures, migrations that rewrite ``tables`` — and a materialised table would have to be kept
in step by every one of them (and by any path added later), or silently go stale. The cost is reading
JSON at query time, which is fine at corpus size (a few tens of cells per report); researchers who want
speed export to Parquet. When the labels or the measures change, :func:`ensure_views` (run at every
open, after the migrations) sees the stored SQL differ and recreates the views: they need no migration
of their own beyond the one that first made them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extract.tables import labels
from crawler.extract.tables.measures import MEASURES, TABLE_SOURCES, Alternative, CellPath

if TYPE_CHECKING:
    import sqlite_utils

# The report columns every row of both views starts with, in order.
REPORT_COLUMNS = ("url", "body", "level", "region", "division_code", "report_year", "template_version")
STATISTICS_COLUMNS = (
    *REPORT_COLUMNS,
    "table",
    "row_key",
    "col_key",
    "row_label",
    "col_label",
    "raw",
    "value",
)
MEASURES_PREFIX = (*REPORT_COLUMNS, "source")
# The stored tables, or an empty object when the column holds no valid JSON (then a report has no cells).
_TABLES = "case when json_valid(r.tables) then r.tables else '{}' end"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _values(rows: list[tuple[str, str, str, str]]) -> str:
    return ",\n    ".join("(" + ", ".join(_text(part) for part in row) + ")" for row in rows)


def statistics_sql() -> str:
    grid = ", ".join(_text(name) for name in labels.GRID_TABLES)
    flat = ", ".join(_text(name) for name in labels.FLAT_TABLES)
    report = ", ".join(f"r.{column}" for column in REPORT_COLUMNS)

    def label(kind: str, key: str) -> str:
        return (
            f"(select l.label from {kind} l where l.tbl = c.tbl and l.key = c.{key} "
            "and l.template in (c.template_version, '*') order by l.template = '*' limit 1)"
        )

    return f"""CREATE VIEW statistics AS
with row_labels(template, tbl, key, label) as (values
    {_values(list(labels.row_labels()))}
),
col_labels(template, tbl, key, label) as (values
    {_values(list(labels.column_labels()))}
),
cells as (
  select {report}, t.key as tbl, rw.key as row_key, cl.key as col_key, cl.value as cell
  from reports r, json_each({_TABLES}) t, json_each(t.value) rw, json_each(rw.value) cl
  where t.key in ({grid}) and t.type = 'object' and rw.type = 'object' and cl.type = 'object'
  union all
  select {report}, t.key, rw.key, {_text(labels.FLAT_COLUMN)}, rw.value
  from reports r, json_each({_TABLES}) t, json_each(t.value) rw
  where t.key in ({flat}) and t.type = 'object' and rw.type = 'object'
)
select {", ".join(f"c.{column}" for column in REPORT_COLUMNS)}, c.tbl as "table", c.row_key, c.col_key,
  {label("row_labels", "row_key")} as row_label,
  {label("col_labels", "col_key")} as col_label,
  json_extract(c.cell, '$.raw') as raw,
  case when json_type(c.cell, '$.value') in ('integer', 'real') then json_extract(c.cell, '$.value') end
    as value
from cells c"""


def _cell(path: CellPath) -> str:
    """A cell's number (None unless it is one), as :func:`~crawler.extract.tables.measures.cell_value`."""
    table, row, column = path
    json_path = f"$.{table}.{row}.{column}.value" if table in labels.GRID_TABLES else f"$.{table}.{row}.value"
    number = f"json_type(t, '{json_path}') in ('integer', 'real')"
    return f"(case when {number} then json_extract(t, '{json_path}') end)"


def _alternative(alternative: Alternative) -> str:
    """As :func:`~crawler.extract.tables.measures.alternative_value`: the sum of the cells holding a
    number, null when none does."""
    cells = [_cell(path) for path in alternative]
    if len(cells) == 1:
        return cells[0]
    summed = " + ".join(f"coalesce({cell}, 0)" for cell in cells)
    return f"(case when coalesce({', '.join(cells)}) is null then null else {summed} end)"


def _measure(cells: dict[str, tuple[Alternative, ...]]) -> str:
    branches = []
    for template, alternatives in cells.items():
        parts = [_alternative(alternative) for alternative in alternatives]
        expression = parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"
        branches.append(f"when {_text(template)} then {expression}")
    return f"case template_version {' '.join(branches)} end"


def _has_table(name: str) -> str:
    return f"(json_type(t, '$.{name}') = 'object' and json_extract(t, '$.{name}') != '{{}}')"


def measures_sql() -> str:
    tabled = " or ".join(_has_table(name) for name in TABLE_SOURCES)
    columns = ",\n  ".join(f"{_measure(dict(m.cells))} as {m.name}" for m in MEASURES)
    report = ", ".join(f"r.{column}" for column in REPORT_COLUMNS)
    return f"""CREATE VIEW measures AS
select {", ".join(REPORT_COLUMNS)},
  case when {tabled} then 'table' when {_has_table("prose")} then 'text' end as source,
  {columns}
from (select {report}, {_TABLES} as t from reports r)"""


VIEWS = {"statistics": statistics_sql, "measures": measures_sql}
# SQLite keeps a view's SQL as written but for its first words, which it stores as "CREATE VIEW": the
# SQL here starts so, or every open would see it changed.


def ensure_views(db: sqlite_utils.Database) -> list[str]:
    """Create the views, or recreate those whose stored SQL is not the current one; return their names."""
    stored = dict(db.execute("select name, sql from sqlite_master where type = 'view'").fetchall())
    changed = []
    for name, build in VIEWS.items():
        sql = build()
        if stored.get(name) != sql:
            db.execute(f"drop view if exists [{name}]")
            db.execute(sql)
            changed.append(name)
    return changed
