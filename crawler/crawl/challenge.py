"""Anti-bot challenge pages: recognised, never stored, retried once through the browser."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.crawl.config import CrawlConfig
from crawler.crawl.render import render_meta
from crawler.crawl.visit import Visit
from crawler.extract import pagekind


class ChallengeMiddleware:
    """Recognises anti-bot challenge pages, never lets them through as content, and retries them once
    through the browser (which runs the challenge script); counted in ``govreports/challenge/*``."""

    def __init__(self, crawler: Any, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config

    @classmethod
    def from_crawler(cls, crawler: Any) -> ChallengeMiddleware:
        config = CrawlConfig.from_settings(crawler.settings)
        if not config.challenge_enabled:
            raise NotConfigured
        return cls(crawler, config)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        visit = Visit.of(request)
        rendered = visit.rendered
        if not pagekind.is_challenge(response.status, response.body, rendered=rendered):
            if visit.challenged and response.status >= 400:
                # the browser passed the challenge: its first answer's status is stale
                return response.replace(status=200)
            return response
        stats = self.crawler.stats
        if rendered or self.config.render == "never":
            stats.inc_value("govreports/challenge/unsolved")
            raise IgnoreRequest(f"anti-bot challenge page (HTTP {response.status}): {request.url}")
        stats.inc_value("govreports/challenge/detected")
        meta = request.meta | render_meta(self.config) | replace(visit, rendered=True, challenged=True).meta()
        return request.replace(meta=meta, dont_filter=True)
