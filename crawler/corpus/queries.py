"""Reading the corpus, for the CLI, the exports and the merge of shards: reports (filtered or all, JSON
columns decoded), their sources, versions and files, raw captures, runs and counts. Nothing here writes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crawler.corpus.db import Row, decompress, select_rows
from crawler.corpus.schema import JSON_COLUMNS, table

# URLs per ``in (...)`` query when reading captures.
PAGE_BATCH = 500

# The order reports are read in: oldest year first.
REPORT_ORDER = "report_year, published_date, url"


def like_pattern(term: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``term`` anywhere, its wildcards taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class ReportFilters:
    """Which reports an export or a search keeps: year, body and level exactly, region as a substring
    (``金华市`` keeps every place under it), template version, and only pages without spam."""

    year: int | None = None
    body: str | None = None
    region: str | None = None
    level: str | None = None
    template: str | None = None
    spam_free: bool = False

    def clause(self, alias: str = "") -> tuple[str, list[Any]]:
        """A SQL condition (``1`` when nothing is filtered) and its parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("report_year", self.year),
            ("body", self.body),
            ("level", self.level),
            ("template_version", self.template),
        ):
            if value is not None:
                conditions.append(f"{alias}{column} = ?")
                params.append(value)
        if self.region is not None:
            conditions.append(f"{alias}region like ? escape '\\'")
            params.append(like_pattern(self.region))
        if self.spam_free:
            conditions.append(f"coalesce({alias}compromised, 0) = 0")
        return " and ".join(conditions) or "1", params


def _decode_json_columns(row: Row) -> Row:
    for column, empty in JSON_COLUMNS.items():
        row[column] = json.loads(row[column]) if row.get(column) else empty()
    return row


# --- reports -------------------------------------------------------------------------------------------


def iter_reports(db: sqlite_utils.Database) -> Iterator[Row]:
    """Every stored report, JSON columns decoded, oldest year first."""
    for row in table(db, "reports").rows_where(order_by=REPORT_ORDER):
        yield _decode_json_columns(row)


def filtered_reports(db: sqlite_utils.Database, filters: ReportFilters | None = None) -> Iterator[Row]:
    """The stored reports that pass ``filters``, JSON columns decoded, in :func:`iter_reports` order."""
    where, params = (filters or ReportFilters()).clause()
    for row in table(db, "reports").rows_where(where, params, order_by=REPORT_ORDER):
        yield _decode_json_columns(row)


def report_columns(db: sqlite_utils.Database) -> dict[str, type]:
    """The ``reports`` columns and their Python types, in table order."""
    return dict(table(db, "reports").columns_dict)


def iter_report_records(db: sqlite_utils.Database) -> Iterator[Row]:
    """Every stored report as a record :func:`crawler.corpus.dedupe.store_reports` takes again: JSON
    columns decoded and its MinHash ``signature`` beside it (the official copies first, so they stay
    canonical)."""
    for row in iter_reports(db):
        found = db.execute("select signature from fingerprints where report_url = ?", [row["url"]]).fetchone()
        row["signature"] = found[0] if found else None
        yield row


def failing_checks(db: sqlite_utils.Database, filters: ReportFilters | None = None) -> Iterator[Row]:
    """Every failed consistency check of the stored reports (url, title, rule, where, left, right) that
    pass ``filters``, in report order."""
    where, params = (filters or ReportFilters()).clause()
    sql = (
        "select url, title, checks from reports where checks like '%\"fail\"%' "
        f"and {where} order by report_year, url"
    )
    for url, title, checks in db.execute(sql, params).fetchall():
        for check in json.loads(checks):
            if check.get("status") == "fail":
                yield {"url": url, "title": title} | {
                    key: check.get(key) for key in ("rule", "where", "left", "right")
                }


# --- what a report owns --------------------------------------------------------------------------------


def sources_of(db: sqlite_utils.Database, report_url: str) -> list[Row]:
    return list(table(db, "sources").rows_where("report_url = ?", [report_url], order_by="url"))


def versions_of(db: sqlite_utils.Database, report_url: str) -> list[Row]:
    return list(table(db, "report_versions").rows_where("report_url = ?", [report_url], order_by="id"))


def attachments_of(db: sqlite_utils.Database, report_url: str) -> list[Row]:
    return list(table(db, "attachments").rows_where("report_url = ?", [report_url], order_by="url"))


def iter_sources(db: sqlite_utils.Database) -> Iterator[Row]:
    """Every URL a report was seen at (the ``sources`` rows)."""
    yield from table(db, "sources").rows_where(order_by="url")


def iter_attachments(db: sqlite_utils.Database) -> Iterator[Row]:
    """Every stored file of a report."""
    yield from table(db, "attachments").rows_where(order_by="url")


# --- raw captures --------------------------------------------------------------------------------------


def iter_pages(db: sqlite_utils.Database, urls: Iterable[str]) -> Iterator[Row]:
    """The raw captures of ``urls`` that are stored (in the order asked), body decompressed and headers
    decoded to a list of (name, value) pairs."""
    wanted = list(dict.fromkeys(urls))
    for start in range(0, len(wanted), PAGE_BATCH):
        batch = wanted[start : start + PAGE_BATCH]
        placeholders = ",".join("?" for _ in batch)
        sql = f"select * from pages where url in ({placeholders})"
        rows = {row["url"]: row for row in select_rows(db, sql, list(batch))}
        for url in batch:
            if (row := rows.get(url)) is not None:
                row["body"] = decompress(row["body"], row["compression"])
                row["headers"] = _header_pairs(row["headers"])
                yield row


def _header_pairs(stored: str | None) -> list[tuple[str, str]]:
    """Stored headers (a JSON object, or a list of pairs) as (name, value) pairs."""
    headers = json.loads(stored) if stored else {}
    items = headers.items() if isinstance(headers, dict) else headers
    return [(str(name), str(value)) for name, value in items]


def iter_page_rows(db: sqlite_utils.Database) -> Iterator[Row]:
    """Every raw capture as stored (still compressed), for copying into another corpus."""
    yield from table(db, "pages").rows_where(order_by="url")


# --- counts and runs -----------------------------------------------------------------------------------


def count_reports(db: sqlite_utils.Database) -> int:
    return table(db, "reports").count


def count_reports_of_run(db: sqlite_utils.Database, run_id: int) -> int:
    """Reports whose stored text a run wrote (new, changed or promoted): read from the corpus, so the
    count holds even when a write failed after SQLite had committed it (a checkpoint on a full disk)."""
    return int(db.execute("select count(*) from reports where run_id = ?", [run_id]).fetchone()[0])


def reports_per_year(db: sqlite_utils.Database) -> list[tuple[int | None, int]]:
    sql = "select report_year, count(*) from reports group by report_year order by report_year"
    return [(year, count) for year, count in db.execute(sql).fetchall()]


def stored_body_years(
    db: sqlite_utils.Database, filters: ReportFilters | None = None
) -> list[tuple[str | None, int | None, str]]:
    """(body, report year, url) of every stored report that passes ``filters``, for the coverage ledger."""
    where, params = (filters or ReportFilters()).clause()
    sql = f"select body, report_year, url from reports where {where}"
    return [(body, year, url) for body, year, url in db.execute(sql, params).fetchall()]


def has_body(db: sqlite_utils.Database, body: str) -> bool:
    return db.execute("select 1 from reports where body = ? limit 1", [body]).fetchone() is not None


def stored_bodies(db: sqlite_utils.Database) -> list[str]:
    """The distinct body names of the stored reports, sorted."""
    sql = "select distinct body from reports where body is not null and body != '' order by body"
    return [body for (body,) in db.execute(sql).fetchall()]


def report_by_key(db: sqlite_utils.Database, key: str) -> Row | None:
    """One stored report by its URL, or by its id (the rowid ``search`` shows), JSON columns decoded."""
    rows = select_rows(db, "select rowid as id, * from reports where url = ?", [key])
    if not rows and key.isdigit():
        rows = select_rows(db, "select rowid as id, * from reports where rowid = ?", [int(key)])
    return _decode_json_columns(rows[0]) if rows else None


def coverage_reports(
    db: sqlite_utils.Database, filters: ReportFilters | None = None
) -> list[tuple[str | None, int | None, str, str | None, str | None]]:
    """(body, report year, url, division code, region) of the stored reports ``filters`` keep, for the
    coverage ledger of a seed list or the registry."""
    where, params = (filters or ReportFilters()).clause()
    sql = f"select body, report_year, url, division_code, region from reports where {where}"
    rows = db.execute(sql, params).fetchall()
    return [(body, year, url, code, region) for body, year, url, code, region in rows]


def list_runs(db: sqlite_utils.Database) -> list[Row]:
    return list(table(db, "runs").rows_where(order_by="id"))


# The columns of ``runs`` stored as JSON text.
RUN_JSON_COLUMNS = (
    "seeds",
    "settings",
    "counts",
    "errors",
    "notes",
    "per_seed",
    "compromised_sites",
    "failed_pages",
)


def decode_run(row: Row) -> Row:
    """A ``runs`` row with its JSON columns as the values they hold (for real JSON output)."""
    for column in RUN_JSON_COLUMNS:
        value = row.get(column)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                row[column] = json.loads(value)
    return row


def compromised_sites(db: sqlite_utils.Database, run_id: int) -> list[tuple[str, int]]:
    """The hosts whose stored reports had spam in a run, with how many reports, most first."""
    row = db.execute("select compromised_sites from runs where id = ?", [run_id]).fetchone()
    if row is None or not row[0]:
        return []
    return [(site["host"], site["reports"]) for site in json.loads(row[0])]


# Counters of a run that are errors, besides its seed errors: pages that could not be fetched and
# files or pages that could not be read. `govreports runs` and the crawl's summary both count this way.
ERROR_COUNTERS = (
    "govreports/pages/failed",
    "govreports/extract/attachment_failed",
    "govreports/extract/failed",
    "govreports/extract/unreadable_file",
)


def run_error_count(run: Row) -> int:
    """A run's errors: its seed errors plus :data:`ERROR_COUNTERS` — one count for every report of it."""
    decoded = decode_run(dict(run))  # a row as stored, or as decode_run gave it
    counts: dict[str, Any] = decoded["counts"] if isinstance(decoded.get("counts"), dict) else {}
    errors: list[Any] = decoded["errors"] if isinstance(decoded.get("errors"), list) else []
    return len(errors) + sum(int(counts.get(name, 0)) for name in ERROR_COUNTERS)


def dropped_counts(db: sqlite_utils.Database, run_id: int) -> dict[str, int]:
    """The pages a run fetched and did not store, counted by reason."""
    sql = "select reason, count(*) from dropped where run_id = ? group by reason order by count(*) desc"
    return {reason: int(count) for reason, count in db.execute(sql, [run_id]).fetchall()}


def dropped_pages(db: sqlite_utils.Database, run_id: int) -> list[Row]:
    """A run's dropped pages: url, reason, detail, when."""
    sql = "select url, reason, detail, at from dropped where run_id = ? order by id"
    return select_rows(db, sql, [run_id])
