"""Discovery on the demo portal: every report found through every kind of column, nothing else
stored, and nothing requested that should not be (spam hosts, robots-disallowed paths, traps)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.dedupe import canonical_url
from crawler.crawl.ledger import RunLedger
from crawler.demo import DemoServer, DemoSite, build_site
from crawler.demo.model import Page
from crawler.demo.portal import VISIT_COUNTER
from spiders.reports import ReportsSpider


@dataclass
class Portal:
    site: DemoSite
    server: DemoServer
    spam: DemoServer  # the second loopback host that injected spam links point to

    def url(self, path: str) -> str:
        return self.server.url(path)

    def expected(self) -> set[str]:
        return {canonical_url(self.url(path)) for path in self.site.expected_report_paths()}


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    spam = DemoServer(DemoSite(pages={}), host="127.0.0.2").start()
    site = build_site(spam_host=f"127.0.0.2:{spam.port}")
    server = DemoServer(site).start()
    yield Portal(site, server, spam)
    server.stop()
    spam.stop()


async def crawl(settings: dict, **spider_args) -> tuple[dict, RunLedger]:
    crawler = get_crawler(ReportsSpider, settings)
    await crawler.crawl_async(**spider_args)
    assert crawler.stats is not None
    return crawler.stats.get_stats(), RunLedger.of(crawler)


def stored(db_path) -> dict[str, dict]:
    database = corpus.open_db(db_path, create=False)
    return {row["url"]: row for row in queries.iter_reports(database)}


@deferred_f_from_coro_f
async def test_every_report_found_and_nothing_forbidden_requested(portal, fast_settings, tmp_path):
    before = len(portal.server.requests)
    stats, _ = await crawl(fast_settings(tmp_path / "c.db"), seeds=portal.url("/"))
    assert set(stored(tmp_path / "c.db")) == portal.expected()
    fetched = portal.server.requests[before:]
    assert portal.spam.requests == []  # spam links on compromised pages are never followed
    forbidden = [d.path for d in portal.site.decoys if d.kind == "robots_disallowed"]
    assert forbidden and not any(path in fetched for path in forbidden)
    assert stats["govreports/pages/robots_forbidden"] >= 1
    # the endless ?page=N pager is walked only while it lists something new, and never back to page 1:
    # that is the column page itself
    assert [path for path in fetched if "list.jsp" in path] == [
        "/zwgk/bm/zrzyj/xxgknb/list.jsp?page=2",
        "/zwgk/bm/zrzyj/xxgknb/list.jsp?page=3",
    ]
    assert stats["govreports/skipped/first_page_alias"] >= 1
    # the columns beside the 年报 column (公开制度, 法定主动公开内容) are not the way to reports
    assert not any(path.startswith(("/zwgk/xxgkzd/", "/zwgk/fdzdgk/")) for path in fetched)
    assert not any(path.startswith("/zwgk/rl/") for path in fetched)  # the calendar trap
    assert stats["govreports/trap/skipped"] >= 1


@deferred_f_from_coro_f
async def test_no_decoy_is_stored(portal, fast_settings, tmp_path):
    await crawl(fast_settings(tmp_path / "c.db"), seeds=portal.url("/"))
    decoys = {canonical_url(portal.url(decoy.path)) for decoy in portal.site.decoys}
    assert not decoys & set(stored(tmp_path / "c.db"))


JS_COLUMN = "/zwgk/bm/wjw/xxgknb/"
# the JS column's script names its list's address whole: read without a browser
NAMED_JSON = b'"/zwgk/bm/wjw/xxgknb/list.json?_="'


def composed(body: bytes, column: str = JS_COLUMN) -> bytes:
    """The JS column's page with a script that builds its list's address from pieces: only a browser
    finds the list (the crawler reads no address the page does not spell out)."""
    assert NAMED_JSON in body
    return body.replace(NAMED_JSON, f'"{column}list" + ".json?_="'.encode())


@deferred_f_from_coro_f
async def test_browser_only_for_pages_that_need_it(portal, fast_settings, tmp_path):
    before = len(portal.server.requests)
    stats, ledger = await crawl(fast_settings(tmp_path / "c.db"), seeds=portal.url("/"))
    asked = portal.server.requests[before:]
    # the script-filled list names its JSON: that is read as a page, and no browser opens the column
    assert asked.count(JS_COLUMN) == 1 and asked.count(JS_COLUMN + "list.json") == 1
    assert stats["govreports/script_list/json"] == 1 and "govreports/render/script_filled_list" not in stats
    # the challenged township's first page is all that goes through chromium, and the page the challenge
    # lets it through to loads none of its scripts
    assert stats["govreports/challenge/detected"] == 1 and stats["govreports/pages/rendered"] == 1
    assert not any(path.endswith(".js") or "list.json?" in path for path in asked)
    wjw = {canonical_url(portal.url(r.path)) for r in portal.site.reports if r.path.startswith(JS_COLUMN)}
    assert wjw and wjw <= set(stored(tmp_path / "c.db"))
    (per_seed,) = ledger.per_seed.values()
    assert per_seed["rendered"] == stats["govreports/pages/rendered"]
    # robots.txt once, by the crawler; nothing else twice but the challenged page (its reload)
    assert asked.count("/robots.txt") == 1
    assert {path for path in asked if asked.count(path) > 1} == {portal.site.challenge_prefixes[0]}


@deferred_f_from_coro_f
async def test_a_list_whose_address_a_script_builds_goes_through_the_browser(portal, fast_settings, tmp_path):
    """The JS column's script builds its list's address: the browser renders the column from the page
    as fetched (the portal serves it once), and a script file it loaded for one render is reused for
    the next (the same column as ``index.html`` too)."""
    served = portal.site.lookup(JS_COLUMN)
    assert served is not None
    column = replace(served, body=composed(served.body))
    pages = (JS_COLUMN, JS_COLUMN + "index.html")
    for path in pages:
        portal.server.add_route(path, lambda _path: column)
    before = len(portal.server.requests)
    try:
        seeds = ",".join(portal.url(path) for path in pages)
        stats, _ = await crawl(fast_settings(tmp_path / "c.db"), seeds=seeds)
    finally:
        for path in pages:
            del portal.server.routes[path]
    asked = portal.server.requests[before:]
    assert [asked.count(path) for path in pages] == [1, 1]
    assert stats["govreports/render/script_filled_list"] == stats["govreports/pages/rendered"] == 2
    assert "govreports/script_list/json" not in stats
    assert asked.count("/images/common.js") == 1
    assert len([path for path in asked if path.startswith(JS_COLUMN + "list.json?_=")]) == 2
    wjw = {canonical_url(portal.url(r.path)) for r in portal.site.reports if r.path.startswith(JS_COLUMN)}
    assert wjw and set(stored(tmp_path / "c.db")) == wjw


@deferred_f_from_coro_f
async def test_a_list_whose_json_fails_goes_through_the_browser(portal, fast_settings, tmp_path):
    """The address the page names answers 404 to the crawler (the portal wants its cache-buster): the
    column is fetched again and rendered, and the browser's own request finds the list."""
    json_path = JS_COLUMN + "list.json"
    listing = portal.site.lookup(json_path)
    assert listing is not None

    def cache_busted_only(path: str) -> Page:
        return listing if "?_=" in path else Page(path, b"{}", "application/json", status=404)

    portal.server.add_route(json_path, cache_busted_only)
    before = len(portal.server.requests)
    try:
        stats, _ = await crawl(fast_settings(tmp_path / "c.db", RETRY_TIMES=0), seeds=portal.url(JS_COLUMN))
    finally:
        del portal.server.routes[json_path]
    asked = portal.server.requests[before:]
    assert stats["govreports/script_list/json"] == stats["govreports/script_list/json_failed"] == 1
    assert stats["govreports/render/script_filled_list"] == stats["govreports/pages/rendered"] == 1
    assert asked.count(JS_COLUMN) == 2 and asked.count(json_path) == 1
    wjw = {canonical_url(portal.url(r.path)) for r in portal.site.reports if r.path.startswith(JS_COLUMN)}
    assert wjw and set(stored(tmp_path / "c.db")) == wjw


@deferred_f_from_coro_f
async def test_a_script_filled_list_is_read_though_its_page_never_goes_quiet(portal, fast_settings, tmp_path):
    """The JS column holds a long poll open (a message channel the portal answers only when there is
    news): the list is read once its links show, not failed when the network never idles (the
    navigation timeout is shorter than the hang). Its visitor counter is never asked at all."""
    released = threading.Event()
    long_poll = "/interface/messages.jsp"
    js_column = JS_COLUMN
    served = portal.site.lookup(js_column)
    assert served is not None
    script = (
        f'<script>var poll = new XMLHttpRequest(); poll.open("GET", "{long_poll}"); poll.send();</script>'
    )
    body = composed(served.body)  # its list's address built by the script: only a browser reads it
    polling_column = replace(served, body=body.replace(b"</body>", script.encode() + b"</body>"))

    def hung_poll(path: str) -> Page:
        released.wait(20)
        return Page(path, b"{}", "application/json")

    portal.server.add_route(js_column, lambda path: polling_column)
    portal.server.add_route(long_poll, hung_poll)
    before = len(portal.server.requests)
    try:
        settings = fast_settings(
            tmp_path / "c.db", GOVREPORTS_RENDER_SETTLE_MS=1000, PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=6000
        )
        stats, ledger = await crawl(settings, seeds=portal.url(js_column))
    finally:
        released.set()
        del portal.server.routes[long_poll], portal.server.routes[js_column]
    asked = portal.server.requests[before:]
    assert any(path.startswith(long_poll) for path in asked)
    assert not any(path.startswith(VISIT_COUNTER) for path in asked)
    wjw = {canonical_url(portal.url(r.path)) for r in portal.site.reports if r.path.startswith(js_column)}
    assert wjw and set(stored(tmp_path / "c.db")) == wjw
    assert stats["govreports/render/network_busy"] == 1 and ledger.failed_pages == []


@deferred_f_from_coro_f
async def test_render_never_uses_no_browser_and_says_what_it_missed(portal, fast_settings, tmp_path):
    """Without a browser the challenged township is missed; the script-filled list is not (its page
    names its JSON)."""
    stats, _ = await crawl(fast_settings(tmp_path / "c.db", GOVREPORTS_RENDER="never"), seeds=portal.url("/"))
    assert "playwright/page_count" not in stats
    assert stats["govreports/challenge/unsolved"] >= 1 and stats["govreports/script_list/json"] == 1
    missing = portal.expected() - set(stored(tmp_path / "c.db"))
    needs_browser = portal.site.challenge_prefixes
    assert missing == {
        canonical_url(portal.url(r.path)) for r in portal.site.reports if r.path.startswith(needs_browser)
    }


@deferred_f_from_coro_f
async def test_moved_columns_are_rediscovered_from_the_home_page(portal, fast_settings, tmp_path):
    seeds = [portal.url("/zwgk/nb/"), portal.url("/xxgk/ndbg/")]  # a 404 and a redirect to the home page
    stats, ledger = await crawl(fast_settings(tmp_path / "c.db"), seeds=",".join(seeds))
    assert set(stored(tmp_path / "c.db")) == portal.expected()
    assert stats["govreports/seeds/rediscovered"] == 2
    assert any("/zwgk/nb/: column gone (HTTP 404)" in note for note in ledger.notes)
    assert any("/xxgk/ndbg/: column gone (redirected to the home page)" in note for note in ledger.notes)
    (run,) = queries.list_runs(corpus.open_db(tmp_path / "c.db"))
    assert len(json.loads(run["notes"])) == 2 and ledger.seed_failures == []


@deferred_f_from_coro_f
async def test_seed_csv_columns_reach_the_records_and_runs_keep_per_seed_counts(
    portal, fast_settings, tmp_path
):
    seeds = tmp_path / "seeds.csv"
    column = "/zwgk/bm/jyj/xxgknb/"
    seeds.write_text(
        f"url,body,region,level\n{portal.url(column)},青岚县教育局,云溪市青岚县,部门\n", encoding="utf-8"
    )
    await crawl(fast_settings(tmp_path / "c.db", GOVREPORTS_RENDER="never"), seeds_file=str(seeds))
    rows = list(stored(tmp_path / "c.db").values())
    assert rows and all(
        (r["body"], r["region"], r["level"]) == ("青岚县教育局", "云溪市青岚县", "部门") for r in rows
    )
    (run,) = queries.list_runs(corpus.open_db(tmp_path / "c.db"))
    per_seed = json.loads(run["per_seed"])[portal.url(column)]
    assert per_seed["reports_stored"] == len(rows) and per_seed["pages"] >= 2
    assert all(
        "/zwgk/bm/jyj/" in url for url in stored(tmp_path / "c.db")
    )  # a column seed stays in its column


@deferred_f_from_coro_f
async def test_every_kind_of_seed_is_handled(portal, fast_settings, tmp_path):
    """A listing page, a report page and a file URL as seeds: each is recognised for what it is."""
    listing = "/zwgk/xxgknb/index_1.html"
    report = portal.site.reports[0].path
    pdf = next(f.path for f in portal.site.files if f.kind == "pdf" and f.twin_of is None)
    seeds = [portal.url(listing), portal.url(report), portal.url(pdf)]
    _, ledger = await crawl(
        fast_settings(tmp_path / "c.db", GOVREPORTS_RENDER="never"), seeds=",".join(seeds)
    )
    rows = stored(tmp_path / "c.db")
    assert {canonical_url(portal.url(report)), canonical_url(portal.url(pdf))} <= set(rows)
    assert rows[canonical_url(portal.url(pdf))]["kind"] == "pdf"
    listed = ledger.per_seed[portal.url(listing)]
    assert listed["listing_pages"] >= 1 and listed["reports"] >= 3  # the listing seed walked its column
    assert all("/zwgk/xxgknb/" in url or url in {canonical_url(s) for s in seeds} for url in rows)
    assert ledger.seed_failures == []


@deferred_f_from_coro_f
async def test_a_challenge_is_passed_once_per_host(portal, fast_settings, tmp_path):
    """The challenged township: the browser passes the challenge on its first page, and the clearance it
    earned goes with every later request to the host, which is then fetched without the browser."""
    township = portal.site.challenge_prefixes[0]
    before = len(portal.server.log)
    stats, _ = await crawl(fast_settings(tmp_path / "c.db"), seeds=portal.url(township))
    answered = portal.server.log[before:]
    reports = {canonical_url(portal.url(r.path)) for r in portal.site.reports if r.path.startswith(township)}
    assert reports and reports <= set(stored(tmp_path / "c.db"))
    # the crawler's first request meets the challenge, and nothing after it: the browser starts from that
    # answer, runs its script and reloads the page with the clearance
    assert [path for path, status in answered if status == 412] == [township]
    assert stats["govreports/challenge/detected"] == 1 and stats["govreports/challenge/cleared"] == 1
    # the browser: the challenge once (the site's script-filled list the township links to is read from
    # its JSON), and the page the challenge let it through to loaded none of its scripts
    assert stats["govreports/pages/rendered"] == 1 and "govreports/render/script_filled_list" not in stats
    assert not any(path.endswith(".js") for path, _ in answered)


@deferred_f_from_coro_f
async def test_a_challenged_script_filled_list_is_rendered_again_for_its_scripts(
    portal, fast_settings, tmp_path
):
    """A list a script fills behind the challenge (its address built by the script): the challenge's
    render holds the page's scripts back, so the list shows empty and is rendered once more, from the
    page as cleared, with its scripts (the list's JSON asked once, by that render)."""
    township = portal.site.challenge_prefixes[0]
    column = township + "xxgknb/"
    json_path = column + "list.json"
    reports = [r for r in portal.site.reports if r.path.startswith(township)]
    served = portal.site.lookup(JS_COLUMN)
    assert served is not None and reports
    page = replace(served, path=column, body=composed(served.body, column))
    docs = [{"url": r.path, "title": r.title, "date": r.published_date} for r in reports]
    listing = Page(json_path, json.dumps({"total": len(docs), "docs": docs}).encode(), "application/json")
    portal.server.add_route(column, lambda _path: page)
    portal.server.add_route(json_path, lambda _path: listing)
    before = len(portal.server.requests)
    try:
        stats, _ = await crawl(fast_settings(tmp_path / "c.db"), seeds=portal.url(column))
    finally:
        del portal.server.routes[column], portal.server.routes[json_path]
    asked = portal.server.requests[before:]
    assert stats["govreports/challenge/detected"] == stats["govreports/challenge/cleared"] == 1
    assert stats["govreports/render/script_filled_list"] == 1 and stats["govreports/pages/rendered"] == 2
    assert len([path for path in asked if path.startswith(json_path)]) == 1
    assert asked.count("/images/common.js") == 1
    expected = {canonical_url(portal.url(r.path)) for r in reports}
    assert set(stored(tmp_path / "c.db")) == expected


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("http://www.example.gov.cn/interface/visit.jsp?c=%2Fzwgk%2F", True),
        ("http://www.example.gov.cn/module/visitcount/visit.jsp?type=3&i_columnid=1", True),
        ("http://www.example.gov.cn/count.jsp?id=42", True),
        ("http://www.example.gov.cn/addclick.php?aid=7", True),
        ("https://hm.baidu.com/hm.js?abc", True),
        ("http://www.example.gov.cn/zwgk/xxgknb/list.jsp?page=2", False),
        ("http://www.example.gov.cn/interface/list.json", False),
        ("http://www.example.gov.cn/zwgk/account/index.html", False),
        ("http://www.example.gov.cn/zwgk/xxgknb/202401/t20240126_23950.html", False),
        ("http://www.example.gov.cn/images/common.js", False),
    ],
)
def test_renders_skip_visit_counters_and_analytics_but_not_lists(url, blocked):
    from crawler.crawl.render import abort_heavy_resources

    @dataclass
    class BrowserRequest:
        url: str
        resource_type: str = "xhr"

    assert abort_heavy_resources(BrowserRequest(url)) is blocked
