"""The address guard in the browser: a rendered page's own requests (fetch, frames) never reach a
loopback or private host that no seed named, although they bypass Scrapy's downloader middlewares."""

from __future__ import annotations

import shutil

import pytest
from faults import HTML, page, serve
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler
from test_address_guard import hosts_file_name

from crawler.crawl.ledger import RunLedger
from crawler.demo.model import Page, redirect
from spiders.reports import ReportsSpider

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")


def prying_page(targets: list[str]) -> Page:
    """A page whose script asks other servers for secrets and loads the first one in a frame, then
    reports back to its own server (``/after``), so the test knows the script ran."""
    fetches = ", ".join(f'fetch("{url}", {{mode: "no-cors"}})' for url in targets)
    body = f"""<html><head><title>首页</title></head><body>
<a href="#top">首页</a>
<iframe src="{targets[0]}"></iframe>
<script>Promise.allSettled([{fetches}]).finally(() => fetch("/after"));</script>
</body></html>"""
    return Page("/", body.encode(), HTML)


async def render(demo_site, fast_settings, db_path, secret_hosts: list[str], **settings):
    """Render a page on 127.0.0.1 (declared public) whose script pries at a server on each of
    ``secret_hosts`` (127.0.0.3 is declared private); returns the crawler, the page's server's request
    log and the secret servers' logs together."""
    secrets = [serve(demo_site, host, {"/secret": page}) for host, _ in secret_hosts]
    public = serve(demo_site, "127.0.0.1", {"/after": page})
    names = [name for _, name in secret_hosts]
    targets = [f"http://{name}:{secret.port}/secret" for name, secret in zip(names, secrets, strict=True)]
    public.add_route("/", lambda _path: prying_page(targets))
    crawler = get_crawler(
        ReportsSpider,
        fast_settings(
            db_path,
            GOVREPORTS_RENDER="always",
            GOVREPORTS_TEST_PUBLIC_HOSTS=["127.0.0.1"],
            GOVREPORTS_PRIVATE_HOSTS=["127.0.0.3"],
            **settings,
        ),
    )
    try:
        await crawler.crawl_async(seeds=public.url("/"))
    finally:
        public.stop()
        for secret in secrets:
            secret.stop()
    return crawler, public.requests, [path for secret in secrets for path in secret.requests]


PRIVATE = [("127.0.0.3", "127.0.0.3")]  # (address served on, host in the URL)


@deferred_f_from_coro_f
async def test_a_rendered_page_cannot_reach_a_private_host(demo_site, fast_settings, tmp_path):
    crawler, public, secret = await render(demo_site, fast_settings, tmp_path / "c.db", PRIVATE)
    assert "/after" in public  # the script ran, and its requests to the private host failed
    assert secret == []
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    assert stats["govreports/pages/rendered"] >= 1
    assert stats["govreports/security/refused"] == 2  # the fetch and the frame


@deferred_f_from_coro_f
async def test_a_rendered_page_cannot_reach_a_name_that_resolves_to_loopback(
    demo_site, fast_settings, tmp_path
):
    name, address = hosts_file_name()
    crawler, public, secret = await render(demo_site, fast_settings, tmp_path / "c.db", [(address, name)])
    assert "/after" in public
    assert secret == []
    assert crawler.stats is not None
    assert crawler.stats.get_value("govreports/security/refused") == 2


@deferred_f_from_coro_f
async def test_without_the_filter_the_page_does_reach_it(demo_site, fast_settings, tmp_path):
    """The control: with only the heavy-resource filter (as before), the same page reaches the private
    host, so the test above shows the filter at work and not a page that never asks."""
    name, address = hosts_file_name()
    crawler, public, secret = await render(
        demo_site,
        fast_settings,
        tmp_path / "c.db",
        [*PRIVATE, (address, name)],
        PLAYWRIGHT_ABORT_REQUEST="crawler.crawl.render.abort_heavy_resources",
        GOVREPORTS_BROWSER_GUARD=False,
    )
    assert "/after" in public
    assert secret.count("/secret") == 3  # the frame and the fetch, the named host's fetch
    assert crawler.stats is not None
    assert not crawler.stats.get_value("govreports/security/refused")


@deferred_f_from_coro_f
async def test_a_redirect_the_browser_follows_is_refused_before_it_is_sent(
    demo_site, fast_settings, tmp_path
):
    """Chromium follows a rendered page's redirect itself, past Playwright's routing (it routes only a
    chain's first request): the DevTools ``Fetch`` guard pauses the hop and fails it before it is sent,
    so the private host is never asked."""
    linked = b'<html><head><title>secret</title></head><body><a href="#top">top</a></body></html>'
    secret = serve(demo_site, "127.0.0.3", {"/secret": lambda path: page(path, linked)})
    public = serve(demo_site, "127.0.0.1", {"/go": lambda path: redirect(path, secret.url("/secret"), 302)})
    settings = fast_settings(
        tmp_path / "c.db",
        GOVREPORTS_RENDER="always",
        GOVREPORTS_TEST_PUBLIC_HOSTS=["127.0.0.1"],
        GOVREPORTS_PRIVATE_HOSTS=["127.0.0.3"],
    )
    crawler = get_crawler(ReportsSpider, settings)
    try:
        await crawler.crawl_async(seeds=public.url("/go"))
    finally:
        public.stop()
        secret.stop()
    assert "/go" in public.requests
    assert secret.requests == []
    assert crawler.stats is not None
    assert crawler.stats.get_value("govreports/security/refused") == 1
    [failure] = RunLedger.of(crawler).seed_failures
    assert failure.startswith(f"seed {public.url('/go')}: unreachable") and "ERR_BLOCKED_BY_CLIENT" in failure
