"""Scrapy extensions of govreports."""

from __future__ import annotations

import sys
import time
from collections import deque
from typing import IO, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.crawl.config import CrawlConfig

# Stats a progress line sums as errors: pages and seeds that failed.
ERROR_STATS = ("govreports/pages/failed", "govreports/seeds/failed")
# Seconds of recent crawling the pages/s of a redrawn line is measured over.
RATE_WINDOW = 10.0


def elapsed_text(seconds: float) -> str:
    """``42s``, ``3m05s``, ``2h01m``."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


class ProgressLine:
    """Progress on stderr (``GOVREPORTS_PROGRESS = True``): pages fetched and pages/s, requests queued,
    reports and files found, errors, time elapsed. On a terminal one line redrawn in place twice a
    second; elsewhere (cron, a log file) a plain ``progress:`` line every ``GOVREPORTS_PROGRESS_INTERVAL``
    seconds, so a long crawl is seen to be alive before its summary."""

    REDRAW_INTERVAL = 0.5

    def __init__(self, stats: Any, interval: float, stream: IO[str] | None = None) -> None:
        self.stats = stats
        self.stream = stream or sys.stderr
        self.tty = _isatty(self.stream)
        self.interval = self.REDRAW_INTERVAL if self.tty else max(interval, 0.05)
        window = max(2, int(RATE_WINDOW / self.interval) + 1) if self.tty else 2
        self.samples: deque[tuple[float, int]] = deque(maxlen=window)
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.shown = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressLine:
        config = CrawlConfig.from_settings(crawler.settings)
        if not config.progress:
            raise NotConfigured
        extension = cls(crawler.stats, config.progress_interval)
        crawler.signals.connect(extension.on_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.on_closed, signal=signals.spider_closed)
        return extension

    def _stat(self, name: str) -> int:
        return int(self.stats.get_value(name, 0) or 0)

    def line(self, now: float | None = None) -> str:
        """What the crawl has done so far, on one line."""
        now = time.monotonic() if now is None else now
        pages = self._stat("response_received_count")
        self.samples.append((now, pages))
        first_time, first_pages = self.samples[0]
        span = now - first_time if len(self.samples) > 1 else now - self.started
        rate = (pages - (first_pages if len(self.samples) > 1 else 0)) / span if span > 0 else 0.0
        queued = max(0, self._stat("scheduler/enqueued") - self._stat("scheduler/dequeued"))
        reports = self._stat("govreports/pages/report")
        files = self._stat("govreports/pages/file")
        errors = sum(self._stat(name) for name in ERROR_STATS)
        return (
            f"crawling: {pages} pages ({rate:.1f}/s), {queued} queued, {reports} reports, "
            f"{files} files, {errors} errors, {elapsed_text(now - self.started)} elapsed"
        )

    def show(self) -> None:
        try:
            self._write()
        except (OSError, ValueError):  # stderr closed or gone: the crawl goes on without progress
            if self.loop is not None and self.loop.running:
                self.loop.stop()

    def _write(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line() + "\x1b[K")  # redrawn in place, the old tail erased
        else:
            self.stream.write("progress: " + self.line().removeprefix("crawling: ") + "\n")
        self.shown = True
        self.stream.flush()

    def on_opened(self, **_: Any) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def on_closed(self, **_: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.tty and self.shown:
            try:
                self.stream.write("\r" + self.line() + "\x1b[K\n")  # the last count stays on screen
                self.stream.flush()
            except (OSError, ValueError):
                pass


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
