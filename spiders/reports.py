"""The ``reports`` spider: from each seed to its report columns, through the listings, to the reports.

A focused crawl: every link is scored (:func:`crawler.extract.pagekind.link_score`) by its anchor text,
``title`` attribute and URL, and only what leads to reports is followed — section links (政务公开,
信息公开, department and township pages), report columns (信息公开年报…), pagination (next links,
``index_N.html``, ``?page=N``, TRS ``createPageHTML``), report pages and attachments — never off the
seed's host, within per-site page, depth and listing budgets. A script-filled list is read from the
JSON its page names when it names one, else through the browser (``GOVREPORTS_RENDER``); a seed
column that has moved is found again from the site's home page. Deciding what a link or page is lives
in :mod:`crawler.extract.pagekind`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.corpus.dedupe import url_key
from crawler.crawl.budget import SiteBudgetExhausted, count_budget_hit
from crawler.crawl.config import CrawlConfig
from crawler.crawl.guard import RefusedAddress
from crawler.crawl.items import ReportItem, page_dropped
from crawler.crawl.ledger import RunLedger, SeedList
from crawler.crawl.render import network_settled, render_meta
from crawler.crawl.seeds import Seed, collect_seeds
from crawler.crawl.visit import FOREIGN, PageImages, Role, Visit, depth_of
from crawler.extract import imagepages, pagekind, patterns, scriptlists
from crawler.extract.encoding import decode_html
from crawler.extract.textutil import normalise_space


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
        already checked (``seed_objects``, ``seed_problems``) from the govreports CLI. What the run does
        with them is recorded in the run ledger (:class:`crawler.crawl.ledger.RunLedger`)."""
        super().__init__(*args, **kwargs)
        if seed_objects is not None:
            self._seeds = SeedList.of(seed_objects, seed_problems or [])
        else:
            urls = seeds.split(",") if isinstance(seeds, str) else list(seeds or [])
            self._seeds = SeedList.of(*collect_seeds([u for u in urls if u.strip()], seeds_file))
        # The spider's own scheduling state (the run's record is in the ledger):
        self.pages_per_site: Counter[str] = Counter()
        # 64-bit keys of the report URLs linked so far (crawler.corpus.dedupe.url_key), not the URLs.
        self.seen_reports: set[int] = set()
        # list pages fetched already under another URL (``list.jsp?page=1`` of a column's own page)
        self.known_pages: set[int] = set()
        self.rediscovered_hosts: set[str] = set()
        self.config = CrawlConfig()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = CrawlConfig.from_settings(crawler.settings)
        return spider

    def seed_list(self) -> SeedList:
        """The seeds this spider was given (the run ledger's :class:`~crawler.crawl.ledger.SeedSource`)."""
        return self._seeds

    @cached_property
    def ledger(self) -> RunLedger:
        return RunLedger.of(self.crawler)

    async def start(self) -> AsyncIterator[Any]:
        for problem in self._seeds.problems:
            self.logger.warning("bad seed: %s", problem)
            self._inc("seeds/bad")
        for seed in self._seeds.seeds:
            self._inc("seeds/ok")
            role = Role.REPORT if pagekind.is_attachment_url(seed.url) else Role.SEED
            yield self._request(seed.url, Visit(role, seed), referer=None)

    # --- scheduling ------------------------------------------------------------------------------
    def _request(
        self,
        url: str,
        visit: Visit,
        *,
        referer: str | None,
        score: int = 0,
        render: bool = False,
        links_before: int = 0,
        served: Response | None = None,
        again: bool = False,
    ) -> scrapy.Request:
        """A request for ``url``; how deep it lies is Scrapy's ``depth`` (set by its DepthMiddleware)."""
        self.pages_per_site[urlsplit(url).netloc] += 1
        meta: dict[str, Any] = {}
        attachment = pagekind.is_attachment_url(url) or visit.role is Role.IMAGE
        if not attachment and (render or self.config.render == "always"):
            answer = (served.status, served.headers, served.body) if served is not None else None
            meta |= render_meta(self.config, links_before, served=answer)
            visit = replace(visit, rendered=True)
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            priority=score,
            # an image page is fetched for its report page even when another page showed it too
            dont_filter=visit.role in (Role.SEED, Role.IMAGE) or render or again,
            meta=meta | visit.meta(),
            headers={"Referer": referer} if referer else None,
        )

    def _within_budget(self, url: str) -> bool:
        if self.pages_per_site[urlsplit(url).netloc] < self.config.max_pages_per_site:
            return True
        self._budget_hit("pages_per_site", url)
        return False

    def _budget_hit(self, name: str, url: str) -> None:
        """A link not followed because a budget ran out (``govreports/budget/<name>/<host>``)."""
        count_budget_hit(self.crawler.stats if self.crawler else None, name, urlsplit(url).netloc)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(f"govreports/{key}", count)

    def _count(self, seed: Seed, key: str) -> None:
        self.ledger.count(seed, key)

    # --- callbacks -------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        visit = Visit.of(response)
        seed = _seed_of(visit)
        self._count(seed, "pages")
        if visit.rendered:
            self._count(seed, "rendered")
            self._inc("pages/rendered")
            if not network_settled(response.meta):
                self._inc("render/network_busy")
        if visit.role is Role.IMAGE:
            image = imagepages.PageImage(_asked_url(response), response.body)
            yield from self._image_page(visit, seed, image)
            return
        if visit.role is Role.DATA:
            yield from self._data_list(response, visit, seed)
            return
        if not isinstance(response, TextResponse) or not _is_html(response):
            yield from self._parse_document(response, visit, seed)
            return
        if visit.role is Role.REPORT:  # linked as a report: the worker reads it, no parse here
            yield from self._report(response, visit, seed, None)
            return
        page = _selector(response)
        if visit.role is not Role.ATTACHMENT and pagekind.is_report_title(_page_title(page)):
            yield from self._report(response, visit, seed, page)
            return
        if visit.role is Role.SEED and _moved_to_home(response):
            yield from self._rediscover(seed, response.url, "redirected to the home page")
        elif visit.role is Role.SEED and pagekind.is_report_column(_page_title(page), response.url):
            visit = replace(visit, column_only=True)  # a column seed: its reports and pages, not the site
        if visit.role is not None and visit.role.lists_reports:
            self._count(seed, "listing_pages")
        yield from self._follow(response, page, visit, seed)

    def _report(
        self, response: TextResponse, visit: Visit, seed: Seed, page: Selector | None
    ) -> Iterator[Any]:
        """A report page: the item, and requests for the files it links. The page is parsed here only
        when its text names a file type (most report pages link none): the extraction worker parses it
        anyway, and a parse on the reactor thread costs every page's throughput."""
        text, _ = decode_html(response.body, _header(response.headers, "Content-Type"))
        if not visit.not_modified:  # an unchanged page: stored already
            item = self._item(response, visit, seed)
            urls = imagepages.report_images(text, response.url) if visit.parent is None else []
            if urls:  # its body is pictures of the report: fetched first, then one item
                self._inc("pages/image_report")
                yield from self._image_page(visit, seed, None, PageImages(item, tuple(urls)))
            else:
                yield item
        if page is None:
            if not patterns.ATTACHMENT_LINK_HINT.search(text):
                return
            page = Selector(text=text)
        yield from self._attachments_of(response, page, visit, seed)

    def _image_page(
        self,
        visit: Visit,
        seed: Seed,
        image: imagepages.PageImage | None,
        gathering: PageImages | None = None,
    ) -> Iterator[Any]:
        """The next image page of a report page to fetch (after ``image``, just fetched or failed); once
        every one is in, the page's item with them all, in page order. An image over the site's page
        budget is not fetched, and counts as failed."""
        gathering = gathering or visit.images
        if gathering is None:  # an image request without its page (not one of ours)
            return
        if image is not None:
            gathering = gathering.with_image(image)
            self._inc("pages/image" if image.body is not None else "pages/image_failed")
        while (url := gathering.next_url) is not None:
            if self._within_budget(url):
                page_url = gathering.item.url
                request = Visit(Role.IMAGE, seed, anchor=visit.anchor, parent=page_url, images=gathering)
                yield self._request(url, request, referer=page_url, score=pagekind.SCORE_REPORT)
                return
            gathering = gathering.with_image(imagepages.PageImage(url, failure="page budget of the site"))
        gathering.item.images = gathering.fetched
        yield gathering.item

    def _parse_document(self, response: Response, visit: Visit, seed: Seed) -> Iterator[Any]:
        """A non-HTML answer: an attachment we asked for is an item; anything else is noted."""
        if visit.role in (Role.REPORT, Role.ATTACHMENT) and pagekind.is_attachment_url(response.url):
            self._count(seed, "attachments")
            self._inc("pages/file")
            yield self._item(response, visit, seed)
        elif visit.role is Role.SEED:
            kind = _header(response.headers, "Content-Type") or "no Content-Type"
            self._seed_failed(seed, f"not an HTML page ({kind})")

    def _item(self, response: Response, visit: Visit, seed: Seed) -> ReportItem:
        if visit.parent is None:
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
            anchor_text=visit.anchor,
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            headers={
                key.decode("latin-1"): b", ".join(values).decode("latin-1")
                for key, values in response.headers.items()
            },
            parent_url=visit.parent,
            rendered=visit.rendered,
            seed_body=seed.body,
            seed_region=seed.region,
            seed_level=seed.level,
            seed_division_code=seed.division_code,
        )

    def _attachments_of(
        self, response: TextResponse, page: Selector, visit: Visit, seed: Seed
    ) -> Iterator[scrapy.Request]:
        """Files linked from a report page (its PDF/DOCX versions): files of the same report."""
        if visit.parent is not None:
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
                attachment = Visit(Role.ATTACHMENT, seed, anchor=text, parent=response.url)
                yield self._request(url, attachment, referer=response.url, score=pagekind.SCORE_REPORT)

    def _follow(
        self, response: TextResponse, page: Selector, visit: Visit, seed: Seed
    ) -> Iterator[scrapy.Request]:
        role = visit.role
        in_column = (role is not None and role.lists_reports) or pagekind.is_report_column(_page_title(page))
        links = list(self._links(response, page, in_column))
        if in_column and not any(link_role in (Role.REPORT, Role.LISTING) for _, _, link_role, _ in links):
            yield from self._empty_list(response, page, visit, seed)
        yield from self._schedule(links, response.url, visit, seed, depth_of(response))

    def _schedule(
        self, links: list[tuple[str, str, Role, int]], page_url: str, visit: Visit, seed: Seed, depth: int
    ) -> Iterator[scrapy.Request]:
        """Requests for the links of a page (or of the JSON a page's list is filled from) worth following."""
        role, seed_host = visit.role, urlsplit(seed.url).netloc
        new_reports = [
            url
            for url, _, link_role, _ in links
            if link_role is Role.REPORT and url_key(url) not in self.seen_reports
        ]
        self.seen_reports.update(map(url_key, new_reports))
        links_column = any(link_role is Role.COLUMN for _, _, link_role, _ in links)
        for url, _, link_role, _ in links:
            alias = pagekind.first_page_alias(page_url, url) if link_role is Role.LISTING else None
            if alias is not None:
                self.known_pages.add(url_key(alias))
        for url, text, link_role, score in links:
            if urlsplit(url).netloc != seed_host:
                continue
            if visit.column_only and link_role not in (Role.REPORT, Role.LISTING):
                continue
            if link_role is Role.SECTION and links_column and pagekind.is_report_column_sibling(text):
                self._inc("skipped/column_sibling")  # 公开制度, 法定主动公开内容 beside the 年报 column
                continue
            if link_role is Role.LISTING and url_key(url) in self.known_pages:
                self._inc("skipped/first_page_alias")  # page 1 of a pager: the column page itself
                continue
            if link_role is Role.LISTING and not new_reports and role is Role.LISTING:
                # this page listed nothing new: its pager leads nowhere (an endless ?page=N)
                self._inc("trap/listing_exhausted")
                continue
            next_depth = depth + (1 if link_role is Role.SECTION else 0)
            listing_pages = visit.listing_pages + (1 if link_role is Role.LISTING else 0)
            if next_depth > self.config.max_depth:
                self._budget_hit("depth", url)
                continue
            if listing_pages > self.config.max_listing_pages:
                self._budget_hit("listing_pages", url)
                continue
            if not self._within_budget(url):
                continue
            link = Visit(
                link_role, seed, anchor=text, listing_pages=listing_pages, column_only=visit.column_only
            )
            yield self._request(url, link, referer=page_url, score=score)

    def _empty_list(
        self, response: TextResponse, page: Selector, visit: Visit, seed: Seed
    ) -> Iterator[scrapy.Request]:
        """A report list that shows nothing: if a script fills it, read the JSON the page names for it, or
        else render it; without a script, the column is gone."""
        text = response.text if response.encoding else ""
        script_filled = pagekind.looks_script_filled(text)
        if visit.rendered and not (visit.challenged and script_filled):
            return  # what the scripts show (a challenge's render held the page's scripts back)
        data = scriptlists.data_urls(text, response.url) if script_filled and not visit.data_read else []
        again = Visit(
            visit.role,
            seed,
            anchor=visit.anchor,
            listing_pages=visit.listing_pages,
            column_only=visit.column_only,
        )
        if data:  # no browser: the JSON is the list
            self._inc("script_list/json")
            fills = replace(again, role=Role.DATA, list_page=response.url, list_role=visit.role)
            yield self._request(data[0], fills, referer=response.url, score=pagekind.SCORE_LISTING)
        elif self.config.render == "auto" and script_filled:
            self._inc("render/script_filled_list")
            yield self._request(
                response.url,
                again,
                referer=None,
                score=pagekind.SCORE_LISTING,
                render=True,
                served=response,  # the browser starts from the page as fetched
                # a browser runs scripts, so it shows no links of <noscript>: count what it will see
                links_before=len(page.xpath("//a[@href][not(ancestor::noscript)]")),
            )
        elif visit.role is Role.SEED:
            yield from self._rediscover(seed, response.url, "the column lists no reports")

    def _data_list(self, response: Response, visit: Visit, seed: Seed) -> Iterator[scrapy.Request]:
        """The JSON a list page's script fills its list from: its items are the page's links. One that
        lists no report or further page (no JSON, another shape) sends the page to the browser."""
        page_url = visit.list_page or response.url
        links = []
        for url, title in scriptlists.data_links(response.body, page_url) or []:
            url = pagekind.without_session(url)
            if not url.startswith(("http://", "https://")) or patterns.NON_PAGE_URL.search(url):
                continue
            scored = pagekind.link_score(title, title, url, in_column=True, page_url=page_url)
            if scored is not None:
                links.append((url, title, Role(scored[0]), scored[1]))
        if not any(link_role in (Role.REPORT, Role.LISTING) for _, _, link_role, _ in links):
            self._inc("script_list/json_unread")
            yield from self._data_unread(visit, seed)
            return
        listed = replace(visit, role=visit.list_role, list_page=None, list_role=None)
        yield from self._schedule(links, page_url, listed, seed, depth_of(response))

    def _data_unread(self, visit: Visit, seed: Seed) -> Iterator[scrapy.Request]:
        """The page whose list data gave nothing, again: this time through the browser, if it may."""
        if visit.list_page is not None:
            page = replace(visit, role=visit.list_role, list_page=None, list_role=None, data_read=True)
            yield self._request(visit.list_page, page, referer=None, score=pagekind.SCORE_LISTING, again=True)

    def _links(
        self, response: TextResponse, page: Selector, in_column: bool
    ) -> Iterator[tuple[str, str, Role, int]]:
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
            link_role, score = scored
            yield url, title_attr or text, Role(link_role), score
        if in_column:
            for script in page.css("script::text").getall():
                for relative in pagekind.create_page_html_urls(script):
                    url = urljoin(response.url, relative)
                    yield url, "createPageHTML", Role.LISTING, pagekind.SCORE_LISTING

    # --- failures and moved columns --------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterator[Any]:
        request: scrapy.Request | None = getattr(failure, "request", None)
        visit = Visit.of(request) if request is not None else FOREIGN
        reason = _failure_reason(failure)
        seed = visit.seed
        if visit.role is Role.IMAGE and request is not None and seed is not None:
            # a page of an image report that did not come: noted, and the report goes on without it
            limit = _limit_exceeded(failure)
            ignored = isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, HttpError)
            why = str(failure.value) if ignored else reason
            why = limit[1] if limit else why
            url = _asked_url(request)
            self.logger.warning("image page failed: %s: %s", url, why)
            self._page_dropped(url, "failed", f"image page of {visit.parent}: {why}")
            yield from self._image_page(visit, seed, imagepages.PageImage(url, failure=why))
            return
        if isinstance(failure.value, RefusedAddress | SiteBudgetExhausted):
            yield from self._dropped(seed, visit.role, str(failure.value))
            return
        if limit := _limit_exceeded(failure):
            self._inc(f"pages/{limit[0]}")
            if request is not None:
                self._page_dropped(request.url, limit[0], limit[1])
            yield from self._dropped(seed, visit.role, f"{limit[1]}: {request.url if request else '?'}")
            return
        if getattr(self.crawler, "interrupted", None) is not None:
            # the crawl is stopping on a signal: requests cut short (a browser closed) are no failures
            self._inc("pages/cancelled")
            return
        if visit.role is Role.DATA and seed is not None and "robots.txt" not in str(failure.value):
            self._inc("script_list/json_failed")  # the page's list through the browser instead
            yield from self._data_unread(visit, seed)
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
        if visit.role is Role.SEED and seed is not None:
            if _is_gone(failure) and urlsplit(seed.url).path not in ("", "/"):
                yield from self._rediscover(seed, seed.url, reason)
            else:
                self._seed_failed(seed, f"unreachable ({reason})")
        else:
            self._inc("pages/failed")
            line = f"{request.url if request is not None else '?'}: {reason}"
            self.ledger.page_failed(line)
            self.logger.warning("failed: %s", line)
            if request is not None:
                self._page_dropped(request.url, "failed", reason)

    def _page_dropped(self, url: str, reason: str, detail: str) -> None:
        """A page the run keeps as not stored, with its reason (the store pipeline records it)."""
        if getattr(self, "crawler", None) is not None:
            self.crawler.signals.send_catch_log(page_dropped, url=url, reason=reason, detail=detail)

    def _dropped(self, seed: Seed | None, role: Role | None, reason: str) -> Iterator[scrapy.Request]:
        """A request refused by the address guard or dropped by the per-site failure budget."""
        self.logger.warning("not fetched: %s", reason)
        if seed is not None:
            self._count(seed, "errors")
            if role is Role.SEED:
                self._seed_failed(seed, reason)
        yield from ()

    def _rediscover(self, seed: Seed, url: str, reason: str) -> Iterator[scrapy.Request]:
        """A seed column that moved or vanished: start again from the site's home page, and say so."""
        parts = urlsplit(url)
        home = f"{parts.scheme}://{parts.netloc}/"
        note = f"seed {seed.url}: column gone ({reason}); re-discovering from {home}"
        self.ledger.note(note)
        self.logger.warning(note)
        self._inc("seeds/rediscovered")
        if parts.netloc in self.rediscovered_hosts or url == home:
            return
        self.rediscovered_hosts.add(parts.netloc)
        yield self._request(home, Visit(Role.SECTION, seed), referer=None)

    def _seed_failed(self, seed: Seed, reason: str) -> None:
        message = f"seed {seed.url}: {reason}"
        self.ledger.seed_failed(message)
        self.logger.warning("bad seed: %s", message)
        self._inc("seeds/failed")


def _seed_of(visit: Visit) -> Seed:
    """The seed a response of the spider's came from (every request the spider makes names one)."""
    if visit.seed is None:
        raise ValueError(f"a response to a request the spider did not make ({visit})")
    return visit.seed


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


def _asked_url(message: Response | scrapy.Request) -> str:
    """The URL the spider asked for, before any redirect."""
    return str((message.meta.get("redirect_urls") or [message.url])[0])


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
