"""``govreports merge``: shards written by distributed workers joined into one corpus.

Every report of every shard goes through :func:`crawler.corpus.dedupe.store_reports` again, so the identity
rules of a single crawl hold across shards (an exact or near copy, or a 图片版/PDF version found by
another worker becomes a source of one report, the official copy canonical); then the shard's other
sources, its files and its raw captures follow, re-targeted to the report each copy joined.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, queries
from crawler.corpus.rows import stored_of_row
from crawler.corpus.schema import CorpusError
from crawler.extract.record import Stored

# Reports fed to store_reports per transaction.
BATCH = 200


@dataclass
class MergeResult:
    shards: int = 0
    reports_read: int = 0
    new: int = 0
    merged: int = 0
    sources: int = 0
    files: int = 0
    pages: int = 0
    reports_in_output: int = 0


def merge_shards(
    shards: list[str | Path], output: str | Path, official_hosts: frozenset[str] = frozenset()
) -> MergeResult:
    """Merge ``shards`` into ``output`` (created when absent; an existing corpus is merged into)."""
    for shard in shards:
        if Path(shard).resolve() == Path(output).resolve():
            raise CorpusError(f"{shard}: the output cannot also be a shard")
    result = MergeResult()
    target = corpus.open_db(output)
    try:
        for shard in shards:
            source = corpus.open_db(shard, create=False)
            try:
                _merge_one(source, target, result, official_hosts)
            finally:
                source.close()
            result.shards += 1
        result.reports_in_output = queries.count_reports(target)
    finally:
        target.close()
    return result


def _merge_one(source: Any, target: Any, result: MergeResult, official_hosts: frozenset[str]) -> None:
    report_of: dict[str, str] = {}
    batch: list[Stored] = []
    for row in queries.iter_report_records(source):
        batch.append(replace(stored_of_row(row), run_id=None))
        if len(batch) >= BATCH:
            _store(target, batch, report_of, result, official_hosts)
            batch = []
    _store(target, batch, report_of, result, official_hosts)
    sources = [
        row | {"report_url": report_of.get(row["report_url"], row["report_url"]), "is_canonical": 0}
        for row in queries.iter_sources(source)
    ]
    result.sources += corpus.add_sources(target, sources)
    files = [
        row | {"report_url": report_of.get(row["report_url"], row["report_url"])}
        for row in queries.iter_attachments(source)
    ]
    result.files += corpus.upsert_attachments(target, files)
    result.pages += corpus.save_pages(target, queries.iter_page_rows(source))


def _store(
    target: Any,
    batch: list[Stored],
    report_of: dict[str, str],
    result: MergeResult,
    official_hosts: frozenset[str],
) -> None:
    if not batch:
        return
    stored = dedupe.store_reports(target, batch, official_hosts=official_hosts)
    report_of.update(stored.report_of)
    result.reports_read += len(batch)
    result.new += stored.new + stored.promoted
    result.merged += stored.merged
