"""HTTP errors and redirect chains inside a real portal: each failure is one message and one stat, the
answers that cannot change (404, 410) are not asked again, and the rest of the corpus is untouched."""

from __future__ import annotations

import json
import logging

from faults import failing, redirect_chain, serve
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus import queries
from crawler.corpus.dedupe import canonical_url
from crawler.crawl.ledger import RunLedger
from crawler.demo import DemoServer, DemoSite
from spiders.reports import ReportsSpider

RETRY_TIMES = 2
# Report links of the demo portal's main column, each answering an error.
FAILING_REPORTS = {
    "/zwgk/xxgknb/202403/t20240320_24518.html": 404,
    "/zwgk/xxgknb/202502/t20250212_27960.html": 410,
    "/zwgk/xxgknb/202302/t20230215_21533.html": 500,
    "/zwgk/xxgknb/201901/t20190131_10456.html": 503,
}
# Department and township report columns (listing pages), each answering an error.
FAILING_LISTINGS = {"/zwgk/bm/jyj/xxgknb/": 404, "/zwgk/xz/smz/xxgknb/": 410, "/zwgk/bm/czj/xxgknb/": 500}


def stored_urls(db_path) -> set[str]:
    database = corpus.open_db(db_path, create=False)
    try:
        return {row["url"] for row in queries.iter_reports(database)}
    finally:
        database.close()


def listed_under(site: DemoSite, listing: str) -> set[str]:
    """The manifest's reports published under a report column (reachable only through its listing)."""
    return {path for path in site.expected_report_paths() if path.startswith(listing)}


def asked(server: DemoServer, path: str) -> int:
    """How many times the server was asked for ``path`` (a listing also as its ``index.html``)."""
    return sum(request in (path, path + "index.html") for request in server.requests)


def manifest_urls(server: DemoServer, site: DemoSite, missing: set[str]) -> set[str]:
    return {canonical_url(server.url(path)) for path in set(site.expected_report_paths()) - missing}


@deferred_f_from_coro_f
async def test_error_answers_for_reports_and_listings(demo_site, fast_settings, tmp_path, caplog):
    routes = {path: failing(status) for path, status in FAILING_REPORTS.items()}
    for path, status in FAILING_LISTINGS.items():
        routes |= {path: failing(status), path + "index.html": failing(status)}
    server = serve(demo_site, "127.0.0.7", routes)
    db_path = tmp_path / "corpus.db"
    # a budget large enough that the retried 5xx answers do not drop the whole site
    settings = fast_settings(db_path, RETRY_TIMES=RETRY_TIMES, GOVREPORTS_MAX_ERRORS_PER_SITE=100)
    crawler = get_crawler(ReportsSpider, settings)
    caplog.set_level(logging.WARNING)
    try:
        await crawler.crawl_async(seeds=server.url("/"))
    finally:
        server.stop()
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    assert stats["finish_reason"] == "finished"
    failing_paths = FAILING_REPORTS | FAILING_LISTINGS
    spider_warnings = [record.getMessage() for record in caplog.records if record.name == "reports"]
    assert len(spider_warnings) == len(failing_paths)  # one line per failed page, no more
    for path, status in failing_paths.items():
        # 404 and 410 are final; 5xx answers are asked again RETRY_TIMES times
        assert asked(server, path) == (1 if status in (404, 410) else 1 + RETRY_TIMES), path
        [message] = [line for line in spider_warnings if server.url(path) in line]
        assert message == f"failed: {server.url(path)}: HTTP {status}"
    assert stats["govreports/pages/failed"] == len(failing_paths)
    assert stats["retry/count"] == RETRY_TIMES * 3
    assert stats["retry/max_reached"] == 3
    for status in (404, 410, 500, 503):
        answers = sum(asked(server, path) for path, code in failing_paths.items() if code == status)
        assert stats[f"downloader/response_status_count/{status}"] == answers
    assert RunLedger.of(crawler).seed_failures == []
    # the run keeps every failed page as one "URL: reason" line (the CLI prints them)
    database = corpus.open_db(db_path, create=False)
    (run,) = queries.list_runs(database)
    database.close()
    expected = {f"{server.url(path)}: HTTP {status}" for path, status in failing_paths.items()}
    assert sorted(json.loads(run["failed_pages"])) == sorted(expected)
    missing = set(FAILING_REPORTS).union(*(listed_under(demo_site, path) for path in FAILING_LISTINGS))
    assert all(listed_under(demo_site, path) for path in FAILING_LISTINGS)  # each hides reports
    assert stored_urls(db_path) == manifest_urls(server, demo_site, missing)


@deferred_f_from_coro_f
async def test_a_long_redirect_chain_is_dropped_and_a_short_one_stored_at_its_end(
    demo_site, fast_settings, tmp_path
):
    report = "/zwgk/xxgknb/202403/t20240320_24518.html"
    routes = redirect_chain("/old/", 3, report) | redirect_chain("/long/", 25, "/long/end.html")
    server = serve(demo_site, "127.0.0.7", routes)
    db_path = tmp_path / "corpus.db"
    crawler = get_crawler(ReportsSpider, fast_settings(db_path, REDIRECT_MAX_TIMES=10))
    try:
        await crawler.crawl_async(seeds=",".join(server.url(path) for path in ("/", "/old/0", "/long/0")))
    finally:
        server.stop()
    assert crawler.stats is not None
    long_hops = [path for path in server.requests if path.startswith("/long/")]
    assert long_hops == [f"/long/{n}" for n in range(11)]  # the first answer and 10 redirects followed
    assert crawler.stats.get_value("govreports/pages/redirect_loop") == 1
    reason = "too many redirects (a loop or a chain longer than REDIRECT_MAX_TIMES)"
    # names the seed and the hop where the chain was cut
    assert RunLedger.of(crawler).seed_failures == [
        f"seed {server.url('/long/0')}: {reason}: {server.url('/long/10')}"
    ]
    assert [path for path in server.requests if path.startswith("/old/")] == ["/old/0", "/old/1", "/old/2"]
    stored = stored_urls(db_path)
    assert canonical_url(server.url(report)) in stored
    assert not {url for url in stored if "/old/" in url or "/long/" in url}
    assert stored == manifest_urls(server, demo_site, set())
