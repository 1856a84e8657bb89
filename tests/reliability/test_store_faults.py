"""A locked or full database: the crawl waits for the lock, or stops cleanly with nothing half-written."""

from __future__ import annotations

import sqlite3
import threading
import time

from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler import db as corpus
from spiders.reports import ReportsSpider


def report_count(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])


def hold_write_lock(db_path, seconds: float) -> threading.Thread:
    """Another process's writer: holds the database's write lock for ``seconds``."""
    locked = threading.Event()

    def run() -> None:
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    locked.wait(5)
    return thread


def test_open_db_sets_a_busy_timeout(tmp_path):
    database = corpus.open_db(tmp_path / "corpus.db")
    try:
        assert database.execute("PRAGMA busy_timeout").fetchone()[0] == corpus.BUSY_TIMEOUT_MS
    finally:
        database.close()


@deferred_f_from_coro_f
async def test_a_crawl_waits_for_a_write_lock_and_completes(demo_server, fast_settings, tmp_path):
    db_path = tmp_path / "corpus.db"
    corpus.open_db(db_path).close()
    holder = hold_write_lock(db_path, 6)  # longer than sqlite3's default 5 s timeout
    crawler = get_crawler(ReportsSpider, fast_settings(db_path))
    await crawler.crawl_async(seeds=demo_server.url("/"))
    holder.join()
    assert crawler.stats is not None
    assert crawler.stats.get_value("finish_reason") == "finished"
    assert not crawler.stats.get_value("govreports/store/write_failed")
    assert report_count(db_path) > 0


@deferred_f_from_coro_f
async def test_a_full_disk_stops_the_crawl_and_keeps_earlier_batches(
    demo_server, fast_settings, tmp_path, monkeypatch
):
    real_open_db = corpus.open_db

    def small_disk(path, **kwargs):
        database = real_open_db(path, **kwargs)
        pages = database.execute("PRAGMA page_count").fetchone()[0]
        database.execute(f"PRAGMA max_page_count = {pages + 60}")
        return database

    monkeypatch.setattr(corpus, "open_db", small_disk)
    db_path = tmp_path / "corpus.db"
    crawler = get_crawler(ReportsSpider, fast_settings(db_path, GOVREPORTS_STORE_BATCH_SIZE=2))
    await crawler.crawl_async(seeds=demo_server.url("/"))
    assert crawler.stats is not None
    assert crawler.stats.get_value("finish_reason") == "disk_full"
    assert crawler.stats.get_value("govreports/store/write_failed") == 1
    [note] = [note for note in crawler.spider.notes if note.startswith("corpus write failed")]
    assert "database or disk is full" in note and "crawl stopped" in note
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert report_count(db_path) > 0  # the batches before the failure are intact
