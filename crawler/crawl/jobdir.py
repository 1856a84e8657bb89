"""A JOBDIR whose crawl was killed: its request queue is thrown away, not trusted (``JobDirGuard``).

Scrapy keeps a paused crawl's requests in per-priority disk queues (queuelib) that are consistent only
when the crawl closes: their sizes are written at close, and a process killed with SIGKILL (the OOM
killer, a power cut) leaves queue files half written — a file created but never flushed is empty, and
the next crawl that pushes a request of that priority fails on it (``struct.error``) and loses every
such request, a whole column's listings. A killed crawl needs none of it: it resumes from the corpus
(stored report pages are skipped or asked for with conditional requests), re-reading the listings from
its seeds. So a marker marks a crawl in progress; a crawl that finds it left behind starts with an empty
queue. A crawl stopped cleanly (Ctrl-C, SIGTERM, a budget) removes the marker, and its queue is resumed
as Scrapy keeps it.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

logger = logging.getLogger(__name__)

# The marker of a crawl in progress, in the JOBDIR (it holds the process id, for a person to read).
RUNNING_MARKER = "govreports.running"
# What Scrapy keeps in a JOBDIR that a killed crawl may have left half written.
QUEUE_STATE = ("requests.queue", "requests.seen")
STAT_DISCARDED = "govreports/jobdir/discarded_after_kill"


class JobDirGuard:
    """Marks the JOBDIR while a crawl runs; a marker left by a killed crawl makes this one discard the
    request queue it left (counted in ``govreports/jobdir/discarded_after_kill``)."""

    def __init__(self, crawler: Any, directory: Path) -> None:
        self.crawler = crawler
        self.marker = directory / RUNNING_MARKER
        self.discarded = False
        if self.marker.exists():
            for name in QUEUE_STATE:
                path = directory / name
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                elif path.exists():
                    path.unlink()
            self.discarded = True
            logger.warning(
                "the last crawl with the job directory %s did not end (killed?): its request queue is "
                "discarded; this crawl resumes from its seeds and the corpus",
                directory,
            )
        directory.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(f"{os.getpid()}\n", encoding="ascii")

    @classmethod
    def from_crawler(cls, crawler: Any) -> JobDirGuard:
        # Built with the crawler's extensions, before the engine opens the scheduler's disk queues.
        directory = job_dir(crawler.settings)
        if not directory:
            raise NotConfigured
        guard = cls(crawler, Path(directory))
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self) -> None:
        if self.discarded and self.crawler.stats is not None:
            self.crawler.stats.set_value(STAT_DISCARDED, 1)

    def spider_closed(self) -> None:
        """The scheduler has written its queue by now (the engine closes it before this signal)."""
        self.marker.unlink(missing_ok=True)
