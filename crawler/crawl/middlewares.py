"""Downloader middlewares of govreports (Scrapy components; the logic they call is in :mod:`pagekind`)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import logging
import socket
import weakref
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from twisted.internet.error import DNSLookupError

from crawler.corpus import db as corpus
from crawler.corpus.dedupe import canonical_url
from crawler.crawl.config import CrawlConfig
from crawler.extract import pagekind


def render_meta(config: CrawlConfig, links_before: int = 0) -> dict[str, Any]:
    """``request.meta`` that sends a request through the browser (scrapy-playwright): the page is given
    a moment to go quiet on the network, then must show more links than ``links_before`` (the links of
    the HTML as served, for a list that a script fills; 0 for a challenge page, which shows none)."""
    from scrapy_playwright.page import PageMethod

    return {
        "playwright": True,
        "playwright_page_methods": [
            PageMethod(settle_network, config.render_settle_ms),
            PageMethod(
                "wait_for_function",
                "(before) => document.querySelectorAll('a[href]').length > before",
                arg=links_before,
                timeout=config.render_timeout_ms,
            ),
        ],
        "govreports_rendered": True,
    } | ({"playwright_page_init_callback": guard_browser_redirects} if config.browser_guard else {})


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


def abort_heavy_resources(request: Any) -> bool:
    """Images, styles, fonts and media in rendered pages are skipped (see :func:`abort_browser_request`)."""
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


# --- reliability and security ------------------------------------------------------------------------


def address_kind(
    host: str, private_hosts: frozenset[str] = frozenset(), public_hosts: frozenset[str] = frozenset()
) -> str | None:
    """Why ``host`` is not a public address (``"loopback"``, ``"private"``, ``"link-local"``…), or None.

    Only the host as written is classified (IP literals in any form the OS accepts, ``localhost``);
    names are not resolved, so this never touches the network (names are checked once resolved, at
    connection time, by :class:`crawler.crawl.resolver.GuardedResolver`). ``public_hosts`` and
    ``private_hosts`` override the classification (tests declare loopback addresses public or private).
    """
    host = normalise_host(host)
    if host in public_hosts:
        return None
    if host in private_hosts:
        return "private"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    address = _ip_literal(host)
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "non-global"


def normalise_host(host: str) -> str:
    """A host as the guard compares it: no brackets, lower case, no trailing dot."""
    return host.strip("[]").lower().rstrip(".")


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``host`` as an IP address when it is one, including legacy IPv4 forms (``2130706433``, ``0x7f.1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


class RefusedAddress(IgnoreRequest):
    """A request to a loopback, private or link-local address that no seed named."""


class RefusedResolution(RefusedAddress):
    """A request to a host name that resolved to a non-public address no seed named (never connected)."""


class AddressGuardMiddleware:
    """Refuses every request (redirects included: they pass through here again) to a loopback, private,
    link-local or otherwise non-public address, unless a seed of the run named that host. Counted in
    ``govreports/security/refused``. ``GOVREPORTS_PRIVATE_HOSTS`` / ``GOVREPORTS_TEST_PUBLIC_HOSTS``
    declare hosts private or public regardless of their address (for tests on 127.0.0.x).

    Hosts written as addresses are checked here; host names are checked by the DNS resolver
    (:mod:`crawler.crawl.resolver`) and the browser's request filter (:func:`abort_browser_request`), which
    are shared by the whole process and so ask every guard of a running crawl (:func:`open_guards`).
    """

    # the guards of the crawls running in this process (a CrawlerProcess may run several)
    _open: ClassVar[weakref.WeakSet[AddressGuardMiddleware]] = weakref.WeakSet()

    def __init__(self, crawler: Any, private_hosts: frozenset[str], public_hosts: frozenset[str]) -> None:
        self.crawler = crawler
        self.private_hosts = private_hosts
        self.public_hosts = public_hosts

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        settings = crawler.settings
        private = frozenset(normalise_host(h) for h in settings.getlist("GOVREPORTS_PRIVATE_HOSTS"))
        public = frozenset(normalise_host(h) for h in settings.getlist("GOVREPORTS_TEST_PUBLIC_HOSTS"))
        guard = cls(crawler, private, public)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self) -> None:
        self._open.add(self)

    def spider_closed(self) -> None:
        self._open.discard(self)

    def seed_hosts(self) -> set[str] | None:
        """Hosts the seeds named; None for a spider without ``seeds`` (not ours: nothing is checked)."""
        seeds = getattr(self.crawler.spider, "seeds", None)
        if seeds is None:
            return None
        return {normalise_host(urlsplit(seed.url).hostname or "") for seed in seeds}

    def allows_host(self, host: str) -> bool:
        """Whether ``host`` is exempt from the guard: a seed named it, or it is declared public."""
        allowed = self.seed_hosts()
        host = normalise_host(host)
        return allowed is None or host in allowed or host in self.public_hosts

    def refusal(self, host: str) -> str | None:
        """The kind of non-public address ``host`` is written as, when no seed named it; else None."""
        if self.allows_host(host):
            return None
        return address_kind(host, self.private_hosts, self.public_hosts)

    def refused(self) -> None:
        self.crawler.stats.inc_value("govreports/security/refused")

    def name_refusal(self, host: str) -> str | None:
        """Why the resolver refuses the name ``host`` (as in the URL), from its cached answer; else None."""
        from crawler.crawl.resolver import cached_refusal  # the resolver module imports this one

        return None if self.allows_host(host) else cached_refusal(host, self.private_hosts)

    def process_request(self, request: Request) -> None:
        name = urlsplit(request.url).hostname or ""
        host = normalise_host(name)
        if kind := self.refusal(host):
            self.refused()
            raise RefusedAddress(f"refused {request.url}: {host} is a {kind} address that no seed named")
        if message := self.name_refusal(name):  # a retry, or another URL on a refused name
            self.refused()
            raise RefusedResolution(message)

    def process_response(self, request: Request, response: Response) -> Response:
        """A rendered page may come from elsewhere: the browser follows redirects itself, unseen by
        Scrapy and by the browser's request filter. A page that ended on a refused host is dropped."""
        landed = urlsplit(response.url).hostname or ""
        if landed == (urlsplit(request.url).hostname or ""):
            return response
        if kind := self.refusal(landed):
            self.refused()
            host = normalise_host(landed)
            raise RefusedAddress(
                f"refused {response.url} (the browser was redirected there): "
                f"{host} is a {kind} address that no seed named"
            )
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A name the resolver refused fails as an unresolvable host (Twisted carries no reason): when its
        cached answer is a refused one, the request is refused with the reason, and counted."""
        failed = exception if isinstance(exception, DNSLookupError) else exception.__cause__
        name = urlsplit(request.url).hostname or ""
        if isinstance(failed, DNSLookupError) and (message := self.name_refusal(name)):
            self.refused()
            raise RefusedResolution(message) from exception


def open_guards() -> list[AddressGuardMiddleware]:
    """The address guards of the crawls running in this process."""
    return list(AddressGuardMiddleware._open)


async def abort_browser_request(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: the browser's own requests (scripts' XHR/fetch, frames, subresources)
    bypass the downloader middlewares, so they are filtered here: heavy resources, and any request to a
    loopback, private or link-local host that no seed of a running crawl named, written as an address
    (or ``localhost``) or a name that resolves to one.

    scrapy-playwright passes only the request, so the running crawls' guards are asked; a host is
    refused when every one of them refuses it, and counted in each one's ``govreports/security/refused``.
    A name is resolved here and again by Chromium, so unlike Scrapy's own requests (see
    :mod:`crawler.crawl.resolver`) a DNS server that answers differently the second time is not caught.
    """
    if abort_heavy_resources(request):
        return True
    return await _refuse_in_browser(request.url)


async def _refuse_in_browser(url: str) -> bool:
    """Whether the running crawls' guards refuse ``url``'s host; a refusal is counted and logged."""
    host = normalise_host(urlsplit(url).hostname or "")
    guards = open_guards()
    if not host or not guards or any(guard.allows_host(host) for guard in guards):
        return False
    kinds = [guard.refusal(host) for guard in guards]
    if all(kinds):
        reason = f"refused {url}: {host} is a {kinds[0]} address that no seed named"
    elif _ip_literal(host) is None and (addresses := await _resolve(host)):
        from crawler.crawl.resolver import refusal  # the resolver module imports this one

        reasons = [refusal(host, addresses, guard.private_hosts) for guard in guards]
        if not all(reasons):
            return False
        reason = f"{reasons[0]} ({url})"
    else:
        return False
    for guard in guards:
        guard.refused()
    logging.getLogger(__name__).warning("not fetched by the browser: %s", reason)
    return True


async def guard_browser_redirects(page: Any, request: Request) -> None:
    """``playwright_page_init_callback``: Playwright routes only the first request of a redirect chain,
    so a redirect Chromium follows itself would reach a private address unchecked. Through the
    DevTools ``Fetch`` domain every request of the page, redirect hops included, is paused before it
    is sent and failed when :func:`abort_browser_request`'s rules refuse its host."""
    session = await page.context.new_cdp_session(page)
    pending: set[asyncio.Task[None]] = set()  # the loop holds tasks weakly: keep each until it is done

    async def decide(event: dict[str, Any]) -> None:
        url, paused = event["request"]["url"], {"requestId": event["requestId"]}
        try:
            refuse = await _refuse_in_browser(url)
        except Exception:  # a paused request must be answered: one the guard cannot judge is failed
            logging.getLogger(__name__).exception("browser request guard failed on %s", url)
            refuse = True
        with contextlib.suppress(Exception):  # the page may close while a request waits
            if refuse:
                await session.send("Fetch.failRequest", paused | {"errorReason": "BlockedByClient"})
            else:
                await session.send("Fetch.continueRequest", paused)

    def paused(event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(decide(event))
        pending.add(task)
        task.add_done_callback(pending.discard)

    session.on("Fetch.requestPaused", paused)
    await session.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "requestStage": "Request"}]})


async def _resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6, as the browser may use either); [] if none."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [str(info[4][0]) for info in found]


class SiteBudgetExhausted(IgnoreRequest):
    """A host failed ``GOVREPORTS_MAX_ERRORS_PER_SITE`` times: its remaining requests are dropped."""


class SiteErrorBudgetMiddleware:
    """Per-site failure budget: after ``GOVREPORTS_MAX_ERRORS_PER_SITE`` failed attempts on a host
    (5xx answers, timeouts, refused or reset connections; retries included), the host's remaining
    requests are dropped, counted in ``govreports/budget/site_errors`` and noted once in the run."""

    def __init__(self, crawler: Any, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.errors: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteErrorBudgetMiddleware:
        limit = crawler.settings.getint("GOVREPORTS_MAX_ERRORS_PER_SITE")
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit)

    def process_request(self, request: Request) -> None:
        netloc = urlsplit(request.url).netloc
        if self.errors[netloc] < self.limit:
            return
        self.crawler.stats.inc_value("govreports/budget/site_errors")
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
            notes = getattr(self.crawler.spider, "notes", None)
            if isinstance(notes, list):
                notes.append(note)
