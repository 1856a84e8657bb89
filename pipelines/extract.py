"""Adapts :func:`crawler.extract.dispatch.extract_item` to Scrapy: runs it in a bounded worker pool,
counts, and drops what is not a report with the reason the run keeps."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import threading
from collections.abc import Iterator
from typing import Any

from crawler.crawl.config import CrawlConfig
from crawler.crawl.items import Dropped, ReportItem
from crawler.extract.dispatch import Outcome, extract_item
from crawler.extract.pool import BoundedPool, TaskFailed

# Dispatch's counters of a dropped page → the reason the run keeps.
DROP_REASONS = {"not_report": "not_report", "attachment_failed": "unreadable_file", "failed": "failed"}
_DETAIL = re.compile(r"^[^(]*\((?P<detail>.*)\): \S+$", re.S)


class ExtractPipeline:
    """Extraction off the reactor thread: :func:`extract_item` runs in a :class:`BoundedPool` sized to the
    cores (``GOVREPORTS_WORKERS``; 0 runs it in this process), each item within
    ``GOVREPORTS_EXTRACT_TIMEOUT`` seconds and ``GOVREPORTS_EXTRACT_MAX_MB`` of memory. A worker that
    overruns or dies is replaced and its item dropped once as ``unreadable_file: <why>``; the other
    items in flight go on. Scrapy's ``CONCURRENT_ITEMS`` bounds the items in flight."""

    def __init__(self, crawler: Any, config: CrawlConfig | None = None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config or CrawlConfig()
        self.workers = self.config.workers
        self.pool: BoundedPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler, CrawlConfig.from_settings(crawler.settings))

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = BoundedPool(
                self.workers,
                timeout=self.config.extract_timeout,
                max_mb=self.config.worker_max_mb,
                max_resident_mb=self.config.extract_max_resident_mb,
                preload=["crawler.extract.dispatch"],
            ).start()

    def close_spider(self) -> None:
        if self.pool is not None:
            pool, self.pool = self.pool, None
            stats = pool.stats
            pool.shutdown()
            self.stats.set_value("govreports/extract/workers_replaced", stats.replaced)
            self.stats.max_value("govreports/extract/worker_peak_rss_mb", round(stats.peak_rss_mb))

    async def process_item(self, item: ReportItem) -> ReportItem:
        try:
            if self.pool is None:
                with _time_budget(self.config.extract_timeout):
                    outcome = extract_item(
                        item.body, item.fetch, capture=True, ocr=self.config.ocr, images=item.images
                    )
            else:
                future = self.pool.submit(
                    extract_item,
                    item.body,
                    item.fetch,
                    capture=True,
                    ocr=self.config.ocr,
                    images=item.images,
                )
                outcome = await asyncio.wrap_future(future)
        except TaskFailed as failure:
            self.stats.inc_value("govreports/extract/unreadable_file")
            raise Dropped("unreadable_file", failure.reason, item.url) from None
        except _TimeUp:
            self.stats.inc_value("govreports/extract/unreadable_file")
            reason = f"time limit ({self.config.extract_timeout:g} s)"
            raise Dropped("unreadable_file", reason, item.url) from None
        except (MemoryError, RecursionError) as error:
            self.stats.inc_value("govreports/extract/unreadable_file")
            reason = "memory" if isinstance(error, MemoryError) else "too deeply nested"
            raise Dropped("unreadable_file", reason, item.url) from None
        for name in outcome.counters:
            self.stats.inc_value(f"govreports/extract/{name}")
        if outcome.report is None:
            raise _dropped(outcome, item.url)
        item.report, item.capture = outcome.report, outcome.capture
        return item


def _dropped(outcome: Outcome, url: str) -> Dropped:
    """The drop of a page extraction did not make a record of, with the run's reason and the detail."""
    reason = next((DROP_REASONS[name] for name in outcome.counters if name in DROP_REASONS), "dropped")
    match = _DETAIL.match(outcome.reason)
    return Dropped(reason, match.group("detail") if match else outcome.reason, url)


class _TimeUp(Exception):
    """In-process extraction past its time budget."""


@contextlib.contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimeUp` in this (main) thread after ``seconds``: in-process extraction stops at its
    next Python step (a C call in progress finishes first). Elsewhere than the main thread, no bound."""
    if threading.current_thread() is not threading.main_thread() or not seconds:
        yield
        return

    def time_up(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
