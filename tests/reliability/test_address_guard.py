"""The address guard: requests never go to loopback, private or link-local addresses no seed named,
whether the host is written as an address or is a name that resolves to one."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import page, serve
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.crawl.guard import address_kind, refusal
from crawler.crawl.ledger import RunLedger
from crawler.crawl.resolver import GuardedResolver
from crawler.demo.model import redirect
from spiders.reports import ReportsSpider


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata endpoint
        ("[fd00::1]", "private"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("127.0.0.1", "loopback"),
        ("localhost", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:10.0.0.1", "private"),
        ("2130706433", "loopback"),  # 127.0.0.1 written as one number
        ("0x7f.1", "loopback"),
        ("100.64.0.1", "non-global"),
    ],
)
def test_non_public_literals_are_classified_without_connecting(host, kind):
    assert address_kind(host) == kind


@pytest.mark.parametrize("host", ["8.8.8.8", "2001:4860:4860::8888", "www.gov.cn", "例子.政务"])
def test_public_addresses_and_names_pass(host):
    assert address_kind(host) is None


def test_declared_hosts_override_the_address():
    assert address_kind("127.0.0.1", public_hosts=frozenset({"127.0.0.1"})) is None
    assert address_kind("127.0.0.3", private_hosts=frozenset({"127.0.0.3"})) == "private"


@deferred_f_from_coro_f
async def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(demo_site, fast_settings, tmp_path):
    private = serve(demo_site, "127.0.0.3", {"/secret": page})
    target = private.url("/secret")
    public = serve(demo_site, "127.0.0.1", {"/go": lambda path: redirect(path, target, 302)})
    settings = fast_settings(
        tmp_path / "corpus.db",
        GOVREPORTS_TEST_PUBLIC_HOSTS=["127.0.0.1"],
        GOVREPORTS_PRIVATE_HOSTS=["127.0.0.3"],
    )
    crawler = get_crawler(ReportsSpider, settings)
    try:
        await crawler.crawl_async(seeds=public.url("/go"))
    finally:
        public.stop()
        private.stop()
    assert private.requests == []
    assert "/go" in public.requests
    assert crawler.stats is not None
    assert crawler.stats.get_value("govreports/security/refused") == 1
    [failure] = RunLedger.of(crawler).seed_failures
    assert (
        failure
        == f"seed {public.url('/go')}: refused {target}: 127.0.0.3 is a private address that no seed named"
    )


@deferred_f_from_coro_f
async def test_a_seed_may_name_a_private_host(demo_site, fast_settings, tmp_path):
    private = serve(demo_site, "127.0.0.3", {"/secret": page})
    settings = fast_settings(tmp_path / "corpus.db", GOVREPORTS_PRIVATE_HOSTS=["127.0.0.3"])
    crawler = get_crawler(ReportsSpider, settings)
    try:
        await crawler.crawl_async(seeds=private.url("/secret"))
    finally:
        private.stop()
    assert "/secret" in private.requests
    assert crawler.stats is not None
    assert not crawler.stats.get_value("govreports/security/refused")


# --- host names: checked once resolved (crawler/crawl/resolver.py) ---------------------------------------


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        (["93.184.216.34", "10.0.0.7"], "refused intra.example: resolves to 10.0.0.7, a private address"),
        (["169.254.169.254"], "refused intra.example: resolves to 169.254.169.254, a link-local address"),
        (["fd00::1"], "refused intra.example: resolves to fd00::1, a private address"),
        (["127.0.0.1"], "refused intra.example: resolves to 127.0.0.1, a loopback address"),
        (["127.0.0.3"], "refused intra.example: resolves to 127.0.0.3, a private address"),  # declared
        (["93.184.216.34", "2001:4860:4860::8888"], None),
        (["127.0.0.5"], "refused intra.example: resolves to 127.0.0.5, a loopback address"),
    ],
)
def test_resolved_addresses_are_classified_without_the_network(addresses, message):
    found = refusal("Intra.Example.", addresses, private_hosts=frozenset({"127.0.0.3"}))
    assert found == (message and f"{message} that no seed named")


def hosts_file_name() -> tuple[str, str]:
    """A name that /etc/hosts maps to a loopback address, other than ``localhost`` (which the guard
    refuses as written): this machine's host name when listed there, else any such name. Resolving it
    never leaves the machine, and its server listens on that loopback address."""
    names: dict[str, str] = {}
    for line in Path("/etc/hosts").read_text(encoding="utf-8", errors="replace").splitlines():
        address, *aliases = line.split("#", 1)[0].split() or [""]
        try:
            if not ipaddress.ip_address(address).is_loopback or address.count(".") != 3:
                continue
        except ValueError:
            continue
        for name in aliases:
            if "localhost" not in name.lower():
                names.setdefault(name.lower(), address)
    hostname = socket.gethostname().lower()
    name = hostname if hostname in names else next(iter(sorted(names)), None)
    if name is None:
        pytest.skip("/etc/hosts maps no name but localhost to a loopback address")
    if socket.gethostbyname(name) != names[name]:
        pytest.skip(f"{name} does not resolve through /etc/hosts here")
    return name, names[name]


@pytest.fixture
def guarded_resolver() -> Iterator[None]:
    """The project's resolver on the test reactor, as ``CrawlerProcess`` installs it for a real run
    (``Crawler.crawl_async`` in a running reactor installs none); the previous one is put back."""
    from twisted.internet import reactor

    previous = reactor.resolver
    GuardedResolver.from_crawler(get_crawler(ReportsSpider), reactor).install_on_reactor()
    yield
    reactor.installResolver(previous)


async def crawl_redirect_to(url: str, demo_site, fast_settings, db_path, also_public: str = "127.0.0.1"):
    """Crawl a seed on 127.0.0.1 that redirects to ``url`` (127.0.0.1 and ``also_public`` declared
    public); returns the crawler and the seed."""
    public_hosts = ["127.0.0.1", also_public]
    public = serve(demo_site, "127.0.0.1", {"/go": lambda path: redirect(path, url, 302)})
    crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_TEST_PUBLIC_HOSTS=public_hosts))
    try:
        await crawler.crawl_async(seeds=public.url("/go"))
    finally:
        public.stop()
    assert "/go" in public.requests
    return crawler, public.url("/go")


@deferred_f_from_coro_f
async def test_a_name_resolving_to_loopback_is_refused_before_connecting(
    demo_site, fast_settings, tmp_path, guarded_resolver
):
    name, address = hosts_file_name()
    target = serve(demo_site, address, {"/x": page})
    url = f"http://{name}:{target.port}/x"
    try:
        # a seed may name it: the name resolves and is fetched (and its answer is now cached) ...
        allowed = get_crawler(ReportsSpider, fast_settings(tmp_path / "a.db"))
        await allowed.crawl_async(seeds=url)
        assert "/x" in target.requests
        before = list(target.requests)
        # ... but a redirect from a public host to it is refused, from the cached answer too
        crawler, seed = await crawl_redirect_to(url, demo_site, fast_settings, tmp_path / "b.db")
    finally:
        target.stop()
    assert target.requests == before  # nothing more, not even its robots.txt
    assert crawler.stats is not None
    assert crawler.stats.get_value("govreports/security/refused") == 1
    assert not crawler.stats.get_value("retry/count")  # refused from the cached answer, never attempted
    assert RunLedger.of(crawler).seed_failures == [
        f"seed {seed}: refused {name}: resolves to {address}, a loopback address that no seed named"
    ]


@deferred_f_from_coro_f
async def test_a_name_declared_public_is_fetched(demo_site, fast_settings, tmp_path, guarded_resolver):
    name, address = hosts_file_name()
    target = serve(demo_site, address, {"/x": page})
    url = f"http://{name}:{target.port}/x"
    try:
        db_path = tmp_path / "c.db"
        crawler, _ = await crawl_redirect_to(url, demo_site, fast_settings, db_path, also_public=name)
    finally:
        target.stop()
    assert "/x" in target.requests
    assert crawler.stats is not None
    assert not crawler.stats.get_value("govreports/security/refused")


@deferred_f_from_coro_f
async def test_a_redirect_to_localhost_is_refused(demo_site, fast_settings, tmp_path, guarded_resolver):
    """``localhost`` goes through the resolver too, but the guard refuses it as written, first."""
    target = serve(demo_site, "127.0.0.1", {"/x": page})
    url = f"http://localhost:{target.port}/x"
    try:
        crawler, seed = await crawl_redirect_to(url, demo_site, fast_settings, tmp_path / "c.db")
    finally:
        target.stop()
    assert target.requests == []
    assert crawler.stats is not None
    assert crawler.stats.get_value("govreports/security/refused") == 1
    assert RunLedger.of(crawler).seed_failures == [
        f"seed {seed}: refused {url}: localhost is a loopback address that no seed named"
    ]


def test_the_crawl_command_resolves_through_the_guard(demo_site, tmp_path):
    """``govreports crawl`` in its own process: ``CrawlerProcess`` installs the resolver from the
    project's settings (``TWISTED_DNS_RESOLVER``); nothing in the test installs it."""
    name, address = hosts_file_name()
    target = serve(demo_site, address, {"/x": page})
    url = f"http://{name}:{target.port}/x"
    public = serve(demo_site, "127.0.0.1", {"/go": lambda path: redirect(path, url, 302)})
    command = [sys.executable, "-m", "crawler.cli", "crawl", public.url("/go"), "--render", "never"]
    try:
        done = subprocess.run(
            [*command, "--db", str(tmp_path / "c.db")], capture_output=True, text=True, timeout=120
        )
    finally:
        public.stop()
        target.stop()
    assert "/go" in public.requests
    assert target.requests == []
    message = f"refused {name}: resolves to {address}, a loopback address that no seed named"
    assert f"error: seed {public.url('/go')}: {message}" in done.stderr.splitlines(), done.stderr
    assert "Traceback" not in done.stderr
