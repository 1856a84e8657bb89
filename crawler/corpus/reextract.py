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
from crawler.extract.record import Fetch, Report, Stored


@dataclass
class ReextractResult:
    updated: int = 0
    versions: int = 0
    failed: int = 0
    missing: int = 0


def reextract_corpus(database: Any) -> ReextractResult:
    """Each stored report extracted again from its capture, with the fetch and run it was stored with
    (the seed's hints among them, :func:`crawler.corpus.rows.fetch_of_row`), a stub filled again from
    its file's capture, and stored again; then one name per body
    (:func:`crawler.corpus.names.unify_township_bodies`)."""
    result = ReextractResult()
    stored = {row["url"]: row for row in queries.iter_reports(database)}
    captures = {page["url"]: page for page in queries.iter_pages(database, stored)}
    records = []
    for url, row in stored.items():
        page = captures.get(url)
        if page is None:
            result.missing += 1
            continue
        fetch = fetch_of_row(row)
        # the capture's content type reads its bytes; the report keeps the one it was stored with
        outcome = extract_item(page["body"], replace(fetch, content_type=page["content_type"]))
        if outcome.report is None:
            result.failed += 1
            continue
        report = _with_its_file(database, outcome.report)
        records.append(Stored(report, fetch, row.get("run_id")))
    stored_result = dedupe.store_reports(database, records)
    unify_township_bodies(database)
    result.updated, result.versions = stored_result.updated, stored_result.versions
    return result


def _with_its_file(database: Any, report: Report) -> Report:
    """A stub report filled again from the stored capture of its file, as the crawl filled it."""
    if not report.report_file:
        return report
    for page in queries.iter_pages(database, [report.report_file]):
        fetch = Fetch(url=report.report_file, content_type=page["content_type"], parent_url=report.url)
        outcome = extract_item(page["body"], fetch)
        if outcome.report is not None:
            return fill_stub(report, outcome.report)
    return report
