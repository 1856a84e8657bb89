"""The per-site failure budget: a dead or erroring portal costs a bounded time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.crawl.config import SETTING_NAMES, CrawlConfig
from crawler.crawl.ledger import RunLedger

# The status of a crawl that ended by itself but left links unfollowed because a budget ran out.
BUDGET_EXHAUSTED = "budget_exhausted"
# Stats of budget hits: ``govreports/budget/<name>`` in all and ``govreports/budget/<name>/<host>``.
BUDGET_STATS = "govreports/budget/"
# Budget name → (what a person calls it, the setting that sets it).
BUDGETS = {
    "pages_per_site": ("pages per site", SETTING_NAMES["max_pages_per_site"]),
    "depth": ("depth", SETTING_NAMES["max_depth"]),
    "listing_pages": ("listing pages", SETTING_NAMES["max_listing_pages"]),
    "site_errors": ("error budget", SETTING_NAMES["max_errors_per_site"]),
}


@dataclass(frozen=True)
class BudgetHit:
    """How often one budget stopped the crawl on one site."""

    name: str
    host: str
    count: int

    @property
    def label(self) -> str:
        return BUDGETS.get(self.name, (self.name, ""))[0]

    @property
    def setting(self) -> str:
        return BUDGETS.get(self.name, ("", ""))[1]


def count_budget_hit(stats: Any, name: str, host: str) -> None:
    """Count one request or link a budget stopped, in all and for its host."""
    if stats is not None:
        stats.inc_value(f"{BUDGET_STATS}{name}")
        stats.inc_value(f"{BUDGET_STATS}{name}/{host}")


def budget_hits(stats: Mapping[str, Any]) -> list[BudgetHit]:
    """Every (budget, host) that stopped something, most hits first."""
    hits = []
    for key, value in stats.items():
        if key.startswith(BUDGET_STATS) and isinstance(value, int) and value > 0:
            name, sep, host = key[len(BUDGET_STATS) :].partition("/")
            if sep and host:
                hits.append(BudgetHit(name, host, value))
    return sorted(hits, key=lambda hit: (-hit.count, hit.name, hit.host))


def run_status(reason: str, stats: Mapping[str, Any]) -> str:
    """How a run ended, for its row and the summary: a crawl that finished but was cut short by a budget
    is ``budget_exhausted``; any other finish reason stays as it is."""
    return BUDGET_EXHAUSTED if reason == "finished" and budget_hits(stats) else reason


class SiteBudgetExhausted(IgnoreRequest):
    """A host failed ``GOVREPORTS_MAX_ERRORS_PER_SITE`` times: its remaining requests are dropped."""


class SiteErrorBudgetMiddleware:
    """Per-site failure budget: after ``GOVREPORTS_MAX_ERRORS_PER_SITE`` failed attempts on a host
    (5xx answers, timeouts, refused or reset connections; retries included), the host's remaining
    requests are dropped, counted in ``govreports/budget/site_errors`` (and ``…/site_errors/<host>``)
    and noted once in the run."""

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
        count_budget_hit(self.crawler.stats, "site_errors", netloc)
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
