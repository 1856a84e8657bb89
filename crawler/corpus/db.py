"""The corpus connection and its plain writes: opening (and migrating) the database with the pragmas a
crawl and its readers need, raw captures, files, sources, runs, and reading a capture back. The report
writes, which must decide which stored report a copy belongs to, are :mod:`crawler.corpus.dedupe`'s.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.corpus.schema import CorpusError, migrate, table, utcnow

# Page cache per connection (KiB): the hot FTS and LSH index pages stay in memory.
CACHE_KIB = 16_384

# How long a write waits for a lock held by another connection before it fails (ms).
BUSY_TIMEOUT_MS = 30_000

# A row as sqlite-utils reads and writes it: column name → value.
Row = dict[str, Any]


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
        # a reader or another writer holding the lock: wait for it rather than fail the batch
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.enable_wal()
        # WAL with synchronous=NORMAL: a killed crawl loses nothing committed (only an OS crash or power
        # cut can drop the last batches, which the next run fetches again); no fsync per batch.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        migrate(db)
    # sqlite-utils' own driver module (pysqlite3 when installed); it is re-exported implicitly, which
    # only `mypy --strict` (no_implicit_reexport everywhere) objects to
    except sqlite_utils.db.sqlite3.DatabaseError as error:  # type: ignore[attr-defined, unused-ignore]
        raise CorpusError(f"{path}: not a usable SQLite database ({error})") from error
    return db


def checkpoint(db: sqlite_utils.Database) -> None:
    """Move the write-ahead log into the database file, so a reader that ignores the log (datasette's
    ``--immutable``) sees every stored row."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def select_rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[Row]:
    """The rows of a query as dicts (column name → value)."""
    cursor = db.execute(sql, params)
    names = [description[0] for description in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


# --- writes --------------------------------------------------------------------------------------------


def write_row(db: sqlite_utils.Database, name: str, row: Mapping[str, Any], pk: str | None = None) -> None:
    """Insert (or, with ``pk``, upsert) one row with plain SQL: unlike sqlite-utils' writers it does not
    commit, so a whole batch stays one transaction — atomic, and ~25× faster on FTS-indexed tables."""
    names = list(row)
    columns = ", ".join(f"[{column}]" for column in names)
    marks = ", ".join("?" for _ in names)
    sql = f"insert into [{name}] ({columns}) values ({marks})"
    if pk is not None:
        updates = ", ".join(f"[{column}] = excluded.[{column}]" for column in names if column != pk)
        sql += (
            f" on conflict([{pk}]) do update set {updates}" if updates else f" on conflict([{pk}]) do nothing"
        )
    db.execute(sql, [row[column] for column in names])


def upsert_attachments(db: sqlite_utils.Database, records: Iterable[Row]) -> int:
    """Store files of stored reports; a file whose report is not stored is skipped (returns stored count)."""
    rows = storable_files(db, records)
    if not rows:
        return 0
    with db.atomic():
        table(db, "attachments").upsert_all(rows, pk="url", batch_size=200)
    return len(rows)


def storable_files(db: sqlite_utils.Database, records: Iterable[Row]) -> list[Row]:
    """The file records whose report is stored, cut to the ``attachments`` columns; a file of a copy
    that joined a report stored before (a source of it) goes to that report."""
    columns = set(table(db, "attachments").columns_dict)
    rows = [{key: value for key, value in record.items() if key in columns} for record in records]
    wanted = sorted({row["report_url"] for row in rows})
    marks = ",".join("?" for _ in wanted)
    known = {url for (url,) in db.execute(f"select url from reports where url in ({marks})", wanted)}
    sql = f"select url, report_url from sources where url in ({marks})"
    joined: dict[str, str | None] = dict(db.execute(sql, wanted).fetchall())
    for row in rows:
        if row["report_url"] not in known and (report_url := joined.get(row["report_url"])) is not None:
            row["report_url"] = report_url
            known.add(report_url)
    return [row for row in rows if row["report_url"] in known]


def save_pages(db: sqlite_utils.Database, rows: Iterable[Row]) -> int:
    """Raw captures, compressed, so extraction can run again without crawling (``reextract``)."""
    rows = list(rows)
    if rows:
        with db.atomic():
            table(db, "pages").upsert_all(rows, pk="url", batch_size=100)
    return len(rows)


def add_sources(db: sqlite_utils.Database, rows: Iterable[Row]) -> int:
    """Add ``sources`` rows whose report is stored and whose URL is not known yet; returns how many."""
    added = 0
    with db.atomic():
        for row in rows:
            known = db.execute("select 1 from sources where url = ?", [row["url"]]).fetchone()
            owner = db.execute("select 1 from reports where url = ?", [row["report_url"]]).fetchone()
            if known is None and owner is not None:
                write_row(db, "sources", row)
                added += 1
    return added


# --- runs ----------------------------------------------------------------------------------------------


# A running run's process updates its ``last_seen`` this often (seconds); one not seen for
# STALE_AFTER is taken for gone even if a process with its id lives (the id may have been reused).
HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(minutes=10)


def start_run(
    db: sqlite_utils.Database,
    seeds: list[str],
    settings: dict[str, Any],
    *,
    run_id: int | None = None,
    started_at: str | None = None,
) -> int:
    """Open a run's row (``running``); ``run_id``, when given and free, is its id (a shard's row of a
    run takes the id the run has in its ledger), else the next one."""
    now = utcnow()
    row: dict[str, Any] = {
        "started_at": started_at or now,
        "last_seen": now,
        "pid": os.getpid(),
        "status": "running",
        "seeds": json.dumps(seeds, ensure_ascii=False),
        "settings": json.dumps(settings, ensure_ascii=False, default=str),
    }
    with db.atomic():
        if run_id is not None and db.execute("select 1 from runs where id = ?", [run_id]).fetchone() is None:
            row["id"] = run_id
        runs = table(db, "runs").insert(row)
    assert runs.last_pk is not None
    return int(runs.last_pk)


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    status: str,
    counts: dict[str, Any],
    errors: list[str],
    *,
    notes: list[str] | None = None,
    per_seed: dict[str, dict[str, int]] | None = None,
    compromised: Mapping[str, int] | None = None,
    failed_pages: list[str] | None = None,
) -> None:
    """Close a run; ``compromised`` counts, per host, the stored reports whose page had spam;
    ``failed_pages`` are ``URL: reason`` lines of pages that could not be fetched."""
    sites = [
        {"host": host, "reports": count}
        for host, count in sorted((compromised or {}).items(), key=lambda item: (-item[1], item[0]))
    ]
    with db.atomic():
        table(db, "runs").update(
            run_id,
            {
                "finished_at": utcnow(),
                "status": status,
                "counts": json.dumps(counts, ensure_ascii=False, default=str),
                "errors": json.dumps(errors, ensure_ascii=False),
                "notes": json.dumps(notes or [], ensure_ascii=False),
                "per_seed": json.dumps(per_seed or {}, ensure_ascii=False),
                "compromised_sites": json.dumps(sites, ensure_ascii=False),
                "failed_pages": json.dumps(failed_pages or [], ensure_ascii=False),
            },
        )


def touch_run(db: sqlite_utils.Database, run_id: int) -> None:
    """The run's heartbeat: its process is alive now."""
    with db.atomic():
        db.execute("update runs set last_seen = ? where id = ?", [utcnow(), run_id])


def record_dropped(db: sqlite_utils.Database, run_id: int, rows: Iterable[Mapping[str, Any]]) -> int:
    """Pages of a run fetched and not stored: ``url``, ``reason`` (one word) and ``detail``."""
    count = 0
    for row in rows:
        values = {"run_id": run_id, "url": row["url"], "reason": row["reason"]}
        values |= {"detail": row.get("detail") or "", "at": row.get("at") or utcnow()}
        write_row(db, "dropped", values)
        count += 1
    return count


def mark_interrupted_runs(db: sqlite_utils.Database) -> int:
    """Runs left ``running`` by a process that is gone (killed, or stopped before it could close its
    run): ``interrupted``, finished when last seen. A run whose process lives and was seen lately is
    left alone (another crawl on the same corpus)."""
    with db.atomic():
        # a write first: it waits for another writer's lock (busy_timeout) before anything is read
        db.execute("update runs set status = status where status = 'running'")
        sql = "select id, pid, last_seen, started_at from runs where status = 'running'"
        rows = db.execute(sql).fetchall()
        gone = [
            (last_seen or started, run_id)
            for run_id, pid, last_seen, started in rows
            if not _alive(pid, last_seen)
        ]
        for finished, run_id in gone:
            db.execute(
                "update runs set status = 'interrupted', finished_at = ? where id = ?", [finished, run_id]
            )
    return len(gone)


def _alive(pid: int | None, last_seen: str | None) -> bool:
    if not pid or pid == os.getpid() or not last_seen:
        return False
    try:
        seen = datetime.fromisoformat(last_seen)
    except ValueError:
        return False
    if datetime.now(UTC) - seen > STALE_AFTER:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- stored captures -----------------------------------------------------------------------------------


def decompress(body: bytes | None, compression: str | None) -> bytes:
    """A stored capture's body as fetched."""
    if body is None:
        return b""
    if compression in (None, "", "identity"):
        return bytes(body)
    if compression == "zlib":
        return zlib.decompress(body)
    raise CorpusError(f"stored page compressed as {compression!r}: not known to this govreports")


def stored_capture(db: sqlite_utils.Database, url: str) -> tuple[bytes, dict[str, str]] | None:
    """The raw bytes and headers stored for ``url``, decompressed; None when none is stored."""
    row = db.execute("select body, compression, headers from pages where url = ?", [url]).fetchone()
    if row is None or row[0] is None:
        return None
    body, compression, headers = row
    decoded: dict[str, str] = json.loads(headers or "{}")
    return decompress(body, compression), decoded


def stored_validators(db: sqlite_utils.Database) -> dict[str, tuple[str | None, str | None]]:
    """URL → (ETag, Last-Modified) of every stored capture, for conditional requests; a capture kept
    only because its extraction failed is left out, so the crawl fetches and reads it again."""
    sql = (
        "select url, etag, last_modified from pages p where not exists (select 1 from dropped d "
        "where d.url = p.url and d.reason in ('unreadable_file', 'failed')) "
        "or exists (select 1 from reports r where r.url = p.url) "
        "or exists (select 1 from attachments a where a.url = p.url)"
    )
    return {url: (etag, modified) for url, etag, modified in db.execute(sql).fetchall()}
