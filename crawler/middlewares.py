"""Downloader middlewares of govreports (Scrapy components; the logic they call is in :mod:`pagekind`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response

from crawler import db as corpus
from crawler import pagekind
from crawler.config import CrawlConfig
from crawler.fingerprint import canonical_url


def render_meta(config: CrawlConfig) -> dict[str, Any]:
    """``request.meta`` that sends a request through the browser (scrapy-playwright) and waits until
    the page has settled and shows links (a script-filled list or a passed challenge)."""
    from scrapy_playwright.page import PageMethod

    return {
        "playwright": True,
        "playwright_page_methods": [
            PageMethod("wait_for_load_state", "networkidle"),
            PageMethod(
                "wait_for_function",
                "() => document.querySelectorAll('a[href]').length > 0",
                timeout=config.render_timeout_ms,
            ),
        ],
        "govreports_rendered": True,
    }


# What the browser need not download to show a page's links: it saves time and requests.
BLOCKED_RESOURCE_TYPES = frozenset({"image", "stylesheet", "font", "media"})


def abort_heavy_resources(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: skip images, styles, fonts and media in rendered pages."""
    return bool(request.resource_type in BLOCKED_RESOURCE_TYPES)


class CanonicalRequestFingerprinter:
    """Request fingerprints over the canonical URL, so ``/col/`` and ``/col/index.html``, or a URL
    with tracking parameters, are fetched once (``REQUEST_FINGERPRINTER_CLASS``)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> CanonicalRequestFingerprinter:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        digest = hashlib.sha1(request.method.encode("ascii"), usedforsecurity=False)
        digest.update(canonical_url(request.url).encode("utf-8"))
        digest.update(request.body or b"")
        return digest.digest()


class AlreadyStored(IgnoreRequest):
    """A report page stored before, from a server that offers no validators: not fetched again."""


class NotModified(IgnoreRequest):
    """The server answered 304 to a conditional request: the stored copy is current."""


class RunDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, kept in memory for one run even with a JOBDIR (see settings)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunDupeFilter:
        return cls(
            None,
            debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )


class IncrementalMiddleware:
    """Scheduled re-runs fetch listings again but only new or changed reports: a stored report page is
    requested with ``If-None-Match``/``If-Modified-Since`` (a 304 ends it, counted), or skipped when its
    server gave no validators. ``GOVREPORTS_FULL`` (``crawl --full``) turns this off."""

    ROLES = ("report", "attachment")

    def __init__(self, crawler: Any, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config
        # URL → (ETag, Last-Modified) of every page captured before (the capture is written last)
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalMiddleware:
        config = CrawlConfig.from_settings(crawler.settings)
        if config.full:
            raise NotConfigured
        middleware = cls(crawler, config)
        crawler.signals.connect(middleware.load_corpus, signal=signals.spider_opened)
        return middleware

    def load_corpus(self) -> None:
        if not Path(self.config.db_path).exists():
            return
        database = corpus.open_db(self.config.db_path)
        try:
            self.validators = corpus.stored_validators(database)
        finally:
            database.close()

    def stored_response(self, request: Request) -> Response | None:
        """The stored capture of a report page, answered instead of the 304: the spider still sees the
        page's files (a file whose fetch was lost in a killed run is asked for again)."""
        database = corpus.open_db(self.config.db_path)
        try:
            capture = corpus.stored_capture(database, canonical_url(request.url))
        finally:
            database.close()
        if capture is None:
            return None
        body, headers = capture
        request.meta["govreports_not_modified"] = True
        return HtmlResponse(request.url, status=200, headers=headers, body=body, request=request)

    def process_request(self, request: Request) -> None:
        if request.meta.get("role") not in self.ROLES:
            return
        url = canonical_url(request.url)
        if url not in self.validators:
            return
        etag, modified = self.validators[url]
        if not (etag or modified):
            self.crawler.stats.inc_value("govreports/incremental/skipped_stored")
            raise AlreadyStored(f"stored before: {request.url}")
        if etag:
            request.headers["If-None-Match"] = etag
        if modified:
            request.headers["If-Modified-Since"] = modified
        request.meta["govreports_conditional"] = True

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304 and request.meta.get("govreports_conditional"):
            self.crawler.stats.inc_value("govreports/incremental/not_modified")
            if request.meta.get("role") == "report" and (stored := self.stored_response(request)):
                return stored
            raise NotModified(f"not modified: {request.url}")
        return response


class ChallengeMiddleware:
    """Recognises anti-bot challenge pages, never lets them through as content, and retries them once
    through the browser (which runs the challenge script); counted in ``govreports/challenge/*``."""

    def __init__(self, crawler: Any, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config

    @classmethod
    def from_crawler(cls, crawler: Any) -> ChallengeMiddleware:
        config = CrawlConfig.from_settings(crawler.settings)
        if not crawler.settings.getbool("GOVREPORTS_CHALLENGE_ENABLED", True):
            raise NotConfigured
        return cls(crawler, config)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        rendered = bool(request.meta.get("govreports_rendered"))
        if not pagekind.is_challenge(response.status, response.body, rendered=rendered):
            if request.meta.get("govreports_challenged") and response.status >= 400:
                # the browser passed the challenge: its first answer's status is stale
                return response.replace(status=200)
            return response
        stats = self.crawler.stats
        if rendered or self.config.render == "never":
            stats.inc_value("govreports/challenge/unsolved")
            raise IgnoreRequest(f"anti-bot challenge page (HTTP {response.status}): {request.url}")
        stats.inc_value("govreports/challenge/detected")
        meta = request.meta | render_meta(self.config) | {"govreports_challenged": True}
        return request.replace(meta=meta, dont_filter=True)
