"""The ``reports`` spider: from each seed to its report column, through the listings, to the reports.

It follows only what leads to reports — section links (政务公开, 信息公开, department pages), report
columns (信息公开年报…), pagination (next links, ``createPageHTML`` pagers, ``index_N.html``) and
report links — never off the seed's host, within per-site page and depth budgets. Deciding what a
link or title is lives in :mod:`crawler.pagekind`; this module only schedules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import pagekind, patterns
from crawler.config import CrawlConfig
from crawler.encoding import decode_html
from crawler.items import ReportItem
from crawler.seeds import Seed, collect_seeds
from crawler.textutil import normalise_space

# Request priorities: reports first, then the pages that list them, then the way to them.
PRIORITY = {"report": 30, "listing": 25, "column": 20, "section": 10, "seed": 0}


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(
        self,
        seeds: str | list[str] | None = None,
        seeds_file: str | None = None,
        *args: Any,
        seed_objects: list[Seed] | None = None,
        seed_problems: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Seeds come as ``-a seeds=URL,URL`` / ``-a seeds_file=FILE`` from ``scrapy crawl``, or
        already checked (``seed_objects``, ``seed_problems``) from the govreports CLI."""
        super().__init__(*args, **kwargs)
        if seed_objects is not None:
            self.seeds, self.seed_problems = list(seed_objects), list(seed_problems or [])
        else:
            urls = seeds.split(",") if isinstance(seeds, str) else list(seeds or [])
            self.seeds, self.seed_problems = collect_seeds([u for u in urls if u.strip()], seeds_file)
        self.seed_failures: list[str] = []
        self.pages_per_site: Counter[str] = Counter()
        self.config = CrawlConfig()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = CrawlConfig.from_settings(crawler.settings)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for problem in self.seed_problems:
            self.logger.warning("bad seed: %s", problem)
            self._inc("seeds/bad")
        for seed in self.seeds:
            self._inc("seeds/ok")
            yield self._request(seed.url, "seed", seed=seed, depth=0, referer=None, anchor=None)

    # --- scheduling ------------------------------------------------------------------------------
    def _request(
        self,
        url: str,
        role: str,
        *,
        seed: Seed,
        depth: int,
        referer: str | None,
        anchor: str | None,
        listing_pages: int = 0,
    ) -> scrapy.Request:
        self.pages_per_site[urlsplit(url).netloc] += 1
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            priority=PRIORITY[role],
            dont_filter=role == "seed",
            meta={
                "role": role,
                "seed": seed,
                "depth": depth,
                "anchor": anchor,
                "listing_pages": listing_pages,
            },
            headers={"Referer": referer} if referer else None,
        )

    def _within_budget(self, url: str) -> bool:
        if self.pages_per_site[urlsplit(url).netloc] < self.config.max_pages_per_site:
            return True
        self._inc("budget/pages_per_site")
        return False

    def _inc(self, key: str) -> None:
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(f"govreports/{key}")

    # --- callbacks -------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        meta = response.meta
        seed: Seed = meta["seed"]
        if not isinstance(response, TextResponse) or not _is_html(response):
            if meta["role"] == "seed":
                kind = _header(response.headers, "Content-Type") or "no Content-Type"
                self._seed_failed(seed, f"not an HTML page ({kind})")
            return
        page = _selector(response)
        title = _page_title(page)
        if meta["role"] == "report" or pagekind.is_report_title(title):
            self._inc("pages/report")
            yield ReportItem(
                url=response.url,
                body=response.body,
                status=response.status,
                content_type=_header(response.headers, "Content-Type"),
                seed=seed.url,
                referer=_header(response.request.headers if response.request else {}, "Referer"),
                anchor_text=meta.get("anchor"),
                fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            )
            return
        yield from self._follow(response, page, seed)

    def _follow(self, response: TextResponse, page: Selector, seed: Seed) -> Iterator[scrapy.Request]:
        meta = response.meta
        role, depth = meta["role"], meta["depth"]
        seed_host = urlsplit(seed.url).netloc
        in_column = role in ("column", "listing") or pagekind.is_report_column(_page_title(page))
        for url, text, role_of_link in self._links(response, page, in_column):
            if urlsplit(url).netloc != seed_host or not self._within_budget(url):
                continue
            next_depth = depth + (1 if role_of_link == "section" else 0)
            listing_pages = meta["listing_pages"] + (1 if role_of_link == "listing" else 0)
            if next_depth > self.config.max_depth:
                self._inc("budget/depth")
                continue
            if listing_pages > self.config.max_listing_pages:
                self._inc("budget/listing_pages")
                continue
            yield self._request(
                url,
                role_of_link,
                seed=seed,
                depth=next_depth,
                referer=response.url,
                anchor=text,
                listing_pages=listing_pages,
            )

    def _links(
        self, response: TextResponse, page: Selector, in_column: bool
    ) -> Iterator[tuple[str, str, str]]:
        """(absolute URL, anchor text, role) of every link worth following from this page."""
        for anchor in page.css("a[href]"):
            href = (anchor.attrib.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            url = response.urljoin(href).split("#", 1)[0]
            if not url.startswith(("http://", "https://")) or patterns.NON_PAGE_URL.search(url):
                continue
            text = normalise_space(" ".join(anchor.css("::text").getall()))
            title_attr = normalise_space(anchor.attrib.get("title", ""))
            if pagekind.is_report_title(title_attr) or pagekind.is_report_title(text):
                yield url, title_attr or text, "report"
            elif pagekind.is_report_column(text, url):
                yield url, text, "column"
            elif in_column and (pagekind.is_next_page_text(text) or _sibling_listing(response.url, url)):
                yield url, text, "listing"
            elif pagekind.is_section_link(text, url):
                yield url, text, "section"
        if in_column:
            for script in page.css("script::text").getall():
                for relative in pagekind.create_page_html_urls(script):
                    yield urljoin(response.url, relative), "createPageHTML", "listing"

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        reason = _failure_reason(failure)
        if isinstance(failure.value, IgnoreRequest) and "robots.txt" in str(failure.value):
            self._inc("pages/robots_forbidden")
        elif meta.get("role") == "seed":
            self._seed_failed(meta["seed"], f"unreachable ({reason})")
        else:
            self._inc("pages/failed")
            self.logger.warning("failed: %s: %s", request.url if request is not None else "?", reason)

    def _seed_failed(self, seed: Seed, reason: str) -> None:
        message = f"seed {seed.url}: {reason}"
        self.seed_failures.append(message)
        self.logger.warning("bad seed: %s", message)
        self._inc("seeds/failed")


def _failure_reason(failure: Failure) -> str:
    """One short phrase: ``HTTP 404``, ``DNSLookupError: …``, ``TimeoutError: …``."""
    if isinstance(failure.value, HttpError):
        return f"HTTP {failure.value.response.status}"
    name = failure.type.__name__ if failure.type else "error"
    message = failure.getErrorMessage().splitlines()[0] if failure.getErrorMessage() else ""
    return f"{name}: {message}" if message else name


def _is_html(response: TextResponse) -> bool:
    content_type = (_header(response.headers, "Content-Type") or "").lower()
    return not content_type or any(kind in content_type for kind in patterns.HTML_CONTENT_TYPES)


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name) if headers else None
    return value.decode("latin-1") if value else None


def _selector(response: TextResponse) -> Selector:
    """A selector over the bytes decoded by our rules, not the header's (GBK pages labelled UTF-8)."""
    text, _ = decode_html(response.body, _header(response.headers, "Content-Type"))
    return Selector(text=text)


def _page_title(page: Selector) -> str:
    """A cheap title for scheduling (the extraction pipeline reads the real one from the bytes)."""
    for candidate in (
        page.css('meta[name="ArticleTitle"]::attr(content)').get(),
        " ".join(page.css("h1 ::text").getall()),
        page.css("title::text").get(),
    ):
        if candidate and pagekind.is_report_title(candidate):
            return normalise_space(candidate)
    return normalise_space(page.css("title::text").get() or "")


def _sibling_listing(page_url: str, link_url: str) -> bool:
    """``…/xxgknb/index_2.html`` seen from ``…/xxgknb/index_1.html``: another page of the same list."""
    page_dir = urlsplit(page_url).path.rsplit("/", 1)[0]
    link_path = urlsplit(link_url).path
    return link_path.rsplit("/", 1)[0] == page_dir and pagekind.is_listing_page_url(link_path)
