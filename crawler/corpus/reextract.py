"""Extraction again over stored captures: after an upgrade of the extractor, no crawl needed.

Each report's canonical capture (``pages``) goes through the same extraction as a crawl; the result
is stored by the same identity rules, so a text that changes keeps its earlier version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from crawler.corpus import dedupe, queries
from crawler.corpus.names import unify_township_bodies
from crawler.corpus.rows import fetch_of_row
from crawler.extract.dispatch import extract_item, fill_stub
from crawler.extract.files.ocr import OCR_MAX_MB
from crawler.extract.pool import BoundedPool, TaskFailed
from crawler.extract.record import Fetch, Report, Stored


@dataclass
class ReextractResult:
    updated: int = 0
    versions: int = 0
    failed: int = 0
    missing: int = 0
    # pages a crawl dropped as unreadable (their capture kept) tried again: stored now, still failing
    recovered: int = 0
    still_failing: int = 0
    # reports whose text OCR read, left as stored: without ``--ocr``, or read from page images (whose
    # bodies are not captured)
    kept_ocr: int = 0


# Dropped pages whose stored capture is tried again, and the bounds each try runs within.
RETRIED_REASONS = ("unreadable_file", "failed")
RETRY_TIMEOUT = 60.0
RETRY_MAX_MB = 512


def reextract_corpus(database: Any, ocr: str = "never") -> ReextractResult:
    """Each stored report extracted again from its capture, with the fetch and run it was stored with
    (the seed's hints among them, :func:`crawler.corpus.rows.fetch_of_row`), a stub filled again from
    its file's capture, and stored again; then one name per body
    (:func:`crawler.corpus.names.unify_township_bodies`). ``ocr`` (never | auto | always) reads the
    scans by OCR."""
    result = ReextractResult()
    stored = {row["url"]: row for row in queries.iter_reports(database)}
    captures = {page["url"]: page for page in queries.iter_pages(database, stored)}
    records = []
    for url, row in stored.items():
        page = captures.get(url)
        if page is None:
            result.missing += 1
            continue
        if _keeps_its_ocr_text(row, ocr):
            result.kept_ocr += 1
            continue
        fetch = fetch_of_row(row)
        # the capture's content type reads its bytes; the report keeps the one it was stored with
        outcome = extract_item(page["body"], replace(fetch, content_type=page["content_type"]), ocr=ocr)
        if outcome.report is None:
            result.failed += 1
            continue
        report = _with_its_file(database, outcome.report, ocr)
        records.append(Stored(report, fetch, row.get("run_id")))
    recovered = _retry_dropped(database, stored, result, ocr)
    stored_result = dedupe.store_reports(database, records + recovered)
    unify_township_bodies(database)
    result.updated, result.versions = stored_result.updated, stored_result.versions
    result.updated -= min(result.updated, len(recovered))
    return result


def _keeps_its_ocr_text(row: Any, ocr: str) -> bool:
    """A report whose text OCR read is not extracted again without OCR (the scan would read as an
    empty text, a poorer version of the report), nor at all when it was read from the page's images:
    only the page is captured, not its images."""
    sources = row.get("sources") or {}
    if sources.get("text") != "ocr":
        return False
    from_images = "html" in str(row.get("content_type") or "")  # a page's text read from its images
    return ocr == "never" or from_images


def _retry_dropped(
    database: Any, stored: dict[str, Any], result: ReextractResult, ocr: str = "never"
) -> list[Stored]:
    """Pages a crawl could not extract, tried again from their capture (after an extractor upgrade),
    each in a bounded worker: those that now read as reports."""
    marks = ",".join("?" for _ in RETRIED_REASONS)
    sql = f"select distinct url from dropped where reason in ({marks}) order by url"
    urls = [url for (url,) in database.execute(sql, list(RETRIED_REASONS)).fetchall() if url not in stored]
    pages = list(queries.iter_pages(database, urls))
    if not pages:
        return []
    records = []
    max_mb = RETRY_MAX_MB if ocr == "never" else max(RETRY_MAX_MB, OCR_MAX_MB)
    with BoundedPool(1, timeout=RETRY_TIMEOUT, max_mb=max_mb) as pool:
        for page in pages:
            fetch = Fetch(
                url=page["url"],
                status=page["status"],
                content_type=page["content_type"],
                fetched_at=page["fetched_at"],
            )
            future = pool.submit(extract_item, page["body"], fetch, ocr=ocr)
            try:
                outcome = future.result()
            except TaskFailed:
                outcome = None
            if outcome is None or outcome.report is None:
                result.still_failing += 1
                continue
            records.append(Stored(outcome.report, fetch, page["run_id"]))
            result.recovered += 1
    return records


def _with_its_file(database: Any, report: Report, ocr: str = "never") -> Report:
    """A stub report filled again from the stored capture of its file, as the crawl filled it."""
    if not report.report_file:
        return report
    for page in queries.iter_pages(database, [report.report_file]):
        fetch = Fetch(url=report.report_file, content_type=page["content_type"], parent_url=report.url)
        outcome = extract_item(page["body"], fetch, ocr=ocr)
        if outcome.report is not None:
            return fill_stub(report, outcome.report)
    return report
