"""Anti-bot challenge pages: recognised, never stored, passed once per host through the browser."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.crawl.config import CrawlConfig
from crawler.crawl.render import browser_cookies, render_meta
from crawler.crawl.visit import Visit
from crawler.extract import pagekind


class ChallengeMiddleware:
    """Recognises anti-bot challenge pages, never lets them through as content, and retries them once
    through the browser (which runs the challenge script); counted in ``govreports/challenge/*``.

    A challenge is passed once per host: the cookies the browser holds once the page shows (the
    clearance the challenge script set) are sent with every later request to that host, which then
    goes through the downloader as usual instead of through the browser again. A request that meets a
    challenge although it carried them (the clearance expired) goes to the browser again."""

    def __init__(self, crawler: Any, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config
        # host -> the cookies the browser held when it passed the host's challenge
        self.clearance: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> ChallengeMiddleware:
        config = CrawlConfig.from_settings(crawler.settings)
        if not config.challenge_enabled:
            raise NotConfigured
        return cls(crawler, config)

    def process_request(self, request: Request) -> None:
        """Before Scrapy's CookiesMiddleware: a request to a host whose challenge was passed carries
        the clearance (the cookie jar keeps it from there on, as for any cookie)."""
        visit = Visit.of(request)
        cookies = self.clearance.get(urlsplit(request.url).netloc)
        if not cookies or visit.rendered:
            return
        sent: Any = request.cookies  # a dict of name -> value, or a list of cookie dicts
        merged: Any = (
            {**sent, **cookies}
            if isinstance(sent, dict)
            else [*sent, *({"name": k, "value": v} for k, v in cookies.items())]
        )
        request.cookies = merged
        replace(visit, cleared=True).attach(request)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        visit = Visit.of(request)
        rendered = visit.rendered
        host = urlsplit(request.url).netloc
        if not pagekind.is_challenge(response.status, response.body, rendered=rendered):
            if visit.challenged:
                # the browser passed the challenge: keep what it earned for the host's next requests
                cookies = browser_cookies(response.meta)
                if cookies:
                    self.clearance[host] = cookies
                    self.crawler.stats.inc_value("govreports/challenge/cleared")
                if response.status >= 400:  # its first answer's status is stale
                    return response.replace(status=200)
            return response
        stats = self.crawler.stats
        if rendered or self.config.render == "never":
            stats.inc_value("govreports/challenge/unsolved")
            raise IgnoreRequest(f"anti-bot challenge page (HTTP {response.status}): {request.url}")
        if not visit.cleared and host in self.clearance:
            # sent before the browser passed the host's challenge: again, with what it earned
            stats.inc_value("govreports/challenge/retried_with_clearance")
            return request.replace(dont_filter=True)
        if visit.cleared:
            self.clearance.pop(host, None)  # the clearance no longer passes: earn it again
        stats.inc_value("govreports/challenge/detected")
        meta = (
            request.meta
            | render_meta(
                self.config,
                cookies=True,
                served=(response.status, response.headers, response.body),
                challenge=True,
            )
            | replace(visit, rendered=True, challenged=True, cleared=False).meta()
        )
        return request.replace(meta=meta, dont_filter=True)
