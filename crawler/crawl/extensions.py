"""Scrapy extensions of govreports."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.crawl.config import CrawlConfig


class ProgressLine:
    """A one-line progress display on stderr for interactive runs (``GOVREPORTS_PROGRESS = True``)."""

    INTERVAL = 0.5

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.last_shown = 0.0
        self.shown = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressLine:
        if not CrawlConfig.from_settings(crawler.settings).progress:
            raise NotConfigured
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.on_progress, signal=signals.response_received)
        crawler.signals.connect(extension.on_progress, signal=signals.item_scraped)
        crawler.signals.connect(extension.on_closed, signal=signals.spider_closed)
        return extension

    def line(self) -> str:
        pages = self.stats.get_value("response_received_count", 0)
        reports = self.stats.get_value("item_scraped_count", 0)
        return f"\rcrawling: {pages} pages fetched, {reports} reports found"

    def on_progress(self, **_: Any) -> None:
        now = time.monotonic()
        if now - self.last_shown >= self.INTERVAL:
            self.last_shown = now
            self.shown = True
            sys.stderr.write(self.line())
            sys.stderr.flush()

    def on_closed(self, **_: Any) -> None:
        if self.shown:
            sys.stderr.write(self.line() + "\n")
            sys.stderr.flush()
