"""Rendering through the browser (scrapy-playwright): the meta that sends a request there, the page
methods it runs, and the filter of the browser's own requests (``PLAYWRIGHT_ABORT_REQUEST``).

A page is rendered after the crawler fetched it (a list a script fills, a challenge page): the browser
starts from that answer (:func:`start_from_served`) instead of asking the portal for it again; what
the page then loads (scripts, XHR, a challenge's reload) goes to the portal as usual, but for the page a
challenge reloads to, whose scripts are held back (:func:`hold_back_after_challenge`)."""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.crawl.config import CrawlConfig
from crawler.crawl.guard import guard_browser_redirects, refuse_in_browser

# request.meta key of a render: the answer the crawler already has for the page (status, headers, body)
SERVED_KEY = "govreports_served"
# request.meta key of a render: run the address guard on the browser's requests
GUARD_KEY = "govreports_browser_guard"
# request.meta key of a challenge's render: the page it passes to loads no scripts (hold_back_after_challenge)
HOLD_BACK_KEY = "govreports_hold_back_scripts"
# Headers of a served answer the browser is given: the body is already decoded and complete.
SERVED_HEADERS = frozenset({"content-type", "set-cookie", "content-language", "last-modified", "etag"})


def render_meta(
    config: CrawlConfig,
    links_before: int = 0,
    *,
    cookies: bool = False,
    served: tuple[int, Mapping[Any, Any], bytes] | None = None,
    challenge: bool = False,
) -> dict[str, Any]:
    """``request.meta`` that sends a request through the browser (scrapy-playwright): the page is given
    a moment to go quiet on the network, then must show more links than ``links_before`` (the links of
    the HTML as served, for a list that a script fills; 0 for a challenge page, which shows none).
    With ``cookies`` the browser's cookies for the page are read last (:func:`browser_cookies`): what a
    challenge script set, for the crawler to send on. ``served`` is the answer (status, Scrapy
    headers, body) the crawler already has for the page: the browser starts from it. A ``challenge``
    render holds back the scripts of the page the challenge lets it through to. Besides those
    (:data:`SERVED_KEY`, :data:`GUARD_KEY`, :data:`HOLD_BACK_KEY`), only scrapy-playwright's keys: the
    request's :class:`~crawler.crawl.visit.Visit` says ``rendered``."""
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
    meta: dict[str, Any] = {"playwright": True, "playwright_page_methods": methods}
    if config.browser_guard:
        meta[GUARD_KEY] = True
    if challenge:
        meta[HOLD_BACK_KEY] = True
    if served is not None:
        status, headers, body = served
        meta[SERVED_KEY] = (status, _served_headers(headers), body)
    meta["playwright_page_init_callback"] = init_page
    return meta


def _served_headers(headers: Mapping[Any, Any]) -> dict[str, str]:
    """Scrapy's response headers (bytes, lists of values) as the browser is given them."""
    kept = {}
    for key, values in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if name.lower() in SERVED_HEADERS:
            items = values if isinstance(values, list) else [values]
            text = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in items]
            kept[name] = "\n".join(text)  # Playwright's form for a repeated header (Set-Cookie)
    return kept


async def init_page(page: Any, request: Any) -> None:
    """``playwright_page_init_callback`` of a render: the address guard on the browser's requests
    (:func:`crawler.crawl.guard.guard_browser_redirects`), the page's first load answered from what
    the crawler already has (:func:`start_from_served`), the scripts the browser loaded for earlier
    pages reused (:func:`reuse_static_scripts`) and, past a challenge, none loaded
    (:func:`hold_back_after_challenge`)."""
    if request.meta.get(GUARD_KEY):
        await guard_browser_redirects(page, request)
    served = request.meta.get(SERVED_KEY)
    if served is not None:
        await start_from_served(page, request.url, served)
    await reuse_static_scripts(page)
    if request.meta.get(HOLD_BACK_KEY):
        await hold_back_after_challenge(page)


async def start_from_served(page: Any, url: str, served: tuple[int, dict[str, str], bytes]) -> None:
    """The browser's first load of ``url`` is answered with the answer the crawler already fetched, not
    sent to the portal a second time; a reload (a challenge script's) or anything else goes out as usual.
    The portal answered the same request: the browser sends the crawler's headers too."""
    status, headers, body = served

    async def fulfil(route: Any, browser_request: Any) -> None:
        if browser_request.is_navigation_request():
            await route.fulfill(status=status, headers=headers, body=body)
        else:
            await route.fallback()

    await page.route(lambda address: address == url, fulfil, times=1)


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


# Scripts a rendered page loaded, by browser context: URL -> its load, (headers, body) once it is done
# (None when it failed). Playwright turns the browser's HTTP cache off once requests are routed (the
# abort filter routes them all), so without this every render of a site would download its scripts again.
Kept = dict[str, "asyncio.Future[tuple[dict[str, str], bytes] | None]"]
_SCRIPTS: weakref.WeakKeyDictionary[Any, Kept] = weakref.WeakKeyDictionary()
# Past this many scripts a context keeps, no more are kept.
MAX_KEPT_SCRIPTS = 256
# How long a page waits for another page's load of the same script before it fetches it itself (s).
SCRIPT_WAIT_S = 10.0


def is_static_script(url: str) -> bool:
    """A script file (``/js/jquery.min.js``): a ``.js`` path without a query, the same bytes on every
    page. A script with a query or from a dynamic path (JSONP, ``counter.jsp``) is always fetched."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and not parts.query and parts.path.lower().endswith(".js")


async def reuse_static_scripts(page: Any) -> None:
    """The page's static scripts (:func:`is_static_script`) come from the ones this browser context
    loaded already, for the rest of the crawl, as a browser's cache would give them; the first load of
    each goes to the portal as usual (through the abort filter and the address guard), and a page that
    asks for a script another page is loading waits for that load."""
    kept = _SCRIPTS.setdefault(page.context, {})

    def settle(url: str, value: tuple[dict[str, str], bytes] | None) -> None:
        pending = kept.get(url)
        if pending is not None and not pending.done():
            pending.set_result(value)
        if value is None:
            kept.pop(url, None)  # failed or not to be kept: the next page fetches it itself

    async def from_kept(route: Any, browser_request: Any) -> None:
        url = browser_request.url
        pending = kept.get(url) if browser_request.method == "GET" else None
        if pending is None:
            if browser_request.method == "GET" and len(kept) < MAX_KEPT_SCRIPTS:
                kept[url] = asyncio.get_running_loop().create_future()
            await route.fallback()
            return
        try:
            hit = await asyncio.wait_for(asyncio.shield(pending), SCRIPT_WAIT_S)
        except TimeoutError:
            settle(url, None)
            hit = None
        if hit is None:
            await route.fallback()
        else:
            await route.fulfill(status=200, headers=hit[0], body=hit[1])

    async def keep(response: Any) -> None:
        url = response.url
        if url not in kept or response.request.resource_type != "script":
            return
        cache_control = (response.headers.get("cache-control") or "").lower()
        if response.status != 200 or "no-store" in cache_control:
            settle(url, None)
            return
        try:
            body = await response.body()
        except Exception:  # the page closed first: the next render fetches the script itself
            settle(url, None)
            return
        settle(url, ({"content-type": response.headers.get("content-type") or "text/javascript"}, body))

    await page.route(is_static_script, from_kept)
    page.on("response", keep)
    page.on("requestfailed", lambda request: settle(request.url, None))


# What a page a challenge let the browser through to does not load: its script files, XHR, fetches,
# event streams and frames.
HELD_BACK_TYPES = frozenset({"script", "xhr", "fetch", "eventsource", "websocket", "document"})


async def hold_back_after_challenge(page: Any) -> None:
    """In a challenge's render: once the page shows a document that is no challenge (the page the
    challenge's script reloaded to, with its clearance), the browser fetches none of that document's
    :data:`HELD_BACK_TYPES`. The render was for the clearance and the page's HTML; the page's own scripts
    (jquery, the portal's common.js, counters, widgets: on real portals a dozen requests) are no use to
    a page of links, and a list a script fills shows up empty, so the spider reads it as any such list
    (its JSON, or a render of its own). A challenge answered by another challenge (a second round)
    loads its scripts as usual: each main-frame document is judged by its own answer."""
    from crawler.extract.pagekind import is_challenge

    loop = asyncio.get_running_loop()
    documents: list[asyncio.Future[bool]] = []  # per main-frame navigation: passed the challenge?

    def main_document(browser_request: Any) -> bool:
        return bool(browser_request.is_navigation_request() and browser_request.frame == page.main_frame)

    def navigating(browser_request: Any) -> None:
        if main_document(browser_request):
            documents.append(loop.create_future())

    async def answered(response: Any) -> None:
        if not documents or not main_document(response.request):
            return
        pending = documents[-1]
        try:
            body = await response.body()
        except Exception:  # a redirect, or the page closed: no document to judge
            body = b""
        if not pending.done():
            pending.set_result(not is_challenge(response.status, body))

    async def hold(route: Any, browser_request: Any) -> None:
        if (
            documents
            and browser_request.resource_type in HELD_BACK_TYPES
            and not main_document(browser_request)
        ):
            try:
                passed = await asyncio.wait_for(asyncio.shield(documents[-1]), SCRIPT_WAIT_S)
            except TimeoutError:
                passed = False
            if passed:
                await route.abort()
                return
        await route.fallback()

    page.on("request", navigating)
    page.on("response", answered)
    await page.route("**/*", hold)


# What the browser need not download to show a page's links: it saves time and requests.
BLOCKED_RESOURCE_TYPES = frozenset({"image", "stylesheet", "font", "media"})


# Portal chrome a rendered page loads that never fills a list or passes a challenge: the 党政机关 badge
# script (conac), third-party web analytics, and the portal's own visit and click counters (the CMSs'
# visit.jsp, visitcount, addclick, hits…: a crawler's render must not count as a reader's visit, and
# a counter held open is what keeps a page from going quiet). Each is a request per rendered page;
# skipped, as a browser with a content blocker would.
BLOCKED_CHROME = re.compile(
    r"/conac/|/dzjg\.js|hm\.baidu\.com|cnzz\.com|google-analytics\.com|googletagmanager\.com|"
    r"/(visit|visits|visitor|visitcount|visitcounter|count|counter|click|clicks|addclick|clickcount|"
    r"hits|pv|viewcount)\.(jsp|do|php|aspx?|action)\b|/module/visitcount/|/interface/(visit|count)",
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
