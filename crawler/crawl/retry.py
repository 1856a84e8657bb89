"""Exponential back-off between retries (a Scrapy downloader middleware beside ``RetryMiddleware``).

Scrapy's ``RetryMiddleware`` puts a failed request straight back in the queue: a portal that answers
503 while overloaded is asked again at once, ``RETRY_TIMES`` times, within a second. This middleware
holds each retry back ``GOVREPORTS_RETRY_BACKOFF`` × 2^(attempt-1) seconds (at most
``GOVREPORTS_RETRY_BACKOFF_MAX``), or as long as the server's ``Retry-After`` asked (within the same
cap). Only the retried request waits; the rest of the crawl goes on.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.crawl.config import CrawlConfig
from crawler.crawl.visit import Visit


def backoff_seconds(attempt: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """How long retry number ``attempt`` (1, 2 …) waits: the server's ``Retry-After`` when it gave
    one, else ``base`` doubled per earlier attempt; never more than ``cap``."""
    if attempt < 1:
        return 0.0
    wanted = retry_after if retry_after is not None else base * 2 ** (attempt - 1)
    return max(0.0, min(cap, wanted))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when missing or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryBackoffMiddleware:
    """Waits before each retry of a request (see the module docstring); counts the retries held back
    and the seconds waited in ``govreports/retry/backoff`` and ``govreports/retry/backoff_seconds``."""

    def __init__(self, crawler: Any, base: float, cap: float) -> None:
        self.crawler = crawler
        self.base = base
        self.cap = cap
        self.retry_codes = frozenset(int(code) for code in crawler.settings.getlist("RETRY_HTTP_CODES"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryBackoffMiddleware:
        config = CrawlConfig.from_settings(crawler.settings)
        if config.retry_backoff <= 0 or not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        return cls(crawler, config.retry_backoff, config.retry_backoff_max)

    async def process_request(self, request: Request) -> None:
        attempt = int(request.meta.get("retry_times", 0))
        delay = backoff_seconds(attempt, self.base, self.cap, Visit.of(request).retry_after)
        if delay > 0:
            self.crawler.stats.inc_value("govreports/retry/backoff")
            self.crawler.stats.inc_value("govreports/retry/backoff_seconds", round(delay, 3))
            await asyncio.sleep(delay)

    def process_response(self, request: Request, response: Response) -> Response:
        """Remember a ``Retry-After`` on an answer that will be retried (the retry copies the meta, and
        with it the request's visit)."""
        if response.status in self.retry_codes:
            header = response.headers.get("Retry-After")
            seconds = parse_retry_after(header.decode("latin-1") if header else None)
            if seconds is not None:
                replace(Visit.of(request), retry_after=seconds).attach(request)
        return response
