"""The ``reports`` spider: from each seed to its report columns, through the listings, to the reports.

A focused crawl: every link is scored (:func:`crawler.extract.pagekind.link_score`) by its anchor text,
``title`` attribute and URL, and only what leads to reports is followed — section links (政务公开,
信息公开, department and township pages), report columns (信息公开年报…), pagination (next links,
``index_N.html``, ``?page=N``, TRS ``createPageHTML``), report pages and attachments — never off the
seed's host, within per-site page, depth and listing budgets. Script-filled lists go through the
browser only when a page needs it (``GOVREPORTS_RENDER``); a seed column that has moved is found
again from the site's home page. Deciding what a link or page is lives in :mod:`crawler.extract.pagekind`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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

from crawler.corpus.dedupe import url_key
from crawler.crawl.budget import SiteBudgetExhausted
from crawler.crawl.config import CrawlConfig
from crawler.crawl.guard import RefusedAddress
from crawler.crawl.items import ReportItem, page_dropped
from crawler.crawl.render import network_settled, render_meta
from crawler.crawl.seeds import Seed, collect_seeds
from crawler.extract import pagekind, patterns
from crawler.extract.encoding import decode_html
from crawler.extract.textutil import normalise_space

# Roles whose pages are lists of reports (their links may paginate).
LIST_ROLES = ("column", "listing")
# Failed pages a run keeps by URL (all are counted in govreports/pages/failed).
MAX_FAILED_PAGES_KEPT = 1000
# Per-seed counters kept for the run record.
SEED_COUNTERS = ("pages", "listing_pages", "reports", "attachments", "rendered", "errors")


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
        self.notes: list[str] = []
        # "URL: reason" of pages (not seeds) that failed, the first MAX_FAILED_PAGES_KEPT of them
        self.failed_pages: list[str] = []
        self.per_seed: dict[str, Counter[str]] = defaultdict(Counter)
        self.pages_per_site: Counter[str] = Counter()
        # 64-bit keys of the report URLs linked so far (crawler.corpus.dedupe.url_key), not the URLs.
        self.seen_reports: set[int] = set()
        self.rediscovered_hosts: set[str] = set()
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
            role = "report" if pagekind.is_attachment_url(seed.url) else "seed"
            yield self._request(seed.url, role, seed=seed, depth=0, referer=None, anchor=None)

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
        score: int = 0,
        listing_pages: int = 0,
        parent: str | None = None,
        render: bool = False,
        links_before: int = 0,
        column_only: bool = False,
    ) -> scrapy.Request:
        self.pages_per_site[urlsplit(url).netloc] += 1
        meta: dict[str, Any] = {
            "role": role,
            "seed": seed,
            "depth": depth,
            "anchor": anchor,
            "listing_pages": listing_pages,
            "parent": parent,
            "column_only": column_only,
        }
        attachment = pagekind.is_attachment_url(url)
        if not attachment and (render or self.config.render == "always"):
            meta |= render_meta(self.config, links_before)
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            priority=score,
            dont_filter=role == "seed" or render,
            meta=meta,
            headers={"Referer": referer} if referer else None,
        )

    def _within_budget(self, url: str) -> bool:
        if self.pages_per_site[urlsplit(url).netloc] < self.config.max_pages_per_site:
            return True
        self._inc("budget/pages_per_site")
        return False

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(f"govreports/{key}", count)

    def _count(self, seed: Seed, key: str) -> None:
        self.per_seed[seed.url][key] += 1

    # --- callbacks -------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        meta = response.meta
        seed: Seed = meta["seed"]
        self._count(seed, "pages")
        if meta.get("govreports_rendered"):
            self._count(seed, "rendered")
            self._inc("pages/rendered")
            if not network_settled(meta):
                self._inc("render/network_busy")
        if not isinstance(response, TextResponse) or not _is_html(response):
            yield from self._parse_document(response, seed)
            return
        if meta["role"] == "report":  # linked as a report: the worker reads it, no parse here
            yield from self._report(response, seed, None)
            return
        page = _selector(response)
        if meta["role"] != "attachment" and pagekind.is_report_title(_page_title(page)):
            yield from self._report(response, seed, page)
            return
        if meta["role"] == "seed" and _moved_to_home(response):
            yield from self._rediscover(seed, response.url, "redirected to the home page")
        elif meta["role"] == "seed" and pagekind.is_report_column(_page_title(page), response.url):
            meta["column_only"] = True  # a column seed: its reports and pages, not the rest of the site
        if meta["role"] in LIST_ROLES:
            self._count(seed, "listing_pages")
        yield from self._follow(response, page, seed)

    def _report(self, response: TextResponse, seed: Seed, page: Selector | None) -> Iterator[Any]:
        """A report page: the item, and requests for the files it links. The page is parsed here only
        when its text names a file type (most report pages link none): the extraction worker parses it
        anyway, and a parse on the reactor thread costs every page's throughput."""
        if not response.meta.get("govreports_not_modified"):  # an unchanged page: stored already
            yield self._item(response, seed)
        if page is None:
            text, _ = decode_html(response.body, _header(response.headers, "Content-Type"))
            if not patterns.ATTACHMENT_LINK_HINT.search(text):
                return
            page = Selector(text=text)
        yield from self._attachments_of(response, page, seed)

    def _parse_document(self, response: Response, seed: Seed) -> Iterator[Any]:
        """A non-HTML answer: an attachment we asked for is an item; anything else is noted."""
        meta = response.meta
        if meta["role"] in ("report", "attachment") and pagekind.is_attachment_url(response.url):
            self._count(seed, "attachments")
            yield self._item(response, seed)
        elif meta["role"] == "seed":
            kind = _header(response.headers, "Content-Type") or "no Content-Type"
            self._seed_failed(seed, f"not an HTML page ({kind})")

    def _item(self, response: Response, seed: Seed) -> ReportItem:
        meta = response.meta
        if meta.get("parent") is None:
            self._count(seed, "reports")
            self._inc("pages/report")
        request_headers = response.request.headers if response.request is not None else {}
        return ReportItem(
            url=response.url,
            body=response.body,
            status=response.status,
            content_type=_header(response.headers, "Content-Type"),
            seed=seed.url,
            referer=_header(request_headers, "Referer"),
            anchor_text=meta.get("anchor"),
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            headers={
                key.decode("latin-1"): b", ".join(values).decode("latin-1")
                for key, values in response.headers.items()
            },
            parent_url=meta.get("parent"),
            rendered=bool(meta.get("govreports_rendered")),
            seed_body=seed.body,
            seed_region=seed.region,
            seed_level=seed.level,
        )

    def _attachments_of(self, response: TextResponse, page: Selector, seed: Seed) -> Iterator[scrapy.Request]:
        """Files linked from a report page (its PDF/DOCX versions): files of the same report."""
        if response.meta.get("parent") is not None:
            return
        for anchor in page.css("a[href]"):
            href = (anchor.attrib.get("href") or "").strip().split("#", 1)[0]
            if not pagekind.is_attachment_url(href):  # before urljoin: most links are not files
                continue
            url = response.urljoin(href)
            if not pagekind.same_body_host(response.url, url):
                continue
            if self._within_budget(url):
                text = normalise_space(" ".join(anchor.css("::text").getall()))
                yield self._request(
                    url,
                    "attachment",
                    seed=seed,
                    depth=response.meta["depth"],
                    referer=response.url,
                    anchor=text,
                    score=pagekind.SCORE_REPORT,
                    parent=response.url,
                )

    def _follow(self, response: TextResponse, page: Selector, seed: Seed) -> Iterator[scrapy.Request]:
        meta = response.meta
        role, depth = meta["role"], meta["depth"]
        seed_host = urlsplit(seed.url).netloc
        in_column = role in LIST_ROLES or pagekind.is_report_column(_page_title(page))
        links = list(self._links(response, page, in_column))
        new_reports = [
            url
            for url, _, link_role, _ in links
            if link_role == "report" and url_key(url) not in self.seen_reports
        ]
        self.seen_reports.update(map(url_key, new_reports))
        if in_column and not any(link_role in ("report", "listing") for _, _, link_role, _ in links):
            yield from self._empty_list(response, page, seed)
        for url, text, link_role, score in links:
            if urlsplit(url).netloc != seed_host:
                continue
            if meta.get("column_only") and link_role not in ("report", "listing"):
                continue
            if link_role == "listing" and not new_reports and role == "listing":
                # this page listed nothing new: its pager leads nowhere (an endless ?page=N)
                self._inc("trap/listing_exhausted")
                continue
            next_depth = depth + (1 if link_role == "section" else 0)
            listing_pages = meta["listing_pages"] + (1 if link_role == "listing" else 0)
            if next_depth > self.config.max_depth:
                self._inc("budget/depth")
                continue
            if listing_pages > self.config.max_listing_pages:
                self._inc("budget/listing_pages")
                continue
            if not self._within_budget(url):
                continue
            yield self._request(
                url,
                link_role,
                seed=seed,
                depth=next_depth,
                referer=response.url,
                anchor=text,
                score=score,
                listing_pages=listing_pages,
                column_only=bool(meta.get("column_only")),
            )

    def _empty_list(self, response: TextResponse, page: Selector, seed: Seed) -> Iterator[scrapy.Request]:
        """A report list that shows nothing: render it if a script fills it, else the column is gone."""
        meta = response.meta
        if meta.get("govreports_rendered"):
            return
        text = response.text if response.encoding else ""
        if self.config.render == "auto" and pagekind.looks_script_filled(text):
            self._inc("render/script_filled_list")
            yield self._request(
                response.url,
                meta["role"],
                seed=seed,
                depth=meta["depth"],
                referer=None,
                anchor=meta.get("anchor"),
                score=pagekind.SCORE_LISTING,
                listing_pages=meta["listing_pages"],
                render=True,
                # a browser runs scripts, so it shows no links of <noscript>: count what it will see
                links_before=len(page.xpath("//a[@href][not(ancestor::noscript)]")),
                column_only=bool(meta.get("column_only")),
            )
        elif meta["role"] == "seed":
            yield from self._rediscover(seed, response.url, "the column lists no reports")

    def _links(
        self, response: TextResponse, page: Selector, in_column: bool
    ) -> Iterator[tuple[str, str, str, int]]:
        """(absolute URL, anchor text, role, score) of every link worth following from this page."""
        for anchor in page.css("a[href]"):
            href = (anchor.attrib.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            url = pagekind.without_session(response.urljoin(href).split("#", 1)[0])
            if not url.startswith(("http://", "https://")) or patterns.NON_PAGE_URL.search(url):
                continue
            text = normalise_space(" ".join(anchor.css("::text").getall()))
            title_attr = normalise_space(anchor.attrib.get("title", ""))
            scored = pagekind.link_score(text, title_attr, url, in_column=in_column, page_url=response.url)
            if scored is None:
                if pagekind.is_trap_url(url):
                    self._inc("trap/skipped")
                continue
            yield url, title_attr or text, *scored
        if in_column:
            for script in page.css("script::text").getall():
                for relative in pagekind.create_page_html_urls(script):
                    yield urljoin(response.url, relative), "createPageHTML", "listing", pagekind.SCORE_LISTING

    # --- failures and moved columns --------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        reason = _failure_reason(failure)
        seed: Seed | None = meta.get("seed")
        if isinstance(failure.value, RefusedAddress | SiteBudgetExhausted):
            yield from self._dropped(seed, meta.get("role"), str(failure.value))
            return
        if limit := _limit_exceeded(failure):
            self._inc(f"pages/{limit[0]}")
            if request is not None:
                self._page_dropped(request.url, limit[0], limit[1])
            yield from self._dropped(seed, meta.get("role"), f"{limit[1]}: {request.url if request else '?'}")
            return
        if getattr(self.crawler, "interrupted", None) is not None:
            # the crawl is stopping on a signal: requests cut short (a browser closed) are no failures
            self._inc("pages/cancelled")
            return
        if isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, HttpError):
            # robots.txt, unchanged or already stored pages, unsolved challenges: counted where decided
            if "robots.txt" in str(failure.value):
                self._inc("pages/robots_forbidden")
            elif "challenge" in str(failure.value) and request is not None:
                self._page_dropped(request.url, "challenge", str(failure.value))
            self.logger.debug("not fetched: %s", failure.value)
            return
        if seed is not None:
            self._count(seed, "errors")
        if meta.get("role") == "seed" and seed is not None:
            if _is_gone(failure) and urlsplit(seed.url).path not in ("", "/"):
                yield from self._rediscover(seed, seed.url, reason)
            else:
                self._seed_failed(seed, f"unreachable ({reason})")
        else:
            self._inc("pages/failed")
            line = f"{request.url if request is not None else '?'}: {reason}"
            if len(self.failed_pages) < MAX_FAILED_PAGES_KEPT:
                self.failed_pages.append(line)
            self.logger.warning("failed: %s", line)
            if request is not None:
                self._page_dropped(request.url, "failed", reason)

    def _page_dropped(self, url: str, reason: str, detail: str) -> None:
        """A page the run keeps as not stored, with its reason (the store pipeline records it)."""
        if getattr(self, "crawler", None) is not None:
            self.crawler.signals.send_catch_log(page_dropped, url=url, reason=reason, detail=detail)

    def _dropped(self, seed: Seed | None, role: str | None, reason: str) -> Iterator[scrapy.Request]:
        """A request refused by the address guard or dropped by the per-site failure budget."""
        self.logger.warning("not fetched: %s", reason)
        if seed is not None:
            self._count(seed, "errors")
            if role == "seed":
                self._seed_failed(seed, reason)
        yield from ()

    def _rediscover(self, seed: Seed, url: str, reason: str) -> Iterator[scrapy.Request]:
        """A seed column that moved or vanished: start again from the site's home page, and say so."""
        parts = urlsplit(url)
        home = f"{parts.scheme}://{parts.netloc}/"
        note = f"seed {seed.url}: column gone ({reason}); re-discovering from {home}"
        self.notes.append(note)
        self.logger.warning(note)
        self._inc("seeds/rediscovered")
        if parts.netloc in self.rediscovered_hosts or url == home:
            return
        self.rediscovered_hosts.add(parts.netloc)
        yield self._request(home, "section", seed=seed, depth=0, referer=None, anchor=None, render=False)

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


def _limit_exceeded(failure: Failure) -> tuple[str, str] | None:
    """(stat, message) when Scrapy dropped a response for a limit: too many redirects (a loop or a long
    chain, ``REDIRECT_MAX_TIMES``), or a body over ``DOWNLOAD_MAXSIZE`` (sent, or once decompressed)."""
    text = str(failure.value)
    if isinstance(failure.value, IgnoreRequest) and "max redirections" in text:
        return "redirect_loop", "too many redirects (a loop or a chain longer than REDIRECT_MAX_TIMES)"
    if "DOWNLOAD_MAXSIZE" in text or "larger than download max size" in text:
        return "too_large", "body larger than DOWNLOAD_MAXSIZE (a huge page or a decompression bomb)"
    return None


def _is_gone(failure: Failure) -> bool:
    return isinstance(failure.value, HttpError) and failure.value.response.status in (404, 410)


def _moved_to_home(response: TextResponse) -> bool:
    """A seed deeper than the home page that landed on the home page (a moved column)."""
    asked = urlsplit((response.meta.get("redirect_urls") or [response.url])[0]).path
    landed = urlsplit(response.url).path
    return asked not in ("", "/") and landed in ("", "/", "/index.html", "/index.htm", "/index.shtml")


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
