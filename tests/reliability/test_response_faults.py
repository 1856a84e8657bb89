"""Hostile responses: errors are retried within a bound, limits stop huge bodies, the corpus is untouched."""

from __future__ import annotations

import gzip
import json
import random
import re
import sqlite3
import time

from faults import HTML, RawFaultServer, failing, page, serve
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.crawl.ledger import RunLedger
from crawler.demo.model import Page, redirect
from spiders.reports import ReportsSpider

MB = 1024 * 1024


def gzip_bomb(path: str) -> Page:
    """20 MB of zeros, about 20 KB on the wire."""
    body = gzip.compress(b"\0" * (20 * MB), 9)
    return Page(path, body, HTML, headers=(("Content-Encoding", "gzip"),))


def huge(path: str) -> Page:
    return Page(path, b"<html><body>" + b"x" * (3 * MB) + b"</body></html>", HTML)


async def crawl_one(settings: dict, url: str):
    crawler = get_crawler(ReportsSpider, settings)
    await crawler.crawl_async(seeds=url)
    assert crawler.stats is not None
    return crawler


def report_count(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])


@deferred_f_from_coro_f
async def test_a_gzip_bomb_is_stopped_by_the_decompression_limit(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.5", {"/bomb": gzip_bomb})
    db_path = tmp_path / "corpus.db"
    try:
        crawler = await crawl_one(fast_settings(db_path, DOWNLOAD_MAXSIZE=MB), server.url("/bomb"))
    finally:
        server.stop()
    assert crawler.stats.get_value("govreports/pages/too_large") == 1
    url = server.url("/bomb")
    reason = "body larger than DOWNLOAD_MAXSIZE (a huge page or a decompression bomb)"
    assert RunLedger.of(crawler).seed_failures == [f"seed {url}: {reason}: {url}"]
    assert report_count(db_path) == 0


@deferred_f_from_coro_f
async def test_a_page_over_download_maxsize_is_not_downloaded(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.5", {"/huge": huge})
    try:
        crawler = await crawl_one(fast_settings(tmp_path / "c.db", DOWNLOAD_MAXSIZE=MB), server.url("/huge"))
    finally:
        server.stop()
    assert crawler.stats.get_value("govreports/pages/too_large") == 1
    [failure] = RunLedger.of(crawler).seed_failures
    assert "body larger than DOWNLOAD_MAXSIZE" in failure


@deferred_f_from_coro_f
async def test_a_redirect_loop_ends_with_one_message(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.5", {})
    server.add_route("/a", lambda path: redirect(path, server.url("/b"), 302))
    server.add_route("/b", lambda path: redirect(path, server.url("/a"), 302))
    try:
        crawler = await crawl_one(fast_settings(tmp_path / "c.db", REDIRECT_MAX_TIMES=5), server.url("/a"))
    finally:
        server.stop()
    assert len([path for path in server.requests if path in ("/a", "/b")]) == 6
    assert crawler.stats.get_value("govreports/pages/redirect_loop") == 1
    [failure] = RunLedger.of(crawler).seed_failures
    assert "too many redirects" in failure


@deferred_f_from_coro_f
async def test_a_503_is_retried_then_reported(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.5", {"/busy": failing(503)})
    try:
        crawler = await crawl_one(fast_settings(tmp_path / "c.db", RETRY_TIMES=2), server.url("/busy"))
    finally:
        server.stop()
    assert server.requests.count("/busy") == 3
    assert crawler.stats.get_value("retry/count") == 2
    assert RunLedger.of(crawler).seed_failures == [f"seed {server.url('/busy')}: unreachable (HTTP 503)"]


@deferred_f_from_coro_f
async def test_html_at_a_pdf_url_is_read_as_a_page(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.5", {"/report.pdf": page})
    try:
        crawler = await crawl_one(fast_settings(tmp_path / "c.db"), server.url("/report.pdf"))
    finally:
        server.stop()
    assert crawler.stats.get_value("finish_reason") == "finished"
    assert "/report.pdf" in server.requests


@deferred_f_from_coro_f
async def test_a_connection_reset_mid_body_is_retried_then_reported(fast_settings, tmp_path):
    server = RawFaultServer("127.0.0.5", "reset").start()
    db_path = tmp_path / "c.db"
    settings = fast_settings(db_path, RETRY_TIMES=1, ROBOTSTXT_OBEY=False)
    try:
        crawler = await crawl_one(settings, server.url)
    finally:
        server.stop()
    assert server.connections == 2
    [failure] = RunLedger.of(crawler).seed_failures
    assert failure.startswith(f"seed {server.url}: unreachable (")
    assert report_count(db_path) == 0


@deferred_f_from_coro_f
async def test_a_server_that_never_answers_times_out(fast_settings, tmp_path):
    server = RawFaultServer("127.0.0.5", "silent").start()
    settings = fast_settings(tmp_path / "c.db", RETRY_TIMES=0, DOWNLOAD_TIMEOUT=1, ROBOTSTXT_OBEY=False)
    try:
        crawler = await crawl_one(settings, server.url)
    finally:
        server.stop()
    assert (
        crawler.stats.get_value("downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError") == 1
    )
    [failure] = RunLedger.of(crawler).seed_failures
    assert failure.startswith(f"seed {server.url}: unreachable (") and "TimeoutError" in failure


def many_links(path: str) -> Page:
    links = "".join(
        f'<li><a href="/xxgk/ndbg/t2024_{n}.html">2023年政府信息公开工作年度报告{n}</a></li>'
        for n in range(10_000)
    )
    return Page(path, f"<html><body><h1>信息公开年报</h1><ul>{links}</ul></body></html>".encode(), HTML)


@deferred_f_from_coro_f
async def test_a_page_with_10000_links_stays_within_the_page_budget(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.5", {"/xxgk/ndbg/": many_links})
    settings = fast_settings(tmp_path / "c.db", GOVREPORTS_MAX_PAGES_PER_SITE=30, ROBOTSTXT_OBEY=False)
    started = time.monotonic()
    try:
        crawler = await crawl_one(settings, server.url("/xxgk/ndbg/"))
    finally:
        server.stop()
    assert time.monotonic() - started < 30
    assert len(server.requests) <= 30
    assert crawler.stats.get_value("govreports/budget/pages_per_site") > 0


def binary_as_html(path: str) -> Page:
    return Page(path, random.Random(8).randbytes(200_000), HTML)


@deferred_f_from_coro_f
async def test_binary_bytes_labelled_html_are_no_report_and_no_crash(demo_site, fast_settings, tmp_path):
    server = serve(demo_site, "127.0.0.5", {"/xxgk/t2024_1.html": binary_as_html})
    db_path = tmp_path / "c.db"
    try:
        crawler = await crawl_one(fast_settings(db_path), server.url("/xxgk/t2024_1.html"))
    finally:
        server.stop()
    assert crawler.stats.get_value("finish_reason") == "finished"
    assert not crawler.stats.get_value("spider_exceptions")
    assert not crawler.stats.get_value("log_count/ERROR")
    assert report_count(db_path) == 0


def stored_rows(db_path) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute("SELECT * FROM reports")]


@deferred_f_from_coro_f
async def test_a_report_page_without_any_table_is_stored_with_no_statistics(
    demo_site, fast_settings, tmp_path
):
    """Some portals publish the statistics as an image or leave them out: the text is still the report."""
    path = "/zwgk/xxgknb/202403/t20240320_24518.html"
    original = demo_site.pages[path]
    assert original.body.count(b"<table") == 4  # as published: four tables, the statistics among them
    body = re.sub(rb"<table\b.*?</table>", b"", original.body, flags=re.DOTALL | re.IGNORECASE)
    server = serve(demo_site, "127.0.0.5", {path: lambda asked: Page(asked, body, original.content_type)})
    db_path = tmp_path / "c.db"
    try:
        crawler = await crawl_one(fast_settings(db_path), server.url(path))
    finally:
        server.stop()
    assert crawler.stats.get_value("finish_reason") == "finished"
    assert not crawler.stats.get_value("spider_exceptions")
    assert crawler.stats.get_value("govreports/extract/ok") == 1
    [row] = stored_rows(db_path)
    assert row["title"] == demo_site.report(path).title
    assert len(row["text"]) > 500 and "|" not in row["text"]
    assert [json.loads(row[column]) for column in ("tables", "raw_tables", "checks")] == [{}, [], []]
