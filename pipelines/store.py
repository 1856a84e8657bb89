"""Writes reports into the corpus in batches, on a thread of its own, and records the run (seeds,
counts, errors, and the sites whose pages carried spam)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import urllib.parse
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.corpus import db as corpus
from crawler.corpus import dedupe, rows
from crawler.corpus.db import Row
from crawler.corpus.names import unify_township_bodies
from crawler.corpus.schema import utcnow
from crawler.crawl.budget import run_status
from crawler.crawl.config import SETTING_NAMES, CrawlConfig
from crawler.crawl.items import Dropped, ReportItem, page_dropped
from crawler.crawl.ledger import RunAccount, RunLedger
from crawler.crawl.shards import ShardedCorpus
from crawler.extract.dispatch import capture_of, fill_stub
from crawler.extract.record import Capture, Report, ReportFile, Stored

logger = logging.getLogger(__name__)

# Run-level settings worth keeping beside each run, to tell later what produced the data (with
# GOVREPORTS_MAX_PAGES_PER_SITE, read through CrawlConfig).
RECORDED_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY")
# Dropped pages whose capture is kept, so that `govreports reextract` tries them again.
KEEP_CAPTURE = ("unreadable_file", "failed")
# Finish reasons of a run stopped by a signal (Scrapy says "shutdown").
INTERRUPTED = ("shutdown", "interrupted")
# Files of reports remembered in case their page turns out to be a stub that arrives after them.
EARLY_FILES_KEPT = 256


T = TypeVar("T")


@dataclass
class Batch:
    """What one transaction writes: reports, their files and the raw captures."""

    reports: list[Stored] = field(default_factory=list)
    files: list[ReportFile] = field(default_factory=list)
    pages: list[Row] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class HeldStub:
    """A stub report waiting for its file, and its capture, written with it. (The other way round, a
    file that reached the store before its report waits in :attr:`StorePipeline.held`.)"""

    stored: Stored
    page: Row


@dataclass
class Written:
    """What a batch came to, counted on the reactor thread."""

    result: dedupe.StoreResult
    files: int
    # files whose report was not stored yet, with their captures: offered again with the next batch
    held: Batch = field(default_factory=Batch)


class StorePipeline:
    """The corpus writer. Every database call runs on one writer thread that owns the connection, so a
    batch's SQLite work (the FTS and LSH indexes above all; SQLite releases the GIL) overlaps the crawl
    instead of stalling the reactor. One batch is written at a time: the next waits for it, which keeps
    memory bounded when the disk is slower than the crawl."""

    def __init__(self, crawler: Any, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config
        self.pending: list[Stored] = []
        self.pending_files: list[ReportFile] = []
        self.pending_pages: list[Row] = []
        # Files (and their captures) whose report was not stored when their batch was written: the
        # report's item may come later (its extraction took longer than the file's download and
        # extraction; a stub waits for the file it came before). Each next batch offers them again;
        # those left when the crawl ends had no report.
        self.held = Batch()
        # Pages fetched and not stored: url, reason, detail (issue #15: every page accounted for).
        self.pending_dropped: list[dict[str, Any]] = []
        self.dropped: Counter[str] = Counter()
        self.heartbeat: task.LoopingCall | None = None
        self.stored_per_seed: Counter[str] = Counter()
        # Host → reports stored this run whose page had spam findings.
        self.compromised: Counter[str] = Counter()
        self.db: Any = None
        self.run_id: int | None = None
        # With GOVREPORTS_DB_DIR (``crawl --db-per-province``): the shards' writer; ``db`` is its ledger.
        self.shards: ShardedCorpus | None = None
        # Set when a write failed (disk full, lock never released): nothing more is written.
        self.write_error: str | None = None
        self.writer: ThreadPoolExecutor | None = None
        self.in_flight: tuple[Future[Written], int] | None = None  # the batch being written, its reports
        self.flush_turn = asyncio.Lock()
        # Stub report pages (their text a lead to 附件) waiting for their file, by the file's URL; and
        # the latest files of reports, by URL, for a stub that comes after its file.
        self.stubs: dict[str, HeldStub] = {}
        self.early_files: dict[str, Report] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        pipeline = cls(crawler, CrawlConfig.from_settings(crawler.settings))
        # The finish reason is known only at spider_closed, after the pipelines have closed.
        crawler.signals.connect(pipeline.record_run_end, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.page_dropped, signal=page_dropped)
        return pipeline

    def open_spider(self) -> None:
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="govreports-store")
        self._on_writer(self._open)
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(corpus.HEARTBEAT_SECONDS, now=False)

    def _beat(self) -> None:
        """The run's heartbeat (``last_seen``), on the writer thread between batches."""
        if self.writer is not None and self.run_id is not None and self.write_error is None:
            if self.shards is not None:
                self.writer.submit(self.shards.touch)
            else:
                self.writer.submit(corpus.touch_run, self.db, self.run_id)

    # --- pages not stored ---------------------------------------------------------------------------

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        """A page dropped by a pipeline: kept in the run with its reason; the capture of one whose
        extraction failed is kept too, for ``reextract``."""
        if isinstance(exception, Dropped):
            reason, detail = exception.reason, exception.detail
        elif isinstance(exception, DropItem):
            reason, detail = "dropped", str(exception)
        else:
            return
        url = str(getattr(item, "url", None) or getattr(response, "url", ""))
        self._drop(url, reason, detail)
        if reason in KEEP_CAPTURE and isinstance(item, ReportItem):
            if item.capture is None:
                item.capture = capture_of(item.body)
            self.pending_pages.append(rows.page_row(url, item.fetch, item.capture, self.run_id))

    def page_dropped(self, url: str, reason: str, detail: str = "") -> None:
        """A page that is no item (an unsolved challenge, a failed fetch): kept in the run."""
        self._drop(url, reason, detail)

    def _drop(self, url: str, reason: str, detail: str) -> None:
        self.dropped[reason] += 1
        row = {"url": url, "reason": reason, "detail": detail[:500], "at": utcnow()}
        self.pending_dropped.append(row)

    def _on_writer(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` on the writer thread and wait for it (opening and closing the corpus)."""
        assert self.writer is not None
        return self.writer.submit(function, *args).result()

    def _open(self) -> None:
        seeds = [seed.url for seed in RunLedger.of(self.crawler).seeds or ()]
        settings = {name: self.crawler.settings.get(name) for name in RECORDED_SETTINGS}
        settings[SETTING_NAMES["max_pages_per_site"]] = self.config.max_pages_per_site
        if self.config.db_dir:
            settings[SETTING_NAMES["db_dir"]] = self.config.db_dir
            self.shards = ShardedCorpus(Path(self.config.db_dir))
            self.run_id = self.shards.open(seeds, settings)
            self.db = self.shards.ledger
            return
        self.db = corpus.open_db(self.config.db_path)
        corpus.mark_interrupted_runs(self.db)
        self.run_id = corpus.start_run(self.db, seeds, settings)

    async def process_item(self, item: ReportItem) -> ReportItem:
        report, capture = _extracted(item)
        fetch = item.fetch
        page = rows.page_row(report.url, fetch, capture, self.run_id)
        if (file := ReportFile.of(report, fetch, capture)) is not None:
            self.pending_files.append(file)
        if not report.attachment_of:
            if report.compromised:
                self.compromised[urllib.parse.urlsplit(report.url).hostname or ""] += 1
            self.stored_per_seed[item.seed or ""] += 1
            self._report(Stored(report, fetch, self.run_id), page)
        else:
            self.pending_pages.append(page)
            self._file_of_report(report)
        if len(self.pending) + len(self.pending_files) >= self.config.store_batch_size:
            await self.flush()
        return item

    def _report(self, stored: Stored, page: Row) -> None:
        """A report to store with its capture (``page``); a stub waits for the file holding its text
        (unless that came first), its capture with it: a run killed meanwhile leaves no capture of the
        stub, so the next run fetches it again (a stored capture tells it the page is stored)."""
        report_file = stored.report.report_file
        if report_file:
            file = self.early_files.pop(report_file, None)
            if file is None:
                self.stubs[report_file] = HeldStub(stored, page)
                return
            stored = _filled(stored, file)
        self.pending.append(stored)
        self.pending_pages.append(page)

    def _file_of_report(self, file: Report) -> None:
        """A file of a report: the text of a waiting stub, else remembered for a stub still to come."""
        stub = self.stubs.pop(file.url, None)
        if stub is not None:
            self.pending.append(_filled(stub.stored, file))
            self.pending_pages.append(stub.page)
            return
        self.early_files[file.url] = file
        while len(self.early_files) > EARLY_FILES_KEPT:
            del self.early_files[next(iter(self.early_files))]

    async def flush(self) -> None:
        """Hand the pending batch to the writer thread, once the batch before it is written. Items
        that fill the next batch meanwhile wait here, in turn: so at most one batch is being written
        and one gathered, and a slow disk slows the crawl instead of piling batches up in memory."""
        async with self.flush_turn:
            await self.wait_for_writer()
            if self.write_error is not None or not (
                self.pending or self.pending_files or self.pending_pages or self.pending_dropped
            ):
                return
            held, self.held = self.held, Batch()
            batch = Batch(
                self.pending,
                held.files + self.pending_files,
                held.pages + self.pending_pages,
                self.pending_dropped,
            )
            self.pending, self.pending_files, self.pending_pages = [], [], []
            self.pending_dropped = []
            assert self.writer is not None
            self.in_flight = (self.writer.submit(self._write_batch, batch), len(batch.reports))

    async def wait_for_writer(self) -> None:
        """Wait for the batch being written and count it; a failed write (disk full, a lock never
        released) rolled that batch back: stop the crawl with one clear message and write nothing more."""
        if self.in_flight is None:
            return
        (future, reports), self.in_flight = self.in_flight, None
        try:
            written = await asyncio.wrap_future(future)
        except sqlite3.OperationalError as error:
            self._stop_on_write_error(error, reports)
            return
        stats = self.crawler.stats
        for name in ("new", "updated", "versions", "merged", "promoted"):
            stats.inc_value(f"govreports/store/{name}", getattr(written.result, name))
        result = written.result
        stats.inc_value("govreports/stored", result.new + result.updated + result.promoted)
        stats.inc_value("govreports/stored_files", written.files)
        self.held.files += written.held.files
        self.held.pages += written.held.pages

    def _stop_on_write_error(self, error: sqlite3.OperationalError, reports: int) -> None:
        self.write_error = (
            f"corpus write failed ({error}): crawl stopped, a batch of {reports} reports not stored"
        )
        self.pending, self.pending_files, self.pending_pages = [], [], []
        self.pending_dropped = []
        self.held = Batch()
        self.crawler.stats.inc_value("govreports/store/write_failed")
        RunLedger.of(self.crawler).note(self.write_error)
        logger.error("%s", self.write_error)
        reason = "disk_full" if "full" in str(error) else "store_failed"
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _write_batch(self, batch: Batch) -> Written:
        """(On the writer thread.) Reports, their files and the raw captures in one transaction
        (:func:`crawler.corpus.dedupe.write_batch`): a process killed or a disk filled mid-batch leaves the
        corpus as it was, and the batch's pages are fetched again next run. The files whose report is not
        stored yet come back in :attr:`Written.held`, with their captures, unwritten."""
        assert self.run_id is not None
        if self.shards is not None:
            result, files = self.shards.write_batch(
                batch.reports, batch.files, batch.pages, batch.dropped, self.config.official_hosts
            )
        else:
            with self.db.atomic():
                result, files = dedupe.write_batch(
                    self.db,
                    batch.reports,
                    batch.files,
                    batch.pages,
                    run_id=self.run_id,
                    official_hosts=self.config.official_hosts,
                )
                corpus.record_dropped(self.db, self.run_id, batch.dropped)
                corpus.touch_run(self.db, self.run_id)
        held = set(result.files_held)
        kept = Batch(
            files=[file for file in batch.files if file.url in held],
            pages=[page for page in batch.pages if page["url"] in held],
        )
        return Written(result, files, kept)

    async def close_spider(self) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        # Stubs whose file never came (failed, over budget, the crawl stopped first): stored with their
        # own lead as the text, but without their capture, so the next run fetches the page again and
        # fills it from its file (a stored capture would tell that run the page is stored, as it is).
        for stub in self.stubs.values():
            self.pending.append(stub.stored)
        self.stubs.clear()
        await self.flush()
        await self.wait_for_writer()
        if orphans := len(self.held.files):  # offered with every batch since: their report never came
            self.crawler.stats.inc_value("govreports/files_without_report", orphans)
        self.held = Batch()

    def record_run_end(self, spider: Any, reason: str) -> None:
        """(``spider_closed``.) Close the run's row with its counts and what the run ledger kept (seed
        errors, notes, per-seed counts, failed pages), then the database."""
        if self.db is None or self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        counts = {key: value for key, value in stats.items() if isinstance(value, int | float)}
        account = RunLedger.of(self.crawler).account(self.stored_per_seed)
        counts.update({f"govreports/dropped/{name}": count for name, count in self.dropped.items()})
        # a crawl a signal stopped is interrupted; one a budget cut short says so
        status = "interrupted" if reason in INTERRUPTED else run_status(reason, stats)
        dropped, self.pending_dropped = self.pending_dropped, []
        self._on_writer(self._finish_run, status, counts, account, dropped)
        assert self.writer is not None
        self.writer.shutdown(wait=True)
        self.writer = None

    def _finish_run(
        self,
        reason: str,
        counts: dict[str, Any],
        account: RunAccount,
        dropped: list[dict[str, Any]],
    ) -> None:
        assert self.run_id is not None
        run: dict[str, Any] = {
            "errors": account.errors,
            "notes": account.notes,
            "per_seed": account.per_seed,
            "compromised": self.compromised,
            "failed_pages": account.failed_pages,
        }
        try:
            with self.db.atomic():
                corpus.record_dropped(self.db, self.run_id, dropped)
            # one name per body: bare townships take their site's county
            if self.shards is not None:
                self.shards.finish(reason, counts, unify=self.write_error is None, **run)
            else:
                if self.write_error is None:
                    unify_township_bodies(self.db)
                corpus.finish_run(self.db, self.run_id, reason, counts, **run)
        except sqlite3.OperationalError as error:
            logger.error("the run's record could not be written (%s)", error)
        if self.shards is not None:
            self.shards.close()  # the ledger's connection too
        else:
            self.db.close()
        self.db = None


def _filled(stub: Stored, file: Report) -> Stored:
    """A stub report, as stored, with the text of its file (:func:`crawler.extract.dispatch.fill_stub`);
    its fetch and run stay the page's."""
    return replace(stub, report=fill_stub(stub.report, file))


def _extracted(item: ReportItem) -> tuple[Report, Capture]:
    """The report and the compressed bytes the extraction worker made (``extract_item(capture=True)``):
    the store only writes what extraction computed."""
    if item.report is None or item.capture is None:
        raise ValueError(f"{item.url}: no report; items reach the store through ExtractPipeline")
    return item.report, item.capture
