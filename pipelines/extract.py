"""Adapts :func:`crawler.extract.dispatch.extract_item` to Scrapy: runs it in a worker pool, counts, and
drops what is not a report."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from scrapy.exceptions import DropItem

from crawler.crawl.config import CrawlConfig
from crawler.crawl.items import ReportItem
from crawler.extract.dispatch import extract_item

# prctl(2): deliver a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1


class ExtractPipeline:
    """Extraction off the reactor thread: :func:`extract_item` runs in a process pool sized to the cores
    (``GOVREPORTS_WORKERS``; 0 runs it in this process). Scrapy's ``CONCURRENT_ITEMS`` bounds the items
    in flight, so memory stays bounded however fast pages arrive."""

    def __init__(self, crawler: Any, workers: int = 0, ocr: str = "never") -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.ocr = ocr
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        config = CrawlConfig.from_settings(crawler.settings)
        return cls(crawler, config.workers, config.ocr)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            # A fork-context pool forks all its workers at the first submit: do it now, before the store
            # pipeline's writer thread exists, so no child starts with a copy of a lock another thread held.
            self.pool.submit(int).result()

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item: ReportItem) -> ReportItem:
        arguments = (item.body, item.url, item.content_type, item.anchor_text, item.parent_url)
        if self.pool is None:
            outcome = extract_item(*arguments, capture=True, ocr=self.ocr)
        else:
            job = self.pool.submit(extract_item, *arguments, capture=True, ocr=self.ocr)
            outcome = await asyncio.wrap_future(job)
        for name in outcome.counters:
            self.stats.inc_value(f"govreports/extract/{name}")
        if outcome.record is None:
            raise DropItem(outcome.reason)
        item.record, item.capture = outcome.record, outcome.capture
        return item


def _die_with_parent(parent: int) -> None:
    """A pool process ends with the crawl that forked it, even when that one is SIGKILLed (Linux
    ``PR_SET_PDEATHSIG``): no orphan keeps running, or holds the crawl's stdout open."""
    # Scrapy's handlers, inherited through fork, would swallow these: the crawl process owns shutdown.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the crawl died before the signal was armed
        os._exit(1)
