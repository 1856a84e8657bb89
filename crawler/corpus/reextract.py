"""Extraction again over stored captures: after an upgrade of the extractor, no crawl needed.

Each report's canonical capture (``pages``) goes through the same extraction as a crawl; the result
is stored by the same identity rules, so a text that changes keeps its earlier version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.corpus import dedupe, queries
from crawler.corpus.names import unify_township_bodies
from crawler.extract import provenance
from crawler.extract.dispatch import extract_item, fill_stub
from crawler.extract.pool import BoundedPool, TaskFailed

# Fields the crawl took from the seed list, not from the page: re-extraction keeps them.
SEED_FIELDS = provenance.SEED_FIELDS


@dataclass
class ReextractResult:
    updated: int = 0
    versions: int = 0
    failed: int = 0
    missing: int = 0
    # pages a crawl dropped as unreadable (their capture kept) tried again: stored now, still failing
    recovered: int = 0
    still_failing: int = 0


# Dropped pages whose stored capture is tried again, and the bounds each try runs within.
RETRIED_REASONS = ("unreadable_file", "failed")
RETRY_TIMEOUT = 60.0
RETRY_MAX_MB = 512


def reextract_corpus(database: Any) -> ReextractResult:
    result = ReextractResult()
    stored = {row["url"]: row for row in queries.iter_reports(database)}
    captures = {page["url"]: page for page in queries.iter_pages(database, stored)}
    records = []
    for url, row in stored.items():
        page = captures.get(url)
        if page is None:
            result.missing += 1
            continue
        outcome = extract_item(page["body"], url, page["content_type"], row.get("anchor_text"), None)
        if outcome.record is None:
            result.failed += 1
            continue
        record = _with_its_file(database, outcome.record)
        sources = row.get("sources") or {}
        hints = {name: row.get(name) for name in SEED_FIELDS if sources.get(name) == "seed"}
        record = provenance.with_seed_hints(record, hints)
        keep = (
            "seed",
            "referer",
            "anchor_text",
            "fetched_at",
            "content_type",
            "status",
            "run_id",
            "rendered",
        )
        record |= {name: row.get(name) for name in keep}
        records.append(record)
    recovered = _retry_dropped(database, stored, result)
    stored_result = dedupe.store_reports(database, records + recovered)
    unify_township_bodies(database)
    result.updated, result.versions = stored_result.updated, stored_result.versions
    result.updated -= min(result.updated, len(recovered))
    return result


def _retry_dropped(database: Any, stored: dict[str, Any], result: ReextractResult) -> list[dict[str, Any]]:
    """Pages a crawl could not extract, tried again from their capture (after an extractor upgrade),
    each in a bounded worker: the records of those that now read as reports."""
    marks = ",".join("?" for _ in RETRIED_REASONS)
    sql = f"select distinct url from dropped where reason in ({marks}) order by url"
    urls = [url for (url,) in database.execute(sql, list(RETRIED_REASONS)).fetchall() if url not in stored]
    pages = list(queries.iter_pages(database, urls))
    if not pages:
        return []
    records = []
    with BoundedPool(1, timeout=RETRY_TIMEOUT, max_mb=RETRY_MAX_MB) as pool:
        for page in pages:
            future = pool.submit(extract_item, page["body"], page["url"], page["content_type"], None, None)
            try:
                outcome = future.result()
            except TaskFailed:
                outcome = None
            if outcome is None or outcome.record is None:
                result.still_failing += 1
                continue
            record = outcome.record | {"content_type": page["content_type"], "status": page["status"]}
            records.append(record | {"fetched_at": page["fetched_at"], "run_id": page["run_id"]})
            result.recovered += 1
    return records


def _with_its_file(database: Any, record: dict[str, Any]) -> dict[str, Any]:
    """A stub report filled again from the stored capture of its file, as the crawl filled it."""
    report_file = record.get("report_file")
    if not report_file:
        return record
    for page in queries.iter_pages(database, [report_file]):
        outcome = extract_item(page["body"], report_file, page["content_type"], None, record["url"])
        if outcome.record is not None:
            return fill_stub(record, outcome.record)
    return record
