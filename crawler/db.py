"""The corpus database: the only module that imports sqlite-utils.

It owns the schema (as numbered migrations applied in order and recorded in ``_migrations``), the
batched writes and the read queries the CLI needs. Everything else passes plain dicts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.db import Table

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


# Append only: a migration, once released, is never edited; the next change is a new entry.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_reports_and_runs", _create_reports_and_runs),
    ("0002_attachments_and_seed_fields", _add_attachments_and_seed_fields),
    ("0003_statistics_provenance_and_spam", _add_statistics_provenance_and_spam),
    ("0004_corpus_tables", _add_corpus_tables),
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
        findings = row.get("spam") or []
        row["compromised"] = bool(row.get("compromised") or findings)
        row["spam_kinds"] = spam_kinds(findings)
        for column, empty in JSON_COLUMNS.items():
            value = row.get(column)
            row[column] = json.dumps(empty() if value is None else value, ensure_ascii=False)
    with db.conn:
        table.upsert_all(rows, pk="url", batch_size=200)
    return len(rows)


def spam_kinds(findings: Iterable[Mapping[str, Any]]) -> str:
    """The kinds of a page's spam findings, sorted and comma-joined, for filtering with ``LIKE``."""
    return ",".join(sorted({str(finding.get("kind", "")) for finding in findings}))


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
    compromised: Mapping[str, int] | None = None,
) -> None:
    """Close a run; ``compromised`` counts, per host, the stored reports whose page had spam."""
    sites = [
        {"host": host, "reports": count}
        for host, count in sorted((compromised or {}).items(), key=lambda item: (-item[1], item[0]))
    ]
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
                "compromised_sites": json.dumps(sites, ensure_ascii=False),
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
