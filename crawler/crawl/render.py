"""Rendering through the browser (scrapy-playwright): the meta that sends a request there, the page
methods it runs, and the filter of the browser's own requests (``PLAYWRIGHT_ABORT_REQUEST``)."""

from __future__ import annotations

import re
from typing import Any

from crawler.crawl.config import CrawlConfig
from crawler.crawl.guard import guard_browser_redirects, refuse_in_browser


def render_meta(config: CrawlConfig, links_before: int = 0, *, cookies: bool = False) -> dict[str, Any]:
    """``request.meta`` that sends a request through the browser (scrapy-playwright): the page is given
    a moment to go quiet on the network, then must show more links than ``links_before`` (the links of
    the HTML as served, for a list that a script fills; 0 for a challenge page, which shows none).
    With ``cookies`` the browser's cookies for the page are read last (:func:`browser_cookies`): what a
    challenge script set, for the crawler to send on. Only scrapy-playwright's keys: the request's
    :class:`~crawler.crawl.visit.Visit` says ``rendered``."""
    from scrapy_playwright.page import PageMethod

    methods = [
        PageMethod(settle_network, config.render_settle_ms),
        PageMethod(
            "wait_for_function",
            "(before) => document.querySelectorAll('a[href]').length > before",
            arg=links_before,
            timeout=config.render_timeout_ms,
        ),
    ]
    if cookies:
        methods.append(PageMethod(read_cookies))
    return {"playwright": True, "playwright_page_methods": methods} | (
        {"playwright_page_init_callback": guard_browser_redirects} if config.browser_guard else {}
    )


async def read_cookies(page: Any) -> dict[str, str]:
    """A page method: the browser's cookies that apply to the page's URL, name to value."""
    return {cookie["name"]: cookie["value"] for cookie in await page.context.cookies(page.url)}


def browser_cookies(meta: dict[str, Any]) -> dict[str, str]:
    """The cookies :func:`read_cookies` read from a rendered page (none when it was not asked to)."""
    for method in meta.get("playwright_page_methods") or []:
        if getattr(method, "method", None) is read_cookies and isinstance(method.result, dict):
            return dict(method.result)
    return {}


async def settle_network(page: Any, timeout_ms: int) -> bool:
    """A page method: wait until the page has had no request in flight for 500 ms (Playwright's
    ``networkidle``), at most ``timeout_ms``. A page that never goes quiet (a long-polling widget, a
    slow visitor counter) is read anyway: False says so (counted as ``render/network_busy``)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


def network_settled(meta: dict[str, Any]) -> bool:
    """Whether a rendered response's page went quiet before it was read (see :func:`settle_network`)."""
    for method in meta.get("playwright_page_methods") or []:
        if getattr(method, "method", None) is settle_network:
            return method.result is not False
    return True


# What the browser need not download to show a page's links: it saves time and requests.
BLOCKED_RESOURCE_TYPES = frozenset({"image", "stylesheet", "font", "media"})


# Portal chrome a rendered page loads that never fills a list or passes a challenge: the 党政机关 badge
# script (conac) and third-party web analytics. Each is a request per rendered page; skipped, as a
# browser with a content blocker would. (The site's own visitor counter is left alone: it is how a
# page that never goes quiet on the network shows itself, which rendering must cope with.)
BLOCKED_CHROME = re.compile(
    r"/conac/|/dzjg\.js|hm\.baidu\.com|cnzz\.com|google-analytics\.com|googletagmanager\.com",
    re.IGNORECASE,
)


def abort_heavy_resources(request: Any) -> bool:
    """Images, styles, fonts and media in rendered pages are skipped, and the portal chrome scripts of
    :data:`BLOCKED_CHROME` (see :func:`abort_browser_request`)."""
    return bool(request.resource_type in BLOCKED_RESOURCE_TYPES or BLOCKED_CHROME.search(request.url))


async def abort_browser_request(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: the browser's own requests (scripts' XHR/fetch, frames, subresources)
    bypass the downloader middlewares, so they are filtered here: heavy resources, and any request the
    address guard refuses (:func:`crawler.crawl.guard.refuse_in_browser`)."""
    if abort_heavy_resources(request):
        return True
    return await refuse_in_browser(request.url)
