"""Slow, dead and erroring sites cost a bounded time; each seed's outcome is recorded in ``runs``."""

from __future__ import annotations

import json
import time

from faults import failing, page, refused_url, serve, sleeping
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.crawl.ledger import RunLedger
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
    assert f"site {netloc}: 3 failed requests, its remaining requests dropped" in RunLedger.of(crawler).notes
    dropped = [failure for failure in RunLedger.of(crawler).seed_failures if "failed 3 times" in failure]
    assert len(dropped) == 3


# 100 seeds: 67 good ones on 10 hosts, and a third bad: 11 slow, 11 erroring, 11 refused.
GOOD_HOSTS, GOOD_SEEDS, BAD_EACH = 10, 67, 11
TIMEOUT, RETRIES, SLEEP = 2, 1, 5
# Measured: about 5 s on an idle machine, up to 15 s on two CPUs busy with other tests. One bad seed
# after another would take BAD_EACH * (RETRIES + 1) * TIMEOUT = 44 s for the slow ones alone: the
# bound proves the bad seeds overlap and do not hold the good ones up.
BOUND_SECONDS = 25


@deferred_f_from_coro_f
async def test_a_third_of_100_seeds_bad_finishes_in_bounded_time(demo_site, fast_settings, tmp_path):
    good = [
        serve(demo_site, f"127.0.0.{10 + n}", {f"/ok{k}": page for k in range(GOOD_SEEDS // GOOD_HOSTS + 1)})
        for n in range(GOOD_HOSTS)
    ]
    seeds = [good[n % GOOD_HOSTS].url(f"/ok{n // GOOD_HOSTS}") for n in range(GOOD_SEEDS)]
    # one host per slow or erroring seed: neither the per-host concurrency nor the per-site error
    # budget (both per host) may serialise or drop them
    slow = [serve(demo_site, f"127.0.0.{30 + n}", {"/slow": sleeping(SLEEP)}) for n in range(BAD_EACH)]
    erroring = [serve(demo_site, f"127.0.0.{50 + n}", {"/err": failing(503)}) for n in range(BAD_EACH)]
    seeds += [server.url("/slow") for server in slow] + [server.url("/err") for server in erroring]
    seeds += [refused_url("127.0.0.1", f"/dead{n}") for n in range(BAD_EACH)]
    assert len(set(seeds)) == 100
    db_path = tmp_path / "corpus.db"
    settings = fast_settings(
        db_path,
        DOWNLOAD_TIMEOUT=TIMEOUT,
        RETRY_TIMES=RETRIES,
        ROBOTSTXT_OBEY=False,
        GOVREPORTS_RENDER="never",  # plain pages: no browser start-up in the measured time
    )
    crawler = get_crawler(ReportsSpider, settings)
    started = time.monotonic()
    try:
        await crawler.crawl_async(seeds=",".join(seeds))
        elapsed = time.monotonic() - started
    finally:
        for server in good + slow + erroring:
            server.stop()
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f} s"
    run = last_run(db_path)
    assert run["status"] == "finished"
    per_seed = json.loads(run["per_seed"])
    assert set(per_seed) == set(seeds)
    assert all(per_seed[url] == {"pages": 1} for url in seeds[:GOOD_SEEDS])
    bad = seeds[GOOD_SEEDS:]
    assert all(per_seed[url] == {"errors": 1} for url in bad)
    failures = RunLedger.of(crawler).seed_failures
    assert sorted(json.loads(run["errors"])) == sorted(failures)
    assert sorted(failure.split(": ", 1)[0] for failure in failures) == sorted(f"seed {url}" for url in bad)
    assert sum("TimeoutError" in failure for failure in failures) == BAD_EACH
    assert sum("HTTP 503" in failure for failure in failures) == BAD_EACH
    assert sum("ConnectionRefusedError" in failure for failure in failures) == BAD_EACH
    assert crawler.stats is not None
    assert crawler.stats.get_value("retry/count") == 3 * BAD_EACH * RETRIES
