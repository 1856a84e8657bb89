"""Distributed crawling on scrapy-redis: several workers share one frontier in redis.

Each worker runs the normal ``reports`` spider with scrapy-redis' scheduler and a redis duplicate
filter that uses our canonical request fingerprints (``/col/`` and ``/col/index.html`` stay one
request), and stores into its own SQLite shard; ``govreports merge`` joins the shards afterwards.

Seeds: every worker offers every seed to the shared duplicate filter (an atomic ``SADD``), so the
first worker to start enqueues each seed exactly once and a seed is never lost when a worker dies
before seeding. Idle workers stay up while another worker still has requests in flight (a
heartbeat key per worker with a time-to-live), so a frontier that is briefly empty ends no one.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter

from spiders.reports import ReportsSpider

# A worker counts as busy this long after its last scheduled request or response (seconds).
BUSY_TTL = 30
# Idle checks (Scrapy's engine looks every ~5 s) with an empty frontier and no busy worker before closing.
IDLE_CHECKS_BEFORE_CLOSE = 2


def redis_settings(redis_url: str, key: str = "govreports") -> dict[str, Any]:
    """The Scrapy settings that put a crawl's frontier and seen-set in redis under ``key``."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        # Never flush on close: a worker that finishes first must not wipe the others' frontier.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{key}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{key}:dupefilter",
        "SCHEDULER_DUPEFILTER_CLASS": "crawler.crawl.distributed.CanonicalRedisDupeFilter",
        "DUPEFILTER_CLASS": "crawler.crawl.distributed.CanonicalRedisDupeFilter",
        "REDIS_URL": redis_url,
        "GOVREPORTS_REDIS_KEY": key,
    }


class CanonicalRedisDupeFilter(RFPDupeFilter):
    """scrapy-redis' shared seen-set over the project's ``REQUEST_FINGERPRINTER_CLASS``."""

    fingerprinter: Any = None

    @classmethod
    def from_spider(cls, spider: Any) -> CanonicalRedisDupeFilter:
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request: Any) -> str:
        if self.fingerprinter is None:
            return str(super().request_fingerprint(request))
        return bytes(self.fingerprinter.fingerprint(request)).hex()


class DistributedReportsSpider(ReportsSpider):
    """The ``reports`` spider whose seeds go through the shared duplicate filter, and which stays up
    while another worker may still add requests to the frontier."""

    _idle_checks = 0
    _last_beat = 0.0
    _redis: Any = None
    worker_id = ""

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DistributedReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, DistributedReportsSpider)
        spider.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        crawler.signals.connect(spider._beat, signal=signals.request_scheduled)
        crawler.signals.connect(spider._beat, signal=signals.response_received)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            yield request.replace(dont_filter=False) if hasattr(request, "replace") else request

    # --- coordination ----------------------------------------------------------------------------
    def _server(self) -> Any:
        if self._redis is None:
            self._redis = connection.from_settings(self.settings)
        return self._redis

    def _key(self, suffix: str) -> str:
        return f"{self.config.redis_key}:{suffix}"

    def _beat(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if now - self._last_beat < 1.0:
            return
        self._last_beat = now
        self._idle_checks = 0
        self._server().set(self._key(f"busy:{self.worker_id}"), "1", ex=BUSY_TTL)

    def _others_busy(self) -> bool:
        mine = self._key(f"busy:{self.worker_id}")
        return any(key != mine for key in map(_text, self._server().scan_iter(self._key("busy:*"))))

    def _on_idle(self, *args: Any, **kwargs: Any) -> None:
        server = self._server()
        server.delete(self._key(f"busy:{self.worker_id}"))
        self._last_beat = 0.0
        if self._others_busy():
            self._idle_checks = 0
            raise DontCloseSpider
        self._idle_checks += 1
        if self._idle_checks < IDLE_CHECKS_BEFORE_CLOSE:
            raise DontCloseSpider

    def _on_closed(self, *args: Any, **kwargs: Any) -> None:
        self._server().delete(self._key(f"busy:{self.worker_id}"))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
