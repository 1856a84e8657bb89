"""The corpus schema: its tables as numbered migrations, applied in order and recorded in ``_migrations``.
The ground floor of :mod:`crawler.corpus`, so the error a database problem raises and the clock rows are
stamped with live here too: a migration needs both, and it may not import the modules built over it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlite_utils
from sqlite_utils.db import Table

from crawler.corpus import grams, lsh
from crawler.corpus.views import ensure_views
from crawler.extract.fingerprint import signature_bands, text_signature

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


def table(db: sqlite_utils.Database, name: str) -> Table:
    """The table ``name`` (a ``Table``, never a view: sqlite-utils' ``db[name]`` may be either)."""
    return db.table(name)


def _create_reports_and_runs(db: sqlite_utils.Database) -> None:
    table(db, "reports").create(
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
    table(db, "reports").create_index(["report_year"])
    table(db, "runs").create(
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
    reports = table(db, "reports")
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
    runs = table(db, "runs")
    runs.add_column("notes", str)
    runs.add_column("per_seed", str)
    table(db, "attachments").create(
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
    table(db, "attachments").create_index(["report_url"])


def _add_statistics_provenance_and_spam(db: sqlite_utils.Database) -> None:
    """Issues #4 and #5: the parsed statistics and their checks, where each field came from, and whether
    (and how) the page was compromised; the run lists the compromised sites.

    Rows stored before held the raw table grids in ``tables``: they move to ``raw_tables`` (``tables``
    now holds the parsed statistics, filled when the report is extracted again), and the spam columns
    are derived from the stored findings.
    """
    reports = table(db, "reports")
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
    table(db, "runs").add_column("compromised_sites", str)
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
    table(db, "pages").create(
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
    table(db, "sources").create(
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
    table(db, "sources").create_index(["report_url"])
    table(db, "report_versions").create(
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
    table(db, "report_versions").create_index(["report_url"])
    table(db, "fingerprints").create(
        {"report_url": str, "signature": bytes, "title_key": str, "report_year": int, "body": str},
        pk="report_url",
        foreign_keys=[("report_url", "reports", "url")],
    )
    table(db, "lsh_bands").create({"band_key": str, "report_url": str})
    table(db, "lsh_bands").create_index(["band_key"])
    table(db, "lsh_bands").create_index(["report_url"])
    table(db, "reports").add_column("content_hash_normalised", str)
    table(db, "reports").create_index(["content_hash"])
    table(db, "reports").enable_fts(["title", "text"], tokenize="trigram", create_triggers=True)


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
    table(db, "runs").add_column("failed_pages", str)


def _index_title_keys(db: sqlite_utils.Database) -> None:
    """Near-duplicate candidates are looked up by title key too (:mod:`crawler.corpus.dedupe`)."""
    table(db, "fingerprints").create_index(["title_key"], if_not_exists=True)


def _add_report_file(db: sqlite_utils.Database) -> None:
    """Issue #14: a stub report page's text comes from the file it points to (``report_file``)."""
    table(db, "reports").add_column("report_file", str)


def _add_statistics_views(db: sqlite_utils.Database) -> None:
    """Issue #16: the statistics as data. ``reports.division_code`` (the body's administrative division
    code, null until a registry fills it) and the views ``statistics`` (one row per statistics cell) and
    ``measures`` (one row per report), read from the ``tables`` JSON (:mod:`crawler.corpus.views`)."""
    if "division_code" not in table(db, "reports").columns_dict:
        table(db, "reports").add_column("division_code", str)
    ensure_views(db)


def _add_division_code(db: sqlite_utils.Database) -> None:
    """Issue #16: the administrative division code (民政部, e.g. 330106) a seed of the national registry
    gives every report of its portal. Another change may add the same column: added only if absent."""
    reports = table(db, "reports")
    if "division_code" not in reports.columns_dict:
        reports.add_column("division_code", str)
    reports.create_index(["division_code"], if_not_exists=True)


def _add_dropped_and_heartbeat(db: sqlite_utils.Database) -> None:
    """Issue #15: every page a run fetched and did not store, with the reason (``dropped``), and the
    run's heartbeat (``last_seen``) and process id, so a run whose process is gone is told from one
    still going."""
    table(db, "dropped").create(
        {"id": int, "run_id": int, "url": str, "reason": str, "detail": str, "at": str}, pk="id"
    )
    table(db, "dropped").create_index(["run_id"])
    table(db, "dropped").create_index(["url"])
    runs = table(db, "runs")
    runs.add_column("last_seen", str)
    runs.add_column("pid", int)


def _add_pair_index(db: sqlite_utils.Database) -> None:
    """Issue #18: two-character queries through an index (``reports_grams``, :mod:`crawler.corpus.grams`),
    built here for the reports stored and kept in step by triggers; indexes on the columns searches
    filter on (year has one since 0001)."""
    grams.create_index(db)
    for column in ("body", "level"):
        table(db, "reports").create_index([column], if_not_exists=True)


def _add_ocr_confidence(db: sqlite_utils.Database) -> None:
    """Issue #19: a scanned report read by OCR keeps ``scanned = 1`` and gets the OCR engine's mean
    confidence (0–1) over its pages; null for a report that was not read by OCR."""
    table(db, "reports").add_column("ocr_confidence", float)


def _rebuild_lsh_index(db: sqlite_utils.Database) -> None:
    """Issue #18: the LSH bands as one ``WITHOUT ROWID`` table of integers keyed by band and report,
    each row with the report's year and body key (``lsh``, :mod:`crawler.corpus.lsh`), filled from the
    stored signatures; ``lsh_bands`` (band and URL as text) is dropped."""
    lsh.create_table(db)


# Bytes of new index entries each FTS5 table holds in memory before it writes them as a segment. At the
# default (1 MiB) a batch of 500 reports became several small segments per table, each merged again
# and again as the corpus grew; at 32 MiB a crawl's batch is one segment (the memory is held only while
# a batch is written).
FTS_HASHSIZE = 32 * 1024 * 1024


def _set_fts_write_buffer(db: sqlite_utils.Database) -> None:
    """Issue #18: both full-text indexes buffer a whole batch before writing it (:data:`FTS_HASHSIZE`,
    kept in their ``_config`` tables)."""
    for name in ("reports_fts", grams.GRAMS_TABLE):
        db.execute(f"insert into [{name}] ([{name}], rank) values ('hashsize', ?)", [FTS_HASHSIZE])


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
    ("0009_statistics_views", _add_statistics_views),
    ("0010_division_code", _add_division_code),
    ("0011_dropped_and_heartbeat", _add_dropped_and_heartbeat),
    ("0012_pair_index", _add_pair_index),
    ("0013_ocr_confidence", _add_ocr_confidence),
    ("0014_lsh_index", _rebuild_lsh_index),
    ("0015_fts_write_buffer", _set_fts_write_buffer),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not applied yet; return their names. The connection gets the SQL function
    the pair index's triggers call (:func:`crawler.corpus.grams.register`) first."""
    grams.register(db)
    applied_table = table(db, "_migrations")
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
    if "0009_statistics_views" in applied | set(done):
        with db.atomic():
            ensure_views(db)  # the views follow the labels and measures of this version of the code
    return done
