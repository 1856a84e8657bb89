"""Slow, dead and erroring sites cost a bounded time; each seed's outcome is recorded in ``runs``."""

from __future__ import annotations

import json
import time

from faults import failing, page, refused_url, serve, sleeping
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler import db as corpus
from spiders.reports import ReportsSpider


def last_run(db_path) -> dict:
    database = corpus.open_db(db_path, create=False)
    try:
        return list(database["runs"].rows)[-1]
    finally:
        database.close()


@deferred_f_from_coro_f
async def test_a_failing_site_is_dropped_after_its_error_budget(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.4", {f"/e{n}": failing(500) for n in range(6)})
    seeds = ",".join(server.url(f"/e{n}") for n in range(6))
    settings = fast_settings(
        tmp_path / "corpus.db",
        GOVREPORTS_MAX_ERRORS_PER_SITE=3,
        RETRY_TIMES=0,
        CONCURRENT_REQUESTS=1,  # the engine hands the downloader one request at a time
        ROBOTSTXT_OBEY=False,
    )
    crawler = get_crawler(ReportsSpider, settings)
    try:
        await crawler.crawl_async(seeds=seeds)
    finally:
        server.stop()
    assert len([path for path in server.requests if path.startswith("/e")]) == 3
    assert crawler.stats is not None
    assert crawler.stats.get_value("govreports/budget/site_errors") == 3
    netloc = server.base_url.removeprefix("http://")
    assert f"site {netloc}: 3 failed requests, its remaining requests dropped" in crawler.spider.notes
    dropped = [failure for failure in crawler.spider.seed_failures if "failed 3 times" in failure]
    assert len(dropped) == 3


@deferred_f_from_coro_f
async def test_a_third_of_bad_sites_finish_in_bounded_time(demo_site, fast_settings, tmp_path):
    servers = [serve(demo_site, f"127.0.0.{10 + n}", {"/ok": page}) for n in range(20)]
    seeds = [server.url("/ok") for server in servers]
    slow = [serve(demo_site, f"127.0.0.{40 + n}", {"/slow": sleeping(4)}) for n in range(4)]
    erroring = [serve(demo_site, f"127.0.0.{50 + n}", {"/err": failing(503)}) for n in range(3)]
    seeds += [server.url("/slow") for server in slow] + [server.url("/err") for server in erroring]
    seeds += [refused_url(f"127.0.0.{60 + n}", "/dead") for n in range(3)]
    db_path = tmp_path / "corpus.db"
    settings = fast_settings(db_path, DOWNLOAD_TIMEOUT=1, RETRY_TIMES=1, ROBOTSTXT_OBEY=False)
    crawler = get_crawler(ReportsSpider, settings)
    started = time.monotonic()
    try:
        await crawler.crawl_async(seeds=",".join(seeds))
    finally:
        for server in servers + slow + erroring:
            server.stop()
    assert time.monotonic() - started < 20
    per_seed = json.loads(last_run(db_path)["per_seed"])
    assert all(per_seed[url]["pages"] == 1 for url in seeds[:20])
    assert all(per_seed[url]["errors"] >= 1 for url in seeds[20:])
    failures = crawler.spider.seed_failures
    assert len(failures) == 10
    assert sum("TimeoutError" in failure for failure in failures) == 4
    assert sum("HTTP 503" in failure for failure in failures) == 3
    assert sum("ConnectionRefusedError" in failure for failure in failures) == 3
