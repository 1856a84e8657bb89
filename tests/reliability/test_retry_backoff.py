"""Retries of a failing page wait longer each time, or as long as the server's ``Retry-After`` asks."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from faults import page, serve
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.crawl.ledger import RunLedger
from crawler.crawl.retry import backoff_seconds, parse_retry_after
from crawler.demo.model import Page
from spiders.reports import ReportsSpider


def test_backoff_doubles_per_attempt_within_the_cap():
    assert [backoff_seconds(n, 1.0, 5.0) for n in range(5)] == [0.0, 1.0, 2.0, 4.0, 5.0]


def test_retry_after_wins_but_not_past_the_cap():
    assert backoff_seconds(1, 1.0, 60.0, retry_after=30.0) == 30.0
    assert backoff_seconds(1, 1.0, 60.0, retry_after=3600.0) == 60.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), (" 7 ", 7.0), ("", None), (None, None), ("soon", None), ("-5", None)],
)
def test_retry_after_as_delta_seconds(header, seconds):
    assert parse_retry_after(header) == seconds


def test_retry_after_as_an_http_date():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now=now) == 0.0


def timed_failure(times: list[float], headers: tuple[tuple[str, str], ...] = ()) -> Callable[[str], Page]:
    """A handler answering 503 (with ``headers``) that notes when each request came."""

    def handler(path: str) -> Page:
        times.append(time.monotonic())
        failed = page(path, b"<html><body>busy</body></html>", status=503)
        return Page(failed.path, failed.body, failed.content_type, status=503, headers=headers)

    return handler


@deferred_f_from_coro_f
async def test_retries_wait_longer_each_time_and_honour_retry_after(demo_site, fast_settings, tmp_path):
    plain: list[float] = []
    asked: list[float] = []
    routes = {"/busy": timed_failure(plain), "/later": timed_failure(asked, (("Retry-After", "1"),))}
    server = serve(demo_site, "127.0.0.8", routes)
    settings = fast_settings(
        tmp_path / "corpus.db",
        RETRY_TIMES=2,
        GOVREPORTS_RETRY_BACKOFF=0.3,
        GOVREPORTS_RETRY_BACKOFF_MAX=5.0,
        ROBOTSTXT_OBEY=False,
        GOVREPORTS_RENDER="never",
    )
    crawler = get_crawler(ReportsSpider, settings)
    try:
        await crawler.crawl_async(seeds=f"{server.url('/busy')},{server.url('/later')}")
    finally:
        server.stop()

    assert len(plain) == len(asked) == 3  # the first answer and two retries each
    first_gap, second_gap = plain[1] - plain[0], plain[2] - plain[1]
    assert 0.3 <= first_gap < 2.0
    assert 0.6 <= second_gap < 3.0
    assert asked[1] - asked[0] >= 1.0 and asked[2] - asked[1] >= 1.0  # Retry-After: 1 over 0.3 and 0.6
    stats = crawler.stats.get_stats()
    assert stats["govreports/retry/backoff"] == 4
    assert stats["govreports/retry/backoff_seconds"] == pytest.approx(0.3 + 0.6 + 1.0 + 1.0)
    assert stats["retry/max_reached"] == 2
    problems = [str(reason) for reason in RunLedger.of(crawler).seed_failures]
    assert len(problems) == 2 and all("503" in problem for problem in problems)
