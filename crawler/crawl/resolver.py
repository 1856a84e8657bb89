"""DNS resolution with the address guard's rules (``TWISTED_DNS_RESOLVER``).

The address guard (:class:`crawler.crawl.guard.AddressGuardMiddleware`) sees URLs, so a host name whose
DNS answer is ``169.254.169.254`` or ``10.0.0.1`` would pass it. Here the name is checked after it is
resolved and before the connection is made, on the very address the connection will use: there is no
second lookup an attacker's DNS server could answer differently (no time-of-check/time-of-use gap).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from scrapy.resolver import CachingThreadedResolver, HostResolution
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IAddress, IHostnameResolver
from twisted.python.failure import Failure
from zope.interface import implementer

from crawler.crawl.guard import open_guards, refusal

logger = logging.getLogger(__name__)


class RefusedLookup(DNSLookupError):
    """A name that resolved to a non-public address that no seed named: no connection is made."""


@implementer(IHostnameResolver)
class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching threaded resolver (IPv4, ``DNS_TIMEOUT``, ``DNSCACHE_*``) that refuses a name
    resolving to a non-public address unless a seed named it or it is declared public
    (``GOVREPORTS_TEST_PUBLIC_HOSTS``). Cached answers are checked too.

    The resolver belongs to the reactor, not to one crawl, so it asks the address guards of the
    running crawls (:func:`crawler.crawl.guard.open_guards`): a name is refused when every one of them
    refuses it. Twisted's name resolution interface, which Scrapy's HTTP agent uses, carries no reason
    for a failure, so the request fails as an unresolvable host; the guard then finds the refused answer
    in the DNS cache, refuses the request with this module's message and counts it
    (``govreports/security/refused``). IP literals never reach a resolver: the guard checks them as
    written.
    """

    def install_on_reactor(self) -> None:
        # one resolver for both interfaces: the reactor's simple resolver becomes a view of this one
        self.reactor.installNameResolver(cast(Any, self))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        name = name.lower()  # one cache entry per name, as the guard looks it up
        resolved: Deferred[str] = super().getHostByName(name, timeout)
        resolved.addCallback(self._check, name)
        return resolved

    @staticmethod
    def _check(address: str, name: str) -> str:
        guards = open_guards()
        refusals = [
            refusal(name, [address], guard.private_hosts) for guard in guards if not guard.allows_host(name)
        ]
        if guards and len(refusals) == len(guards) and all(refusals):
            raise RefusedLookup(refusals[0])
        return address

    def resolveHostName(
        self,
        resolutionReceiver: Any,  # IResolutionReceiver (zope interfaces are not types to mypy)
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:  # IHostResolution
        """``IHostnameResolver`` over :meth:`getHostByName`, as Twisted's own adapter does, but without
        logging a traceback for every failed lookup (the request's failure says it, or the guard does)."""
        resolution = HostResolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        resolved = self.getHostByName(hostName)
        resolved.addCallbacks(
            lambda address: resolutionReceiver.addressResolved(IPv4Address("TCP", address, portNumber)),
            self._failed,
        )
        resolved.addBoth(lambda _: resolutionReceiver.resolutionComplete())
        return resolution

    @staticmethod
    def _failed(failure: Failure) -> None:
        logger.debug("DNS lookup failed: %s", failure.value)
