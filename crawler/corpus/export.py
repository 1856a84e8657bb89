"""Writes the stored reports out, in the form each kind of reader wants.

- ``jsonl``: the whole record, the contract's keys (:data:`RECORD_KEYS`) first — the lossless form.
- ``csv``: one row per report for spreadsheets; JSON columns (tables, checks, spam…) as JSON strings.
- ``parquet``: typed columns for pandas, R, DuckDB, Arrow (JSON columns as JSON strings).
- ``txt``: one plain-text file per report in ``<year>/<body>/<title>.txt``, for text tools. Titles come
  from pages we do not control, so every path component is made safe and no file lands outside the
  export directory.
- ``warc``: the raw captures (``pages``) as WARC response records, for replay and archiving tools.
- ``stats`` and ``measures``: the statistics as data (one row per cell; one row of harmonised measures
  per report), CSV or Parquet, written by :mod:`crawler.corpus.statistics`.

The database is read through :mod:`crawler.corpus.queries`, one file or every shard of a directory alike
(:mod:`crawler.corpus.shards`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crawler import __version__
from crawler.corpus import shards
from crawler.corpus.queries import ReportFilters
from crawler.corpus.rows import report_of_row
from crawler.corpus.schema import JSON_COLUMNS
from crawler.extract.record import RECORD_KEYS, contract

if TYPE_CHECKING:
    from crawler.corpus.shards import Source

FORMATS = ("jsonl", "csv", "parquet", "txt", "warc", "stats", "measures")
# The formats crawler.corpus.statistics writes.
STATISTICS_FORMATS = ("stats", "measures")


class ExportError(RuntimeError):
    """An export that cannot be written as asked (a path that would leave the export directory…)."""


def export_records(database: Source, filters: ReportFilters | None = None) -> Iterator[dict[str, Any]]:
    """Every report (that passes ``filters``) as the JSON contract makes it
    (:func:`crawler.extract.record.contract`): :data:`RECORD_KEYS` first, then the stored columns."""
    for row in shards.filtered_reports(database, filters):
        yield contract(report_of_row(row), row)


def write_jsonl(database: Source, out: IO[str], filters: ReportFilters | None = None) -> int:
    count = 0
    for record in export_records(database, filters):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


# --- csv and parquet: one row per report ----------------------------------------------------------------


def export_columns(database: Source) -> list[str]:
    """The columns of a row export: :data:`RECORD_KEYS`, then the other stored columns in table order."""
    return [*RECORD_KEYS, *(name for name in shards.report_columns(database) if name not in RECORD_KEYS)]


def _flat(value: Any) -> Any:
    """A JSON column's value (dict, list) as JSON text; anything else as it is."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def write_csv(database: Source, out: IO[str], filters: ReportFilters | None = None) -> int:
    """A header row of :func:`export_columns`, then one row per report (``out`` opened with
    ``newline=""``); empty cells are unknown values."""
    writer = csv.writer(out)
    columns = export_columns(database)
    writer.writerow(columns)
    count = 0
    for record in export_records(database, filters):
        writer.writerow(["" if record.get(name) is None else _flat(record.get(name)) for name in columns])
        count += 1
    return count


# Rows per Parquet row group: bounded memory, whatever the corpus size.
PARQUET_BATCH = 500


def parquet_schema(database: Source) -> Any:
    """Arrow types of the export columns: integers, floats and bytes as stored, everything else text."""
    import pyarrow as pa

    stored = shards.report_columns(database)
    arrow_types = {int: pa.int64(), float: pa.float64(), bytes: pa.binary()}
    return pa.schema(
        [
            (
                name,
                pa.string() if name in JSON_COLUMNS else arrow_types.get(stored.get(name, str), pa.string()),
            )
            for name in export_columns(database)
        ]
    )


def _arrow_value(value: Any, arrow_type: Any) -> Any:
    """A stored value in its column's Arrow type (SQLite columns may hold any type)."""
    import pyarrow as pa

    if value is None:
        return None
    if arrow_type == pa.string():
        return _flat(value) if isinstance(value, dict | list) else str(value)
    if arrow_type == pa.int64():
        return int(value) if isinstance(value, int | float | bool) else None
    return value


def write_parquet(database: Source, out: str | Path | IO[bytes], filters: ReportFilters | None = None) -> int:
    """The reports as one Parquet table, written in row groups of :data:`PARQUET_BATCH`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(database)
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in export_records(database, filters):
            batch.append({field.name: _arrow_value(record.get(field.name), field.type) for field in schema})
            count += 1
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return count


# --- txt: one file per report, in a tree whose names are safe -----------------------------------------

# Names Windows keeps for devices, whatever the extension (CON.txt is the console).
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)
# Bytes of one path component before its suffix: file systems allow 255, a CJK character takes 3.
MAX_NAME_BYTES = 150
# Characters Windows refuses in names, and both path separators.
_UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")


def safe_name(name: str | None, fallback: str) -> str:
    """One path component made from untrusted text: no separators, control or format characters,
    Windows-reserved names or characters, leading/trailing dots and spaces; at most
    :data:`MAX_NAME_BYTES` UTF-8 bytes; ``fallback`` when nothing is left."""
    cleaned = unicodedata.normalize("NFC", name or "")
    cleaned = "".join("_" if unicodedata.category(char).startswith("C") else char for char in cleaned)
    cleaned = _SPACES.sub(" ", _UNSAFE_CHARACTERS.sub("_", cleaned))
    cleaned = _truncate_utf8(cleaned.strip(" ."), MAX_NAME_BYTES).rstrip(" .")
    if not cleaned:
        cleaned = fallback
    if cleaned.split(".")[0].rstrip(" ").upper() in WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


class TxtTree:
    """Where each report's file goes: ``<year>/<body>/<title>.txt`` under ``root``, a name taken twice
    (also when it differs only in case, for case-insensitive file systems) gets `` (2)``, `` (3)``…"""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.used: set[str] = set()

    def path_for(self, record: dict[str, Any]) -> Path:
        year = safe_name(str(record["report_year"]) if record.get("report_year") else None, "unknown-year")
        folder = Path(year, safe_name(record.get("body"), "unknown-body"))
        stem = safe_name(record.get("title"), "untitled")
        candidate, number = folder / f"{stem}.txt", 1
        while candidate.as_posix().casefold() in self.used:
            number += 1
            candidate = folder / f"{stem} ({number}).txt"
        self.used.add(candidate.as_posix().casefold())
        return self.inside(self.root / candidate)

    def inside(self, path: Path) -> Path:
        """``path`` itself, after checking that it (links followed) stays under the root."""
        if not path.resolve().is_relative_to(self.root):
            raise ExportError(f"{path}: would be written outside {self.root}")
        return path


def txt_content(record: dict[str, Any]) -> str:
    """A short header (title, url, year, body, published date; one line each), a blank line, the text."""
    fields = ("title", "url", "report_year", "body", "published_date")
    header = [f"{name}: {one_line_value(record.get(name))}" for name in fields]
    return "\n".join(header) + "\n\n" + (record.get("text") or "")


def one_line_value(value: Any) -> str:
    return "" if value is None else _SPACES.sub(" ", str(value)).strip()


def write_txt(database: Source, directory: str | Path, filters: ReportFilters | None = None) -> int:
    """One UTF-8 file per report under ``directory`` (see :class:`TxtTree`); returns how many."""
    tree = TxtTree(Path(directory))
    tree.root.mkdir(parents=True, exist_ok=True)
    count = 0
    for record in export_records(database, filters):
        path = tree.path_for(record)
        path.parent.mkdir(parents=True, exist_ok=True)
        tree.inside(path)  # again, now that the folders exist
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(txt_content(record))
        count += 1
    return count


# --- warc: the raw captures ---------------------------------------------------------------------------

# Headers that describe bytes no longer there: the stored body is decoded (no gzip, no chunks). They are
# kept under this prefix, and Content-Length is set to the body written.
ORIGINAL_HEADER_PREFIX = "X-Govreports-Original-"
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass
class WarcResult:
    """Reports written as response records, and reports skipped because no capture is stored."""

    written: int = 0
    skipped: int = 0


def replay_headers(headers: list[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """The stored response headers as they fit the decoded body."""
    kept = [
        (f"{ORIGINAL_HEADER_PREFIX}{name}" if name.lower() in _TRANSFER_HEADERS else name, value)
        for name, value in headers
    ]
    return [*kept, ("Content-Length", str(body_length))]


def warc_date(fetched_at: str | None) -> str | None:
    """An ISO timestamp as WARC-Date (UTC, ``Z``), or ``None`` when it cannot be read."""
    try:
        moment = datetime.fromisoformat(fetched_at or "")
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_line(status: int | None) -> str:
    code = status or 200
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Unknown"


def write_warc(database: Source, out: IO[bytes], filters: ReportFilters | None = None) -> WarcResult:
    """A gzipped WARC: a ``warcinfo`` record, then one ``response`` record per report whose page is
    stored (original status and headers, decoded body); reports without a capture are counted."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True)
    info = {"software": f"govreports/{__version__}", "format": "WARC File Format 1.0"}
    writer.write_record(writer.create_warcinfo_record("govreports.warc.gz", info))
    urls = [record["url"] for record in shards.filtered_reports(database, filters)]
    result = WarcResult()
    for page in shards.iter_pages(database, urls):
        body = page["body"]
        http_headers = StatusAndHeaders(
            _status_line(page["status"]), replay_headers(page["headers"], len(body)), protocol="HTTP/1.1"
        )
        date = warc_date(page["fetched_at"])
        record = writer.create_warc_record(
            page["url"],
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": date} if date else None,
        )
        writer.write_record(record)
        result.written += 1
    result.skipped = len(urls) - result.written
    return result
