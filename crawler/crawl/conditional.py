"""Incremental re-crawls: conditional requests for stored report pages (``IncrementalMiddleware``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response

from crawler.corpus import db as corpus
from crawler.corpus.dedupe import canonical_url
from crawler.corpus.shards import SUFFIX
from crawler.crawl.config import CrawlConfig
from crawler.crawl.visit import Role, Visit


class AlreadyStored(IgnoreRequest):
    """A report page stored before, from a server that offers no validators: not fetched again."""


class NotModified(IgnoreRequest):
    """The server answered 304 to a conditional request: the stored copy is current."""


class IncrementalMiddleware:
    """Scheduled re-runs fetch listings again but only new or changed reports: a stored report page is
    requested with ``If-None-Match``/``If-Modified-Since`` (a 304 ends it, counted), or skipped when its
    server gave no validators. ``GOVREPORTS_FULL`` (``crawl --full``) turns this off."""

    ROLES = (Role.REPORT, Role.ATTACHMENT)

    def __init__(self, crawler: Any, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config
        # URL → (ETag, Last-Modified) of every page captured before (the capture is written last)
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        # The corpus files asked, in order: the one GOVREPORTS_DB, or every shard of GOVREPORTS_DB_DIR
        # (a shard's URL → the index of its file; a page is stored in one shard).
        self.paths: list[Path] = []
        self.shard_of: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalMiddleware:
        config = CrawlConfig.from_settings(crawler.settings)
        if config.full:
            raise NotConfigured
        middleware = cls(crawler, config)
        crawler.signals.connect(middleware.load_corpus, signal=signals.spider_opened)
        return middleware

    def load_corpus(self) -> None:
        if self.config.db_dir:
            self.paths = sorted(Path(self.config.db_dir).glob(f"*{SUFFIX}"))
        else:
            self.paths = [Path(self.config.db_path)]
        for index, path in enumerate(self.paths):
            if not path.is_file():
                continue
            database = corpus.open_db(path)
            try:
                validators = corpus.stored_validators(database)
            finally:
                database.close()
            self.validators.update(validators)
            if self.config.db_dir:
                self.shard_of.update(dict.fromkeys(validators, index))

    def stored_response(self, request: Request) -> Response | None:
        """The stored capture of a report page, answered instead of the 304: the spider still sees the
        page's files (a file whose fetch was lost in a killed run is asked for again)."""
        url = canonical_url(request.url)
        database = corpus.open_db(self.paths[self.shard_of.get(url, 0)])
        try:
            capture = corpus.stored_capture(database, url)
        finally:
            database.close()
        if capture is None:
            return None
        body, headers = capture
        replace(Visit.of(request), not_modified=True).attach(request)
        return HtmlResponse(request.url, status=200, headers=headers, body=body, request=request)

    def process_request(self, request: Request) -> None:
        if Visit.of(request).role not in self.ROLES:
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
        replace(Visit.of(request), conditional=True).attach(request)

    def process_response(self, request: Request, response: Response) -> Response:
        visit = Visit.of(request)
        if response.status == 304 and visit.conditional:
            self.crawler.stats.inc_value("govreports/incremental/not_modified")
            if visit.role is Role.REPORT and (stored := self.stored_response(request)):
                return stored
            raise NotModified(f"not modified: {request.url}")
        return response
