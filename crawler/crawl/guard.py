"""The address guard: no request, Scrapy's or the browser's, reaches a loopback, private, link-local or
otherwise non-public address that no seed of the run named.

Hosts written as addresses are checked by :class:`AddressGuardMiddleware`; host names once resolved by
the DNS resolver (:mod:`crawler.crawl.resolver`, which imports this module) and by the browser's request
filter (:func:`refuse_in_browser`). The resolver and the browser are shared by the whole process, so
they ask every guard of a running crawl (:func:`open_guards`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import weakref
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.resolver import dnscache
from twisted.internet.error import DNSLookupError

from crawler.crawl.config import CrawlConfig
from crawler.crawl.ledger import RunLedger


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


def refusal(host: str, addresses: Iterable[str], private_hosts: frozenset[str] = frozenset()) -> str | None:
    """Why ``host`` is refused when it resolved to ``addresses``: the first loopback, private,
    link-local or otherwise non-public one (``private_hosts`` are private whatever they are), or None."""
    host = normalise_host(host)
    for address in addresses:
        if kind := address_kind(address, private_hosts):
            return f"refused {host}: resolves to {address}, a {kind} address that no seed named"
    return None


def cached_refusal(host: str, private_hosts: frozenset[str] = frozenset()) -> str | None:
    """:func:`refusal` of ``host``'s answer in Scrapy's DNS cache (the one its next connection will
    use), or None when it is not cached or public. ``host`` as in the URL (lower case)."""
    address = dnscache.get(host.lower())
    return refusal(host, [address], private_hosts) if isinstance(address, str) else None


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
    (:mod:`crawler.crawl.resolver`) and the browser's request filter (:func:`refuse_in_browser`), which
    are shared by the whole process and so ask every guard of a running crawl (:func:`open_guards`).
    """

    def __init__(
        self,
        crawler: Any,
        private_hosts: frozenset[str],
        public_hosts: frozenset[str],
        ledger: RunLedger,
    ) -> None:
        self.crawler = crawler
        self.ledger = ledger
        self.private_hosts = private_hosts
        self.public_hosts = public_hosts

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        config = CrawlConfig.from_settings(crawler.settings)
        private = frozenset(normalise_host(host) for host in config.private_hosts)
        public = frozenset(normalise_host(host) for host in config.test_public_hosts)
        guard = cls(crawler, private, public, RunLedger.of(crawler))
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self) -> None:
        _OPEN_GUARDS.add(self)

    def spider_closed(self) -> None:
        _OPEN_GUARDS.discard(self)

    def seed_hosts(self) -> set[str] | None:
        """Hosts the run's seeds named; None when the spider names no seeds (not ours: nothing is checked)."""
        seeds = self.ledger.seeds
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


# The guards of the crawls running in this process (a CrawlerProcess may run several): the registry the
# process-wide DNS resolver and browser filter ask.
_OPEN_GUARDS: weakref.WeakSet[AddressGuardMiddleware] = weakref.WeakSet()


def open_guards() -> list[AddressGuardMiddleware]:
    """The address guards of the crawls running in this process."""
    return list(_OPEN_GUARDS)


async def refuse_in_browser(url: str) -> bool:
    """Whether the running crawls' guards refuse the browser's request for ``url``; a refusal is counted
    and logged. The browser's own requests (scripts' XHR/fetch, frames, subresources) bypass the
    downloader middlewares: a request to a loopback, private or link-local host that no seed of a
    running crawl named, written as an address (or ``localhost``) or a name that resolves to one, is
    refused.

    scrapy-playwright passes only the request, so the running crawls' guards are asked; a host is
    refused when every one of them refuses it, and counted in each one's ``govreports/security/refused``.
    A name is resolved here and again by Chromium, so unlike Scrapy's own requests (see
    :mod:`crawler.crawl.resolver`) a DNS server that answers differently the second time is not caught.
    """
    host = normalise_host(urlsplit(url).hostname or "")
    guards = open_guards()
    if not host or not guards or any(guard.allows_host(host) for guard in guards):
        return False
    kinds = [guard.refusal(host) for guard in guards]
    if all(kinds):
        reason = f"refused {url}: {host} is a {kinds[0]} address that no seed named"
    elif _ip_literal(host) is None and (addresses := await _resolve(host)):
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
    is sent and failed when :func:`refuse_in_browser` refuses its host."""
    session = await page.context.new_cdp_session(page)
    pending: set[asyncio.Task[None]] = set()  # the loop holds tasks weakly: keep each until it is done

    async def decide(event: dict[str, Any]) -> None:
        url, paused = event["request"]["url"], {"requestId": event["requestId"]}
        try:
            refuse = await refuse_in_browser(url)
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
