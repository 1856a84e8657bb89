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

# Fields the crawl took from the seed list, not from the page: re-extraction keeps them.
SEED_FIELDS = provenance.SEED_FIELDS


@dataclass
class ReextractResult:
    updated: int = 0
    versions: int = 0
    failed: int = 0
    missing: int = 0


def reextract_corpus(database: Any, ocr: str = "never") -> ReextractResult:
    """Every stored report extracted again; ``ocr`` (never | auto | always) reads the scans by OCR."""
    result = ReextractResult()
    stored = {row["url"]: row for row in queries.iter_reports(database)}
    captures = {page["url"]: page for page in queries.iter_pages(database, stored)}
    records = []
    for url, row in stored.items():
        page = captures.get(url)
        if page is None:
            result.missing += 1
            continue
        outcome = extract_item(page["body"], url, page["content_type"], row.get("anchor_text"), None, ocr=ocr)
        if outcome.record is None:
            result.failed += 1
            continue
        record = _with_its_file(database, outcome.record, ocr)
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
    stored_result = dedupe.store_reports(database, records)
    unify_township_bodies(database)
    result.updated, result.versions = stored_result.updated, stored_result.versions
    return result


def _with_its_file(database: Any, record: dict[str, Any], ocr: str) -> dict[str, Any]:
    """A stub report filled again from the stored capture of its file, as the crawl filled it."""
    report_file = record.get("report_file")
    if not report_file:
        return record
    for page in queries.iter_pages(database, [report_file]):
        outcome = extract_item(page["body"], report_file, page["content_type"], None, record["url"], ocr=ocr)
        if outcome.record is not None:
            return fill_stub(record, outcome.record)
    return record
