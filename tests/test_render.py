"""The browser side of a render, in headless chromium: what a challenge's render lets the page load."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from crawler.crawl.render import hold_back_after_challenge

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent")
PORTAL = "http://www.qinglan.test"
CLEARED = """<html><head><script src="/js/jquery.js"></script></head><body>
<ul><li><a href="/zwgk/xxgknb/">信息公开年报</a></li></ul>
<script>fetch("/interface/news.json"); document.body.setAttribute("data-ran", "1");</script></body></html>"""


def challenge(round_: int) -> str:
    """A challenge page whose script is a file of its own: it sets a cookie and reloads."""
    return f'<html><head><script src="/waf/round{round_}.js"></script></head><body></body></html>'


async def scenario() -> tuple[list[str], str | None]:
    from playwright.async_api import async_playwright

    asked: list[str] = []

    async def portal(route, request) -> None:  # type: ignore[no-untyped-def]
        path = request.url.removeprefix(PORTAL)
        asked.append(path)
        cookies = (await request.all_headers()).get("cookie", "")
        if path.startswith("/waf/round"):
            number = path.removeprefix("/waf/round").removesuffix(".js")
            script = f'document.cookie = "clear{number}=1; path=/"; location.reload();'
            await route.fulfill(status=200, body=script, headers={"content-type": "text/javascript"})
        elif path == "/":  # two rounds of challenge, then the page
            round_ = 1 if "clear1" not in cookies else 2 if "clear2" not in cookies else 0
            body, status = (challenge(round_), 412) if round_ else (CLEARED, 200)
            await route.fulfill(status=status, body=body, headers={"content-type": "text/html"})
        else:
            await route.fulfill(
                status=200, body="var loaded = 1;", headers={"content-type": "text/javascript"}
            )

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = await browser.new_page()
            await page.route("**/*", portal)
            await hold_back_after_challenge(page)
            await page.goto(PORTAL + "/")
            await page.wait_for_selector("a[href]", timeout=20_000)
            await page.wait_for_load_state("networkidle", timeout=20_000)
            ran = await page.get_attribute("body", "data-ran")
        finally:
            await browser.close()
    return asked, ran


@needs_chromium
def test_a_challenges_render_loads_the_challenges_scripts_but_not_the_cleared_pages():
    """Both rounds of the challenge load their script files; the page the challenge lets the browser
    through to runs its inline script, but its script file and its XHR are never asked for."""
    result: dict[str, tuple[list[str], str | None]] = {}
    worker = threading.Thread(target=lambda: result.setdefault("run", asyncio.run(scenario())))
    worker.start()
    worker.join(120)
    asked, ran = result["run"]
    assert asked == ["/", "/waf/round1.js", "/", "/waf/round2.js", "/"]
    assert ran == "1"
