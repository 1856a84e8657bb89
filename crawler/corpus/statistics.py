"""The statistics as data: the tidy ``stats`` export (one row per statistics cell), the ``measures``
export (one row per report, harmonised across the 2008, 2019 and 2021 templates) with its codebook, and
the cross-year checks of one body's consecutive reports.

The exports compute in Python what the SQL views ``statistics`` and ``measures`` compute in SQLite
(:mod:`crawler.corpus.views`), from the same data (:mod:`crawler.extract.tables.labels`,
:mod:`crawler.extract.tables.measures`); the tests hold the two to the same rows. Both formats are CSV,
or Parquet when the output path ends in ``.parquet``.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crawler.corpus import shards
from crawler.corpus.queries import ReportFilters
from crawler.corpus.views import MEASURES_PREFIX, REPORT_COLUMNS, STATISTICS_COLUMNS
from crawler.extract.tables import labels
from crawler.extract.tables.checks import cross_year_checks
from crawler.extract.tables.measures import MEASURE_NAMES, MEASURES, codebook, measures_of, measures_source

if TYPE_CHECKING:
    import sqlite_utils

    from crawler.corpus.shards import Source

MEASURES_COLUMNS = (*MEASURES_PREFIX, *MEASURE_NAMES)
# Columns of each export that hold numbers (Parquet types them; the rest is text).
_INTEGER_COLUMNS = frozenset({"report_year"})
_NUMBER_COLUMNS = frozenset({"value", *MEASURE_NAMES})
# The columns of `govreports checks --cross-year`, in order.
CROSS_YEAR_COLUMNS = (
    "body",
    "year_before",
    "year",
    "rule",
    "where",
    "value_before",
    "value",
    "url_before",
    "url",
)


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- rows ----------------------------------------------------------------------------------------------


def statistic_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per statistics cell of a stored report (``tables`` decoded), in the stored order."""
    tables = record.get("tables")
    if not isinstance(tables, dict):
        return
    template = record.get("template_version")
    report = {column: record.get(column) for column in REPORT_COLUMNS}

    def row(table: str, row_key: str, col_key: str, cell: dict[str, Any]) -> dict[str, Any]:
        raw = cell.get("raw")
        return report | {
            "table": table,
            "row_key": row_key,
            "col_key": col_key,
            "row_label": labels.row_label(template, table, row_key),
            "col_label": labels.column_label(template, table, col_key),
            "raw": raw if raw is None or isinstance(raw, str) else json.dumps(raw),
            "value": _number(cell.get("value")),
        }

    for table, rows in tables.items():
        if not isinstance(rows, dict):
            continue
        for row_key, content in rows.items():
            if not isinstance(content, dict):
                continue
            if table in labels.GRID_TABLES:
                for col_key, cell in content.items():
                    if isinstance(cell, dict):
                        yield row(table, row_key, col_key, cell)
            elif table in labels.FLAT_TABLES:
                yield row(table, row_key, labels.FLAT_COLUMN, content)


def measure_row(record: dict[str, Any]) -> dict[str, Any]:
    """A stored report's harmonised measures (``tables`` decoded), with where they come from."""
    tables = record.get("tables") if isinstance(record.get("tables"), dict) else {}
    assert isinstance(tables, dict)
    return (
        {column: record.get(column) for column in REPORT_COLUMNS}
        | {"source": measures_source(tables)}
        | measures_of(record.get("template_version"), tables)
    )


def iter_statistics(db: Source, filters: ReportFilters | None = None) -> Iterator[dict[str, Any]]:
    for record in shards.filtered_reports(db, filters):
        yield from statistic_rows(record)


def iter_measures(db: Source, filters: ReportFilters | None = None) -> Iterator[dict[str, Any]]:
    for record in shards.filtered_reports(db, filters):
        yield measure_row(record)


# --- writing -------------------------------------------------------------------------------------------


def _write_csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: IO[Any]) -> int:
    """A header row, then the rows; an empty cell is null (``out`` opened with ``newline=""``)."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row[name] for name in columns])
        count += 1
    return count


def _write_parquet(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: IO[Any]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow_type(name: str) -> Any:
        if name in _INTEGER_COLUMNS:
            return pa.int64()
        return pa.float64() if name in _NUMBER_COLUMNS else pa.string()

    schema = pa.schema([(name, arrow_type(name)) for name in columns])
    count, batch = 0, []
    with pq.ParquetWriter(out, schema) as writer:
        for row in rows:
            batch.append({name: row.get(name) for name in columns})
            count += 1
            if len(batch) >= 2000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return count


def write_statistics(
    db: Source,
    out: IO[Any],
    filters: ReportFilters | None = None,
    *,
    parquet: bool = False,
) -> int:
    """The ``stats`` export: one row per statistics cell (:data:`STATISTICS_COLUMNS`); returns how many."""
    rows = iter_statistics(db, filters)
    return (
        _write_parquet(rows, STATISTICS_COLUMNS, out)
        if parquet
        else _write_csv(rows, STATISTICS_COLUMNS, out)
    )


def write_measures(
    db: Source,
    out: IO[Any],
    filters: ReportFilters | None = None,
    *,
    parquet: bool = False,
) -> int:
    """The ``measures`` export: one row per report (:data:`MEASURES_COLUMNS`); returns how many."""
    rows = iter_measures(db, filters)
    return _write_parquet(rows, MEASURES_COLUMNS, out) if parquet else _write_csv(rows, MEASURES_COLUMNS, out)


def codebook_path(export_path: str | Path) -> Path:
    """Where the codebook goes beside an export: ``measures.csv`` → ``measures.codebook.json``."""
    path = Path(export_path)
    return path.with_name(f"{path.stem}.codebook.json")


def codebook_json() -> str:
    return json.dumps(codebook(), ensure_ascii=False, indent=2) + "\n"


def codebook_markdown() -> str:
    """The codebook as a Markdown table per measure: definition, then the cells on each template."""
    lines = ["# Measures codebook", ""]
    for entry in codebook():
        lines += [f"## `{entry['name']}` — {entry['label']} ({entry['unit']})", "", entry["definition"], ""]
        for template, alternatives in entry["templates"].items():
            if not alternatives:
                lines.append(f"- {template}: no such figure (null)")
                continue
            described = " ; else ".join(
                " + ".join(
                    f"{c['table']}.{c['row_key']}.{c['col_key']} ({c['row_label']} × {c['col_label']})"
                    for c in cells
                )
                for cells in alternatives
            )
            lines.append(f"- {template}: {described}")
        lines.append("")
    return "\n".join(lines)


# --- cross-year checks ---------------------------------------------------------------------------------


def cross_year_results(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every cross-year check (:data:`~crawler.extract.tables.checks.CROSS_YEAR_RULES`) between the
    stored reports of one body on consecutive years (every pair, when a year has several reports)."""
    by_body: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    sql = (
        "select url, body, report_year, tables from reports "
        "where body is not null and report_year is not null order by body, report_year, url"
    )
    for url, body, year, tables in db.execute(sql).fetchall():
        try:
            decoded = json.loads(tables) if tables else {}
        except ValueError:
            continue
        if isinstance(decoded, dict) and decoded:
            by_body[body][int(year)].append({"url": url, "tables": decoded})
    for body, years in by_body.items():
        for year in sorted(years):
            for before in years.get(year - 1, []):
                for after in years[year]:
                    for check in cross_year_checks(before["tables"], after["tables"]):
                        yield {
                            "body": body,
                            "year_before": year - 1,
                            "year": year,
                            "rule": check.rule,
                            "where": check.where,
                            "status": check.status,
                            "value_before": check.right,
                            "value": check.left,
                            "url_before": before["url"],
                            "url": after["url"],
                        }


def cross_year_breaks(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The failed cross-year checks: this year's figure and last year's differ."""
    return [result for result in cross_year_results(db) if result["status"] == "fail"]


__all__ = [
    "CROSS_YEAR_COLUMNS",
    "MEASURES",
    "MEASURES_COLUMNS",
    "STATISTICS_COLUMNS",
    "codebook_json",
    "codebook_markdown",
    "codebook_path",
    "cross_year_breaks",
    "iter_measures",
    "iter_statistics",
    "write_measures",
    "write_statistics",
]
