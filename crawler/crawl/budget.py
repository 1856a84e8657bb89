"""The per-site failure budget: a dead or erroring portal costs a bounded time."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.crawl.config import CrawlConfig
from crawler.crawl.ledger import RunLedger


class SiteBudgetExhausted(IgnoreRequest):
    """A host failed ``GOVREPORTS_MAX_ERRORS_PER_SITE`` times: its remaining requests are dropped."""


class SiteErrorBudgetMiddleware:
    """Per-site failure budget: after ``GOVREPORTS_MAX_ERRORS_PER_SITE`` failed attempts on a host
    (5xx answers, timeouts, refused or reset connections; retries included), the host's remaining
    requests are dropped, counted in ``govreports/budget/site_errors`` and noted once in the run."""

    def __init__(self, crawler: Any, limit: int, ledger: RunLedger) -> None:
        self.crawler = crawler
        self.ledger = ledger
        self.limit = limit
        self.errors: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteErrorBudgetMiddleware:
        limit = CrawlConfig.from_settings(crawler.settings).max_errors_per_site
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit, RunLedger.of(crawler))

    def process_request(self, request: Request) -> None:
        netloc = urlsplit(request.url).netloc
        if self.errors[netloc] < self.limit:
            return
        self.crawler.stats.inc_value("govreports/budget/site_errors")
        raise SiteBudgetExhausted(f"dropped {request.url}: {netloc} failed {self.errors[netloc]} times")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 500:
            self._failed(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, IgnoreRequest):
            self._failed(request)

    def _failed(self, request: Request) -> None:
        netloc = urlsplit(request.url).netloc
        self.errors[netloc] += 1
        if self.errors[netloc] == self.limit:
            note = f"site {netloc}: {self.limit} failed requests, its remaining requests dropped"
            self.ledger.note(note)
