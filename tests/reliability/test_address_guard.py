"""The address guard: requests never go to loopback, private or link-local addresses no seed named."""

from __future__ import annotations

import pytest
from faults import page, serve
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.demo.server import redirect
from crawler.middlewares import address_kind
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
    [failure] = crawler.spider.seed_failures
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
