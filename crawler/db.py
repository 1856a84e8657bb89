"""The corpus database: the only module that imports sqlite-utils.

It owns the schema (as numbered migrations applied in order and recorded in ``_migrations``), the
batched writes and the read queries the CLI needs. Everything else passes plain dicts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.db import Table

# Columns stored as JSON text and decoded again on the way out.
JSON_COLUMNS = ("spam", "tables")


class CorpusError(RuntimeError):
    """A database problem worth one clear line to the user (not a file, locked, newer schema…)."""


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _table(db: sqlite_utils.Database, name: str) -> Table:
    return db.table(name)


def _create_reports_and_runs(db: sqlite_utils.Database) -> None:
    _table(db, "reports").create(
        {
            "url": str,
            "title": str,
            "text": str,
            "index_no": str,
            "issuer": str,
            "doc_no": str,
            "written_date": str,
            "published_date": str,
            "report_year": int,
            "spam": str,
            "tables": str,
            "topic": str,
            "disclosure": str,
            "encoding": str,
            "container": str,
            "content_type": str,
            "status": int,
            "seed": str,
            "referer": str,
            "content_hash": str,
            "run_id": int,
            "fetched_at": str,
            "first_seen_at": str,
            "updated_at": str,
        },
        pk="url",
        not_null={"url", "text", "first_seen_at", "updated_at"},
    )
    _table(db, "reports").create_index(["report_year"])
    _table(db, "runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "seeds": str,
            "settings": str,
            "counts": str,
            "errors": str,
        },
        pk="id",
    )


def _add_attachments_and_seed_fields(db: sqlite_utils.Database) -> None:
    """Files of a report (its PDF/DOCX versions, or the file that is the report), the seed list's
    body/region/level hints, and per-seed outcomes and notes of each run."""
    reports = _table(db, "reports")
    for column, kind in (
        ("kind", str),
        ("scanned", int),
        ("body", str),
        ("region", str),
        ("level", str),
        ("anchor_text", str),
        ("rendered", int),
    ):
        reports.add_column(column, kind)
    runs = _table(db, "runs")
    runs.add_column("notes", str)
    runs.add_column("per_seed", str)
    _table(db, "attachments").create(
        {
            "url": str,
            "report_url": str,
            "kind": str,
            "title": str,
            "text": str,
            "pages": int,
            "scanned": int,
            "size": int,
            "sha256": str,
            "content_type": str,
            "fetched_at": str,
            "run_id": int,
        },
        pk="url",
        foreign_keys=[("report_url", "reports", "url")],
    )
    _table(db, "attachments").create_index(["report_url"])


# Append only: a migration, once released, is never edited; the next change is a new entry.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_reports_and_runs", _create_reports_and_runs),
    ("0002_attachments_and_seed_fields", _add_attachments_and_seed_fields),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not applied yet; return their names."""
    applied_table = _table(db, "_migrations")
    if not applied_table.exists():
        applied_table.create({"name": str, "applied_at": str}, pk="name")
    applied = {row["name"] for row in applied_table.rows}
    known = {name for name, _ in MIGRATIONS}
    if unknown := applied - known:
        raise CorpusError(f"database was written by a newer govreports (migrations {sorted(unknown)})")
    done = []
    for name, step in MIGRATIONS:
        if name in applied:
            continue
        with db.conn:
            step(db)
            applied_table.insert({"name": name, "applied_at": utcnow()})
        done.append(name)
    return done


def open_db(path: str | Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and create and migrate) the corpus at ``path``, in WAL mode with foreign keys on."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise CorpusError(f"{path} is a directory, not a database file")
    if not path.exists():
        if not create:
            raise CorpusError(f"no corpus at {path} (run `govreports crawl` or `govreports demo` first)")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA foreign_keys = ON")
        db.enable_wal()
        migrate(db)
    except sqlite_utils.db.sqlite3.DatabaseError as error:
        raise CorpusError(f"{path}: not a usable SQLite database ({error})") from error
    return db


def upsert_reports(db: sqlite_utils.Database, records: Iterable[dict[str, Any]]) -> int:
    """Insert or update reports by URL in one transaction; ``first_seen_at`` survives updates."""
    table = _table(db, "reports")
    columns = set(table.columns_dict)
    rows = [{key: value for key, value in record.items() if key in columns} for record in records]
    if not rows:
        return 0
    now = utcnow()
    urls = [row["url"] for row in rows]
    placeholders = ",".join("?" for _ in urls)
    first_seen = dict(
        db.execute(f"select url, first_seen_at from reports where url in ({placeholders})", urls).fetchall()
    )
    for row in rows:
        row["first_seen_at"] = first_seen.get(row["url"], now)
        row["updated_at"] = now
        for column in JSON_COLUMNS:
            row[column] = json.dumps(row.get(column) or [], ensure_ascii=False)
    with db.conn:
        table.upsert_all(rows, pk="url", batch_size=200)
    return len(rows)


def upsert_attachments(db: sqlite_utils.Database, records: Iterable[dict[str, Any]]) -> int:
    """Store files of stored reports; a file whose report is not stored is skipped (returns stored count)."""
    table = _table(db, "attachments")
    columns = set(table.columns_dict)
    rows = [{key: value for key, value in record.items() if key in columns} for record in records]
    if not rows:
        return 0
    wanted = sorted({row["report_url"] for row in rows})
    placeholders = ",".join("?" for _ in wanted)
    known = {url for (url,) in db.execute(f"select url from reports where url in ({placeholders})", wanted)}
    rows = [row for row in rows if row["report_url"] in known]
    with db.conn:
        table.upsert_all(rows, pk="url", batch_size=200)
    return len(rows)


def attachments_of(db: sqlite_utils.Database, report_url: str) -> list[dict[str, Any]]:
    return list(_table(db, "attachments").rows_where("report_url = ?", [report_url], order_by="url"))


def iter_reports(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every stored report, JSON columns decoded, oldest year first."""
    for row in _table(db, "reports").rows_where(order_by="report_year, published_date, url"):
        for column in JSON_COLUMNS:
            row[column] = json.loads(row[column]) if row.get(column) else []
        yield row


def count_reports(db: sqlite_utils.Database) -> int:
    return _table(db, "reports").count


def reports_per_year(db: sqlite_utils.Database) -> list[tuple[int | None, int]]:
    sql = "select report_year, count(*) from reports group by report_year order by report_year"
    return [(year, count) for year, count in db.execute(sql).fetchall()]


def start_run(db: sqlite_utils.Database, seeds: list[str], settings: dict[str, Any]) -> int:
    with db.conn:
        table = _table(db, "runs").insert(
            {
                "started_at": utcnow(),
                "status": "running",
                "seeds": json.dumps(seeds, ensure_ascii=False),
                "settings": json.dumps(settings, ensure_ascii=False, default=str),
            }
        )
    assert table.last_pk is not None
    return int(table.last_pk)


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    status: str,
    counts: dict[str, Any],
    errors: list[str],
    *,
    notes: list[str] | None = None,
    per_seed: dict[str, dict[str, int]] | None = None,
) -> None:
    with db.conn:
        _table(db, "runs").update(
            run_id,
            {
                "finished_at": utcnow(),
                "status": status,
                "counts": json.dumps(counts, ensure_ascii=False, default=str),
                "errors": json.dumps(errors, ensure_ascii=False),
                "notes": json.dumps(notes or [], ensure_ascii=False),
                "per_seed": json.dumps(per_seed or {}, ensure_ascii=False),
            },
        )


def list_runs(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(_table(db, "runs").rows_where(order_by="id"))
