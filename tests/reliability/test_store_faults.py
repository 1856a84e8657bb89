"""A locked or full database: the crawl waits for the lock, or stops cleanly with nothing half-written."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from crawler.corpus import db as corpus
from crawler.corpus.dedupe import canonical_url
from crawler.crawl.ledger import RunLedger
from spiders.reports import ReportsSpider

# Runs a command on a small tmpfs mounted at DIR/disk in a private mount namespace (unshare -rm: no
# root needed), then copies what it left there to DIR/after for the test to open.
ON_SMALL_DISK = (
    'mount -t tmpfs -o size="$1" tmpfs "$2/disk" || exit 99; dir=$2; shift 2; "$@"; status=$?; '
    'cp "$dir"/disk/* "$dir"/after/; exit $status'
)


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
    [note] = [note for note in RunLedger.of(crawler).notes if note.startswith("corpus write failed")]
    assert "database or disk is full" in note and "crawl stopped" in note
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert report_count(db_path) > 0  # the batches before the failure are intact


def small_disk_available(tmp_path: Path) -> bool:
    """A real full disk needs a tmpfs in a user and mount namespace (Linux, ``unshare``)."""
    if shutil.which("unshare") is None:
        return False
    (tmp_path / "probe").mkdir()
    probe = ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', str(tmp_path / "probe")]
    return subprocess.run(probe, capture_output=True, timeout=30).returncode == 0


def test_the_cli_exits_non_zero_with_one_line_when_the_disk_fills(demo_server, demo_site, tmp_path):
    """The real command on a real full disk (a tmpfs with room for about three reports): ENOSPC, not a
    simulated error."""
    if not small_disk_available(tmp_path):
        pytest.skip("no unshare, or user namespaces are not allowed here")
    (tmp_path / "disk").mkdir()
    (tmp_path / "after").mkdir()
    empty = tmp_path / "empty.db"
    corpus.open_db(empty).close()
    # the empty corpus, its WAL index, and 1 MB: the demo portal's reports need more
    size_kb = (empty.stat().st_size + 32 * 1024) // 1024 + 1024
    db_path = tmp_path / "disk" / "corpus.db"
    crawl = [sys.executable, "-m", "crawler.cli", "crawl", demo_server.url("/"), "--db", str(db_path)]
    crawl += ["--render", "never", "-s", "GOVREPORTS_STORE_BATCH_SIZE=2", "-s", "DOWNLOAD_DELAY=0"]
    crawl += ["-s", "AUTOTHROTTLE_ENABLED=False"]
    command = ["unshare", "-rm", "sh", "-c", ON_SMALL_DISK, "sh", f"{size_kb}k", str(tmp_path), *crawl]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    [line] = lines
    assert re.fullmatch(
        r"note: corpus write failed \(database or disk is full\): crawl stopped, "
        r"a batch of \d+ reports not stored",
        line,
    )
    assert "finish: disk_full" in done.stdout
    kept = tmp_path / "after" / "corpus.db"
    with sqlite3.connect(kept) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT url FROM reports")}
        [(status, notes)] = conn.execute("SELECT status, notes FROM runs").fetchall()
    # the batches written before the disk filled are all there, as the command reported them
    assert f"corpus {db_path}: {len(stored)} reports" in done.stdout
    # what the run says it stored is what is there (counted in the corpus, not from the failed batch)
    assert f"reports stored this run: {len(stored)} " in done.stdout
    manifest = {canonical_url(demo_server.url(path)) for path in demo_site.expected_report_paths()}
    assert stored and stored < manifest
    assert status == "disk_full" and "database or disk is full" in notes
