"""The corpus database: the only module that imports sqlite-utils.

It owns the schema (as numbered migrations applied in order and recorded in ``_migrations``), the
batched writes and the read queries the CLI needs. Everything else passes plain dicts.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlite_utils
from sqlite_utils.db import Table

from crawler.corpus.identity import Copy, Match, find_match, is_official_host
from crawler.extract.fingerprint import signature_bands, text_signature, title_key

# Columns stored as JSON text and decoded again on the way out, with the value an absent one stands for.
JSON_COLUMNS: dict[str, Callable[[], Any]] = {
    "spam": list,
    "tables": dict,
    "checks": list,
    "raw_tables": list,
    "sources": dict,
}


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


def _add_statistics_provenance_and_spam(db: sqlite_utils.Database) -> None:
    """Issues #4 and #5: the parsed statistics and their checks, where each field came from, and whether
    (and how) the page was compromised; the run lists the compromised sites.

    Rows stored before held the raw table grids in ``tables``: they move to ``raw_tables`` (``tables``
    now holds the parsed statistics, filled when the report is extracted again), and the spam columns
    are derived from the stored findings.
    """
    reports = _table(db, "reports")
    existing = set(reports.columns_dict)
    for column, kind in (
        ("text_normalised", str),
        ("compromised", int),
        ("spam_kinds", str),
        ("template_version", str),
        ("checks", str),
        ("raw_tables", str),
        ("sources", str),
        ("topic", str),
        ("disclosure", str),
    ):
        if column not in existing:
            reports.add_column(column, kind)
    reports.create_index(["compromised"])
    _table(db, "runs").add_column("compromised_sites", str)
    for url, spam, tables in db.execute("select url, spam, tables from reports").fetchall():
        findings = json.loads(spam) if spam else []
        grids = json.loads(tables) if tables else []
        moved = isinstance(grids, list)
        db.execute(
            "update reports set tables = ?, raw_tables = ?, checks = '[]', sources = '{}', "
            "compromised = ?, spam_kinds = ? where url = ?",
            [
                "{}" if moved else tables,
                json.dumps(grids if moved else [], ensure_ascii=False),
                int(bool(findings)),
                ",".join(sorted({finding.get("kind", "") for finding in findings})),
                url,
            ],
        )


def _add_corpus_tables(db: sqlite_utils.Database) -> None:
    """Issue #6: raw captures (``pages``) for re-extraction and WARC export, every URL a report was seen
    at (``sources``), earlier versions of changed reports, near-duplicate signatures with their LSH
    bands, and full-text search over titles and texts (FTS5, trigram tokenizer)."""
    _table(db, "pages").create(
        {
            "url": str,
            "status": int,
            "headers": str,
            "body": bytes,
            "compression": str,
            "size": int,
            "sha256": str,
            "content_type": str,
            "etag": str,
            "last_modified": str,
            "fetched_at": str,
            "run_id": int,
        },
        pk="url",
    )
    _table(db, "sources").create(
        {
            "url": str,
            "report_url": str,
            "host": str,
            "is_gov": int,
            "is_canonical": int,
            "compromised": int,
            "spam": str,
            "title": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "run_id": int,
        },
        pk="url",
        foreign_keys=[("report_url", "reports", "url")],
    )
    _table(db, "sources").create_index(["report_url"])
    _table(db, "report_versions").create(
        {
            "id": int,
            "report_url": str,
            "content_hash": str,
            "title": str,
            "text": str,
            "published_date": str,
            "stored_at": str,
            "run_id": int,
        },
        pk="id",
        foreign_keys=[("report_url", "reports", "url")],
    )
    _table(db, "report_versions").create_index(["report_url"])
    _table(db, "fingerprints").create(
        {"report_url": str, "signature": bytes, "title_key": str, "report_year": int, "body": str},
        pk="report_url",
        foreign_keys=[("report_url", "reports", "url")],
    )
    _table(db, "lsh_bands").create({"band_key": str, "report_url": str})
    _table(db, "lsh_bands").create_index(["band_key"])
    _table(db, "lsh_bands").create_index(["report_url"])
    _table(db, "reports").add_column("content_hash_normalised", str)
    _table(db, "reports").create_index(["content_hash"])
    _table(db, "reports").enable_fts(["title", "text"], tokenize="trigram", create_triggers=True)


def _recompute_signatures(db: sqlite_utils.Database) -> None:
    """Signatures are now MinHash over numpy-hashed shingles (datasketch's affine32 scheme) instead of
    SHA-1 per shingle: recompute every stored one, and its LSH bands, from the report's text, so old
    and new copies of a report still meet."""
    sql = "select f.report_url, r.text from fingerprints f join reports r on r.url = f.report_url"
    rows = db.execute(sql)
    for report_url, text in rows.fetchall():
        signature = text_signature(text) if text else None
        db.execute("update fingerprints set signature = ? where report_url = ?", [signature, report_url])
        db.execute("delete from lsh_bands where report_url = ?", [report_url])
        for band in signature_bands(signature) if signature else []:
            db.execute("insert into lsh_bands (band_key, report_url) values (?, ?)", [band, report_url])


def _add_failed_pages(db: sqlite_utils.Database) -> None:
    """Pages that failed in a run (``URL: reason``), beside the seed errors."""
    _table(db, "runs").add_column("failed_pages", str)


def _index_title_keys(db: sqlite_utils.Database) -> None:
    """Near-duplicate candidates are looked up by title key too (:func:`_candidates`)."""
    _table(db, "fingerprints").create_index(["title_key"], if_not_exists=True)


def _add_report_file(db: sqlite_utils.Database) -> None:
    """Issue #14: a stub report page's text comes from the file it points to (``report_file``)."""
    _table(db, "reports").add_column("report_file", str)


# Append only: a migration, once released, is never edited; the next change is a new entry.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_reports_and_runs", _create_reports_and_runs),
    ("0002_attachments_and_seed_fields", _add_attachments_and_seed_fields),
    ("0003_statistics_provenance_and_spam", _add_statistics_provenance_and_spam),
    ("0004_corpus_tables", _add_corpus_tables),
    ("0005_numpy_shingle_signatures", _recompute_signatures),
    ("0006_failed_pages", _add_failed_pages),
    ("0007_title_key_index", _index_title_keys),
    ("0008_report_file", _add_report_file),
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
        with db.atomic():
            step(db)
            applied_table.insert({"name": name, "applied_at": utcnow()})
        done.append(name)
    return done


# Page cache per connection (KiB): the hot FTS and LSH index pages stay in memory.
CACHE_KIB = 16_384

# How long a write waits for a lock held by another connection before it fails (ms).
BUSY_TIMEOUT_MS = 30_000


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
        findings = row.get("spam") or []
        row["compromised"] = bool(row.get("compromised") or findings)
        row["spam_kinds"] = spam_kinds(findings)
        for column, empty in JSON_COLUMNS.items():
            value = row.get(column)
            row[column] = json.dumps(empty() if value is None else value, ensure_ascii=False)
    with db.atomic():
        table.upsert_all(rows, pk="url", batch_size=200)
    return len(rows)


def spam_kinds(findings: Iterable[Mapping[str, Any]]) -> str:
    """The kinds of a page's spam findings, sorted and comma-joined, for filtering with ``LIKE``."""
    return ",".join(sorted({str(finding.get("kind", "")) for finding in findings}))


def upsert_attachments(db: sqlite_utils.Database, records: Iterable[dict[str, Any]]) -> int:
    """Store files of stored reports; a file whose report is not stored is skipped (returns stored count)."""
    rows = _storable_files(db, records)
    if not rows:
        return 0
    with db.atomic():
        _table(db, "attachments").upsert_all(rows, pk="url", batch_size=200)
    return len(rows)


def _storable_files(db: sqlite_utils.Database, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The file records whose report is stored, cut to the ``attachments`` columns."""
    columns = set(_table(db, "attachments").columns_dict)
    rows = [{key: value for key, value in record.items() if key in columns} for record in records]
    wanted = sorted({row["report_url"] for row in rows})
    marks = ",".join("?" for _ in wanted)
    known = {url for (url,) in db.execute(f"select url from reports where url in ({marks})", wanted)}
    return [row for row in rows if row["report_url"] in known]


def attachments_of(db: sqlite_utils.Database, report_url: str) -> list[dict[str, Any]]:
    return list(_table(db, "attachments").rows_where("report_url = ?", [report_url], order_by="url"))


def iter_reports(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every stored report, JSON columns decoded, oldest year first."""
    for row in _table(db, "reports").rows_where(order_by="report_year, published_date, url"):
        for column, empty in JSON_COLUMNS.items():
            row[column] = json.loads(row[column]) if row.get(column) else empty()
        yield row


def failing_checks(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every failed consistency check of the stored reports (url, title, rule, where, left, right),
    in report order."""
    sql = "select url, title, checks from reports where checks like '%\"fail\"%' order by report_year, url"
    for url, title, checks in db.execute(sql).fetchall():
        for check in json.loads(checks):
            if check.get("status") == "fail":
                yield {"url": url, "title": title} | {
                    key: check.get(key) for key in ("rule", "where", "left", "right")
                }


def count_reports(db: sqlite_utils.Database) -> int:
    return _table(db, "reports").count


def count_reports_of_run(db: sqlite_utils.Database, run_id: int) -> int:
    """Reports whose stored text a run wrote (new, changed or promoted): read from the corpus, so the
    count holds even when a write failed after SQLite had committed it (a checkpoint on a full disk)."""
    return int(db.execute("select count(*) from reports where run_id = ?", [run_id]).fetchone()[0])


def reports_per_year(db: sqlite_utils.Database) -> list[tuple[int | None, int]]:
    sql = "select report_year, count(*) from reports group by report_year order by report_year"
    return [(year, count) for year, count in db.execute(sql).fetchall()]


def start_run(db: sqlite_utils.Database, seeds: list[str], settings: dict[str, Any]) -> int:
    with db.atomic():
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
        _table(db, "runs").update(
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


def compromised_sites(db: sqlite_utils.Database, run_id: int) -> list[tuple[str, int]]:
    """The hosts whose stored reports had spam in a run, with how many reports, most first."""
    row = db.execute("select compromised_sites from runs where id = ?", [run_id]).fetchone()
    if row is None or not row[0]:
        return []
    return [(site["host"], site["reports"]) for site in json.loads(row[0])]


def list_runs(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(_table(db, "runs").rows_where(order_by="id"))


# --- identity-aware storage: one report, several sources ---------------------------------------------


def _write_row(db: sqlite_utils.Database, table: str, row: Mapping[str, Any], pk: str | None = None) -> None:
    """Insert (or, with ``pk``, upsert) one row with plain SQL: unlike sqlite-utils' writers it does not
    commit, so a whole batch stays one transaction — atomic, and ~25× faster on FTS-indexed tables."""
    names = list(row)
    columns = ", ".join(f"[{name}]" for name in names)
    marks = ", ".join("?" for _ in names)
    sql = f"insert into [{table}] ({columns}) values ({marks})"
    if pk is not None:
        updates = ", ".join(f"[{name}] = excluded.[{name}]" for name in names if name != pk)
        sql += (
            f" on conflict([{pk}]) do update set {updates}" if updates else f" on conflict([{pk}]) do nothing"
        )
    db.execute(sql, [row[name] for name in names])


def _prepare_report_row(row: dict[str, Any], columns: set[str], now: str, first_seen: str | None) -> dict:
    """A report record as stored: known columns only, JSON columns encoded, spam flags derived."""
    row = {key: value for key, value in row.items() if key in columns}
    row["first_seen_at"] = first_seen or now
    row["updated_at"] = now
    findings = row.get("spam") or []
    row["compromised"] = bool(row.get("compromised") or findings)
    row["spam_kinds"] = spam_kinds(findings)
    for column, empty in JSON_COLUMNS.items():
        value = row.get(column)
        row[column] = json.dumps(empty() if value is None else value, ensure_ascii=False)
    return row


def _stored_copy(row: Mapping[str, Any]) -> Copy:
    return Copy(
        url=row["url"],
        report_year=row["report_year"],
        body=row["body"],
        title_key=row["title_key"] or "",
        content_hash=row["content_hash"],
        signature=row["signature"],
        kind=row["kind"] or "html",
        scanned=bool(row["scanned"]),
        compromised=bool(row["compromised"]),
        is_gov=bool(row["is_gov"]),
    )


def _candidates(db: sqlite_utils.Database, new: Copy, bands: list[str]) -> list[Copy]:
    """Stored reports of the same year that share the exact text, a title key or an LSH band. Each of
    the three is an index lookup: one ``OR`` over them made SQLite scan every report of the year (their
    long rows included), a cost that grew with the corpus (~20 ms a report at 10,000 reports). ``cross
    join`` keeps the matches first: with many bands the planner otherwise scans the year again."""
    band_marks = ",".join("?" for _ in bands) or "''"
    sql = f"""
        with matches(url) as (
            select url from reports where content_hash = ?
            union select report_url from fingerprints where title_key = ?
            union select report_url from lsh_bands where band_key in ({band_marks})
        )
        select r.url, r.report_year, r.body, f.title_key, r.content_hash, f.signature, r.kind, r.scanned,
               r.compromised, coalesce(s.is_gov, 0) as is_gov
        from matches m
        cross join reports r on r.url = m.url
        left join fingerprints f on f.report_url = r.url
        left join sources s on s.url = r.url
        where r.report_year = ? and r.url != ?
        order by r.rowid
    """
    params = [new.content_hash or "", new.title_key or "\x00", *bands, new.report_year, new.url]
    cursor = db.execute(sql, params)
    names = [description[0] for description in cursor.description]
    return [_stored_copy(dict(zip(names, values, strict=True))) for values in cursor.fetchall()]


def _save_fingerprint(db: sqlite_utils.Database, copy: Copy, bands: list[str]) -> None:
    db.execute("delete from lsh_bands where report_url = ?", [copy.url])
    _write_row(
        db,
        "fingerprints",
        {
            "report_url": copy.url,
            "signature": copy.signature,
            "title_key": copy.title_key,
            "report_year": copy.report_year,
            "body": copy.body,
        },
        pk="report_url",
    )
    for band in bands:
        _write_row(db, "lsh_bands", {"band_key": band, "report_url": copy.url})


def _save_source(
    db: sqlite_utils.Database, copy: Copy, report_url: str, record: Mapping[str, Any], run_id: int | None
) -> None:
    now = utcnow()
    known = db.execute("select first_seen_at from sources where url = ?", [copy.url]).fetchone()
    _write_row(
        db,
        "sources",
        {
            "url": copy.url,
            "report_url": report_url,
            "host": copy.host,
            "is_gov": copy.is_gov,
            "is_canonical": copy.url == report_url,
            "compromised": copy.compromised,
            "spam": json.dumps(record.get("spam") or [], ensure_ascii=False),
            "title": record.get("title"),
            "first_seen_at": known[0] if known else now,
            "last_seen_at": now,
            "run_id": run_id,
        },
        pk="url",
    )


def _save_file_source(
    db: sqlite_utils.Database, copy: Copy, report_url: str, record: Mapping[str, Any], run_id: int | None
) -> None:
    """A stub page's file, whose text the report took (``report_file``): a URL of the report too."""
    if record.get("report_file") and (record.get("sources") or {}).get("text") == "attachment":
        _save_source(db, replace(copy, url=record["report_file"]), report_url, record, run_id)


def _keep_version(db: sqlite_utils.Database, url: str, run_id: int | None) -> None:
    """The stored text of a report that changed, kept before it is overwritten."""
    row = db.execute("select content_hash, title, text, published_date from reports where url = ?", [url])
    content_hash, title, text, published = row.fetchone()
    _write_row(
        db,
        "report_versions",
        {
            "report_url": url,
            "content_hash": content_hash,
            "title": title,
            "text": text,
            "published_date": published,
            "stored_at": utcnow(),
            "run_id": run_id,
        },
    )


def _promote(db: sqlite_utils.Database, old_url: str, new_url: str) -> None:
    """``new_url`` outranks the stored canonical copy: the report moves to it, with all it owns."""
    for table in ("sources", "attachments", "report_versions"):
        db.execute(f"update {table} set report_url = ? where report_url = ?", [new_url, old_url])
    db.execute("update sources set is_canonical = (url = ?) where report_url = ?", [new_url, new_url])
    db.execute("delete from lsh_bands where report_url = ?", [old_url])
    db.execute("delete from fingerprints where report_url = ?", [old_url])
    db.execute("delete from reports where url = ?", [old_url])


@dataclass
class StoreResult:
    """What one batch did, and where each copy went (``report_of``: copy URL → report URL)."""

    new: int = 0
    updated: int = 0
    versions: int = 0
    merged: int = 0
    promoted: int = 0
    report_of: dict[str, str] = field(default_factory=dict)


def store_reports(
    db: sqlite_utils.Database,
    records: Iterable[dict[str, Any]],
    *,
    run_id: int | None = None,
    official_hosts: frozenset[str] = frozenset(),
) -> StoreResult:
    """Store fetched reports in one transaction, each as a new report, a new version of itself, or a
    source of a report already stored (exact copy, near duplicate, 图片版/超链版 version); a copy that
    outranks the stored canonical one (the official gov.cn page over a mirror) takes its place."""
    with db.atomic():
        return _store_reports(db, records, run_id, official_hosts)


def _store_reports(
    db: sqlite_utils.Database,
    records: Iterable[dict[str, Any]],
    run_id: int | None,
    official_hosts: frozenset[str],
) -> StoreResult:
    result = StoreResult()
    columns = set(_table(db, "reports").columns_dict)
    for record in records:
        _store_one(db, dict(record), columns, result, run_id, official_hosts)
    return result


def write_batch(
    db: sqlite_utils.Database,
    reports: Iterable[dict[str, Any]],
    files: list[dict[str, Any]],
    pages: list[dict[str, Any]],
    *,
    run_id: int | None = None,
    official_hosts: frozenset[str] = frozenset(),
) -> tuple[StoreResult, int]:
    """A crawl's batch in one transaction: reports (as :func:`store_reports`), their files re-targeted
    to the report each copy joined (a file whose report is not stored is skipped) and the raw captures.
    All or nothing: a failed write (disk full) leaves the corpus as it was before the batch. Returns
    the reports' result and the number of files stored."""
    with db.atomic():
        result = _store_reports(db, reports, run_id, official_hosts)
        for row in files:
            row["report_url"] = result.report_of.get(row["report_url"], row["report_url"])
        stored_files = _storable_files(db, files)
        for row in stored_files:
            _write_row(db, "attachments", row, pk="url")
        for row in pages:
            _write_row(db, "pages", row, pk="url")
    return result, len(stored_files)


def _store_one(
    db: sqlite_utils.Database,
    record: dict[str, Any],
    columns: set[str],
    result: StoreResult,
    run_id: int | None,
    official_hosts: frozenset[str],
) -> None:
    signature = record.pop("signature", None)
    bands = signature_bands(signature) if signature else []
    copy = Copy(
        url=record["url"],
        report_year=record.get("report_year"),
        body=record.get("body"),
        title_key=title_key(record.get("title")),
        content_hash=record.get("content_hash") if (record.get("text") or "").strip() else None,
        signature=signature,
        kind=record.get("kind") or "html",
        scanned=bool(record.get("scanned")),
        compromised=bool(record.get("compromised") or record.get("spam")),
        is_gov=is_official_host(urlsplit(record["url"]).hostname or "", official_hosts),
    )
    now = utcnow()
    stored = db.execute(
        "select content_hash, first_seen_at from reports where url = ?", [copy.url]
    ).fetchone()
    if stored is not None:
        if stored[0] != record.get("content_hash"):
            _keep_version(db, copy.url, run_id)
            result.versions += 1
        _write_row(db, "reports", _prepare_report_row(record, columns, now, stored[1]), pk="url")
        _save_fingerprint(db, copy, bands)
        _save_source(db, copy, copy.url, record, run_id)
        _save_file_source(db, copy, copy.url, record, run_id)
        result.updated += 1
        result.report_of[copy.url] = copy.url
        return
    owner = db.execute("select report_url from sources where url = ?", [copy.url]).fetchone()
    match = (
        Match(owner[0], "seen", promote=False) if owner else find_match(copy, _candidates(db, copy, bands))
    )
    if match is None or match.promote:
        _write_row(db, "reports", _prepare_report_row(record, columns, now, None), pk="url")
        _save_fingerprint(db, copy, bands)
        if match is not None:
            _promote(db, match.report_url, copy.url)
            result.promoted += 1
        else:
            result.new += 1
        _save_source(db, copy, copy.url, record, run_id)
        _save_file_source(db, copy, copy.url, record, run_id)
        result.report_of[copy.url] = copy.url
        return
    _save_source(db, copy, match.report_url, record, run_id)
    _save_file_source(db, copy, match.report_url, record, run_id)
    result.merged += 1
    result.report_of[copy.url] = match.report_url


def save_pages(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> int:
    """Raw captures, compressed, so extraction can run again without crawling (``reextract``)."""
    rows = list(rows)
    if rows:
        with db.atomic():
            _table(db, "pages").upsert_all(rows, pk="url", batch_size=100)
    return len(rows)


def stored_validators(db: sqlite_utils.Database) -> dict[str, tuple[str | None, str | None]]:
    """URL → (ETag, Last-Modified) of every stored capture, for conditional requests."""
    sql = "select url, etag, last_modified from pages"
    return {url: (etag, modified) for url, etag, modified in db.execute(sql).fetchall()}


def mark_interrupted_runs(db: sqlite_utils.Database) -> int:
    """Runs left ``running`` by a killed process: say so, before a new run starts."""
    with db.atomic():
        cursor = db.execute("update runs set status = 'interrupted' where status = 'running'")
    return int(cursor.rowcount or 0)


def sources_of(db: sqlite_utils.Database, report_url: str) -> list[dict[str, Any]]:
    return list(_table(db, "sources").rows_where("report_url = ?", [report_url], order_by="url"))


def versions_of(db: sqlite_utils.Database, report_url: str) -> list[dict[str, Any]]:
    return list(_table(db, "report_versions").rows_where("report_url = ?", [report_url], order_by="id"))


# --- search and export queries -------------------------------------------------------------------------
# crawler.corpus.search is imported inside this section's functions: the module head is the migrations' and
# storage's.
if TYPE_CHECKING:
    from crawler.corpus.search import SearchPlan

# Matches in a title count this many times a match in the text when hits are ranked.
TITLE_WEIGHT = 10.0
# FTS5 snippet(): how many tokens (with the trigram tokenizer, about as many characters) of context.
SNIPPET_TOKENS = 32
# URLs per ``in (...)`` query when reading captures.
PAGE_BATCH = 500


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
            from crawler.corpus.search import like_pattern

            conditions.append(f"{alias}region like ? escape '\\'")
            params.append(like_pattern(self.region))
        if self.spam_free:
            conditions.append(f"coalesce({alias}compromised, 0) = 0")
        return " and ".join(conditions) or "1", params


def _decode_json_columns(row: dict[str, Any]) -> dict[str, Any]:
    for column, empty in JSON_COLUMNS.items():
        row[column] = json.loads(row[column]) if row.get(column) else empty()
    return row


def filtered_reports(
    db: sqlite_utils.Database, filters: ReportFilters | None = None
) -> Iterator[dict[str, Any]]:
    """The stored reports that pass ``filters``, JSON columns decoded, in :func:`iter_reports` order."""
    where, params = (filters or ReportFilters()).clause()
    rows = _table(db, "reports").rows_where(where, params, order_by="report_year, published_date, url")
    for row in rows:
        yield _decode_json_columns(row)


def report_columns(db: sqlite_utils.Database) -> dict[str, type]:
    """The ``reports`` columns and their Python types, in table order."""
    return dict(_table(db, "reports").columns_dict)


def search_reports(
    db: sqlite_utils.Database,
    query: str,
    *,
    year: int | None = None,
    body: str | None = None,
    level: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Reports whose title or text holds every term of ``query``, best first: FTS5 (ranked by bm25, with
    ``snippet()``) when every term has three characters or more, else ``LIKE`` (ranked by how often the
    terms occur, with a centred excerpt). Each hit: url, title, report_year, body, level, published_date,
    snippet, rank (lower is better) and match (``fts`` or ``like``)."""
    from crawler.corpus.search import plan_query

    plan = plan_query(query)
    filters = ReportFilters(year=year, body=body, level=level)
    hits = _search_fts(db, plan, filters, limit) if plan.use_fts else _search_like(db, plan, filters, limit)
    return hits


_HIT_COLUMNS = "r.url, r.title, r.report_year, r.body, r.level, r.published_date"


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [description[0] for description in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _search_fts(
    db: sqlite_utils.Database, plan: SearchPlan, filters: ReportFilters, limit: int
) -> list[dict]:
    from crawler.corpus.search import ELLIPSIS, MARK_END, MARK_START, fts_match_expression, one_line

    where, params = filters.clause("r.")
    sql = f"""
        select {_HIT_COLUMNS},
               snippet(reports_fts, -1, ?, ?, ?, {SNIPPET_TOKENS}) as snippet,
               bm25(reports_fts, {TITLE_WEIGHT}, 1.0) as rank
        from reports_fts join reports r on r.rowid = reports_fts.rowid
        where reports_fts match ? and {where}
        order by rank, r.url
        limit ?
    """
    hits = _rows(db, sql, [MARK_START, MARK_END, ELLIPSIS, fts_match_expression(plan), *params, limit])
    for hit in hits:
        hit["snippet"] = one_line(hit["snippet"] or "")
        hit["match"] = "fts"
    return hits


def _search_like(
    db: sqlite_utils.Database, plan: SearchPlan, filters: ReportFilters, limit: int
) -> list[dict]:
    from crawler.corpus.search import centred_excerpt, like_pattern

    variant_conditions, params = [], []
    for variant in plan.variants:
        terms = ["(r.title like ? escape '\\' or r.text like ? escape '\\')" for _ in variant]
        variant_conditions.append("(" + " and ".join(terms) + ")")
        params += [pattern for term in variant for pattern in (like_pattern(term),) * 2]
    counts = [f"{TITLE_WEIGHT} * {_occurrences('r.title')} + {_occurrences('r.text')}" for _ in plan.terms]
    count_params = [value for term in plan.terms for value in (term, len(term)) * 2]
    where, filter_params = filters.clause("r.")
    sql = f"""
        select {_HIT_COLUMNS}, r.text, -({" + ".join(counts)}) as rank
        from reports r
        where ({" or ".join(variant_conditions)}) and {where}
        order by rank, r.report_year desc, r.url
        limit ?
    """
    hits = _rows(db, sql, [*count_params, *params, *filter_params, limit])
    for hit in hits:
        text = hit.pop("text") or ""
        in_text = any(term.casefold() in text.casefold() for term in plan.terms)
        hit["snippet"] = centred_excerpt(text if in_text else hit["title"] or "", plan.terms)
        hit["match"] = "like"
    return hits


def _occurrences(column: str) -> str:
    """SQL for how often a term (two parameters: the term, its length) occurs in ``column``."""
    return f"((length(coalesce({column}, '')) - length(replace(coalesce({column}, ''), ?, ''))) / ?)"


def _decompress(body: bytes | None, compression: str | None) -> bytes:
    if body is None:
        return b""
    if compression in (None, "", "identity"):
        return bytes(body)
    if compression == "zlib":
        return zlib.decompress(body)
    raise CorpusError(f"stored page compressed as {compression!r}: not known to this govreports")


def iter_pages(db: sqlite_utils.Database, urls: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The raw captures of ``urls`` that are stored (in the order asked), body decompressed and headers
    decoded to a list of (name, value) pairs."""
    wanted = list(dict.fromkeys(urls))
    for start in range(0, len(wanted), PAGE_BATCH):
        batch = wanted[start : start + PAGE_BATCH]
        placeholders = ",".join("?" for _ in batch)
        sql = f"select * from pages where url in ({placeholders})"
        rows = {row["url"]: row for row in _rows(db, sql, batch)}
        for url in batch:
            if (row := rows.get(url)) is not None:
                row["body"] = _decompress(row["body"], row["compression"])
                row["headers"] = _header_pairs(row["headers"])
                yield row


def _header_pairs(stored: str | None) -> list[tuple[str, str]]:
    """Stored headers (a JSON object, or a list of pairs) as (name, value) pairs."""
    headers = json.loads(stored) if stored else {}
    items = headers.items() if isinstance(headers, dict) else headers
    return [(str(name), str(value)) for name, value in items]


def checkpoint(db: sqlite_utils.Database) -> None:
    """Move the write-ahead log into the database file, so a reader that ignores the log (datasette's
    ``--immutable``) sees every stored row."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def stored_body_years(db: sqlite_utils.Database) -> list[tuple[str | None, int | None, str]]:
    """(body, report year, url) of every stored report, for the coverage ledger."""
    sql = "select body, report_year, url from reports"
    return [(body, year, url) for body, year, url in db.execute(sql).fetchall()]


def stored_capture(db: sqlite_utils.Database, url: str) -> tuple[bytes, dict[str, str]] | None:
    """The raw bytes and headers stored for ``url``, decompressed; None when none is stored."""
    row = db.execute("select body, compression, headers from pages where url = ?", [url]).fetchone()
    if row is None or row[0] is None:
        return None
    body, compression, headers = row
    return _decompress(body, compression), json.loads(headers or "{}")


# --- shards (``govreports merge``) ---------------------------------------------------------------
def iter_report_records(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every stored report as a record :func:`store_reports` takes again: JSON columns decoded and its
    MinHash ``signature`` beside it (the official copies first, so they stay canonical)."""
    for row in iter_reports(db):
        found = db.execute("select signature from fingerprints where report_url = ?", [row["url"]]).fetchone()
        row["signature"] = found[0] if found else None
        yield row


def iter_sources(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every URL a report was seen at (the ``sources`` rows)."""
    yield from _table(db, "sources").rows_where(order_by="url")


def iter_attachments(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every stored file of a report."""
    yield from _table(db, "attachments").rows_where(order_by="url")


def iter_page_rows(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """Every raw capture as stored (still compressed), for copying into another corpus."""
    yield from _table(db, "pages").rows_where(order_by="url")


def add_sources(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> int:
    """Add ``sources`` rows whose report is stored and whose URL is not known yet; returns how many."""
    added = 0
    with db.atomic():
        for row in rows:
            known = db.execute("select 1 from sources where url = ?", [row["url"]]).fetchone()
            owner = db.execute("select 1 from reports where url = ?", [row["report_url"]]).fetchone()
            if known is None and owner is not None:
                _write_row(db, "sources", row)
                added += 1
    return added
