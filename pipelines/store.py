"""Writes reports into the corpus in batches and records the run (seeds, counts, errors, and the
sites whose pages carried spam)."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import urllib.parse
import zlib
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from crawler import db as corpus
from crawler import provenance
from crawler.config import CrawlConfig
from crawler.fingerprint import content_hash, text_signature
from crawler.items import ReportItem

# Run-level settings worth keeping beside each run, to tell later what produced the data.
logger = logging.getLogger(__name__)

RECORDED_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "GOVREPORTS_MAX_PAGES_PER_SITE")


class StorePipeline:
    def __init__(self, crawler: Any, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config
        self.pending: list[dict[str, Any]] = []
        self.pending_files: list[dict[str, Any]] = []
        self.pending_pages: list[dict[str, Any]] = []
        self.stored_per_seed: Counter[str] = Counter()
        # Host → reports stored this run whose page had spam findings.
        self.compromised: Counter[str] = Counter()
        self.db: Any = None
        self.run_id: int | None = None
        # Set when a write failed (disk full, lock never released): nothing more is written.
        self.write_error: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        pipeline = cls(crawler, CrawlConfig.from_settings(crawler.settings))
        # The finish reason is known only at spider_closed, after the pipelines have closed.
        crawler.signals.connect(pipeline.record_run_end, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.db = corpus.open_db(self.config.db_path)
        corpus.mark_interrupted_runs(self.db)
        spider = self.crawler.spider
        seeds = [seed.url for seed in getattr(spider, "seeds", [])]
        settings = {name: self.crawler.settings.get(name) for name in RECORDED_SETTINGS}
        self.run_id = corpus.start_run(self.db, seeds, settings)

    def process_item(self, item: ReportItem) -> ReportItem:
        record = dict(item.record)
        self.pending_pages.append(self._page_row(item, record["url"]))
        if record.get("kind", "html") != "html" or record.get("attachment_of"):
            self.pending_files.append(self._file_row(item, record))
        if not record.get("attachment_of"):
            record.update(
                content_hash=content_hash(record.get("text") or ""),
                content_type=item.content_type,
                status=item.status,
                seed=item.seed,
                referer=item.referer,
                anchor_text=item.anchor_text,
                fetched_at=item.fetched_at,
                rendered=item.rendered,
                run_id=self.run_id,
            )
            if "signature" not in record:  # computed by the extraction worker when it ran there
                record["signature"] = text_signature(record.get("text") or "") if record.get("text") else None
            hints = {"body": item.seed_body, "region": item.seed_region, "level": item.seed_level}
            record = provenance.with_seed_hints(record, hints)
            if record.get("compromised"):
                self.compromised[urllib.parse.urlsplit(record["url"]).hostname or ""] += 1
            self.pending.append(record)
            self.stored_per_seed[item.seed or ""] += 1
        if len(self.pending) + len(self.pending_files) >= self.config.store_batch_size:
            self.flush()
        return item

    def _page_row(self, item: ReportItem, url: str) -> dict[str, Any]:
        """The raw capture: bytes compressed, headers kept, validators for the next run's requests."""
        headers = item.headers or {}
        lower = {name.lower(): value for name, value in headers.items()}
        return {
            "url": url,
            "status": item.status,
            "headers": json.dumps(headers, ensure_ascii=False),
            "body": zlib.compress(item.body, 6),
            "compression": "zlib",
            "size": len(item.body),
            "sha256": hashlib.sha256(item.body).hexdigest(),
            "content_type": item.content_type,
            "etag": lower.get("etag"),
            "last_modified": lower.get("last-modified"),
            "fetched_at": item.fetched_at,
            "run_id": self.run_id,
        }

    def _file_row(self, item: ReportItem, record: dict[str, Any]) -> dict[str, Any]:
        """A file of a report: its PDF/DOCX version, or the file that is the report itself."""
        return {
            "url": record["url"],
            "report_url": record.get("attachment_of") or record["url"],
            "kind": record.get("kind"),
            "title": record.get("title"),
            "text": record.get("text"),
            "pages": record.get("pages"),
            "scanned": record.get("scanned"),
            "size": len(item.body),
            "sha256": hashlib.sha256(item.body).hexdigest(),
            "content_type": item.content_type,
            "fetched_at": item.fetched_at,
            "run_id": self.run_id,
        }

    def flush(self) -> None:
        """Writes the pending batch; a failed write (disk full, a lock never released) rolls the whole
        batch back, stops the crawl with one clear message and writes nothing more."""
        if self.write_error is not None or not (self.pending or self.pending_files or self.pending_pages):
            return
        try:
            self._write_batch()
        except sqlite3.OperationalError as error:
            self._stop_on_write_error(error)

    def _stop_on_write_error(self, error: sqlite3.OperationalError) -> None:
        reports = len(self.pending)
        self.write_error = (
            f"corpus write failed ({error}): crawl stopped, a batch of {reports} reports not stored"
        )
        self.pending, self.pending_files, self.pending_pages = [], [], []
        self.crawler.stats.inc_value("govreports/store/write_failed")
        notes = getattr(self.crawler.spider, "notes", None)
        if isinstance(notes, list):
            notes.append(self.write_error)
        logger.error("%s", self.write_error)
        reason = "disk_full" if "full" in str(error) else "store_failed"
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _write_batch(self) -> None:
        """Reports (each new, a new version, or a copy of a stored report), then their files re-targeted
        to the report each copy joined, and the raw captures last: a capture is what lets the next run
        skip a page, so a process killed mid-batch leaves pages that are fetched again, never half-stored
        ones that are skipped."""
        result = corpus.store_reports(
            self.db, self.pending, run_id=self.run_id, official_hosts=self.config.official_hosts
        )
        stats = self.crawler.stats
        for name in ("new", "updated", "versions", "merged", "promoted"):
            stats.inc_value(f"govreports/store/{name}", getattr(result, name))
        stats.inc_value("govreports/stored", result.new + result.updated + result.promoted)
        for row in self.pending_files:
            row["report_url"] = result.report_of.get(row["report_url"], row["report_url"])
        files = corpus.upsert_attachments(self.db, self.pending_files)
        self.crawler.stats.inc_value("govreports/stored_files", files)
        if orphans := len(self.pending_files) - files:
            self.crawler.stats.inc_value("govreports/files_without_report", orphans)
        corpus.save_pages(self.db, self.pending_pages)
        self.pending, self.pending_files, self.pending_pages = [], [], []

    def close_spider(self) -> None:
        self.flush()

    def record_run_end(self, spider: Any, reason: str) -> None:
        """Close the run's row with its counts and every seed error, then the database."""
        if self.db is None or self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        errors = [*getattr(spider, "seed_problems", []), *getattr(spider, "seed_failures", [])]
        counts = {key: value for key, value in stats.items() if isinstance(value, int | float)}
        per_seed = {url: dict(counter) for url, counter in getattr(spider, "per_seed", {}).items()}
        for seed, stored in self.stored_per_seed.items():
            per_seed.setdefault(seed, {})["reports_stored"] = stored
        notes = list(getattr(spider, "notes", []))
        try:
            corpus.finish_run(
                self.db,
                self.run_id,
                reason,
                counts,
                errors,
                notes=notes,
                per_seed=per_seed,
                compromised=self.compromised,
            )
        except sqlite3.OperationalError as error:
            logger.error("the run's record could not be written (%s)", error)
        self.db.close()
        self.db = None
